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
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};
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
        let mut r = Recorded {
            totals: self.totals.decode("totals")?,
            interval_s: self.interval_s,
            ..Recorded::default()
        };
        for e in &self.endpoints {
            let what = format!("{} {}", e.method, e.route);
            r.endpoints.insert(
                (e.method.clone(), e.route.clone()),
                e.histograms.decode(&what)?,
            );
        }
        for i in &self.intervals {
            let what = format!("interval at second {}", i.second);
            r.intervals.insert(i.second, i.histograms.decode(&what)?);
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

/// The most a histogram may inflate to: 3 significant digits up to [`MAX_VALUE_US`] take at
/// most about 300 KB; a header declaring more is hostile or corrupt, refused before allocating.
pub const MAX_INFLATED_BYTES: u64 = 1 << 20;
/// The largest value a stored histogram may track (about 12.7 days in microseconds).
pub const MAX_VALUE_US: u64 = 1 << 40;
/// The most requests one stored histogram may count: ten thousand shards of it still add up
/// below what HDR's serializer can write (i64::MAX).
pub const MAX_COUNT: u64 = 100_000_000_000_000;

const V2_COOKIE: u32 = 0x1c84_9303 | 0x10;
const V2_COMPRESSED_COOKIE: u32 = 0x1c84_9304 | 0x10;
const V2_HEADER: usize = 40;

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The inflated V2 form of a V2 + deflate histogram, read no further than
/// [`MAX_INFLATED_BYTES`], its header checked against what loadgen writes.
fn inflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    if be32(bytes, 0) != Some(V2_COMPRESSED_COOKIE) {
        return Err("not V2 + deflate".into());
    }
    let len = be32(bytes, 4).ok_or("truncated header")? as usize;
    let deflated = bytes.get(8..8 + len).ok_or("truncated payload")?;
    let mut inflated = Vec::new();
    flate2::read::ZlibDecoder::new(deflated)
        .take(MAX_INFLATED_BYTES + 1)
        .read_to_end(&mut inflated)
        .map_err(|e| format!("deflate: {e}"))?;
    if inflated.len() as u64 > MAX_INFLATED_BYTES {
        return Err(format!("inflates beyond {MAX_INFLATED_BYTES} bytes"));
    }
    if be32(&inflated, 0) != Some(V2_COOKIE) {
        return Err("not an HDR V2 payload".into());
    }
    let payload = be32(&inflated, 4).ok_or("truncated header")? as usize;
    if payload > inflated.len().saturating_sub(V2_HEADER) {
        return Err(format!(
            "header declares {payload} bytes of counts, {} present",
            inflated.len().saturating_sub(V2_HEADER)
        ));
    }
    if be32(&inflated, 12) != Some(u32::from(SIGNIFICANT_DIGITS)) {
        return Err(format!("not {SIGNIFICANT_DIGITS} significant digits"));
    }
    let high = be64(&inflated, 24).ok_or("truncated header")?;
    if high > MAX_VALUE_US {
        return Err(format!(
            "tracks values up to {high} us, more than {MAX_VALUE_US}"
        ));
    }
    Ok(inflated)
}

/// Decodes one stored histogram, bounded: its declared and inflated size, its value range and
/// its count are checked before (or instead of) allocating what they claim.
pub fn decode(text: &str, what: &str) -> Result<Histogram<u64>, HdrError> {
    let fail = |reason: String| HdrError::Decode {
        what: what.to_string(),
        reason,
    };
    let bytes = STANDARD.decode(text.trim()).map_err(|_| HdrError::Base64 {
        what: what.to_string(),
    })?;
    let inflated = inflate(&bytes).map_err(fail)?;
    let h: Histogram<u64> = Deserializer::new()
        .deserialize(&mut std::io::Cursor::new(inflated))
        .map_err(|e| fail(e.to_string()))?;
    if h.len() > MAX_COUNT {
        return Err(fail(format!(
            "counts {} requests, more than {MAX_COUNT}",
            h.len()
        )));
    }
    Ok(h)
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

#[cfg(test)]
#[path = "hdr_tests.rs"]
mod tests;
