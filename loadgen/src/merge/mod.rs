//! `loadgen merge`: the summaries of the N shards of one plan added up into one summary.json of
//! the same schema as a single run's, which costcalc prices unchanged.
//!
//! Counts are summed; percentiles come from the shards' HDR histograms added together (exact to
//! HDR's 3 significant digits, see [`crate::summary::hdr`]), never from the shards' own
//! percentiles. What cannot be recomputed without the raw samples is said in README ("Shards and
//! merge") and in `sum`. Pure: `align`, `sum` and this module's checks. Edges: [`files`] reads the
//! shards' summaries and writes the merged one. The command is [`crate::cli::merge`].

mod align;
pub mod bounds;
pub mod files;
mod sum;

pub use crate::summary::{AlignMethod, Alignment};

use crate::summary::Summary;
use crate::summary::hdr::{HdrError, Recorded};
use std::collections::BTreeMap;

/// One shard's summary and the file it came from (for the error messages).
#[derive(Clone, Debug)]
pub struct Input {
    pub file: String,
    pub summary: Summary,
}

/// Why shards cannot be merged; every variant names the file at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    #[error("{file}: {reason}")]
    Read { file: String, reason: String },
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
    #[error("no summaries to merge: pass the shards' summary.json files or their folders")]
    Empty,
    #[error("{file}: not a shard (no \"shard\" block): run each part with --shard K/N")]
    NotShard { file: String },
    #[error(
        "{file}: no histograms (summary v1.3 or later): re-run the shard with this loadgen to merge it exactly"
    )]
    NoHistograms { file: String },
    #[error(
        "{file}: {field} is {found} but {first} has {expected}: the shards of a merge must share one plan (scenario, seed, profile, compression, rate scale, shard count)"
    )]
    Plan {
        file: String,
        field: &'static str,
        found: String,
        expected: String,
        first: String,
    },
    #[error("{file}: shard {index}/{count} is also {other}: pass each shard once")]
    Duplicate {
        file: String,
        other: String,
        index: u32,
        count: u32,
    },
    #[error("shard {missing} of {count} missing: merge needs every shard of the plan")]
    Missing { missing: String, count: u32 },
    #[error("{file}: {field} {reason}")]
    Invalid {
        file: String,
        field: String,
        reason: String,
    },
    #[error(
        "--out {out} overlaps the input {input}: the merged summary.json would overwrite or sit among the shards'; choose another folder"
    )]
    OutOverlapsInput { out: String, input: String },
    #[error("{file}: corrupt histogram: {error}")]
    Corrupt { file: String, error: HdrError },
}

/// The plan every shard must share, as (field, value) in words. The scenario is one by its
/// text's hash, not only its name; a shard that records none (before v1.7) matches only another
/// that records none.
fn plan(s: &Summary) -> [(&'static str, String); 6] {
    let p = &s.profile;
    [
        (
            "scenario",
            s.scenario.as_ref().map_or_else(
                || "not recorded (a summary before v1.7)".into(),
                |sc| format!("'{}' (sha256 {})", sc.name, sc.sha256),
            ),
        ),
        ("seed", s.seed.to_string()),
        (
            "profile",
            format!(
                "{} ({}s, {} segments, {:.6} req/s mean)",
                p.name,
                p.duration_s,
                p.segments.len(),
                p.mean_rate_per_s
            ),
        ),
        ("compression", s.compression.to_string()),
        ("rate scale", s.rate_scale.to_string()),
        (
            "shard count",
            s.shard.as_ref().map_or(0, |x| x.count).to_string(),
        ),
    ]
}

/// Checks that the inputs are every shard of one plan, each once; returns them ordered by K.
pub fn check(mut inputs: Vec<Input>) -> Result<Vec<Input>, MergeError> {
    let Some(first) = inputs.first() else {
        return Err(MergeError::Empty);
    };
    for i in &inputs {
        bounds::shard(i)?;
    }
    let first_file = first.file.clone();
    let expected = plan(&first.summary);
    let mut seen: BTreeMap<u32, String> = BTreeMap::new();
    for i in &inputs {
        let Some(shard) = &i.summary.shard else {
            return Err(MergeError::NotShard {
                file: i.file.clone(),
            });
        };
        if i.summary.histograms.is_none() {
            return Err(MergeError::NoHistograms {
                file: i.file.clone(),
            });
        }
        for ((field, found), (_, want)) in plan(&i.summary).into_iter().zip(&expected) {
            if &found != want {
                return Err(MergeError::Plan {
                    file: i.file.clone(),
                    field,
                    found,
                    expected: want.clone(),
                    first: first_file.clone(),
                });
            }
        }
        if let Some(other) = seen.insert(shard.index, i.file.clone()) {
            return Err(MergeError::Duplicate {
                file: i.file.clone(),
                other,
                index: shard.index,
                count: shard.count,
            });
        }
    }
    let count = first.summary.shard.as_ref().map_or(0, |s| s.count);
    let missing: Vec<String> = (0..count)
        .filter(|k| !seen.contains_key(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing: missing.join(", "),
            count,
        });
    }
    inputs.sort_by_key(|i| i.summary.shard.as_ref().map_or(0, |s| s.index));
    Ok(inputs)
}

/// A shard that was ready after the common `--start-at`: its arrivals due before then are dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct LateShard {
    pub index: u32,
    pub count: u32,
    pub late_s: f64,
}

/// The shards (in the order given) that were ready after their start.
pub fn late_shards(inputs: &[Input]) -> Vec<LateShard> {
    inputs
        .iter()
        .filter_map(|i| i.summary.shard.as_ref())
        .filter(|s| s.late_start_s > 0.0)
        .map(|s| LateShard {
            index: s.index,
            count: s.count,
            late_s: s.late_start_s,
        })
        .collect()
}

/// Every shard's histograms added up, each shard's intervals moved by its whole-second offset.
fn histograms(inputs: &[Input], shifts: &[u64]) -> Result<Recorded, MergeError> {
    let mut all = Recorded::default();
    for (i, shift) in inputs.iter().zip(shifts) {
        let h = i
            .summary
            .histograms
            .as_ref()
            .ok_or(MergeError::NoHistograms {
                file: i.file.clone(),
            })?;
        let mut r = h.decode().map_err(|error| MergeError::Corrupt {
            file: i.file.clone(),
            error,
        })?;
        r.rebin(r.interval_s, *shift);
        all.add(&r);
    }
    Ok(all)
}

/// The merged summary of every shard of one plan.
pub fn merge(inputs: Vec<Input>) -> Result<Summary, MergeError> {
    let inputs = check(inputs)?;
    let alignment = align::align(&inputs)?;
    let hist = histograms(&inputs, &alignment.whole_seconds())?;
    let all: Vec<&Summary> = inputs.iter().map(|i| &i.summary).collect();
    Ok(sum::summary(&all, &hist, alignment))
}

#[cfg(test)]
mod tests;
