//! Statistics of a sweep: nearest-rank percentiles and Lambda's billed duration (pure).

use serde::Serialize;

/// Nearest-rank percentile of ascending `sorted` values (0 when empty).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Lambda bills each invocation rounded up to the next whole millisecond.
pub fn billed_ms(duration_ms: f64) -> u64 {
    duration_ms.ceil().max(0.0) as u64
}

/// Durations of one route at one size, milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Durations {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub mean: f64,
    pub max: f64,
}

/// p50, p99 and mean, what a cold start or an init phase is summed up by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Spread {
    pub p50: f64,
    pub p99: f64,
    pub mean: f64,
}

pub fn durations(ms: &[f64]) -> Durations {
    let mut s = ms.to_vec();
    s.sort_by(f64::total_cmp);
    Durations {
        p50: percentile(&s, 50.0),
        p90: percentile(&s, 90.0),
        p99: percentile(&s, 99.0),
        mean: mean(&s),
        max: s.last().copied().unwrap_or(0.0),
    }
}

pub fn spread(ms: &[f64]) -> Spread {
    let d = durations(ms);
    Spread {
        p50: d.p50,
        p99: d.p99,
        mean: d.mean,
    }
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
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
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        // 10 values: p50 is the 5th, p90 the 9th, p99 the ceil(9.9) = 10th.
        let d = durations(&v);
        assert_eq!((d.p50, d.p90, d.p99, d.max), (5.0, 9.0, 10.0, 10.0));
        assert_eq!(d.mean, 55.0 / 10.0);
        assert_eq!(durations(&[]), Durations::default());
        assert_eq!(percentile(&[3.0], 1.0), 3.0);
    }

    #[test]
    fn billing_rounds_each_invocation_up() {
        assert_eq!(billed_ms(0.2), 1);
        assert_eq!(billed_ms(1.0), 1);
        assert_eq!(billed_ms(1.0001), 2);
        // (1 + 2 + 3) / 3, against a mean duration of (0.4 + 1.5 + 2.1) / 3 = 1.333.
        let ms = [0.4, 1.5, 2.1];
        assert_eq!(billed_mean(&ms), 2.0);
        assert!(billed_mean(&ms) >= durations(&ms).mean);
        assert_eq!(round3(1.23456), 1.235);
    }
}
