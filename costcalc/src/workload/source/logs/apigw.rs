//! API Gateway access logs in JSON, one object a line, with the `$context` variables named as
//! AWS's examples name them: `requestTimeEpoch` (ms) or `requestTime` (CLF time), `httpMethod`,
//! `routeKey` (HTTP APIs) or `resourcePath` (REST APIs: the resource template), `path`,
//! `status`, `responseLength`, `integrationLatency` (ms). Values may be strings or numbers
//! (`"$context.status"` or `$context.status`); "-" is no value. A line exported from CloudWatch
//! Logs may carry text before the object (the event's timestamp): the object is read from its
//! first `{`. Which API a line is from: REST when it logs `resourcePath` and no `routeKey`,
//! HTTP otherwise (the two readers refuse each other's lines, so a wrong `--log-format` is named).
//!
//! API Gateway's console also offers CLF, XML and CSV examples. The CLF ones are Common Log
//! Format lines and read as `clf`; XML and CSV are refused (`unsupported`) with the JSON format
//! to set instead: CSV values carry no names, so a column added, dropped or moved in the stage's
//! format would silently shift every figure; XML would be a second reader of what JSON already
//! says; and neither example logs a latency, which the JSON to set adds.

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

/// The access-log format to set on a REST API stage: the JSON example of "Set up CloudWatch
/// logging for REST APIs" on one line, with `integrationLatency` added (the latency figure).
pub const REST_JSON: &str = r#"{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId", "ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength", "integrationLatency":"$context.integrationLatency" }"#;

/// The same for an HTTP API stage: the JSON example of "Configuring logging for an HTTP API",
/// with `integrationLatency` added.
pub const HTTP_JSON: &str = r#"{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod","routeKey":"$context.routeKey", "status":"$context.status","protocol":"$context.protocol", "responseLength":"$context.responseLength", "integrationLatency":"$context.integrationLatency" }"#;

/// A line of API Gateway's XML or CSV example formats: what it is, and the JSON format to set
/// instead (`None`: not such a line). The CSV examples are told by their column count (11 for
/// REST, 8 for HTTP) and their `requestTime` and `httpMethod` columns.
pub fn unsupported(line: &str) -> Option<String> {
    let t = line.trim();
    let (rest, shape) = if t.starts_with("<request id=") && t.ends_with("</request>") {
        (t.contains("<resourcePath>"), "XML")
    } else {
        let c: Vec<&str> = t.splitn(13, ',').collect();
        let rest = match c.len() {
            11 => true,
            8 => false,
            _ => return None,
        };
        let (at, verb) = if rest { (3, 4) } else { (1, 2) };
        time::clf(c[at])?;
        method(c[verb]).filter(|m| *m != "-")?;
        (rest, "CSV")
    };
    let (api, id, json) = if rest {
        ("REST", "apigw-rest", REST_JSON)
    } else {
        ("HTTP", "apigw-http", HTTP_JSON)
    };
    Some(format!(
        "looks like an API Gateway {api} API access log in {shape}; costcalc reads API Gateway's JSON (and CLF) access logs: set the stage's access-log format to {json} and give --log-format {id} (or auto)"
    ))
}

/// A line of a REST API's log (`rest`) or an HTTP API's.
pub fn parse(line: &str, rest: bool) -> Option<Record<'static>> {
    let start = line.find('{')?;
    let m: Map<String, Value> = serde_json::from_str(&line[start..]).ok()?;
    let is_rest = m.contains_key("resourcePath") && !m.contains_key("routeKey");
    if is_rest != rest {
        return None;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The REST CSV example format filled in is named with the JSON to set; other comma
    /// separated text is not taken for it (the integration tests read every example and the
    /// JSON to set back).
    #[test]
    fn only_api_gateways_csv_and_xml_shapes_are_named() {
        let csv = "192.0.2.10,-,-,07/Dec/2026:09:00:00 +0000,GET,/pets/{petId},HTTP/1.1,200,48,c6af9ac6-7b61-11e6-9a41-93e8deadbeef,JYjB9gH5IAMEP5A=";
        let why = unsupported(csv).unwrap();
        assert!(why.starts_with("looks like an API Gateway REST API access log in CSV"));
        assert!(why.contains(REST_JSON));
        assert_eq!(unsupported("a,b,c,d,e,f,g,h"), None);
        assert_eq!(
            unsupported("a,b,c,10/Oct/2000:13:55:36 -0700,-,f,g,h,i,j,k"),
            None
        );
        assert_eq!(unsupported("<request id=\"1\">"), None);
    }
}
