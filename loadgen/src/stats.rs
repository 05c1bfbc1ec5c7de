//! Samples and percentiles, the leaf every figure is built on: one measured request
//! ([`Sample`]), the five figures that sum up a set of durations ([`Latency`]) and the
//! nearest-rank percentile they use ([`percentile`]). Pure; depends on no other module.

use serde::{Deserialize, Serialize};

/// One measured request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub method: &'static str,
    pub route: &'static str,
    /// HTTP status, 0 when no response arrived.
    pub status: u16,
    /// The status was the one the journey step expects.
    pub ok: bool,
    /// When the arrival was due and when it was sent, wall seconds from the run's start.
    pub due_wall_s: f64,
    pub sent_wall_s: f64,
    pub latency_ms: f64,
    pub request_bytes: u64,
    pub response_bytes: u64,
}

/// Mean, p50, p90, p99 and max of a set of durations (milliseconds wherever loadgen writes it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

/// Nearest-rank percentile `q` (0 to 100) of ascending `sorted` values; 0 when empty.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Mean and nearest-rank percentiles; all zero for no values.
pub fn latency(mut v: Vec<f64>) -> Latency {
    if v.is_empty() {
        return Latency::default();
    }
    v.sort_by(f64::total_cmp);
    Latency {
        mean: v.iter().sum::<f64>() / v.len() as f64,
        p50: percentile(&v, 50.0),
        p90: percentile(&v, 90.0),
        p99: percentile(&v, 99.0),
        max: v[v.len() - 1],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        // 10 values: p50 is the 5th, p90 the 9th, p99 the ceil(9.9) = 10th.
        let d = latency(v);
        assert_eq!((d.p50, d.p90, d.p99, d.max), (5.0, 9.0, 10.0, 10.0));
        assert_eq!(d.mean, 55.0 / 10.0);
        assert_eq!(latency(Vec::new()), Latency::default());
        assert_eq!(percentile(&[3.0], 1.0), 3.0);
    }
}
