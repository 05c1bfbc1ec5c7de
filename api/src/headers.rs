//! Response headers every answer carries, and the request id an incoming request may bring.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::Response;

/// Longest incoming `X-Request-Id` that is kept (and logged); a longer or odd one is replaced by
/// a generated id, so a client cannot put 8 KB or control characters into every log line.
pub const MAX_REQUEST_ID: usize = 128;

/// `X-Content-Type-Options: nosniff` on every response (all of them are JSON).
pub fn nosniff(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 5.1) for token responses.
pub async fn no_store(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    res
}

/// Drops an incoming `X-Request-Id` that is too long or has characters other than
/// `A-Z a-z 0-9 - _ . : /`; the request then gets a generated one.
pub fn sanitize_request_id(mut req: Request) -> Request {
    let ok = req.headers().get("x-request-id").is_none_or(|v| {
        let b = v.as_bytes();
        !b.is_empty()
            && b.len() <= MAX_REQUEST_ID
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || b"-_.:/".contains(c))
    });
    if !ok {
        req.headers_mut().remove("x-request-id");
    }
    req
}
