//! Shards of one seeded timeline (`--shard K/N`) and their common start (`--start-at`).
//!
//! Every shard generates the same global timeline from the profile and the seed and keeps the
//! arrivals whose index i has i mod N = K: the N shards together send exactly the single-machine
//! timeline, with no coordination between them. Pure: the caller reads the clock.

use crate::plan::timeline::Timeline;
use chrono::{DateTime, Utc};

/// Shard K of N.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// Why a `--shard` or `--start-at` value was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShardError {
    #[error("expected K/N with 0 <= K < N, e.g. 0/3, or batch/N (AWS Batch), got '{0}'")]
    Shard(String),
    #[error(
        "expected an RFC 3339 time (2026-11-29T12:00:00Z) or +SECONDS from now (+30), got '{0}'"
    )]
    StartAt(String),
    /// `batch/N` where AWS Batch gave no usable array index.
    #[error(
        "batch/{count} takes K from {BATCH_INDEX_VAR}, which is {found}: run it as a child of an AWS Batch array job of {count}, or pass K/N"
    )]
    BatchIndex { count: u32, found: String },
}

/// The variable AWS Batch sets in each child of an array job: its index, 0 to size - 1.
pub const BATCH_INDEX_VAR: &str = "AWS_BATCH_JOB_ARRAY_INDEX";

impl std::str::FromStr for Shard {
    type Err = ShardError;
    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError::Shard(s.to_string());
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// The whole run as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Whether arrival `i` of the global timeline is this shard's.
    pub fn owns(&self, i: usize) -> bool {
        i % self.count as usize == self.index as usize
    }

    /// This shard's part of the global timeline, in order.
    pub fn keep(&self, global: Timeline) -> Timeline {
        if self.count == 1 {
            return global;
        }
        let arrivals_s = global
            .arrivals_s
            .iter()
            .enumerate()
            .filter(|(i, _)| self.owns(*i))
            .map(|(_, t)| *t)
            .collect();
        Timeline {
            arrivals_s,
            compression: global.compression,
        }
    }

    /// `--shard batch/N`, or `None` when `text` is not of that form: K is `index` (the value of
    /// [`BATCH_INDEX_VAR`]). Batch runs a job of one as a plain job, without an index: batch/1
    /// takes K = 0 then.
    pub fn from_batch(text: &str, index: Option<&str>) -> Option<Result<Shard, ShardError>> {
        let n = text.trim().strip_prefix("batch/")?;
        let Ok(count) = n.trim().parse::<u32>() else {
            return Some(Err(ShardError::Shard(text.to_string())));
        };
        if count == 0 {
            return Some(Err(ShardError::Shard(text.to_string())));
        }
        let found = match index {
            None if count == 1 => return Some(Ok(Shard::WHOLE)),
            None => "unset".to_string(),
            Some(v) => match v.trim().parse::<u32>() {
                Ok(index) if index < count => return Some(Ok(Shard { index, count })),
                Ok(_) => format!("{v} (not below {count})"),
                Err(_) => format!("'{v}' (not a number)"),
            },
        };
        Some(Err(ShardError::BatchIndex { count, found }))
    }

    /// The part of the rate each shard plays (for sizing users and sessions).
    pub fn share(&self) -> f64 {
        1.0 / f64::from(self.count)
    }
}

/// `--start-at`: an RFC 3339 time, or `+SECONDS` after `now`.
pub fn parse_start_at(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, ShardError> {
    let bad = || ShardError::StartAt(text.to_string());
    let t = text.trim();
    if let Some(rest) = t.strip_prefix('+') {
        let s: f64 = rest.parse().map_err(|_| bad())?;
        if !(s.is_finite() && s >= 0.0) {
            return Err(bad());
        }
        return Ok(now + chrono::Duration::milliseconds((s * 1000.0).round() as i64));
    }
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| bad())
}

/// How late (seconds, 0 when on time) a shard ready at `ready` is for a start at `start`.
pub fn late_by_s(start: DateTime<Utc>, ready: DateTime<Utc>) -> f64 {
    ((ready - start).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n_and_refuses_the_rest() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["3/3", "0/0", "1", "-1/3", "a/3", "1/b", ""] {
            assert_eq!(
                bad.parse::<Shard>(),
                Err(ShardError::Shard(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn batch_takes_k_from_the_array_index() {
        let b = |text: &str, index: Option<&str>| Shard::from_batch(text, index);
        assert_eq!(b("2/3", Some("1")), None);
        assert_eq!(
            b("batch/3", Some("2")),
            Some(Ok(Shard { index: 2, count: 3 }))
        );
        // A job of one is no array job: Batch sets no index.
        assert_eq!(b("batch/1", None), Some(Ok(Shard::WHOLE)));
        let refused = |text: &str, index: Option<&str>, found: &str| {
            let count = text.trim_start_matches("batch/").parse().unwrap();
            assert_eq!(
                b(text, index),
                Some(Err(ShardError::BatchIndex {
                    count,
                    found: found.into()
                })),
                "{text} {index:?}"
            );
        };
        refused("batch/3", None, "unset");
        refused("batch/3", Some("3"), "3 (not below 3)");
        refused("batch/3", Some("x"), "'x' (not a number)");
        refused("batch/3", Some("-1"), "'-1' (not a number)");
        for bad in ["batch/0", "batch/", "batch/x"] {
            assert_eq!(b(bad, Some("0")), Some(Err(ShardError::Shard(bad.into()))));
        }
        let e = b("batch/3", None).unwrap().unwrap_err().to_string();
        assert!(
            e.contains("AWS_BATCH_JOB_ARRAY_INDEX, which is unset"),
            "{e}"
        );
    }

    #[test]
    fn shards_partition_the_timeline_exactly() {
        let global = Timeline {
            arrivals_s: (0..10).map(|i| i as f64 * 0.5).collect(),
            compression: 2.0,
        };
        let parts: Vec<Timeline> = (0..3)
            .map(|k| Shard { index: k, count: 3 }.keep(global.clone()))
            .collect();
        // 10 arrivals over 3 shards: indexes 0,3,6,9 | 1,4,7 | 2,5,8.
        assert_eq!(parts[0].arrivals_s, vec![0.0, 1.5, 3.0, 4.5]);
        assert_eq!(parts[1].arrivals_s, vec![0.5, 2.0, 3.5]);
        assert_eq!(parts[2].arrivals_s, vec![1.0, 2.5, 4.0]);
        let mut all: Vec<f64> = parts.iter().flat_map(|p| p.arrivals_s.clone()).collect();
        all.sort_by(f64::total_cmp);
        assert_eq!(all, global.arrivals_s);
        assert!(parts.iter().all(|p| p.compression == 2.0));
        assert_eq!(Shard::WHOLE.keep(global.clone()), global);
    }

    #[test]
    fn start_at_is_a_time_or_an_offset() {
        let now = DateTime::parse_from_rfc3339("2026-11-29T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let t = parse_start_at("+1.5", now).unwrap();
        assert_eq!((t - now).num_milliseconds(), 1500);
        let t = parse_start_at("2026-11-29T13:00:00+01:00", now).unwrap();
        assert_eq!(t, now);
        for bad in ["+x", "+-3", "tomorrow", "12:00"] {
            assert!(parse_start_at(bad, now).is_err(), "{bad}");
        }
        // Ready 2.25 s after the start: late by 2.25 s; ready before it: on time.
        assert_eq!(
            late_by_s(now, t + chrono::Duration::milliseconds(2250)),
            2.25
        );
        assert_eq!(late_by_s(now, now - chrono::Duration::seconds(5)), 0.0);
    }
}
