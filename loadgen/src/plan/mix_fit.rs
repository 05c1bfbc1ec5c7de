//! A `--mix` from logged route shares: the journey weights whose expected route shares come
//! closest (least squares) to the logs'.
//!
//! A mix of session weights w gives route r the share sum_j w_j a_rj / sum_j w_j L_j, where a_rj
//! is what one session of journey j sends on r ([`super::routes`]) and L_j all it sends. In
//! request shares u_j = w_j L_j / sum w L it is linear, sum_j u_j p_rj with p_rj = a_rj / L_j:
//! non-negative least squares ([`super::nnls`]) against the logged shares, over the routes the
//! scenario plays (the logged shares taken among those routes), then w_j = u_j / L_j.

use super::nnls::nnls;
use super::routes::Expected;
use std::collections::{BTreeMap, BTreeSet};

/// Past this, the fit is said to be poor: the fitted shares differ from the logged ones by this
/// share of requests (half the sum of the differences), or this share of the logged requests is
/// on routes no journey plays.
pub const POOR_DISTANCE: f64 = 0.05;
pub const POOR_UNPLAYABLE: f64 = 0.10;

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub route: String,
    /// Among the logged requests on the routes the scenario plays.
    pub logged: f64,
    pub fitted: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// Session weights, one per journey, whole numbers `--mix` takes.
    pub weights: Vec<u32>,
    /// Share of the requests each journey sends under the fitted mix.
    pub request_shares: Vec<f64>,
    /// The routes the scenario plays, the busiest logged first.
    pub rows: Vec<Row>,
    /// Logged routes no journey plays, with their requests; and their share of all logged.
    pub unplayable: Vec<(String, u64)>,
    pub unplayable_share: f64,
    /// Logged requests on routes only a refresh sends (left out), and their share of all.
    pub refresh: Vec<(String, u64)>,
    pub refresh_share: f64,
    /// Half the sum of |logged - fitted| over the rows: the share of requests on another route.
    pub distance: f64,
}

impl Fit {
    /// Scenario routes the logs never show.
    pub fn unseen(&self) -> impl Iterator<Item = &str> {
        (self.rows.iter())
            .filter(|r| r.logged == 0.0)
            .map(|r| r.route.as_str())
    }

    pub fn poor(&self) -> bool {
        self.distance > POOR_DISTANCE || self.unplayable_share > POOR_UNPLAYABLE
    }
}

/// Why no mix can be fitted.
#[derive(Clone, Debug, PartialEq)]
pub enum FitError {
    /// No logged route is one the scenario plays: the busiest logged routes.
    NoMatch(Vec<String>),
    /// The figures are not finite (not expected from bounded input).
    Numeric,
}

/// `logged`: requests per route, as the logs' reader grouped them.
pub fn fit(logged: &[(String, u64)], e: &Expected, max_weight: u32) -> Result<Fit, FitError> {
    let total: u64 = logged.iter().map(|(_, n)| n).sum();
    let played: BTreeSet<&String> = e.journeys.iter().flat_map(|m| m.keys()).collect();
    let counts: BTreeMap<&String, u64> = logged.iter().map(|(r, n)| (r, *n)).collect();
    let in_fit: u64 = played.iter().filter_map(|r| counts.get(r)).sum();
    if in_fit == 0 {
        let mut busiest: Vec<&(String, u64)> = logged.iter().collect();
        busiest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        return Err(FitError::NoMatch(
            busiest.iter().map(|(r, _)| r.clone()).collect(),
        ));
    }
    let routes: Vec<&String> = played.into_iter().collect();
    let b: Vec<f64> = (routes.iter())
        .map(|r| counts.get(r).copied().unwrap_or(0) as f64 / in_fit as f64)
        .collect();
    let lengths: Vec<f64> = e.journeys.iter().map(|m| m.values().sum()).collect();
    let columns: Vec<Vec<f64>> = (e.journeys.iter().zip(&lengths))
        .map(|(m, l)| {
            (routes.iter())
                .map(|r| m.get(*r).map_or(0.0, |a| a / l))
                .collect()
        })
        .collect();
    let u = nnls(&columns, &b).ok_or(FitError::Numeric)?;
    let sum_u: f64 = u.iter().sum();
    if !(sum_u.is_finite() && sum_u > 0.0) {
        return Err(FitError::Numeric);
    }
    let u: Vec<f64> = u.iter().map(|x| x / sum_u).collect();
    let fitted: Vec<f64> = (0..routes.len())
        .map(|i| columns.iter().zip(&u).map(|(c, uj)| c[i] * uj).sum())
        .collect();
    let session_w: Vec<f64> = (u.iter().zip(&lengths))
        .map(|(uj, l)| if *l > 0.0 { uj / l } else { 0.0 })
        .collect();
    let mut rows: Vec<Row> = (routes.iter().zip(b.iter().zip(&fitted)))
        .map(|(r, (l, f))| Row {
            route: r.to_string(),
            logged: *l,
            fitted: *f,
        })
        .collect();
    rows.sort_by(|a, b| b.logged.total_cmp(&a.logged).then(a.route.cmp(&b.route)));
    let distance = rows
        .iter()
        .map(|r| (r.logged - r.fitted).abs())
        .sum::<f64>()
        / 2.0;
    let (refresh, unplayable): (Vec<_>, Vec<_>) = (logged.iter())
        .filter(|(r, _)| !routes.contains(&r))
        .cloned()
        .partition(|(r, _)| e.refresh_only.contains(r));
    let share = |v: &[(String, u64)]| v.iter().map(|(_, n)| *n as f64).sum::<f64>() / total as f64;
    Ok(Fit {
        weights: integer_weights(&session_w, max_weight),
        request_shares: u,
        rows,
        unplayable_share: share(&unplayable),
        unplayable,
        refresh_share: share(&refresh),
        refresh,
        distance,
    })
}

/// Whole-number weights in the ratios of `w` (>= 0, one > 0): the smallest non-zero one near
/// 1,000 so ratios hold to 0.05%, unless the largest would pass `max`; then divided by their
/// greatest common divisor (1:9:19:1 stays 1:9:19:1).
pub fn integer_weights(w: &[f64], max: u32) -> Vec<u32> {
    let top = w.iter().fold(0.0f64, |m, x| m.max(*x));
    let low = (w.iter())
        .filter(|x| **x > 0.0)
        .fold(f64::INFINITY, |m, x| m.min(*x));
    if !(top.is_finite() && top > 0.0) {
        return vec![0; w.len()];
    }
    let scale = (1000.0 / low).min(f64::from(max) / top);
    let ints: Vec<u32> = (w.iter())
        .map(|x| (x * scale).round().clamp(0.0, f64::from(max)) as u32)
        .collect();
    let g = ints.iter().fold(0, |g, x| gcd(g, *x)).max(1);
    ints.iter().map(|x| x / g).collect()
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The `--mix` text: `name=weight,...`, every journey named.
pub fn mix_text<'a>(names: impl IntoIterator<Item = &'a str>, weights: &[u32]) -> String {
    (names.into_iter().zip(weights))
        .map(|(n, w)| format!("{n}={w}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(journeys: &[&[(&str, f64)]], refresh: &[&str]) -> Expected {
        Expected {
            journeys: (journeys.iter())
                .map(|j| j.iter().map(|(r, n)| (r.to_string(), *n)).collect())
                .collect(),
            refresh_only: refresh.iter().map(|r| r.to_string()).collect(),
        }
    }

    fn logged(v: &[(&str, u64)]) -> Vec<(String, u64)> {
        v.iter().map(|(r, n)| (r.to_string(), *n)).collect()
    }

    #[test]
    fn logs_made_of_whole_sessions_give_back_their_weights() {
        // Journey a: 1 x A + 3 x B per session; b: 2 x C. 2 sessions of a and 5 of b log
        // A 2, B 6, C 10 (18 requests); plus 4 refreshes and 2 requests to /docs, left out.
        let e = expected(&[&[("A", 1.0), ("B", 3.0)], &[("C", 2.0)]], &["R"]);
        let l = logged(&[("A", 2), ("B", 6), ("C", 10), ("R", 4), ("GET /docs", 2)]);
        let f = fit(&l, &e, 1_000_000).unwrap();
        assert_eq!(f.weights, [2, 5]);
        assert!(f.distance < 1e-12, "{f:?}");
        // Request shares: a sends 8 of the 18, b 10.
        assert!((f.request_shares[0] - 8.0 / 18.0).abs() < 1e-12);
        assert_eq!(f.refresh, logged(&[("R", 4)]));
        assert_eq!(f.unplayable, logged(&[("GET /docs", 2)]));
        assert!((f.unplayable_share - 2.0 / 24.0).abs() < 1e-12);
        assert_eq!(f.rows[0].route, "C");
        assert!(!f.poor() && f.unseen().next().is_none());
        assert_eq!(mix_text(["a", "b"], &f.weights), "a=2,b=5");
    }

    #[test]
    fn a_journey_the_logs_do_not_need_weighs_nothing_and_unmatched_logs_are_an_error() {
        // c plays only D, which the logs never show: its weight is 0 and D is unseen.
        let e = expected(&[&[("A", 1.0)], &[("D", 1.0)]], &[]);
        let f = fit(&logged(&[("A", 7)]), &e, 1_000_000).unwrap();
        assert_eq!(f.weights, [1, 0]);
        assert_eq!(f.unseen().collect::<Vec<_>>(), ["D"]);
        let none = fit(&logged(&[("X", 1), ("Y", 3)]), &e, 1_000_000);
        assert_eq!(none, Err(FitError::NoMatch(vec!["Y".into(), "X".into()])));
        // Half the logs on a route no journey plays: poor.
        let f = fit(&logged(&[("A", 5), ("X", 5)]), &e, 1_000_000).unwrap();
        assert!(f.poor() && (f.unplayable_share - 0.5).abs() < 1e-12);
    }

    #[test]
    fn whole_weights_keep_ratios_within_the_bound() {
        assert_eq!(
            integer_weights(&[0.1, 0.9, 1.9, 0.1], 1_000_000),
            [1, 9, 19, 1]
        );
        assert_eq!(integer_weights(&[1.0, 0.0], 1_000_000), [1, 0]);
        // 1 : 2.3456: the smallest to 1,000, the other 2,346 (0.02% off), halved.
        assert_eq!(integer_weights(&[1.0, 2.3456], 1_000_000), [500, 1173]);
        // A ratio of 10^5 cannot give the small one 1,000 under 10^6: the top is 10^6 (then
        // 10 : 10^6, divided by 10).
        assert_eq!(integer_weights(&[1e-5, 1.0], 1_000_000), [1, 100_000]);
        assert_eq!(integer_weights(&[0.0, 0.0], 1_000_000), [0, 0]);
    }
}
