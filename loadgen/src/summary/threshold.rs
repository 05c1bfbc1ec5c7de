//! `--threshold` rules such as `p99<500ms` or `error-rate<1%`, judged on the finished summary.

use crate::summary::{Summary, ThresholdResult};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Metric {
    P50,
    P90,
    P99,
    Mean,
    Max,
    /// Failed requests, percent of sent.
    ErrorRate,
    /// Dropped arrivals, percent of scheduled.
    DropRate,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

/// One parsed rule; `Display` gives back the text it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    text: String,
    metric: Metric,
    op: Op,
    /// Milliseconds for latencies, percent for rates.
    limit: f64,
}

impl std::fmt::Display for Threshold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Threshold {
    type Err = String;

    fn from_str(s: &str) -> Result<Threshold, String> {
        let text: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let bad = |why: &str| {
            format!(
                "invalid threshold '{s}': {why} (examples: p99<500ms, mean<=200ms, error-rate<1%, drop-rate<0.1%)"
            )
        };
        let at = text
            .find(['<', '>'])
            .ok_or_else(|| bad("no comparison < <= > >="))?;
        let (name, rest) = text.split_at(at);
        let (op, value) = if let Some(v) = rest.strip_prefix("<=") {
            (Op::Le, v)
        } else if let Some(v) = rest.strip_prefix(">=") {
            (Op::Ge, v)
        } else if let Some(v) = rest.strip_prefix('<') {
            (Op::Lt, v)
        } else {
            (Op::Gt, &rest[1..])
        };
        let metric = match name {
            "p50" => Metric::P50,
            "p90" => Metric::P90,
            "p99" => Metric::P99,
            "mean" | "avg" => Metric::Mean,
            "max" => Metric::Max,
            "error-rate" => Metric::ErrorRate,
            "drop-rate" => Metric::DropRate,
            _ => {
                return Err(bad(
                    "unknown metric; use p50, p90, p99, mean, max, error-rate or drop-rate",
                ));
            }
        };
        let is_rate = matches!(metric, Metric::ErrorRate | Metric::DropRate);
        let (num, scale) = if is_rate {
            let n = value
                .strip_suffix('%')
                .ok_or_else(|| bad("a rate needs a percent, like 1%"))?;
            (n, 1.0)
        } else if let Some(n) = value.strip_suffix("ms") {
            (n, 1.0)
        } else if let Some(n) = value.strip_suffix('s') {
            (n, 1000.0)
        } else {
            return Err(bad("a latency needs a unit, ms or s"));
        };
        let n: f64 = num.parse().map_err(|_| bad("the value is not a number"))?;
        if !(n.is_finite() && n >= 0.0) {
            return Err(bad("the value must be >= 0"));
        }
        Ok(Threshold {
            text,
            metric,
            op,
            limit: n * scale,
        })
    }
}

impl Threshold {
    /// Judges the rule on the run's totals.
    pub fn judge(&self, s: &Summary) -> ThresholdResult {
        let pct = |part: u64, whole: u64| {
            if whole == 0 {
                0.0
            } else {
                part as f64 * 100.0 / whole as f64
            }
        };
        let l = &s.totals.latency_ms;
        let observed = match self.metric {
            Metric::P50 => l.p50,
            Metric::P90 => l.p90,
            Metric::P99 => l.p99,
            Metric::Mean => l.mean,
            Metric::Max => l.max,
            Metric::ErrorRate => pct(s.totals.failures, s.totals.count),
            Metric::DropRate => pct(s.arrivals.dropped, s.arrivals.scheduled),
        };
        let passed = match self.op {
            Op::Lt => observed < self.limit,
            Op::Le => observed <= self.limit,
            Op::Gt => observed > self.limit,
            Op::Ge => observed >= self.limit,
        };
        ThresholdResult {
            expr: self.text.clone(),
            passed,
            observed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> Summary {
        serde_json::from_str(include_str!("../../tests/data/summary-v1.json")).unwrap()
    }

    #[test]
    fn parses_and_judges_latencies_and_rates() {
        let s = summary(); // totals: p99 52 ms, 2 failures of 2000, 0 dropped
        let judge = |t: &str| t.parse::<Threshold>().unwrap().judge(&s);
        assert!(judge("p99<500ms").passed);
        assert!(!judge("p99<50ms").passed);
        assert!(judge("p99 < 0.06s").passed);
        assert_eq!(judge("p99<0.06s").observed, 52.0);
        assert!(judge("max<=88ms").passed);
        assert!(!judge("max<88ms").passed);
        let e = judge("error-rate<1%");
        assert!(e.passed && (e.observed - 0.1).abs() < 1e-9);
        assert!(!judge("error-rate<0.05%").passed);
        assert!(judge("drop-rate<=0%").passed);
        assert!(judge("mean>5ms").passed);
        assert_eq!(judge("p99 < 500ms").expr, "p99<500ms");
    }

    #[test]
    fn bad_rules_say_why() {
        for (t, why) in [
            ("p99", "no comparison"),
            ("p42<5ms", "unknown metric"),
            ("p99<500", "needs a unit"),
            ("error-rate<1", "needs a percent"),
            ("p99<fast ms", "not a number"),
            ("p99<-1ms", ">= 0"),
        ] {
            let e = t.parse::<Threshold>().unwrap_err();
            assert!(e.contains(why), "{t}: {e}");
            assert!(e.starts_with("invalid threshold"), "{e}");
        }
    }
}
