//! API Gateway access logs in JSON, one object a line, with the `$context` variables named as
//! AWS's examples name them: `requestTimeEpoch` (ms) or `requestTime` (CLF time), `httpMethod`,
//! `routeKey` (HTTP APIs) or `resourcePath` (REST APIs: the resource template), `path`,
//! `stage`, `status`, `responseLength`, `integrationLatency` (ms). Values may be strings or numbers
//! (`"$context.status"` or `$context.status`); "-" is no value. A line exported from CloudWatch
//! Logs may carry text before the object (the event's timestamp): the object is read from its
//! first `{`. Which API a line is from: REST when it logs `resourcePath` and no `routeKey`,
//! HTTP otherwise (the two readers refuse each other's lines, so a wrong `--log-format` is named).
//!
//! A catch-all key (`$default`, or a greedy `{proxy+}` segment as in `ANY /{proxy+}`) names no
//! route, so such a line is routed by its logged `path` (as `--route` and `{id}` template it), the
//! stage's name dropped from its front when `stage` is logged (`$context.path` starts with it
//! on a named stage); without a path the key is kept.
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
/// logging for REST APIs" on one line, with `integrationLatency` added (the latency figure) and
/// `path` and `stage` (the route behind a `{proxy+}` resource).
pub const REST_JSON: &str = r#"{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId", "ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "path":"$context.path", "stage":"$context.stage", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength", "integrationLatency":"$context.integrationLatency" }"#;

/// The same for an HTTP API stage: the JSON example of "Configuring logging for an HTTP API",
/// with `integrationLatency`, `path` and `stage` added (the route behind `$default`).
pub const HTTP_JSON: &str = r#"{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod","routeKey":"$context.routeKey", "path":"$context.path", "stage":"$context.stage", "status":"$context.status","protocol":"$context.protocol", "responseLength":"$context.responseLength", "integrationLatency":"$context.integrationLatency" }"#;

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

/// A route key that names no route: `$default`, or one with a greedy `{name+}` segment.
fn catch_all(key: &str) -> bool {
    key == "$default"
        || key
            .split('/')
            .any(|s| s.starts_with('{') && s.ends_with("+}"))
}

/// `path` without the stage's name in front (`/prod/users` on stage `prod` is `/users`).
fn unstaged<'p>(path: &'p str, stage: Option<&str>) -> &'p str {
    let Some(rest) = stage
        .filter(|s| *s != "$default")
        .and_then(|s| path.strip_prefix('/')?.strip_prefix(s))
    else {
        return path;
    };
    match rest {
        "" => "/",
        r if r.starts_with('/') => r,
        _ => path,
    }
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
    let mut route_key = match (text(&m, "routeKey"), text(&m, "resourcePath")) {
        (Some(k), _) => Some(k.into_owned()),
        (None, Some(r)) => Some(format!("{verb} {r}")),
        (None, None) => None,
    };
    let path = match text(&m, "path") {
        Some(p) => {
            if route_key.as_deref().is_some_and(catch_all) {
                route_key = None;
            }
            unstaged(path_of(&p), text(&m, "stage").as_deref()).to_string()
        }
        None => "/".to_string(),
    };
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

    /// journal-api's own APIs (infra/lambda/template.yaml): the HTTP API's `$default` route on
    /// stage `$default`, the REST API's `ANY /{proxy+}` on stage `prod`, logged in the JSON
    /// formats to set. Each is routed by its path, the stage dropped; a named key is kept; a
    /// catch-all without a path keeps its key.
    #[test]
    fn catch_all_keys_route_by_the_logged_path() {
        let fill = |format: &str, key: &str, path: &str, stage: &str| {
            format
                .replace("$context.requestTime", "07/Dec/2026:09:00:00 +0000")
                .replace("$context.httpMethod", "GET")
                .replace("$context.routeKey", key)
                .replace("$context.resourcePath", key)
                .replace("$context.path", path)
                .replace("$context.stage", stage)
                .replace("$context.status", "200")
                .replace("$context.responseLength", "48")
                .replace("$context.integrationLatency", "23")
        };
        let http = fill(HTTP_JSON, "$default", "/api/v1/entries/5", "$default");
        let r = parse(&http, false).unwrap();
        assert_eq!((r.route_key, r.path.as_ref()), (None, "/api/v1/entries/5"));
        let rest = fill(REST_JSON, "/{proxy+}", "/prod/api/v1/entries/5?x=1", "prod");
        let r = parse(&rest, true).unwrap();
        assert_eq!((r.route_key, r.path.as_ref()), (None, "/api/v1/entries/5"));
        let root = fill(REST_JSON, "/{proxy+}", "/prod", "prod");
        assert_eq!(parse(&root, true).unwrap().path, "/");
        // A stage name that is only the start of the first segment stays.
        let other = fill(REST_JSON, "/{proxy+}", "/production/x", "prod");
        assert_eq!(parse(&other, true).unwrap().path, "/production/x");
        let named = fill(HTTP_JSON, "GET /pets/{petId}", "/pets/7", "$default");
        let r = parse(&named, false).unwrap();
        assert_eq!(r.route_key.as_deref(), Some("GET /pets/{petId}"));
        let bare = r#"{"requestTime":"07/Dec/2026:09:00:00 +0000","httpMethod":"GET","routeKey":"$default","status":"200"}"#;
        assert_eq!(
            parse(bare, false).unwrap().route_key.as_deref(),
            Some("$default")
        );
        let greedy = r#"{"requestTime":"07/Dec/2026:09:00:00 +0000","httpMethod":"GET","routeKey":"ANY /api/{rest+}","path":"/api/v1/entries/5","status":"200"}"#;
        assert_eq!(parse(greedy, false).unwrap().route_key, None);
    }
}
