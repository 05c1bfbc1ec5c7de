//! `--metrics-file`: the JSON `aws cloudwatch get-metric-data` prints,
//! `{"MetricDataResults": [{"Id", "Label", "Timestamps", "Values", "StatusCode"}], "Messages": [],
//! "NextToken"?}`. Timestamps are ISO 8601 (the CLI's default) or epoch seconds
//! (`cli_timestamp_format = none`). Several documents one after another (pages saved with `>>`)
//! are merged by Id.

use serde::Deserialize;

use super::cloudwatch::{MetricData, MetricPage, Series};

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

fn timestamp(v: &serde_json::Value) -> std::result::Result<i64, String> {
    match v {
        serde_json::Value::Number(n) => n
            .as_f64()
            .map(|f| f.floor() as i64)
            .ok_or_else(|| format!("timestamp {n} out of range")),
        serde_json::Value::String(s) => parse_iso8601(s),
        other => Err(format!(
            "timestamp {other} is neither a date string nor a number"
        )),
    }
}

/// `2026-11-20T10:05:00+00:00`, `...Z`, fractional seconds and other offsets -> epoch seconds.
pub fn parse_iso8601(s: &str) -> std::result::Result<i64, String> {
    let bad = || format!("timestamp {s:?} is not ISO 8601 (YYYY-MM-DDTHH:MM:SS+00:00)");
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') {
        return Err(bad());
    }
    let num =
        |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i64>().ok()).ok_or_else(bad);
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    if let Some(r) = rest.strip_prefix('.') {
        rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        r if (r.starts_with('+') || r.starts_with('-')) && r.len() == 6 && &r[3..4] == ":" => {
            let sign = if r.starts_with('-') { -1 } else { 1 };
            let oh: i64 = r[1..3].parse().map_err(|_| bad())?;
            let om: i64 = r[4..6].parse().map_err(|_| bad())?;
            sign * (oh * 3600 + om * 60)
        }
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return Err(bad());
    }
    Ok(days_from_civil(y, mo as u32, d as u32) * 86400 + h * 3600 + mi * 60 + se - offset)
}

/// (year, month, day) to days since 1970-01-01 (Howard Hinnant's days_from_civil).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_timestamps() {
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(
            parse_iso8601("2026-11-01T00:00:00+00:00"),
            Ok(1_793_491_200)
        );
        assert_eq!(
            parse_iso8601("2026-11-01T01:00:00.000+01:00"),
            Ok(1_793_491_200)
        );
        assert!(parse_iso8601("yesterday").is_err());
    }

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
