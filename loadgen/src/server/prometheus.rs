//! A small parser of the Prometheus text exposition format (0.0.4): what `GET /metrics` of
//! journal-api answers. Pure; the HTTP edge is in [`super::scrape`].
//!
//! Written here rather than taken from `prometheus-parse`: the format needs ~100 lines, the crate
//! pulls in `regex`, `chrono`, `itertools` and `lazy_static`, reads histograms into its own types
//! (buckets as `le` strings we would re-parse), and a parse error there does not say which line
//! was wrong, which is what the one-line error for a wrong URL needs.

use std::collections::BTreeMap;

/// One sample line: `name{label="value",...} value [timestamp]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

impl Sample {
    pub fn label(&self, key: &str) -> &str {
        self.labels.get(key).map_or("", String::as_str)
    }
}

/// A parsed exposition: every sample, and the families declared by `# TYPE` lines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exposition {
    pub samples: Vec<Sample>,
    /// Family name -> type (`counter`, `gauge`, `histogram`, ...).
    pub types: BTreeMap<String, String>,
}

/// Why a text is not Prometheus text: the first line that is not.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ParseError {
    pub line: usize,
    pub reason: String,
}

pub fn parse(text: &str) -> Result<Exposition, ParseError> {
    let mut out = Exposition::default();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let err = |reason: &str| ParseError {
            line: i + 1,
            reason: format!("{reason}: {}", shorten(line)),
        };
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let mut words = comment.split_whitespace();
            if words.next() == Some("TYPE")
                && let (Some(name), Some(kind)) = (words.next(), words.next())
            {
                out.types.insert(name.to_string(), kind.to_string());
            }
            continue;
        }
        out.samples.push(sample(line).map_err(err)?);
    }
    Ok(out)
}

fn sample(line: &str) -> Result<Sample, &'static str> {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("expected a metric name");
    }
    let mut rest = &line[name_end..];
    let mut labels = BTreeMap::new();
    if let Some(after) = rest.strip_prefix('{') {
        rest = parse_labels(after, &mut labels)?;
    }
    let mut fields = rest.split_whitespace();
    let value = fields.next().ok_or("expected a value")?;
    let value = parse_value(value).ok_or("value is not a number")?;
    if let Some(ts) = fields.next()
        && ts.parse::<i64>().is_err()
    {
        return Err("timestamp is not an integer");
    }
    if fields.next().is_some() {
        return Err("unexpected text after the value");
    }
    Ok(Sample {
        name: name.to_string(),
        labels,
        value,
    })
}

/// Reads `key="value",...}` and returns what follows the closing brace.
fn parse_labels<'a>(
    mut s: &'a str,
    labels: &mut BTreeMap<String, String>,
) -> Result<&'a str, &'static str> {
    loop {
        s = s.trim_start();
        if let Some(rest) = s.strip_prefix('}') {
            return Ok(rest);
        }
        let eq = s.find('=').ok_or("expected label=\"value\"")?;
        let key = s[..eq].trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err("bad label name");
        }
        let after = s[eq + 1..]
            .trim_start()
            .strip_prefix('"')
            .ok_or("label value must be quoted")?;
        let (value, rest) = quoted(after)?;
        labels.insert(key.to_string(), value);
        s = rest.trim_start();
        s = s.strip_prefix(',').unwrap_or(s);
    }
}

/// A label value up to its closing quote, with `\\`, `\"` and `\n` unescaped.
fn quoted(s: &str) -> Result<(String, &str), &'static str> {
    let mut value = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &s[i + 1..])),
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('n') => value.push('\n'),
                Some(c @ ('\\' | '"')) => value.push(c),
                _ => return Err("bad escape in a label value"),
            },
            c => value.push(c),
        }
    }
    Err("unterminated label value")
}

/// A float, or `+Inf` / `-Inf` / `NaN` as Prometheus writes them.
fn parse_value(s: &str) -> Option<f64> {
    match s {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ if s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.') => {
            s.parse().ok()
        }
        _ => None,
    }
}

fn shorten(line: &str) -> String {
    let mut s: String = line.chars().take(60).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_samples_labels_types_and_special_values() {
        let text = "# HELP x_total Things.\n# TYPE x_total counter\n\
            x_total{method=\"GET\",route=\"/api/v1/entries/{entry_id}\"} 12\n\
            h_bucket{le=\"+Inf\", route=\"a\\\"b\\\\c\\nd\"} 3 1700000000000\n\
            up 1e-3\n\nneg -Inf\n";
        let e = parse(text).unwrap();
        assert_eq!(e.types["x_total"], "counter");
        assert_eq!(e.samples.len(), 4);
        assert_eq!(e.samples[0].name, "x_total");
        assert_eq!(e.samples[0].label("route"), "/api/v1/entries/{entry_id}");
        assert_eq!(e.samples[0].value, 12.0);
        assert_eq!(e.samples[1].label("le"), "+Inf");
        assert_eq!(e.samples[1].label("route"), "a\"b\\c\nd");
        assert_eq!(e.samples[1].value, 3.0);
        assert_eq!(e.samples[2].value, 0.001);
        assert!(e.samples[2].labels.is_empty());
        assert_eq!(e.samples[3].value, f64::NEG_INFINITY);
        assert_eq!(e.samples[0].label("absent"), "");
    }

    #[test]
    fn html_and_json_are_not_prometheus_text() {
        let e = parse("<!DOCTYPE html>\n<html></html>").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.reason.starts_with("expected a metric name"), "{e}");
        let e = parse("{\"detail\":\"Not Found\"}").unwrap_err();
        assert_eq!(e.line, 1, "{e}");
        let e = parse("# ok\nname{a=\"1\"} twelve\n").unwrap_err();
        assert_eq!(
            (e.line, e.reason.starts_with("value is not a number")),
            (2, true)
        );
        assert!(parse("name{a=\"1} 3").is_err(), "unterminated label");
        assert!(parse("name 1 2 3").is_err(), "trailing text");
    }

    #[test]
    fn empty_text_parses_to_nothing() {
        assert_eq!(parse("").unwrap(), Exposition::default());
    }
}
