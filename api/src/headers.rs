//! Response headers every answer carries, and the request id an incoming request may bring.

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

/// Whether an incoming `X-Request-Id` is kept: at most [`MAX_REQUEST_ID`] bytes of
/// `A-Z a-z 0-9 - _ . : /`; otherwise the request gets a generated id.
pub fn valid_request_id(v: &HeaderValue) -> bool {
    let b = v.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_REQUEST_ID
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"-_.:/".contains(c))
}
