//! Request-body extraction with JSON errors for every failure (size, content type, syntax).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value};

use crate::error::ApiError;

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The media type a request body claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json`, `application/*+json`, or no Content-Type at all (FastAPI parses those
    /// as JSON too).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    Other,
}

pub fn body_kind(headers: &HeaderMap) -> BodyKind {
    let Some(ct) = headers.get(header::CONTENT_TYPE) else {
        return BodyKind::Json;
    };
    let Ok(ct) = ct.to_str() else {
        return BodyKind::Other;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else {
        BodyKind::Other
    }
}

pub fn unsupported_media_type(expected: &'static str) -> ApiError {
    ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, expected)
}

/// How long a client may take to send a body: a client that sends a few bytes and then waits
/// (slowloris) must not hold a connection and a task for long.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(5);

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Request body too large: the limit is 64 KiB",
    )
}

/// Reads the whole body within [`BODY_LIMIT`] and [`BODY_READ_TIMEOUT`]. A `Content-Length` over
/// the limit is refused before a byte of the body is read.
pub async fn read_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(too_large());
    }
    let read = tokio::time::timeout(BODY_READ_TIMEOUT, Bytes::from_request(req, state));
    let Ok(res) = read.await else {
        return Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "Request body not received in time",
        ));
    };
    res.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "Could not read the request body")
        }
    })
}

/// A JSON object body.
pub struct JsonObject(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if body_kind(req.headers()) != BodyKind::Json {
            return Err(unsupported_media_type(
                "Unsupported media type: send the body as application/json",
            ));
        }
        let bytes = read_bytes(req, state).await?;
        crate::validate::json_object(&bytes)
            .map(JsonObject)
            .map_err(|e| ApiError::validation(vec![e]))
    }
}
