//! Break-even: sweep monthly requests on a log scale and find where each pair of deployments
//! crosses (the cheaper one changes), refined to the exact request count by bisection.

use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::Serialize;

use crate::deployment::{self, Kind, Options};
use crate::error::{Error, Result};
use crate::prices::PriceSnapshot;
use crate::workload::Workload;

#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub requests_per_month: Decimal,
    /// Monthly totals in `Kind::ALL` order (ec2, fargate, lambda), exact.
    pub totals: [Decimal; 3],
}

#[derive(Debug, Clone, Serialize)]
pub struct Crossing {
    pub a: Kind,
    pub b: Kind,
    /// The first monthly request count at which `cheaper_above` is strictly cheaper.
    pub requests_per_month: Decimal,
    /// `cheaper_above`'s and the other's totals there, exact.
    pub cost_usd: Decimal,
    pub other_cost_usd: Decimal,
    pub cheaper_below: Kind,
    pub cheaper_above: Kind,
}

/// Monthly totals of the three deployments at `requests`.
pub fn totals_at(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    requests: Decimal,
) -> Result<[Decimal; 3]> {
    let w = w.scaled_to(requests);
    let mut out = [Decimal::ZERO; 3];
    for (slot, k) in out.iter_mut().zip(Kind::ALL) {
        *slot = deployment::build(k, &w, o, p)?.total_usd;
    }
    Ok(out)
}

/// `points` request counts, evenly spaced in log10 from `from` to `to` (whole requests).
pub fn grid(from: Decimal, to: Decimal, points: usize) -> Result<Vec<Decimal>> {
    if from <= Decimal::ZERO || to <= from {
        return Err(Error::input(
            "--from/--to",
            format!("need 0 < from < to, got from {from}, to {to}"),
        ));
    }
    if points < 2 {
        return Err(Error::input("--points", "need at least 2 points"));
    }
    // The grid's spacing is not money: floating point is fine here; each point is then a whole
    // number of requests and priced exactly.
    let (lo, hi) = (
        from.to_f64().unwrap_or(1.0).log10(),
        to.to_f64().unwrap_or(1.0).log10(),
    );
    let step = (hi - lo) / (points - 1) as f64;
    let mut out = Vec::with_capacity(points);
    for i in 0..points {
        let r = if i == 0 {
            from
        } else if i == points - 1 {
            to
        } else {
            Decimal::from_f64(10f64.powf(lo + step * i as f64))
                .unwrap_or(from)
                .round()
        };
        if out.last().is_none_or(|l: &Decimal| r > *l) {
            out.push(r);
        }
    }
    Ok(out)
}

/// The powers of ten within [from, to].
pub fn decades(from: Decimal, to: Decimal) -> Vec<Decimal> {
    let mut out = Vec::new();
    let mut d = Decimal::ONE;
    while d <= to {
        if d >= from {
            out.push(d);
        }
        d *= Decimal::TEN;
    }
    out
}

pub fn sweep(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    requests: &[Decimal],
) -> Result<Vec<Point>> {
    requests
        .iter()
        .map(|&r| {
            Ok(Point {
                requests_per_month: r,
                totals: totals_at(w, o, p, r)?,
            })
        })
        .collect()
}

fn sign(d: Decimal) -> i8 {
    if d > Decimal::ZERO {
        1
    } else if d < Decimal::ZERO {
        -1
    } else {
        0
    }
}

/// Every change of the cheaper deployment of each pair along the sweep, bisected to the request.
pub fn crossings(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    pts: &[Point],
) -> Result<Vec<Crossing>> {
    let mut out = Vec::new();
    for (ia, ib) in [(0usize, 1usize), (0, 2), (1, 2)] {
        let diff = |t: &[Decimal; 3]| t[ia] - t[ib];
        // Last point with a strict winner, so ties in between do not hide a crossing.
        let mut last: Option<(usize, i8)> = None;
        for (i, pt) in pts.iter().enumerate() {
            let s = sign(diff(&pt.totals));
            if s == 0 {
                continue;
            }
            if let Some((j, prev)) = last
                && prev != s
            {
                let (lo, hi) = (pts[j].requests_per_month, pt.requests_per_month);
                out.push(refine(w, o, p, ia, ib, lo, hi, s)?);
            }
            last = Some((i, s));
        }
    }
    out.sort_by_key(|c| c.requests_per_month);
    Ok(out)
}

/// Bisect on whole requests in (lo, hi] for the first count whose difference has sign `s_hi`.
#[allow(clippy::too_many_arguments)]
fn refine(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    ia: usize,
    ib: usize,
    lo: Decimal,
    hi: Decimal,
    s_hi: i8,
) -> Result<Crossing> {
    let (mut lo, mut hi) = (lo, hi);
    let mut at_hi = totals_at(w, o, p, hi)?;
    while hi - lo > Decimal::ONE {
        let mid = ((lo + hi) / Decimal::TWO).floor();
        let t = totals_at(w, o, p, mid)?;
        if sign(t[ia] - t[ib]) == s_hi {
            hi = mid;
            at_hi = t;
        } else {
            lo = mid;
        }
    }
    let (a, b) = (Kind::ALL[ia], Kind::ALL[ib]);
    // s_hi > 0 means a - b > 0 above: b is cheaper above.
    let (above, below, cost, other) = if s_hi > 0 {
        (b, a, at_hi[ib], at_hi[ia])
    } else {
        (a, b, at_hi[ia], at_hi[ib])
    };
    Ok(Crossing {
        a,
        b,
        requests_per_month: hi,
        cost_usd: cost,
        other_cost_usd: other,
        cheaper_below: below,
        cheaper_above: above,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prices::bundled;
    use rust_decimal_macros::dec;

    #[test]
    fn grid_is_log_spaced_and_ends_exact() {
        let g = grid(dec!(1000), dec!(10000000000), 8).unwrap();
        assert_eq!(
            g,
            vec![
                dec!(1000),
                dec!(10000),
                dec!(100000),
                dec!(1000000),
                dec!(10000000),
                dec!(100000000),
                dec!(1000000000),
                dec!(10000000000)
            ]
        );
        assert!(grid(dec!(0), dec!(10), 5).is_err());
        assert!(grid(dec!(10), dec!(100), 1).is_err());
    }

    #[test]
    fn crossing_found_between_known_points() {
        let p = bundled("us-east-1").unwrap();
        let w = Workload::default();
        let o = Options::default();
        let lo = totals_at(&w, &o, &p, dec!(1000)).unwrap();
        let hi = totals_at(&w, &o, &p, dec!(1000000000)).unwrap();
        // Lambda (index 2) is cheaper than Fargate (1) at 1,000 requests and dearer at 1e9.
        assert!(lo[2] < lo[1] && hi[2] > hi[1], "{lo:?} {hi:?}");
        let pts = sweep(&w, &o, &p, &grid(dec!(1000), dec!(1000000000), 40).unwrap()).unwrap();
        let c = crossings(&w, &o, &p, &pts).unwrap();
        let lf = c
            .iter()
            .find(|c| c.a == Kind::Fargate && c.b == Kind::Lambda)
            .expect("fargate/lambda crossing");
        assert!(lf.requests_per_month > dec!(1000) && lf.requests_per_month < dec!(1000000000));
        assert_eq!(lf.cheaper_below, Kind::Lambda);
        assert_eq!(lf.cheaper_above, Kind::Fargate);
        // Exactly at the crossing Fargate is cheaper; one request below, it is not.
        let at = totals_at(&w, &o, &p, lf.requests_per_month).unwrap();
        let before = totals_at(&w, &o, &p, lf.requests_per_month - dec!(1)).unwrap();
        assert!(at[1] < at[2]);
        assert!(before[1] >= before[2]);
    }
}
