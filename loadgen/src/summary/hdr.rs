//! HDR histograms of a run (summary.json's `histograms`, v1.3): exact to 3 significant digits
//! and mergeable by addition, which is what lets `loadgen merge` give the percentiles of N shards
//! as if one machine had measured every request (pre-rounded percentiles cannot be merged).
//!
//! Three figures per request, in microseconds: `latency` from the actual send (what the server
//! did), `scheduled_latency` from the due time (what a user saw, queueing in loadgen included)
//! and `lateness` (send minus due). Recorded per endpoint, over the run, and per interval of send
//! time, from the samples the run already keeps: nothing is added to the hot path. Each histogram
//! is stored as HDR's interval-log form: V2 + deflate, base64.
//!
//! An interval's three histograms take about 1 KB of summary, so the interval widens with the
//! run's planned length ([`interval_for`]): one second up to an hour of play, then 5 s, 10 s, 30 s
//! and so on, which keeps at most [`MAX_INTERVALS`] of them (about 3.6 MB, whatever the length).

use crate::stats::{Latency, Sample};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SIGNIFICANT_DIGITS: u8 = 3;
pub const ENCODING: &str = "hdr-v2-deflate-base64";
pub const UNIT: &str = "us";

/// Interval widths (seconds), each dividing the next, so histograms of two widths of the ladder
/// add up exactly at the wider one.
pub const INTERVAL_LADDER_S: [u64; 9] = [1, 5, 10, 30, 60, 300, 600, 1800, 3600];
/// The most intervals a run keeps at its planned length: an hour of one-second histograms.
pub const MAX_INTERVALS: u64 = 3600;

/// The interval width for a run planned to play `planned_wall_s` seconds: the narrowest of the
/// ladder that keeps at most [`MAX_INTERVALS`]. Planned, not measured, so that every shard of a
/// plan picks the same width.
pub fn interval_for(planned_wall_s: f64) -> u64 {
    let s = if planned_wall_s.is_finite() {
        planned_wall_s.max(0.0)
    } else {
        0.0
    };
    INTERVAL_LADDER_S
        .into_iter()
        .find(|w| (s / *w as f64).ceil() as u64 <= MAX_INTERVALS)
        .unwrap_or(INTERVAL_LADDER_S[INTERVAL_LADDER_S.len() - 1])
}

/// A corrupt or unreadable histogram.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HdrError {
    #[error("{what}: not base64")]
    Base64 { what: String },
    #[error("{what}: not an HDR V2 histogram ({reason})")]
    Decode { what: String, reason: String },
    #[error("histograms encoded as '{0}', expected {ENCODING} in {UNIT}")]
    Encoding(String),
    #[error("interval_s is 0: the interval histograms need a width of at least one second")]
    Interval,
}

/// The three histograms of a set of requests, in memory.
#[derive(Clone, Debug)]
pub struct Trio {
    pub latency: Histogram<u64>,
    pub scheduled_latency: Histogram<u64>,
    pub lateness: Histogram<u64>,
}

impl Default for Trio {
    fn default() -> Trio {
        let h = || Histogram::new(SIGNIFICANT_DIGITS).expect("3 significant digits is valid");
        Trio {
            latency: h(),
            scheduled_latency: h(),
            lateness: h(),
        }
    }
}

/// Auto-resizing histograms grow to any value; should growing fail (memory), the value is kept
/// as the largest trackable one rather than lost.
fn record(h: &mut Histogram<u64>, v: u64) {
    if h.record(v).is_err() {
        h.saturating_record(v);
    }
}

fn us(ms: f64) -> u64 {
    (ms.max(0.0) * 1000.0).round() as u64
}

impl Trio {
    pub fn record(&mut self, s: &Sample) {
        let late_ms = ((s.sent_wall_s - s.due_wall_s) * 1000.0).max(0.0);
        record(&mut self.latency, us(s.latency_ms));
        record(&mut self.scheduled_latency, us(late_ms + s.latency_ms));
        record(&mut self.lateness, us(late_ms));
    }

    pub fn add(&mut self, o: &Trio) {
        // Same precision, auto-resizing: addition cannot fail.
        let _ = self.latency.add(&o.latency);
        let _ = self.scheduled_latency.add(&o.scheduled_latency);
        let _ = self.lateness.add(&o.lateness);
    }

    fn encode(&self) -> Encoded {
        Encoded {
            latency: encode(&self.latency),
            scheduled_latency: encode(&self.scheduled_latency),
            lateness: encode(&self.lateness),
        }
    }
}

/// A [`Trio`] as stored in summary.json.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Encoded {
    pub latency: String,
    pub scheduled_latency: String,
    pub lateness: String,
}

impl Encoded {
    pub fn decode(&self, what: &str) -> Result<Trio, HdrError> {
        Ok(Trio {
            latency: decode(&self.latency, &format!("{what} latency"))?,
            scheduled_latency: decode(
                &self.scheduled_latency,
                &format!("{what} scheduled_latency"),
            )?,
            lateness: decode(&self.lateness, &format!("{what} lateness"))?,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndpointHistograms {
    pub method: String,
    pub route: String,
    #[serde(flatten)]
    pub histograms: Encoded,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntervalHistograms {
    /// First wall second of the interval, from the run's start (as `timeline[].second`); a
    /// multiple of `interval_s`.
    pub second: u64,
    #[serde(flatten)]
    pub histograms: Encoded,
}

/// summary.json's `histograms` block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histograms {
    pub unit: String,
    pub significant_digits: u8,
    pub encoding: String,
    /// v1.4: the width of `intervals` in seconds (absent: 1, as v1.3 wrote them).
    #[serde(default = "one_second")]
    pub interval_s: u64,
    pub totals: Encoded,
    pub endpoints: Vec<EndpointHistograms>,
    pub intervals: Vec<IntervalHistograms>,
}

fn one_second() -> u64 {
    1
}

/// The histograms in memory: totals, per (method, route), per interval of send time (keyed by
/// the interval's first second).
#[derive(Clone, Debug)]
pub struct Recorded {
    pub totals: Trio,
    pub endpoints: BTreeMap<(String, String), Trio>,
    pub intervals: BTreeMap<u64, Trio>,
    pub interval_s: u64,
}

impl Default for Recorded {
    fn default() -> Recorded {
        Recorded {
            totals: Trio::default(),
            endpoints: BTreeMap::new(),
            intervals: BTreeMap::new(),
            interval_s: 1,
        }
    }
}

impl Recorded {
    /// `interval_s` is the width of the interval histograms (at least 1; see [`interval_for`]).
    pub fn from_samples(samples: &[Sample], interval_s: u64) -> Recorded {
        let w = interval_s.max(1);
        let mut r = Recorded {
            interval_s: w,
            ..Recorded::default()
        };
        for s in samples {
            r.totals.record(s);
            let key = (s.method.to_string(), s.route.to_string());
            r.endpoints.entry(key).or_default().record(s);
            let second = s.sent_wall_s.max(0.0) as u64;
            r.intervals.entry(second / w * w).or_default().record(s);
        }
        r
    }

    /// Adds `o`; intervals of another width are both brought to the least common multiple of the
    /// two widths (exact: a narrower interval lies inside one wider one).
    pub fn add(&mut self, o: &Recorded) {
        self.totals.add(&o.totals);
        for (k, t) in &o.endpoints {
            self.endpoints.entry(k.clone()).or_default().add(t);
        }
        let w = lcm(self.interval_s.max(1), o.interval_s.max(1));
        self.rebin(w, 0);
        for (k, t) in &o.intervals {
            self.intervals.entry(k / w * w).or_default().add(t);
        }
    }

    /// Moves every interval `shift_s` seconds later and re-keys it at width `w` (a multiple of
    /// the current one when `shift_s` is 0, which is then exact).
    pub fn rebin(&mut self, w: u64, shift_s: u64) {
        let w = w.max(1);
        if w == self.interval_s && shift_s == 0 {
            return;
        }
        let old = std::mem::take(&mut self.intervals);
        for (k, t) in old {
            self.intervals
                .entry((k + shift_s) / w * w)
                .or_default()
                .add(&t);
        }
        self.interval_s = w;
    }

    pub fn encode(&self) -> Histograms {
        Histograms {
            unit: UNIT.into(),
            significant_digits: SIGNIFICANT_DIGITS,
            encoding: ENCODING.into(),
            interval_s: self.interval_s,
            totals: self.totals.encode(),
            endpoints: self
                .endpoints
                .iter()
                .map(|((method, route), t)| EndpointHistograms {
                    method: method.clone(),
                    route: route.clone(),
                    histograms: t.encode(),
                })
                .collect(),
            intervals: self
                .intervals
                .iter()
                .map(|(second, t)| IntervalHistograms {
                    second: *second,
                    histograms: t.encode(),
                })
                .collect(),
        }
    }
}

impl Histograms {
    pub fn decode(&self) -> Result<Recorded, HdrError> {
        if self.encoding != ENCODING || self.unit != UNIT {
            return Err(HdrError::Encoding(format!(
                "{} in {}",
                self.encoding, self.unit
            )));
        }
        if self.interval_s == 0 {
            return Err(HdrError::Interval);
        }
        // Each histogram holds one counter per bucket up to its largest value; the sum over a
        // summary is bounded, one histogram (at most ~250 KB) past the bound at worst.
        let mut counters = 0usize;
        let mut budget = |t: Trio, what: &str| {
            counters += [&t.latency, &t.scheduled_latency, &t.lateness]
                .iter()
                .map(|h| h.distinct_values())
                .sum::<usize>();
            if counters > MAX_COUNTERS {
                return Err(HdrError::Decode {
                    what: what.to_string(),
                    reason: format!(
                        "the summary's histograms take more than {MAX_COUNTERS} counters"
                    ),
                });
            }
            Ok(t)
        };
        let mut r = Recorded {
            totals: budget(self.totals.decode("totals")?, "totals")?,
            interval_s: self.interval_s,
            ..Recorded::default()
        };
        for e in &self.endpoints {
            let what = format!("{} {}", e.method, e.route);
            let t = budget(e.histograms.decode(&what)?, &what)?;
            r.endpoints.insert((e.method.clone(), e.route.clone()), t);
        }
        for i in &self.intervals {
            let what = format!("interval at second {}", i.second);
            let t = budget(i.histograms.decode(&what)?, &what)?;
            r.intervals.insert(i.second, t);
        }
        Ok(r)
    }
}

pub fn encode(h: &Histogram<u64>) -> String {
    let mut bytes = Vec::new();
    V2DeflateSerializer::new()
        .serialize(h, &mut bytes)
        .expect("serializing into memory cannot fail");
    STANDARD.encode(bytes)
}

fn lcm(a: u64, b: u64) -> u64 {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    a / gcd(a, b) * b
}

/// Mean, p50, p90, p99 and max in milliseconds (HDR's highest equivalent values); zeros for an
/// empty histogram.
pub fn latency_ms(h: &Histogram<u64>) -> Latency {
    if h.is_empty() {
        return Latency::default();
    }
    let ms = |us: u64| us as f64 / 1000.0;
    Latency {
        mean: h.mean() / 1000.0,
        p50: ms(h.value_at_quantile(0.50)),
        p90: ms(h.value_at_quantile(0.90)),
        p99: ms(h.value_at_quantile(0.99)),
        max: ms(h.max()),
    }
}

/// One interval's latency percentiles (from the actual send), from its histogram.
#[derive(Clone, Debug, PartialEq)]
pub struct IntervalLatency {
    /// The interval's first second; it lasts the histograms' `interval_s`.
    pub second: u64,
    pub count: u64,
    pub latency_ms: Latency,
}

/// Percentiles over time: one entry per interval that sent something, in order.
pub fn per_interval(r: &Recorded) -> Vec<IntervalLatency> {
    r.intervals
        .iter()
        .map(|(second, t)| IntervalLatency {
            second: *second,
            count: t.latency.len(),
            latency_ms: latency_ms(&t.latency),
        })
        .collect()
}

#[path = "hdr_bounded.rs"]
mod bounded;
pub use bounded::{MAX_COUNT, MAX_COUNTERS, MAX_INFLATED_BYTES, MAX_VALUE_US, decode};

#[cfg(test)]
#[path = "hdr_tests.rs"]
mod tests;
