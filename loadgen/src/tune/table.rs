//! The sweep as a table: each size's cold start, route percentiles, billed duration over the
//! journey mix, cost per million requests, and the pick (pure).

use rust_decimal::Decimal;

use crate::plan::journey::{JOURNEYS, Mix, Step};
use crate::tune::event::{ROUTES, Route};
use crate::tune::prices::{LambdaPrices, per_million};
use crate::tune::schema::SizeReport;

/// Requests of each timed route (in [`ROUTES`] order) per `sum(mix weights)` sessions, when a
/// session sends `mean_requests` after signing in: one login per writer or reader session, the
/// opening steps once, the cycle's steps in turn. Register, get, update, delete, refresh and
/// logout are not timed by the sweep and are left out.
pub fn route_weights(mix: &Mix, mean_requests: f64) -> [f64; 4] {
    let mut w = [0.0; 4];
    let mut add = |step: Step, n: f64| {
        let route = match step {
            Step::Health => Route::Health,
            Step::List => Route::List,
            Step::Create => Route::Create,
            Step::Login => Route::Login,
            _ => return,
        };
        if let Some(i) = ROUTES.iter().position(|r| *r == route) {
            w[i] += n;
        }
    };
    for (j, sessions) in JOURNEYS.iter().zip(mix.weights) {
        let sessions = f64::from(sessions);
        if let Some(s) = j.sign_in() {
            add(s, sessions);
        }
        if j.sign_in().is_none() {
            // A health probe is a session of one request.
            for s in j.cycle() {
                add(*s, sessions);
            }
            continue;
        }
        for s in j.opening() {
            add(*s, sessions);
        }
        let rest = (mean_requests - j.opening().len() as f64).max(0.0);
        for s in j.cycle() {
            add(*s, sessions * rest / j.cycle().len() as f64);
        }
    }
    w
}

fn dec(v: f64) -> Decimal {
    Decimal::try_from(v).unwrap_or_default()
}

/// Billed ms per request over the weights (None for an unusable size).
pub fn mix_billed_ms(s: &SizeReport, w: &[f64; 4]) -> Option<Decimal> {
    if !s.usable || s.routes.len() != ROUTES.len() {
        return None;
    }
    let total: Decimal = w.iter().map(|x| dec(*x)).sum();
    if total.is_zero() {
        return None;
    }
    let sum: Decimal = s
        .routes
        .iter()
        .zip(w)
        .map(|(r, x)| dec(r.billed_ms_mean) * dec(*x))
        .sum();
    Some(sum / total)
}

/// The worst p99 among the routes the mix sends (a mix's p99 cannot be derived from per-route
/// ones; this bounds it, as costcalc does).
pub fn mix_p99(s: &SizeReport, w: &[f64; 4]) -> f64 {
    s.routes
        .iter()
        .zip(w)
        .filter(|(_, x)| **x > 0.0)
        .map(|(r, _)| r.duration_ms.p99)
        .fold(0.0, f64::max)
}

/// The cheapest usable size (GB-ms billed per request, which every price is proportional to at
/// one tier) whose p99 is within `slo_ms`, ties going to the faster one.
pub fn pick(sizes: &[SizeReport], w: &[f64; 4], slo_ms: f64) -> Option<u32> {
    sizes
        .iter()
        .filter_map(|s| Some((s, mix_billed_ms(s, w)?)))
        .filter(|(s, _)| mix_p99(s, w) <= slo_ms)
        .min_by(|(a, ca), (b, cb)| {
            let ga = *ca * Decimal::from(a.memory_mb);
            let gb = *cb * Decimal::from(b.memory_mb);
            ga.cmp(&gb).then(mix_p99(a, w).total_cmp(&mix_p99(b, w)))
        })
        .map(|(s, _)| s.memory_mb)
}

fn pair(p50: f64, p99: f64) -> String {
    format!("{p50:.1}/{p99:.1}")
}

/// The table, one line per size; `prices` adds the cost columns.
pub fn render(sizes: &[SizeReport], w: &[f64; 4], prices: Option<&LambdaPrices>) -> String {
    let mut head = vec!["MB".to_string(), "cold p50/p99".into()];
    head.extend(ROUTES.iter().map(|r| format!("{} p50/p99", r.name())));
    head.push("billed ms (mix)".into());
    if prices.is_some() {
        head.push("$/1M arm64".into());
        head.push("$/1M x86_64".into());
    }
    let mut rows = vec![head];
    for s in sizes {
        let mut row = vec![s.memory_mb.to_string()];
        let Some(billed) = mix_billed_ms(s, w) else {
            row.push(format!(
                "unusable: {}",
                s.reason.as_deref().unwrap_or("no measured routes")
            ));
            rows.push(row);
            continue;
        };
        row.push(s.cold_start_ms.map_or("-".into(), |c| pair(c.p50, c.p99)));
        row.extend(
            s.routes
                .iter()
                .map(|r| pair(r.duration_ms.p50, r.duration_ms.p99)),
        );
        row.push(format!("{:.2}", billed.round_dp(2)));
        if let Some(p) = prices {
            for gb_s in [p.arm64_gb_s, p.x86_64_gb_s] {
                let c = per_million(p, gb_s, billed, s.memory_mb);
                row.push(format!("{:.4}", c.round_dp(4)));
            }
        }
        rows.push(row);
    }
    align(&rows)
}

/// Columns padded to their widest cell; an unusable size's row (its reason) is not padded.
fn align(rows: &[Vec<String>]) -> String {
    let full = rows.first().map_or(0, Vec::len);
    let width: Vec<usize> = (0..full)
        .map(|c| {
            rows.iter()
                .filter(|r| r.len() == full || c == 0)
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, x)| match width.get(i) {
                Some(w) if r.len() == full || i == 0 => format!("{x:>w$}"),
                _ => x.clone(),
            })
            .collect();
        out.push_str(&cells.join("  "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Latency;
    use crate::tune::schema::RouteReport;

    fn size(mb: u32, billed: [f64; 4], p99: [f64; 4]) -> SizeReport {
        SizeReport {
            memory_mb: mb,
            usable: true,
            reason: None,
            cpus: 0.0,
            cold_start_ms: None,
            init_ms: None,
            routes: ROUTES
                .iter()
                .enumerate()
                .map(|(i, r)| RouteReport {
                    method: r.method(),
                    route: r.path(),
                    count: 5,
                    duration_ms: Latency {
                        p99: p99[i],
                        ..Latency::default()
                    },
                    billed_ms_mean: billed[i],
                })
                .collect(),
        }
    }

    #[test]
    fn the_default_mix_weighs_routes_by_sessions() {
        // newcomer=1, writer=9, reader=19, health=1; 12 requests per session.
        let w = route_weights(&Mix::default(), 12.0);
        // health: 1 session of one request; login: 9 writers + 19 readers.
        assert_eq!((w[0], w[3]), (1.0, 28.0));
        // list: 19 readers x 12 requests / 2 cycle steps.
        assert_eq!(w[1], 19.0 * 12.0 / 2.0);
        // create: the newcomer's opening 1 + (12 - 1) / 3, and 9 writers x 12 / 3.
        assert!((w[2] - (1.0 + 11.0 / 3.0 + 9.0 * 4.0)).abs() < 1e-9);
    }

    #[test]
    fn the_pick_is_the_cheapest_size_within_the_slo() {
        let w = [1.0, 1.0, 1.0, 1.0];
        // 128 MB: 400 ms login, over a 300 ms SLO. 256: 4 x 50 = mean 50 ms x 256 = 12800 GB-ms;
        // 512: mean 20 ms x 512 = 10240 GB-ms, the cheapest; 1024: mean 10 x 1024 = 10240, a tie
        // that goes to the faster one (p99 90 < 100).
        let sizes = vec![
            size(128, [1.0, 1.0, 1.0, 400.0], [1.0, 1.0, 1.0, 400.0]),
            size(256, [50.0; 4], [200.0; 4]),
            size(512, [20.0; 4], [100.0; 4]),
            size(1024, [10.0; 4], [90.0; 4]),
        ];
        assert_eq!(mix_billed_ms(&sizes[2], &w), Some(Decimal::from(20)));
        assert_eq!(pick(&sizes, &w, 300.0), Some(1024));
        assert_eq!(pick(&sizes[..3], &w, 300.0), Some(512));
        assert_eq!(pick(&sizes, &w, 50.0), None);
        let mut gone = size(64, [1.0; 4], [1.0; 4]);
        gone.usable = false;
        gone.reason = Some("oom".into());
        assert_eq!(pick(&[gone.clone()], &w, 300.0), None);
        let t = render(&[gone, sizes[2].clone()], &w, None);
        assert!(t.contains("unusable: oom"), "{t}");
        assert!(t.lines().nth(2).unwrap().contains("20.00"), "{t}");
    }
}
