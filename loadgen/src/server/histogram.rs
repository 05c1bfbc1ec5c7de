//! Percentiles from a Prometheus histogram's cumulative buckets, as `histogram_quantile` computes
//! them: find the bucket the rank falls in, interpolate linearly within it. Pure.

/// A histogram's cumulative buckets `(upper bound, count <= bound)` sorted by bound, the last one
/// `+Inf`; plus `_sum` and `_count`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    pub buckets: Vec<(f64, f64)>,
    pub sum: f64,
    pub count: f64,
}

impl Histogram {
    /// What was observed between `earlier` and `self` (counters only grow; a bucket missing
    /// from `earlier` counts from zero).
    pub fn since(&self, earlier: &Histogram) -> Histogram {
        let before = |le: f64| {
            earlier
                .buckets
                .iter()
                .find(|(b, _)| *b == le)
                .map_or(0.0, |(_, c)| *c)
        };
        Histogram {
            buckets: self
                .buckets
                .iter()
                .map(|&(le, c)| (le, (c - before(le)).max(0.0)))
                .collect(),
            sum: (self.sum - earlier.sum).max(0.0),
            count: (self.count - earlier.count).max(0.0),
        }
    }

    /// The mean observation, `None` when there is none.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0.0).then(|| self.sum / self.count)
    }

    /// The `q` quantile (0..=1), `None` without observations. A rank in the `+Inf` bucket answers
    /// the highest finite bound, as Prometheus does; the first bucket starts at 0.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.buckets.last().map_or(0.0, |b| b.1);
        if total <= 0.0 {
            return None;
        }
        let rank = q.clamp(0.0, 1.0) * total;
        let mut prev = (0.0_f64, 0.0_f64);
        for &(le, cum) in &self.buckets {
            if cum >= rank {
                if le.is_infinite() {
                    return Some(prev.0);
                }
                let in_bucket = cum - prev.1;
                if in_bucket <= 0.0 {
                    return Some(le);
                }
                return Some(prev.0 + (le - prev.0) * (rank - prev.1) / in_bucket);
            }
            prev = (le, cum);
        }
        Some(prev.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(buckets: &[(f64, f64)]) -> Histogram {
        Histogram {
            buckets: buckets.to_vec(),
            sum: 0.0,
            count: buckets.last().unwrap().1,
        }
    }

    #[test]
    fn interpolates_within_the_bucket_of_the_rank() {
        // 100 observations: 10 <= 1 ms, 50 in (1, 5] ms, 30 in (5, 10] ms, 10 above 10 ms.
        let x = h(&[
            (0.001, 10.0),
            (0.005, 60.0),
            (0.01, 90.0),
            (f64::INFINITY, 100.0),
        ]);
        let near = |a: f64, b: f64| (a - b).abs() < 1e-12;
        // p50: rank 50 lies in (1, 5] ms, 40 of its 50 in: 1 + 4 x 40/50 = 4.2 ms.
        assert!(near(
            x.quantile(0.5).unwrap(),
            0.001 + 0.004 * (40.0 / 50.0)
        ));
        // p90: rank 90 is the top of (5, 10] ms.
        assert!(near(x.quantile(0.9).unwrap(), 0.01));
        // p99: rank 99 lies in +Inf: the highest finite bound.
        assert!(near(x.quantile(0.99).unwrap(), 0.01));
        // p5: rank 5 in the first bucket, which starts at 0: 1 ms x 5/10.
        assert!(near(x.quantile(0.05).unwrap(), 0.001 * 5.0 / 10.0));
    }

    #[test]
    fn the_window_is_the_difference_of_two_scrapes() {
        let start = Histogram {
            buckets: vec![(0.001, 4.0), (0.01, 6.0), (f64::INFINITY, 6.0)],
            sum: 0.02,
            count: 6.0,
        };
        let end = Histogram {
            buckets: vec![(0.001, 4.0), (0.01, 16.0), (f64::INFINITY, 16.0)],
            sum: 0.12,
            count: 16.0,
        };
        let d = end.since(&start);
        assert_eq!(
            d.buckets,
            vec![(0.001, 0.0), (0.01, 10.0), (f64::INFINITY, 10.0)]
        );
        assert_eq!(d.count, 10.0);
        // Mean: (0.12 - 0.02) s / 10.
        assert!((d.mean().unwrap() - 0.1 / 10.0).abs() < 1e-12);
        // All 10 in (1, 10] ms: the median is halfway, 1 + 9 x 5/10 = 5.5 ms.
        assert!((d.quantile(0.5).unwrap() - (0.001 + 0.009 * 0.5)).abs() < 1e-12);
        // A route first seen in `end` counts from zero.
        assert_eq!(end.since(&Histogram::default()).count, 16.0);
    }

    #[test]
    fn no_observations_no_figures() {
        let empty = h(&[(0.001, 0.0), (f64::INFINITY, 0.0)]);
        assert_eq!((empty.quantile(0.5), empty.mean()), (None, None));
        assert_eq!(Histogram::default().quantile(0.5), None);
    }
}
