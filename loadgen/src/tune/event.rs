//! The requests of a sweep as API Gateway HTTP API (v2) events, shaped as the examples in
//! api/tests/events/apigw-v2-*.json (pure).

use serde_json::{Value, json};

/// The routes a sweep times, each with a warm request of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Health,
    List,
    Create,
    Login,
}

pub const ROUTES: [Route; 4] = [Route::Health, Route::List, Route::Create, Route::Login];

impl Route {
    pub fn method(self) -> &'static str {
        match self {
            Route::Health | Route::List => "GET",
            Route::Create | Route::Login => "POST",
        }
    }

    /// The route template, as loadgen's summary and costcalc name it.
    pub fn path(self) -> &'static str {
        match self {
            Route::Health => "/health",
            Route::List | Route::Create => "/api/v1/entries",
            Route::Login => "/api/v1/auth/login",
        }
    }

    /// The short name of the table's columns.
    pub fn name(self) -> &'static str {
        match self {
            Route::Health => "health",
            Route::List => "list",
            Route::Create => "create",
            Route::Login => "login",
        }
    }
}

/// What a request carries besides its route.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub content_type: Option<&'a str>,
    pub bearer: Option<&'a str>,
    pub body: Option<&'a str>,
}

/// The account a sweep signs up once and logs in with.
pub struct Account<'a> {
    pub email: &'a str,
    pub password: &'a str,
}

/// The sign-up that gives the sweep its token.
pub fn register(a: &Account, request_id: &str, now_ms: u64) -> Value {
    let body = json!({"email": a.email, "password": a.password}).to_string();
    event(
        &Request {
            method: "POST",
            path: "/api/v1/auth/register",
            query: "",
            content_type: Some("application/json"),
            bearer: None,
            body: Some(&body),
        },
        request_id,
        now_ms,
    )
}

/// The event of one timed request of `route`.
pub fn for_route(route: Route, a: &Account, token: &str, request_id: &str, now_ms: u64) -> Value {
    let login = format!(
        "username={}&password={}",
        crate::plan::journey::form_encode(a.email),
        crate::plan::journey::form_encode(a.password)
    );
    let entry = json!({"work": "timed the function", "struggle": "cgroup quotas", "intention": "pick a size"}).to_string();
    let (query, content_type, bearer, body) = match route {
        Route::Health => ("", None, None, None),
        Route::List => ("limit=20", None, Some(token), None),
        Route::Create => (
            "",
            Some("application/json"),
            Some(token),
            Some(entry.as_str()),
        ),
        Route::Login => (
            "",
            Some("application/x-www-form-urlencoded"),
            None,
            Some(login.as_str()),
        ),
    };
    let r = Request {
        method: route.method(),
        path: route.path(),
        query,
        content_type,
        bearer,
        body,
    };
    event(&r, request_id, now_ms)
}

/// An API Gateway v2 event for `r`.
pub fn event(r: &Request, request_id: &str, now_ms: u64) -> Value {
    let mut headers = json!({
        "accept": "*/*",
        "host": "tune.execute-api.us-east-1.amazonaws.com",
        "user-agent": "loadgen-tune",
        "x-forwarded-for": "203.0.113.7",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    });
    if let Some(ct) = r.content_type {
        headers["content-type"] = json!(ct);
    }
    if let Some(t) = r.bearer {
        headers["authorization"] = json!(format!("Bearer {t}"));
    }
    if let Some(b) = r.body {
        headers["content-length"] = json!(b.len().to_string());
    }
    let mut e = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": r.path,
        "rawQueryString": r.query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "tune",
            "domainName": "tune.execute-api.us-east-1.amazonaws.com",
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
        "isBase64Encoded": false,
    });
    if !r.query.is_empty() {
        let params: serde_json::Map<String, Value> = r
            .query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        e["queryStringParameters"] = Value::Object(params);
    }
    if let Some(b) = r.body {
        e["body"] = json!(b);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Account = Account {
        email: "tune@example.com",
        password: "a long password",
    };

    #[test]
    fn list_carries_the_query_and_the_token() {
        let e = for_route(Route::List, &A, "tok", "id-1", 5);
        assert_eq!(e["rawPath"], "/api/v1/entries");
        assert_eq!(e["rawQueryString"], "limit=20");
        assert_eq!(e["queryStringParameters"]["limit"], "20");
        assert_eq!(e["headers"]["authorization"], "Bearer tok");
        assert_eq!(e["requestContext"]["http"]["method"], "GET");
        assert!(e.get("body").is_none());
    }

    #[test]
    fn login_is_a_form_without_a_token() {
        let e = for_route(Route::Login, &A, "tok", "id-2", 5);
        assert_eq!(
            e["body"],
            "username=tune%40example.com&password=a+long+password"
        );
        assert_eq!(
            e["headers"]["content-type"],
            "application/x-www-form-urlencoded"
        );
        assert!(e["headers"].get("authorization").is_none());
        let r = register(&A, "id-3", 5);
        assert_eq!(r["rawPath"], "/api/v1/auth/register");
        let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["email"], "tune@example.com");
    }
}
