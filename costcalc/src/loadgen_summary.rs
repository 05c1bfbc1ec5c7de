//! Reading loadgen's `summary.json` (schema `deploycost.loadgen.summary/v1`, documented in
//! loadgen/README.md): lenient about fields it does not know, strict about the schema tag.

use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::workload::{Origin, Workload, lenient};

pub const SCHEMA_PREFIX: &str = "deploycost.loadgen.summary/v";

#[derive(Deserialize)]
struct Summary {
    #[serde(deserialize_with = "lenient::de")]
    compression: Decimal,
    #[serde(deserialize_with = "lenient::de")]
    schedule_seconds: Decimal,
    totals: Totals,
    #[serde(default)]
    timeline: Vec<Second>,
    #[serde(default)]
    profile: Option<Profile>,
}

#[derive(Deserialize)]
struct Totals {
    #[serde(deserialize_with = "lenient::de")]
    count: Decimal,
    #[serde(default, deserialize_with = "lenient::de_or_zero")]
    failures: Decimal,
    latency_ms: Latency,
    #[serde(deserialize_with = "lenient::de")]
    request_bytes: Decimal,
    #[serde(deserialize_with = "lenient::de")]
    response_bytes: Decimal,
}

#[derive(Deserialize)]
struct Latency {
    #[serde(deserialize_with = "lenient::de")]
    mean: Decimal,
}

#[derive(Deserialize)]
struct Second {
    #[serde(deserialize_with = "lenient::de")]
    sent: Decimal,
}

#[derive(Deserialize)]
struct Profile {
    #[serde(default)]
    name: Option<String>,
}

/// A measured workload. Throughput per vCPU is not in the summary (it does not know the target's
/// vCPUs), so it keeps the default unless a flag sets it.
pub fn from_file(path: &Path, hours_per_month: Decimal) -> Result<Workload> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    from_json(&text, &path.display().to_string(), hours_per_month)
}

pub fn from_json(text: &str, origin: &str, hours_per_month: Decimal) -> Result<Workload> {
    let err = |m: String| Error::file(origin, m);
    let raw: serde_json::Value =
        serde_json::from_str(text).map_err(|e| err(format!("not valid JSON: {e}")))?;
    let schema = raw.get("schema").and_then(|s| s.as_str()).ok_or_else(|| {
        err(format!(
            "no \"schema\" field: expected a loadgen summary.json ({SCHEMA_PREFIX}1)"
        ))
    })?;
    let major = schema
        .strip_prefix(SCHEMA_PREFIX)
        .map(|v| v.split('.').next().unwrap_or(""));
    match major {
        Some("1") => {}
        Some(v) => {
            return Err(err(format!(
                "schema {schema:?} has major version {v}; this costcalc reads {SCHEMA_PREFIX}1 (upgrade costcalc or re-run an older loadgen)"
            )));
        }
        None => {
            return Err(err(format!(
                "schema {schema:?} is not a loadgen summary ({SCHEMA_PREFIX}1)"
            )));
        }
    }
    let s: Summary = serde_json::from_value(raw)
        .map_err(|e| err(format!("does not match {SCHEMA_PREFIX}1: {e}")))?;
    if s.totals.count <= Decimal::ZERO {
        return Err(err("totals.count is 0: the run measured no request".into()));
    }
    if s.schedule_seconds <= Decimal::ZERO {
        return Err(err("schedule_seconds must be > 0".into()));
    }
    if s.compression <= Decimal::ZERO {
        return Err(err("compression must be > 0".into()));
    }
    let month_seconds = hours_per_month * dec!(3600);
    // A timeline second is a wall-clock second, which stood for `compression` real seconds.
    let peak = s
        .timeline
        .iter()
        .map(|t| t.sent)
        .max()
        .map(|m| m / s.compression);
    let profile = s
        .profile
        .and_then(|p| p.name)
        .unwrap_or_else(|| "unknown".into());
    let mut w = Workload {
        source: format!(
            "loadgen {origin} (profile {profile}, {} requests over {} s of schedule, {} failures)",
            s.totals.count.normalize(),
            s.schedule_seconds.normalize(),
            s.totals.failures.normalize()
        ),
        requests_per_month: (s.totals.count / s.schedule_seconds * month_seconds).round_dp(0),
        duration_ms: s.totals.latency_ms.mean,
        request_bytes: s.totals.request_bytes / s.totals.count,
        response_bytes: s.totals.response_bytes / s.totals.count,
        peak_rps: peak.filter(|p| *p > Decimal::ZERO),
        compression: Some(s.compression),
        ..Workload::default()
    };
    let measured = |field| Origin::measured(origin, field);
    let o = &mut w.origins;
    o.requests_per_month = measured("totals.count / schedule_seconds");
    o.duration_ms = measured("totals.latency_ms.mean (client-observed latency)");
    o.request_bytes = measured("totals.request_bytes / totals.count");
    o.response_bytes = measured("totals.response_bytes / totals.count");
    if w.peak_rps.is_some() {
        o.peak = measured("busiest timeline second / compression");
    }
    w.validate(hours_per_month)
        .map_err(|e| crate::workload::in_file(e, origin))?;
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../tests/data/summary-v1.json");

    #[test]
    fn reads_the_agreed_example() {
        let w = from_json(EXAMPLE, "summary.json", dec!(730)).unwrap();
        // 2000 requests / 20.412 s x 2,628,000 s = 257,495,590.8... -> 257,495,591
        assert_eq!(w.requests_per_month, dec!(257495591));
        assert_eq!(w.duration_ms, dec!(9.8));
        assert_eq!(w.request_bytes, dec!(70.5));
        assert_eq!(w.response_bytes, dec!(306));
        // Busiest timeline second: 104 sent at compression 1.
        assert_eq!(w.peak_rps, Some(dec!(104)));
    }

    #[test]
    fn refuses_other_major_versions_and_other_files() {
        let v2 = EXAMPLE.replace("summary/v1", "summary/v2");
        let e = from_json(&v2, "s.json", dec!(730)).unwrap_err().to_string();
        assert!(e.contains("s.json") && e.contains("major version 2"), "{e}");
        let e = from_json("{\"schema\": \"other\"}", "s.json", dec!(730))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a loadgen summary"), "{e}");
        let e = from_json("[1,2", "s.json", dec!(730))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not valid JSON"), "{e}");
    }

    #[test]
    fn compression_scales_the_peak_back_to_real_time() {
        // A run compressed 60x plays 60 times the schedule in the same wall time.
        let c = EXAMPLE
            .replace("\"compression\": 1.0", "\"compression\": 60.0")
            .replace(
                "\"schedule_seconds\": 20.412",
                "\"schedule_seconds\": 1224.72",
            );
        let w = from_json(&c, "s.json", dec!(730)).unwrap();
        assert_eq!(w.peak_rps, Some(dec!(104) / dec!(60)));
    }
}
