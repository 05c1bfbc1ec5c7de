//! Break-even: where the cheapest deployment changes as monthly traffic grows.
//!
//! Exact, not sampled: `segments` lists the request counts where any deployment's cost changes
//! shape; between two of them every total is affine, so the difference of two deployments changes
//! sign at most once there, and a bisection on whole requests finds the first count at which the
//! other is strictly cheaper. Every crossing in the range is found whatever `--points` says
//! (points only shape the chart and its table).

mod segments;

use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::Serialize;

pub use segments::breakpoints;

use crate::catalog::PriceSnapshot;
use crate::deployment::{self, Kind, Options};
use crate::error::{Error, Input, Problem, Result};
use crate::limits;
use crate::workload::Workload;

#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub requests_per_month: Decimal,
    /// Monthly totals in `Kind::ALL` order (ec2, fargate, lambda), exact.
    pub totals: [Decimal; 3],
}

impl Point {
    /// The cheapest deployment here (the first of `Kind::ALL` on a tie).
    pub fn cheapest(&self) -> Kind {
        let i = (0..3).min_by_key(|i| self.totals[*i]).unwrap_or(0);
        Kind::ALL[i]
    }
}

/// Where one deployment of a pair becomes strictly cheaper than the other.
#[derive(Debug, Clone, Serialize)]
pub struct Crossing {
    /// The first request count at which `cheaper_above` is strictly cheaper than `cheaper_below`.
    pub requests_per_month: Decimal,
    pub cheaper_below: Kind,
    pub cheaper_above: Kind,
    /// `cheaper_above`'s and `cheaper_below`'s totals there, exact.
    pub cost_usd: Decimal,
    pub other_cost_usd: Decimal,
    /// All three totals there, in `Kind::ALL` order.
    pub totals: [Decimal; 3],
    /// Whether the overall cheapest deployment changes here (the headline), or only the order of
    /// two dearer ones (detail).
    pub changes_cheapest: bool,
}

/// A traffic range over which one deployment is the cheapest of the three.
#[derive(Debug, Clone, Serialize)]
pub struct Span {
    pub cheapest: Kind,
    pub from_requests_per_month: Decimal,
    pub to_requests_per_month: Decimal,
}

/// The break-even analysis of a range.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub from: Decimal,
    pub to: Decimal,
    /// The cheapest deployment by traffic range, in order.
    pub cheapest: Vec<Span>,
    /// Every crossing of every pair, in order of traffic.
    pub crossings: Vec<Crossing>,
    /// The totals at each breakpoint (where some cost changes shape), in order.
    pub breakpoints: Vec<Point>,
}

/// Monthly totals of the three deployments at `requests`.
pub fn totals_at(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    requests: Decimal,
) -> Result<[Decimal; 3]> {
    let w = w.scaled_to(requests, o.hours);
    let mut out = [Decimal::ZERO; 3];
    for (slot, d) in out.iter_mut().zip(deployment::build_all(&w, o, p)?) {
        *slot = d.total_usd;
    }
    Ok(out)
}

/// Check a sweep's range: whole requests, 1 <= from < to <= the engine's limit.
pub fn check_range(from: Decimal, to: Decimal) -> Result<()> {
    crate::error::check_range(
        Input::SweepFrom,
        from,
        Decimal::ONE,
        limits::REQUESTS_PER_MONTH,
    )?;
    crate::error::check_range(Input::SweepTo, to, Decimal::ONE, limits::REQUESTS_PER_MONTH)?;
    if to <= from {
        return Err(Error::invalid(
            Input::SweepTo,
            to.normalize(),
            Problem::EmptyRange { from, to },
        ));
    }
    Ok(())
}

/// Every crossing and the cheapest deployment over [from, to], exactly.
pub fn analyse(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    from: Decimal,
    to: Decimal,
) -> Result<Analysis> {
    check_range(from, to)?;
    let (from, to) = (from.ceil(), to.floor().max(from.ceil() + Decimal::ONE));
    let bps = sweep(w, o, p, &breakpoints(w, o, p, from, to)?)?;
    let mut crossings = Vec::new();
    for (ia, ib) in [(0usize, 1usize), (0, 2), (1, 2)] {
        let sign = |t: &[Decimal; 3]| num_sign(t[ia] - t[ib]);
        // The last strict order of the pair, so that a tie in between hides no crossing.
        let mut last = bps.first().map_or(Decimal::ZERO, |b| sign(&b.totals));
        for pair in bps.windows(2) {
            let s = sign(&pair[1].totals);
            if !s.is_zero() && !last.is_zero() && s != last {
                let (lo, hi) = (pair[0].requests_per_month, pair[1].requests_per_month);
                let at = first_where(lo, hi, |r| Ok(sign(&totals_at(w, o, p, r)?) == s))?;
                let t = totals_at(w, o, p, at)?;
                // s > 0: a is dearer from here, so b is the one that became cheaper.
                let (above, below) = if s.is_sign_positive() {
                    (ib, ia)
                } else {
                    (ia, ib)
                };
                crossings.push(Crossing {
                    requests_per_month: at,
                    cheaper_below: Kind::ALL[below],
                    cheaper_above: Kind::ALL[above],
                    cost_usd: t[above],
                    other_cost_usd: t[below],
                    totals: t,
                    changes_cheapest: false,
                });
            }
            if !s.is_zero() {
                last = s;
            }
        }
    }
    crossings.sort_by_key(|c| c.requests_per_month);
    let cheapest = spans(&bps, &mut crossings);
    Ok(Analysis {
        from,
        to,
        cheapest,
        crossings,
        breakpoints: bps,
    })
}

/// -1, 0 or 1.
fn num_sign(d: Decimal) -> Decimal {
    if d.is_zero() {
        Decimal::ZERO
    } else if d.is_sign_negative() {
        Decimal::NEGATIVE_ONE
    } else {
        Decimal::ONE
    }
}

/// The first whole request count in (lo, hi] where `pred` holds, given it holds at `hi` and,
/// on this affine piece, keeps holding once it does.
fn first_where(
    lo: Decimal,
    hi: Decimal,
    mut pred: impl FnMut(Decimal) -> Result<bool>,
) -> Result<Decimal> {
    let (mut lo, mut hi) = (lo, hi);
    while hi - lo > Decimal::ONE {
        let mid = lo + ((hi - lo) / Decimal::TWO).floor();
        if pred(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

/// The cheapest deployment by range: it can change only where a pair crosses, so it is read at
/// the start of the range and at each crossing; the crossings where it changes are marked.
fn spans(bps: &[Point], crossings: &mut [Crossing]) -> Vec<Span> {
    let Some(first) = bps.first() else {
        return Vec::new();
    };
    let to = bps
        .last()
        .map_or(first.requests_per_month, |l| l.requests_per_month);
    let mut out = vec![Span {
        cheapest: first.cheapest(),
        from_requests_per_month: first.requests_per_month,
        to_requests_per_month: to,
    }];
    for c in crossings.iter_mut() {
        let here = Point {
            requests_per_month: c.requests_per_month,
            totals: c.totals,
        }
        .cheapest();
        let current = out.last_mut().expect("spans start with one");
        if here != current.cheapest && c.cheaper_above == here {
            current.to_requests_per_month = c.requests_per_month - Decimal::ONE;
            c.changes_cheapest = true;
            out.push(Span {
                cheapest: here,
                from_requests_per_month: c.requests_per_month,
                to_requests_per_month: to,
            });
        }
    }
    out
}

/// `points` request counts, evenly spaced in log10 from `from` to `to` (whole requests): what the
/// chart and the table of a sweep show.
pub fn grid(from: Decimal, to: Decimal, points: usize) -> Result<Vec<Decimal>> {
    check_range(from, to)?;
    if !(2..=limits::SWEEP_POINTS_MAX).contains(&points) {
        return Err(Error::invalid(
            Input::SweepPoints,
            points,
            Problem::OutOfRange {
                min: Decimal::TWO,
                max: Decimal::from(limits::SWEEP_POINTS_MAX),
            },
        ));
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
        match d.checked_mul(Decimal::TEN) {
            Some(next) => d = next,
            None => break,
        }
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

/// What a chart draws: `points` log-spaced samples and every breakpoint, so that each size step
/// is drawn as a step.
pub fn chart_points(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    a: &Analysis,
    points: usize,
) -> Result<Vec<Point>> {
    let samples = sweep(w, o, p, &grid(a.from, a.to, points)?)?;
    let mut drawn: Vec<Point> = samples
        .into_iter()
        .chain(a.breakpoints.iter().cloned())
        .collect();
    drawn.sort_by_key(|p| p.requests_per_month);
    drawn.dedup_by_key(|p| p.requests_per_month);
    Ok(drawn)
}

#[cfg(test)]
mod tests;
