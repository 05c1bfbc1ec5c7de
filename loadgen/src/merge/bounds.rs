//! What `loadgen merge` accepts of a shard's summary before any arithmetic or allocation: the
//! summaries come from S3, so anyone who can write to the bucket chooses every number in them.
//! Each bound is far beyond what a real run writes; beyond it the file is refused, naming the
//! field.

use super::{Input, MergeError};
use crate::scenario::MAX_NAME_CHARS;
use crate::summary::hdr::INTERVAL_LADDER_S;
use crate::summary::{SCHEMA, Summary};
use serde_json::Value;

/// The largest shard summary read (a one-hour run with its histograms is about 4 MB).
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// The most shards of one plan.
pub const MAX_SHARDS: u32 = 10_000;
/// Every number in a shard's summary (but its seed) lies within this, so that the sums of
/// [`MAX_SHARDS`] of them stay far inside u64 and f64's exact integers.
pub const MAX_NUMBER: f64 = 1e15;
/// Shards without a common `--start-at` must have started within a week of one another:
/// the merged timeline has one entry per second of the span.
pub const MAX_SPAN_S: f64 = 7.0 * 86_400.0;
/// The most endpoints of one shard: costcalc's own bound, so that a merge is refused exactly
/// when costcalc would refuse its result. A real run has one per distinct (method, route) of
/// its scenario: `scenario check` refuses more than this, and `scenario init --openapi` writes
/// at most [`crate::openapi::MAX_OPERATIONS`].
pub const ENDPOINTS: usize = costcalc::limits::LIST_ENTRIES;
const _: () = assert!(
    crate::openapi::MAX_OPERATIONS <= ENDPOINTS && crate::scenario::MAX_ROUTES == ENDPOINTS
);
/// The longest lists of one shard: (field, most entries), refused while the file is parsed
/// (`costcalc::strict_json::read_bounded`).
pub const MAX_LEN: [(&str, usize); 8] = [
    ("timeline", 1_000_000),
    ("idle_gaps", 100_000),
    ("endpoints", ENDPOINTS),
    ("histograms.endpoints", ENDPOINTS),
    ("journeys", 1_000),
    ("windows", 1_000),
    ("thresholds", 1_000),
    ("histograms.intervals", 10_000),
];

fn bad(file: &str, field: impl Into<String>, reason: impl Into<String>) -> MergeError {
    MergeError::Invalid {
        file: file.to_string(),
        field: field.into(),
        reason: reason.into(),
    }
}

/// Every number of the parsed file within ±[`MAX_NUMBER`] (the seed excepted), checked on the
/// JSON itself so the error names the field wherever it is.
pub fn numbers(file: &str, v: &Value) -> Result<(), MergeError> {
    fn walk(file: &str, path: &str, v: &Value) -> Result<(), MergeError> {
        match v {
            Value::Number(n) if path != "seed" => {
                let x = n.as_f64().unwrap_or(f64::INFINITY);
                if x.is_nan() || x.abs() > MAX_NUMBER {
                    return Err(bad(file, path, format!("is {n}, beyond ±{MAX_NUMBER:e}")));
                }
            }
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    walk(file, &format!("{path}[{i}]"), x)?;
                }
            }
            Value::Object(map) => {
                for (k, x) in map {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(file, &p, x)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
    walk(file, "", v)
}

/// The schema's major version is this loadgen's (v1 and its minor versions).
pub fn schema(file: &str, schema: &str) -> Result<(), MergeError> {
    let ours = SCHEMA.split('/').next().unwrap_or_default();
    let ok = schema
        .strip_prefix(ours)
        .and_then(|v| v.strip_prefix("/v1"))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'));
    if ok {
        return Ok(());
    }
    Err(bad(
        file,
        "schema",
        format!(
            "is '{schema}': this loadgen merges {ours}/v1.x only; merge with the loadgen that wrote it"
        ),
    ))
}

/// The bounds and the arithmetic of one parsed shard summary.
pub fn shard(i: &Input) -> Result<(), MergeError> {
    let (f, s) = (i.file.as_str(), &i.summary);
    schema(f, &s.schema)?;
    if let Some(sh) = &s.shard
        && (sh.count == 0 || sh.count > MAX_SHARDS || sh.index >= sh.count)
    {
        return Err(bad(
            f,
            "shard",
            format!(
                "is {}/{}: a shard K/N has 0 <= K < N <= {MAX_SHARDS}",
                sh.index, sh.count
            ),
        ));
    }
    scenario(f, s)?;
    lengths(f, s)?;
    counts(f, s)?;
    if let Some(h) = &s.histograms
        && !INTERVAL_LADDER_S.contains(&h.interval_s)
    {
        return Err(bad(
            f,
            "histograms.interval_s",
            format!(
                "is {}: loadgen writes one of {INTERVAL_LADDER_S:?}",
                h.interval_s
            ),
        ));
    }
    Ok(())
}

/// The scenario block as loadgen writes it: a short one-line name and a SHA-256 in hex (the
/// merged summary carries it on to costcalc, which names the API by it).
fn scenario(f: &str, s: &Summary) -> Result<(), MergeError> {
    let Some(sc) = &s.scenario else {
        return Ok(());
    };
    let name_ok = (1..=MAX_NAME_CHARS).contains(&sc.name.chars().count())
        && !sc.name.chars().any(char::is_control);
    if !name_ok {
        let why = format!("is not a name of 1 to {MAX_NAME_CHARS} printable characters");
        return Err(bad(f, "scenario.name", why));
    }
    let hex = sc.sha256.len() == 64
        && sc
            .sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex {
        return Err(bad(f, "scenario.sha256", "is not 64 lowercase hex digits"));
    }
    Ok(())
}

fn lengths(f: &str, s: &Summary) -> Result<(), MergeError> {
    let hist = s.histograms.as_ref();
    for (field, most) in MAX_LEN {
        let len = match field {
            "timeline" => s.timeline.len(),
            "idle_gaps" => s.idle_gaps.len(),
            "endpoints" => s.endpoints.len(),
            "histograms.endpoints" => hist.map_or(0, |h| h.endpoints.len()),
            "journeys" => s.journeys.len(),
            "windows" => s.windows.len(),
            "thresholds" => s.thresholds.len(),
            _ => hist.map_or(0, |h| h.intervals.len()),
        };
        if len > most {
            return Err(bad(
                f,
                field,
                format!("has {len} entries, more than {most}"),
            ));
        }
    }
    Ok(())
}

/// Counts that add up: what was sent and dropped was scheduled, what failed was sent.
fn counts(f: &str, s: &Summary) -> Result<(), MergeError> {
    let a = &s.arrivals;
    let played = a.sent.saturating_add(a.dropped);
    let checks = [
        (
            played > a.scheduled,
            "arrivals",
            format!(
                "sent {} + dropped {} exceed scheduled {}",
                a.sent, a.dropped, a.scheduled
            ),
        ),
        (
            a.failed > a.sent,
            "arrivals.failed",
            format!("{} exceeds sent {}", a.failed, a.sent),
        ),
        (
            a.cancelled > a.failed,
            "arrivals.cancelled",
            format!("{} exceeds failed {}", a.cancelled, a.failed),
        ),
        (
            s.totals.failures > s.totals.count,
            "totals.failures",
            format!(
                "{} exceeds totals.count {}",
                s.totals.failures, s.totals.count
            ),
        ),
    ];
    match checks.into_iter().find(|c| c.0) {
        Some((_, field, reason)) => {
            Err(bad(f, field, format!("{reason}: the counts do not add up")))
        }
        None => Ok(()),
    }
}

/// The span of the shards' starts, when they are lined up by their clocks.
pub fn span(inputs: &[Input], offsets_s: &[f64]) -> Result<(), MergeError> {
    for (i, o) in inputs.iter().zip(offsets_s) {
        if o.is_nan() || *o > MAX_SPAN_S {
            return Err(bad(
                &i.file,
                "started_at",
                format!(
                    "is {o:.0} s after the earliest shard's, more than {MAX_SPAN_S:.0} s (a week): the shards of one plan start together; give them a common --start-at"
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_schema_v1_and_its_minor_versions_merge() {
        for ok in ["v1", "v1.1", "v1.4", "v1.40"] {
            schema("f", &format!("deploycost.loadgen.summary/{ok}")).unwrap();
        }
        for bad in ["v2", "v10", "v1x", "v", "v2.0"] {
            let e = schema("f", &format!("deploycost.loadgen.summary/{bad}")).unwrap_err();
            assert!(e.to_string().starts_with("f: schema is"), "{e}");
        }
        assert!(schema("f", "other.summary/v1").is_err());
    }

    #[test]
    fn numbers_are_bounded_wherever_they_are_but_the_seed() {
        let v: Value = serde_json::json!({"seed": u64::MAX, "a": [1, {"b": 1e15}]});
        numbers("f", &v).unwrap();
        let v: Value = serde_json::json!({"a": [1, {"b": 1.5e15}]});
        let e = numbers("f", &v).unwrap_err().to_string();
        assert_eq!(e, "f: a[1].b is 1500000000000000.0, beyond ±1e15");
        let v: Value = serde_json::json!({"x": -2e300});
        assert!(numbers("f", &v).is_err());
    }
}
