//! How the shards' clocks are lined up before their per-second figures are added.
//!
//! Shards started at one `--start-at` share their second 0 exactly. Shards started without it
//! (by hand, one after the other) each count seconds from their own start: adding their second 5
//! together would add what the server received at five different moments. Those are lined up by
//! their own `started_at` instead, as good as the machines' clocks agree, and the merged summary
//! says which was done.

use super::{Input, MergeError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How the shards' clocks were lined up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlignMethod {
    /// Every shard started at one `--start-at`: exact.
    StartAt,
    /// By each shard's `started_at`, on its machine's clock (skew between machines not known).
    WallClock,
}

/// summary.json's `alignment` block (v1.4), on a merged summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    pub method: AlignMethod,
    /// Per shard, in shard order: seconds it started after the earliest.
    pub offsets_s: Vec<f64>,
}

impl Alignment {
    /// Each shard's offset in whole seconds, as the per-second figures are shifted.
    pub fn whole_seconds(&self) -> Vec<u64> {
        self.offsets_s.iter().map(|o| o.round() as u64).collect()
    }

    pub fn largest_s(&self) -> f64 {
        self.offsets_s.iter().copied().fold(0.0, f64::max)
    }
}

/// The alignment of checked shards (in shard order).
pub fn align(inputs: &[Input]) -> Result<Alignment, MergeError> {
    let start_at = |i: &Input| i.summary.shard.as_ref().and_then(|s| s.start_at.clone());
    let first = start_at(&inputs[0]);
    if first.is_some() && inputs.iter().all(|i| start_at(i) == first) {
        return Ok(Alignment {
            method: AlignMethod::StartAt,
            offsets_s: vec![0.0; inputs.len()],
        });
    }
    let starts = inputs
        .iter()
        .map(|i| {
            DateTime::parse_from_rfc3339(&i.summary.started_at)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| MergeError::Read {
                    file: i.file.clone(),
                    reason: format!(
                        "started_at '{}' is not an RFC 3339 time ({e}), and the shards had no common --start-at to line them up by",
                        i.summary.started_at
                    ),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let earliest = starts.iter().min().copied().unwrap_or_default();
    Ok(Alignment {
        method: AlignMethod::WallClock,
        offsets_s: starts
            .iter()
            .map(|t| (*t - earliest).num_milliseconds() as f64 / 1000.0)
            .collect(),
    })
}
