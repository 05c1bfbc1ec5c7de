//! Did the target keep up? Latency per stretch of the run, and the overload verdict.
//!
//! An open-model run against a target that cannot keep up still "completes": arrivals are dropped
//! and the requests that go through wait in queues, so their latency is queueing, not service
//! time. Priced as is, such a run understates the traffic (only what was sent) and overstates the
//! duration per request. The summary therefore says it outright: the share dropped and failed,
//! and whether latency grew along the run at a rate no higher than earlier (queueing).

use crate::stats::Sample;
use serde::{Deserialize, Serialize};

/// Windows the run is cut into, by due time.
pub const WINDOWS: usize = 10;
/// More than this share (percent of scheduled) dropped or failed is an overload.
pub const LIMIT_PERCENT: f64 = 1.0;
/// A later window at no more than this times an earlier window's rate...
const SIMILAR_RATE: f64 = 1.2;
/// ...whose median latency is more than this many times the earlier one's...
const GROWTH: f64 = 3.0;
/// ...and at least this much higher (ms), shows queueing.
const GROWTH_MIN_MS: f64 = 50.0;
/// Windows with fewer sent requests say too little to compare.
const MIN_SAMPLES: u64 = 20;

/// One stretch of the run (by due time, wall seconds from the start).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Window {
    pub start_s: f64,
    pub seconds: f64,
    /// Arrivals due in the window (sent or dropped).
    pub arrivals: u64,
    pub sent: u64,
    pub dropped: u64,
    /// Arrivals due per second of schedule (real) time.
    pub rate_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Overload {
    /// Dropped or failed above 1% of scheduled, or queueing.
    pub detected: bool,
    pub dropped_percent: f64,
    pub failed_percent: f64,
    /// Median latency grew along the run at a similar or lower rate.
    pub queueing: bool,
    /// Largest growth of the median latency between an earlier and a later window at a similar
    /// or lower rate (1 = none).
    pub latency_growth: f64,
    /// Wall seconds from the last arrival's due time to the end of the run (the last response).
    pub drain_seconds: f64,
    /// Why, in words; empty when `detected` is false.
    pub reasons: Vec<String>,
}

/// Cuts the run into [`WINDOWS`] windows of equal wall time by due time.
pub fn windows(
    samples: &[Sample],
    dropped_due_wall_s: &[f64],
    schedule_wall_s: f64,
    compression: f64,
) -> Vec<Window> {
    let span = schedule_wall_s.max(1e-9);
    let width = span / WINDOWS as f64;
    let slot = |t: f64| ((t / width).max(0.0) as usize).min(WINDOWS - 1);
    let mut lat: Vec<Vec<f64>> = vec![Vec::new(); WINDOWS];
    let mut dropped = [0u64; WINDOWS];
    for s in samples {
        lat[slot(s.due_wall_s)].push(s.latency_ms);
    }
    for d in dropped_due_wall_s {
        dropped[slot(*d)] += 1;
    }
    lat.into_iter()
        .zip(dropped)
        .enumerate()
        .map(|(i, (v, dropped))| {
            let sent = v.len() as u64;
            let l = crate::stats::latency(v);
            Window {
                start_s: i as f64 * width,
                seconds: width,
                arrivals: sent + dropped,
                sent,
                dropped,
                rate_per_s: (sent + dropped) as f64 / (width * compression),
                p50_ms: l.p50,
                p99_ms: l.p99,
            }
        })
        .collect()
}

/// Largest growth of the median between window pairs (earlier, later) at similar or lower rate.
pub fn latency_growth(w: &[Window]) -> f64 {
    let mut worst: f64 = 1.0;
    for (i, a) in w.iter().enumerate() {
        for b in &w[i + 1..] {
            let comparable = a.sent >= MIN_SAMPLES
                && b.sent >= MIN_SAMPLES
                && b.rate_per_s <= a.rate_per_s * SIMILAR_RATE
                && a.p50_ms > 0.0;
            if comparable && b.p50_ms - a.p50_ms >= GROWTH_MIN_MS {
                worst = worst.max(b.p50_ms / a.p50_ms);
            }
        }
    }
    worst
}

/// The verdict on a run: `scheduled` arrivals, of which `dropped` were never sent and `failed`
/// sent but failed.
pub fn judge(scheduled: u64, dropped: u64, failed: u64, w: &[Window], drain: f64) -> Overload {
    let pct = |n: u64| {
        if scheduled == 0 {
            0.0
        } else {
            n as f64 * 100.0 / scheduled as f64
        }
    };
    let (dropped_percent, failed_percent) = (pct(dropped), pct(failed));
    let growth = latency_growth(w);
    let queueing = growth > GROWTH;
    let mut reasons = Vec::new();
    if dropped_percent > LIMIT_PERCENT {
        reasons.push(format!(
            "{dropped_percent:.1}% of arrivals dropped (over {LIMIT_PERCENT}%): the target did not keep up"
        ));
    }
    if failed_percent > LIMIT_PERCENT {
        reasons.push(format!(
            "{failed_percent:.1}% of arrivals failed (over {LIMIT_PERCENT}%)"
        ));
    }
    if queueing {
        reasons.push(format!(
            "median latency grew {growth:.1}x along the run at a similar or lower rate: requests queued"
        ));
    }
    Overload {
        detected: !reasons.is_empty(),
        dropped_percent,
        failed_percent,
        queueing,
        latency_growth: growth,
        drain_seconds: drain.max(0.0),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(due: f64, lat: f64) -> Sample {
        Sample {
            method: "GET",
            route: "/health",
            status: 200,
            ok: true,
            due_wall_s: due,
            sent_wall_s: due,
            latency_ms: lat,
            request_bytes: 0,
            response_bytes: 0,
        }
    }

    /// 100 s at 10 req/s, latency `lat(t)`.
    fn run(lat: impl Fn(f64) -> f64) -> Vec<Sample> {
        (0..1000)
            .map(|i| {
                let t = i as f64 / 10.0;
                sample(t, lat(t))
            })
            .collect()
    }

    #[test]
    fn windows_count_arrivals_rates_and_latency() {
        let w = windows(&run(|_| 2.0), &[5.0, 95.0, 99.9], 100.0, 10.0);
        assert_eq!(w.len(), WINDOWS);
        assert_eq!((w[0].sent, w[0].dropped, w[0].arrivals), (100, 1, 101));
        assert_eq!(w[9].dropped, 2);
        // 101 arrivals in 10 wall seconds at compression 10: 1.01 per schedule second.
        assert!((w[0].rate_per_s - 1.01).abs() < 1e-9);
        assert_eq!((w[3].p50_ms, w[3].p99_ms), (2.0, 2.0));
    }

    #[test]
    fn steady_latency_is_no_overload_and_growing_latency_is_queueing() {
        let flat = windows(&run(|t| 2.0 + (t % 3.0)), &[], 100.0, 1.0);
        let o = judge(1000, 0, 0, &flat, 0.01);
        assert!(!o.detected && !o.queueing, "{o:?}");
        assert_eq!(o.latency_growth, 1.0);
        assert!(o.reasons.is_empty());
        // Latency climbing by 100 ms a second at a constant rate: a queue that never drains.
        let growing = windows(&run(|t| 1.0 + 100.0 * t), &[], 100.0, 1.0);
        let o = judge(1000, 0, 0, &growing, 9.0);
        assert!(o.detected && o.queueing, "{o:?}");
        assert!(
            o.reasons[0].contains("median latency grew"),
            "{:?}",
            o.reasons
        );
        assert_eq!(o.drain_seconds, 9.0);
    }

    #[test]
    fn higher_latency_at_a_higher_rate_is_not_queueing() {
        // The second half at twice the rate and ten times the latency: load, not a queue.
        let mut s: Vec<Sample> = (0..500).map(|i| sample(i as f64 / 10.0, 2.0)).collect();
        s.extend((0..1000).map(|i| sample(50.0 + i as f64 / 20.0, 200.0)));
        let o = judge(1500, 0, 0, &windows(&s, &[], 100.0, 1.0), 0.0);
        assert!(!o.queueing, "{o:?}");
    }

    #[test]
    fn more_than_one_percent_dropped_or_failed_is_an_overload() {
        let w = windows(&run(|_| 2.0), &[], 100.0, 1.0);
        assert!(
            !judge(1000, 10, 10, &w, 0.0).detected,
            "exactly 1% is not over"
        );
        let o = judge(95_040, 80_897, 0, &w, 0.0);
        assert!(o.detected && !o.queueing);
        assert!(
            (o.dropped_percent - 85.1).abs() < 0.1,
            "{}",
            o.dropped_percent
        );
        assert!(
            o.reasons[0].starts_with("85.1% of arrivals dropped"),
            "{:?}",
            o.reasons
        );
        assert!(judge(1000, 0, 11, &w, 0.0).reasons[0].contains("failed"));
    }
}
