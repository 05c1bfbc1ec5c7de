//! API Gateway access logs in JSON, one object a line, with the `$context` variables named as
//! AWS's examples name them: `requestTimeEpoch` (ms) or `requestTime` (CLF time), `httpMethod`,
//! `routeKey` (HTTP APIs) or `resourcePath` (REST APIs: the resource template), `path`,
//! `status`, `responseLength`, `integrationLatency` (ms). Values may be strings or numbers
//! (`"$context.status"` or `$context.status`); "-" is no value. A line exported from CloudWatch
//! Logs may carry text before the object (the event's timestamp): the object is read from its
//! first `{`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::{MAX_LATENCY_MS, Record, bytes, digits, method, path_of, status, time};

/// A value as text: a string, or a number's digits.
fn text<'v>(m: &'v Map<String, Value>, key: &str) -> Option<Cow<'v, str>> {
    match m.get(key)? {
        Value::String(s) if s != "-" && !s.is_empty() => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

pub fn parse(line: &str) -> Option<Record<'static>> {
    let start = line.find('{')?;
    let m: Map<String, Value> = serde_json::from_str(&line[start..]).ok()?;
    let epoch_s = match text(&m, "requestTimeEpoch") {
        Some(ms) => {
            let ms = digits(&ms)?;
            let s = (ms / 1000) as i64;
            // 1990 to 2200, as the other formats' times.
            (631_152_000..=7_258_118_400).contains(&s).then_some(s)?
        }
        None => time::clf(&text(&m, "requestTime")?)?,
    };
    let verb = text(&m, "httpMethod").unwrap_or(Cow::Borrowed("-"));
    let verb = method(&verb)?.to_string();
    let route_key = match (text(&m, "routeKey"), text(&m, "resourcePath")) {
        (Some(k), _) => Some(k.into_owned()),
        (None, Some(r)) => Some(format!("{verb} {r}")),
        (None, None) => None,
    };
    let path = text(&m, "path").map_or_else(|| "/".to_string(), |p| path_of(&p).to_string());
    let st = status(&text(&m, "status")?)?;
    let response_bytes = match text(&m, "responseLength") {
        Some(n) => bytes(&n)?,
        None => None,
    };
    let latency_ms = match text(&m, "integrationLatency") {
        Some(n) => Some(digits(&n).filter(|ms| *ms <= MAX_LATENCY_MS)?),
        None => None,
    };
    Some(Record {
        epoch_s,
        method: Cow::Owned(verb),
        path: Cow::Owned(path),
        route_key: route_key.map(Cow::Owned),
        status: st,
        request_bytes: None,
        response_bytes,
        latency_ms,
    })
}
