//! What the edge does to a request's answer and id: JSON bodies for axum's own errors, `nosniff`,
//! the 500 of a panicking handler, the request's span (at `debug`), and request ids.

use std::any::Any;
use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::headers;

/// The header a request id comes in and goes out with.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// JSON bodies for axum's own rejections, then `nosniff` on every answer.
pub fn finish_response(res: Response) -> Response {
    headers::nosniff(json_errors(res))
}

/// Rejections the handlers never see (wrong method, a path segment that is not UTF-8, …) come
/// out of axum as plain text: give them the same `{"detail": …}` shape as everything else.
fn json_errors(res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return res;
    }
    let detail = status.canonical_reason().unwrap_or("Error");
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = serde_json::json!({ "detail": detail }).to_string();
    Response::from_parts(parts, Body::from(body))
}

/// The JSON 500 of a panicking handler; the panic's message goes to the log with the request id.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(request_id = %crate::current::request_id(), panic = %what, "handler panicked");
    ApiError::internal().into_response()
}

/// The span of a request (its id, method and path on every log line of it), at `debug` only
/// (target `journal_api::app`, as before it moved here): a span per request (made, its fields
/// formatted, entered and left at each poll) cost the default `info` log a third of `/health`'s
/// throughput, for the access line alone, which does without it (`access_log`). At `info` the few
/// lines a request logs carry `request_id` instead.
pub fn request_span(id: &HeaderValue, method: &Method, path: &str) -> tracing::Span {
    let id = id.to_str().unwrap_or("-");
    tracing::debug_span!(target: "journal_api::app", "request", id = %id, method = %method, path = %path)
}

/// The request's id: the incoming `x-request-id` when it is short and plain
/// ([`headers::valid_request_id`]), otherwise a generated one.
pub fn request_id(headers: &HeaderMap) -> HeaderValue {
    match headers.get(&X_REQUEST_ID) {
        Some(v) if headers::valid_request_id(v) => v.clone(),
        _ => generated_id(),
    }
}

/// Ids handed to one thread at a time: it counts them out without touching the shared counter
/// (whose cache line the two cores would pass back and forth on every request).
const ID_BLOCK: u64 = 1024;

thread_local! {
    /// The next id of this thread's block, and the end of the block.
    static BLOCK: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

/// `<process prefix>-<counter>`: unique across instances in practice (the prefix is random), and
/// cheaper than a random UUID per request.
fn generated_id() -> HeaderValue {
    static PREFIX: OnceLock<[u8; 9]> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        let mut p = [b'-'; 9];
        let hex = format!("{:08x}", rand::random::<u32>());
        p[..8].copy_from_slice(hex.as_bytes());
        p
    });
    let n = BLOCK.with(|b| {
        let (mut next, mut end) = b.get();
        if next == end {
            next = NEXT.fetch_add(ID_BLOCK, Ordering::Relaxed);
            end = next + ID_BLOCK;
        }
        b.set((next + 1, end));
        next
    });
    // A u64 has at most 20 decimal digits.
    let mut buf = [0u8; 9 + 20];
    buf[..9].copy_from_slice(prefix);
    let mut scratch = [0; 39];
    let digits = crate::access_log::decimal(u128::from(n), &mut scratch);
    let len = 9 + digits.len();
    buf[9..len].copy_from_slice(digits);
    // Hex digits, a dash and decimal digits: always a valid header value.
    HeaderValue::from_bytes(&buf[..len]).unwrap_or(HeaderValue::from_static("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_prefix_dash_counter_and_differ() {
        let ids: Vec<HeaderValue> = (0..3000).map(|_| generated_id()).collect();
        let first = ids[0].to_str().unwrap();
        let (prefix, n) = first.split_once('-').unwrap();
        assert_eq!(prefix.len(), 8);
        assert!(prefix.bytes().all(|c| c.is_ascii_hexdigit()), "{first}");
        let n: u64 = n.parse().unwrap();
        // One thread counts its block out in order, and takes a new block when it is spent.
        for (i, id) in ids.iter().enumerate().take(10) {
            assert_eq!(id.to_str().unwrap(), format!("{prefix}-{}", n + i as u64));
        }
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
    }

    #[test]
    fn an_incoming_id_is_kept_when_plain_and_replaced_otherwise() {
        let mut h = HeaderMap::new();
        h.insert(&X_REQUEST_ID, HeaderValue::from_static("abc-123"));
        assert_eq!(request_id(&h), "abc-123");
        h.insert(&X_REQUEST_ID, HeaderValue::from_static("no spaces"));
        assert_ne!(request_id(&h), "no spaces");
        assert_ne!(request_id(&HeaderMap::new()), "");
    }
}
