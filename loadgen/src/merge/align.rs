//! How the shards' clocks are lined up before their per-second figures are added.
//!
//! Shards started at one `--start-at` share their second 0 exactly. Shards started without it
//! (by hand, one after the other) each count seconds from their own start: adding their second 5
//! together would add what the server received at five different moments. Those are lined up by
//! their own `started_at` instead, as good as the machines' clocks agree, and the merged summary
//! says which was done.

use super::{Input, MergeError};
use crate::summary::{AlignMethod, Alignment};
use chrono::{DateTime, Utc};

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
    let offsets_s: Vec<f64> = starts
        .iter()
        .map(|t| (*t - earliest).num_milliseconds() as f64 / 1000.0)
        .collect();
    super::bounds::span(inputs, &offsets_s)?;
    Ok(Alignment {
        method: AlignMethod::WallClock,
        offsets_s,
    })
}
