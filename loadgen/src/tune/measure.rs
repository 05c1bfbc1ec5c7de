//! Statistics of a sweep: Lambda's billed duration, and the spread of cold starts (pure). The
//! percentiles are [`crate::stats`]'.

use crate::stats::latency;
use serde::Serialize;

/// Lambda bills each invocation rounded up to the next whole millisecond.
pub fn billed_ms(duration_ms: f64) -> u64 {
    duration_ms.ceil().max(0.0) as u64
}

/// p50, p99 and mean, what a cold start or an init phase is summed up by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Spread {
    pub p50: f64,
    pub p99: f64,
    pub mean: f64,
}

pub fn spread(ms: &[f64]) -> Spread {
    let d = latency(ms.to_vec());
    Spread {
        p50: d.p50,
        p99: d.p99,
        mean: d.mean,
    }
}

/// Mean of the billed (rounded up) durations: always >= the mean duration.
pub fn billed_mean(ms: &[f64]) -> f64 {
    if ms.is_empty() {
        return 0.0;
    }
    ms.iter().map(|d| billed_ms(*d) as f64).sum::<f64>() / ms.len() as f64
}

/// Rounds for the JSON file: microsecond precision is all a timer on loopback gives.
pub fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_rounds_each_invocation_up() {
        assert_eq!(billed_ms(0.2), 1);
        assert_eq!(billed_ms(1.0), 1);
        assert_eq!(billed_ms(1.0001), 2);
        // (1 + 2 + 3) / 3, against a mean duration of (0.4 + 1.5 + 2.1) / 3 = 1.333.
        let ms = [0.4, 1.5, 2.1];
        assert_eq!(billed_mean(&ms), 2.0);
        assert!(billed_mean(&ms) >= latency(ms.to_vec()).mean);
        assert_eq!(round3(1.23456), 1.235);
    }
}
