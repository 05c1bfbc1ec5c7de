//! Latencies in whole milliseconds (every access log gives milliseconds): exact below 1,024 ms,
//! then 64 steps per doubling (within 1.6%) up to `MAX_LATENCY_MS`. The counts grow only as far
//! as the longest latency seen, so a route of fast requests holds a few KB.

/// Values below this are kept exactly.
const EXACT: u64 = 1024;
const STEPS: u64 = 64;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
}

fn index(ms: u64) -> usize {
    if ms < EXACT {
        return ms as usize;
    }
    let p = 63 - u64::from(ms.leading_zeros()); // 2^p <= ms, p >= 10
    let step = (ms >> (p - 6)) - STEPS; // 0..64 within the doubling
    (EXACT + (p - 10) * STEPS + step) as usize
}

/// The largest value a bucket holds (its upper edge): a quantile is never understated.
fn upper(i: usize) -> u64 {
    let i = i as u64;
    if i < EXACT {
        return i;
    }
    let p = (i - EXACT) / STEPS + 10;
    let step = (i - EXACT) % STEPS;
    ((STEPS + step + 1) << (p - 6)) - 1
}

impl Histogram {
    pub fn add(&mut self, ms: u64) {
        let i = index(ms.min(super::MAX_LATENCY_MS));
        if self.counts.len() <= i {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += 1;
        self.total += 1;
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// The nearest-rank quantile `per_mille` / 1000 (500 is the median, 990 the p99): the
    /// smallest value with at least that share of the counts at or below it.
    pub fn quantile(&self, per_mille: u64) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let rank = (self.total * per_mille).div_ceil(1000).max(1);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(upper(i));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank_and_exact_below_a_second() {
        let mut h = Histogram::default();
        // 1..=100 ms: the median is the 50th value, the p99 the 99th.
        for ms in 1..=100 {
            h.add(ms);
        }
        assert_eq!(h.quantile(500), Some(50));
        assert_eq!(h.quantile(990), Some(99));
        assert_eq!(h.quantile(1000), Some(100));
        assert_eq!(Histogram::default().quantile(500), None);
    }

    #[test]
    fn above_a_second_a_bucket_is_within_two_percent_and_never_below() {
        for ms in [1024, 1500, 2047, 2048, 60_000, 4_000_000] {
            let u = upper(index(ms));
            assert!(u >= ms && u * 1000 <= ms * 1016, "{ms} -> {u}");
        }
        assert_eq!(upper(index(1023)), 1023);
    }
}
