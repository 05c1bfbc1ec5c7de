//! The TOML profile-file format, parsed into a [`Profile`].

use super::{Profile, ProfileError, Segment, Source, parse_duration};
use serde::Deserialize;
use std::fmt;

/// The TOML profile file. Unknown keys are errors, so a typo is not silently ignored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileProfile {
    name: Option<String>,
    #[allow(dead_code)] // documentation for the reader of the file
    description: Option<String>,
    #[serde(rename = "segment", default)]
    segments: Vec<FileSegment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSegment {
    duration: DurationValue,
    rate: Option<f64>,
    from: Option<f64>,
    to: Option<f64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DurationValue {
    Seconds(f64),
    Text(String),
}

impl fmt::Display for DurationValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationValue::Seconds(n) => write!(f, "{n}"),
            DurationValue::Text(t) => write!(f, "{t}"),
        }
    }
}

/// Parses a profile file's text; `path` names it in errors and in the summary.
pub fn parse_file(path: &str, text: &str) -> Result<Profile, ProfileError> {
    let err = |message: String| ProfileError::File {
        path: path.to_string(),
        message,
    };
    let file: FileProfile = toml::from_str(text).map_err(|e| {
        // toml's message spans several lines; the first says what and where.
        let msg = e.to_string();
        err(msg
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .trim()
            .to_string()
            + &e.span()
                .map(|s| format!(" (at byte {})", s.start))
                .unwrap_or_default()
            + ": "
            + e.message())
    })?;
    if file.segments.is_empty() {
        return Err(err(
            "no segments: add [[segment]] tables with duration and rate (or from and to)".into(),
        ));
    }
    let mut segments = Vec::new();
    for (i, s) in file.segments.iter().enumerate() {
        let n = i + 1;
        let duration_s = match &s.duration {
            DurationValue::Seconds(x) if x.is_finite() && *x > 0.0 => *x,
            DurationValue::Text(t) => parse_duration(t).map_err(|_| {
                err(format!(
                    "segment {n}: invalid duration '{t}' (use 90s, 10m, 1h30m, 1d or seconds)"
                ))
            })?,
            other => {
                return Err(err(format!(
                    "segment {n}: duration must be > 0, got {other}"
                )));
            }
        };
        let (from, to) = match (s.rate, s.from, s.to) {
            (Some(r), None, None) => (r, r),
            (None, Some(a), Some(b)) => (a, b),
            _ => {
                return Err(err(format!(
                    "segment {n}: give either rate, or both from and to (requests per second)"
                )));
            }
        };
        for r in [from, to] {
            if !(r.is_finite() && r >= 0.0) {
                return Err(err(format!(
                    "segment {n}: rates must be finite and >= 0, got {r}"
                )));
            }
        }
        segments.push(Segment {
            duration_s,
            from_per_s: from,
            to_per_s: to,
        });
    }
    let name = file.name.unwrap_or_else(|| {
        std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into())
    });
    Ok(Profile {
        name,
        source: Source::File(path.to_string()),
        segments,
    })
}
