//! A request as the event Lambda hands a function behind API Gateway HTTP API (v2), REST API
//! (v1), an Application Load Balancer or a Function URL, and the function's answer decoded back
//! (pure). Shaped as the examples in api/tests/events/*.json, which journal-api's own tests run.

use serde_json::{Map, Value, json};

/// Which front door's event the function gets (`--event-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventFormat {
    #[default]
    ApigwV2,
    ApigwV1,
    Alb,
    FunctionUrl,
}

/// The `--event-format` names, in the order the help lists them.
pub const FORMATS: &str = "apigw-v2, apigw-v1, alb, function-url";

/// The REST API stage in v1 events: its path carries no stage prefix, as behind a custom domain
/// (lambda_http needs AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH=true to route it so).
const V1_STAGE: &str = "prod";

/// One HTTP request, before it becomes an event. Header names are kept as given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Request {
    pub method: String,
    /// The path without the query string, percent-encoded.
    pub path: String,
    /// The query string without `?`, percent-encoded (`limit=20&q=a+b`).
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl Request {
    /// `path` may carry its query (`/api/v1/entries?limit=20`).
    pub fn new(method: &str, path_and_query: &str) -> Request {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        Request {
            method: method.to_string(),
            path: path.to_string(),
            query: query.to_string(),
            ..Request::default()
        }
    }
}

/// The HTTP answer inside the function's response.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl EventFormat {
    pub fn parse(name: &str) -> Option<EventFormat> {
        Some(match name {
            "apigw-v2" => EventFormat::ApigwV2,
            "apigw-v1" => EventFormat::ApigwV1,
            "alb" => EventFormat::Alb,
            "function-url" => EventFormat::FunctionUrl,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            EventFormat::ApigwV2 => "apigw-v2",
            EventFormat::ApigwV1 => "apigw-v1",
            EventFormat::Alb => "alb",
            EventFormat::FunctionUrl => "function-url",
        }
    }

    fn domain(self) -> &'static str {
        match self {
            EventFormat::FunctionUrl => "tune.lambda-url.us-east-1.on.aws",
            EventFormat::Alb => "tune-123456789.us-east-1.elb.amazonaws.com",
            _ => "tune.execute-api.us-east-1.amazonaws.com",
        }
    }

    /// The event for `r`.
    pub fn wrap(self, r: &Request, request_id: &str, now_ms: u64) -> Value {
        let mut headers = Map::new();
        for (k, v) in [
            ("accept", "*/*"),
            ("host", self.domain()),
            ("user-agent", "loadgen-tune"),
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-port", "443"),
            ("x-forwarded-proto", "https"),
        ] {
            headers.insert(k.into(), json!(v));
        }
        for (k, v) in &r.headers {
            headers.insert(k.to_ascii_lowercase(), json!(v));
        }
        if let Some(b) = &r.body {
            headers.insert("content-length".into(), json!(b.len().to_string()));
        }
        let mut e = match self {
            EventFormat::ApigwV2 | EventFormat::FunctionUrl => self.v2(r, request_id, now_ms),
            EventFormat::ApigwV1 => v1(r, request_id, now_ms),
            EventFormat::Alb => alb(r),
        };
        e["headers"] = Value::Object(headers);
        e["isBase64Encoded"] = json!(false);
        e["body"] = r.body.as_ref().map_or(Value::Null, |b| json!(b));
        if !r.query.is_empty() {
            // ALB passes the values as sent (still encoded); API Gateway decodes them.
            let decode = self != EventFormat::Alb;
            let params: Map<String, Value> = query_pairs(&r.query, decode)
                .map(|(k, v)| (k, json!(v)))
                .collect();
            e["queryStringParameters"] = Value::Object(params);
            if self == EventFormat::ApigwV1 {
                let mut multi = Map::new();
                for (k, v) in query_pairs(&r.query, true) {
                    let list = multi.entry(k).or_insert_with(|| json!([]));
                    list.as_array_mut()
                        .into_iter()
                        .for_each(|a| a.push(json!(v)));
                }
                e["multiValueQueryStringParameters"] = Value::Object(multi);
            }
        }
        e
    }

    fn v2(self, r: &Request, request_id: &str, now_ms: u64) -> Value {
        let url = self == EventFormat::FunctionUrl;
        json!({
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": r.path,
            "rawQueryString": r.query,
            "requestContext": {
                "accountId": if url { "anonymous" } else { "123456789012" },
                "apiId": "tune",
                "domainName": self.domain(),
                "domainPrefix": "tune",
                "http": {
                    "method": r.method,
                    "path": r.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": "203.0.113.7",
                    "userAgent": "loadgen-tune"
                },
                "requestId": request_id,
                "routeKey": "$default",
                "stage": "$default",
                "time": "29/Nov/2026:00:00:00 +0000",
                "timeEpoch": now_ms
            },
        })
    }

    /// The HTTP answer in the function's response. A v2 or Function URL response that is not an
    /// object with `statusCode` is, as Lambda reads it, a 200 whose body is that JSON.
    pub fn decode(self, response: &[u8]) -> Result<Answer, String> {
        let v: Value = serde_json::from_slice(response).map_err(|_| {
            let text = String::from_utf8_lossy(response);
            format!(
                "not a JSON response: {}",
                text.chars().take(200).collect::<String>()
            )
        })?;
        let Some(status) = v.get("statusCode") else {
            if matches!(self, EventFormat::ApigwV2 | EventFormat::FunctionUrl) {
                return Ok(Answer {
                    status: 200,
                    headers: Vec::new(),
                    body: response.to_vec(),
                });
            }
            return Err(format!("a {} response without statusCode", self.name()));
        };
        let status = status
            .as_u64()
            .or_else(|| status.as_str().and_then(|s| s.parse().ok()))
            .filter(|s| (100..600).contains(s))
            .ok_or_else(|| format!("statusCode {status} is not an HTTP status"))?;
        let text = v["body"].as_str().unwrap_or_default();
        let body = if v["isBase64Encoded"].as_bool() == Some(true) {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| format!("body is not base64: {e}"))?
        } else {
            text.as_bytes().to_vec()
        };
        let mut headers = Vec::new();
        for (k, val) in v["headers"].as_object().into_iter().flatten() {
            headers.push((
                k.clone(),
                val.as_str().unwrap_or_default().as_bytes().to_vec(),
            ));
        }
        for (k, vals) in v["multiValueHeaders"].as_object().into_iter().flatten() {
            for val in vals.as_array().into_iter().flatten() {
                headers.push((
                    k.clone(),
                    val.as_str().unwrap_or_default().as_bytes().to_vec(),
                ));
            }
        }
        Ok(Answer {
            status: status as u16,
            headers,
            body,
        })
    }
}

fn v1(r: &Request, request_id: &str, now_ms: u64) -> Value {
    json!({
        "resource": "/{proxy+}",
        "path": r.path,
        "httpMethod": r.method,
        "pathParameters": {"proxy": r.path.trim_start_matches('/')},
        "stageVariables": null,
        "requestContext": {
            "resourceId": "tune01",
            "resourcePath": "/{proxy+}",
            "httpMethod": r.method,
            "requestTime": "29/Nov/2026:00:00:00 +0000",
            "path": format!("/{V1_STAGE}{}", r.path),
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": V1_STAGE,
            "domainPrefix": "tune",
            "requestTimeEpoch": now_ms,
            "requestId": request_id,
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "loadgen-tune"},
            "domainName": EventFormat::ApigwV1.domain(),
            "apiId": "tune"
        },
    })
}

fn alb(r: &Request) -> Value {
    json!({
        "requestContext": {"elb": {"targetGroupArn":
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tune/6d0ecf831eec9f09"}},
        "httpMethod": r.method,
        "path": r.path,
    })
}

/// `a=1&b=x+y` as pairs, decoded (`+` is a space) or as sent.
fn query_pairs(query: &str, decode: bool) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|kv| !kv.is_empty()).map(move |kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        if decode {
            (form_decode(k), form_decode(v))
        } else {
            (k.to_string(), v.to_string())
        }
    })
}

/// `application/x-www-form-urlencoded` decoding; a malformed escape is kept as it is.
pub fn form_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => match s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(x) => {
                    out.push(x);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[path = "event_tests.rs"]
mod tests;
