//! `--metrics-file`: the JSON `aws cloudwatch get-metric-data` prints,
//! `{"MetricDataResults": [{"Id", "Label", "Timestamps", "Values", "StatusCode"}], "Messages": [],
//! "NextToken"?}`. Timestamps are ISO 8601 (the CLI's default) or epoch seconds
//! (`cli_timestamp_format = none`). Several documents one after another (pages saved with `>>`)
//! are merged by Id.

use serde::Deserialize;

use crate::workload::source::cloudwatch::{MetricData, MetricPage, Series};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    metric_data_results: Vec<Result>,
    #[serde(default)]
    messages: Vec<Message>,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Result {
    id: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    timestamps: Vec<serde_json::Value>,
    #[serde(default)]
    values: Vec<f64>,
    #[serde(default)]
    status_code: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Message {
    #[serde(default)]
    code: String,
    #[serde(default)]
    value: String,
}

/// Parse the file's text; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> std::result::Result<MetricData, String> {
    let mut data = MetricData::default();
    let mut last_token = None;
    for (n, doc) in serde_json::Deserializer::from_str(text)
        .into_iter::<Output>()
        .enumerate()
    {
        let doc = doc.map_err(|e| {
            format!(
                "{origin}: not the JSON that `aws cloudwatch get-metric-data` prints \
                 ({{\"MetricDataResults\": [{{\"Id\", \"Timestamps\", \"Values\"}}]}}): {e}"
            )
        })?;
        let mut results = Vec::new();
        for r in doc.metric_data_results {
            if r.timestamps.len() != r.values.len() {
                return Err(format!(
                    "{origin}: document {} result {:?} has {} Timestamps but {} Values",
                    n + 1,
                    r.id,
                    r.timestamps.len(),
                    r.values.len()
                ));
            }
            let timestamps = r
                .timestamps
                .iter()
                .map(|t| timestamp(t).map_err(|e| format!("{origin}: result {:?}: {e}", r.id)))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            check_values(&r.id, &r.values).map_err(|e| format!("{origin}: {e}"))?;
            results.push(Series {
                id: r.id,
                label: r.label,
                timestamps,
                values: r.values,
                status: r.status_code,
            });
        }
        last_token = doc.next_token.clone();
        data.add_page(MetricPage {
            results,
            messages: doc
                .messages
                .into_iter()
                .map(|m| format!("{}: {}", m.code, m.value))
                .collect(),
            next_token: doc.next_token,
        });
    }
    if data.pages == 0 {
        return Err(format!(
            "{origin}: empty; expected the JSON that `aws cloudwatch get-metric-data` prints"
        ));
    }
    if let Some(t) = last_token.filter(|t| !t.is_empty()) {
        // The CLI pages by itself; a NextToken left means the output was cut (--max-items).
        data.messages.push(format!(
            "{origin} ends with a NextToken ({}...): later pages are not in the file",
            t.chars().take(12).collect::<String>()
        ));
    }
    Ok(data)
}

/// Every value is a figure CloudWatch can give: the same bound for a file and for the API.
pub fn check_values(id: &str, values: &[f64]) -> std::result::Result<(), String> {
    let in_range = |v: f64| v == 0.0 || (VALUE_MIN..=VALUE_MAX).contains(&v);
    match values.iter().find(|v| !in_range(**v)) {
        Some(v) => Err(format!(
            "result {id:?}: Values = {} is out of range (expected 0 or {VALUE_MIN:e} to \
             {VALUE_MAX:e}); a CloudWatch count, sum or average of these metrics is never \
             negative or that large",
            crate::limits::short(*v)
        )),
        None => Ok(()),
    }
}

/// The largest datapoint value read (a count, bytes or milliseconds per period).
const VALUE_MAX: f64 = 1e14;
/// The smallest non-zero one: CloudWatch's counts are whole, its averages far above this.
const VALUE_MIN: f64 = 1e-6;
/// Timestamps up to the end of year 9999, seconds since 1970.
const TIMESTAMP_MAX: i64 = 253_402_300_799;

fn timestamp(v: &serde_json::Value) -> std::result::Result<i64, String> {
    let t = match v {
        serde_json::Value::Number(n) => n
            .as_f64()
            .filter(|f| (0.0..=TIMESTAMP_MAX as f64).contains(f))
            .map(|f| f.floor() as i64)
            .ok_or_else(|| {
                format!("timestamp {n} is out of range (expected 0..{TIMESTAMP_MAX} seconds)")
            })?,
        serde_json::Value::String(s) => crate::calendar::parse_iso8601(s)?,
        other => {
            return Err(format!(
                "timestamp {other} is neither a date string nor a number"
            ));
        }
    };
    if !(0..=TIMESTAMP_MAX).contains(&t) {
        return Err(format!(
            "timestamp {v} is out of range (expected 1970 to 9999)"
        ));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatched_lengths_are_refused() {
        let e = parse(
            r#"{"MetricDataResults":[{"Id":"a","Timestamps":["2026-11-01T00:00:00Z"],"Values":[]}]}"#,
            "m.json",
        )
        .unwrap_err();
        assert!(e.contains("1 Timestamps but 0 Values"), "{e}");
    }
}
