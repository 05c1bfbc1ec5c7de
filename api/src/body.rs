//! Request-body extraction with JSON errors for every failure (size, content type, syntax).

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

/// Reads the whole body within [`BODY_LIMIT`].
pub async fn read_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request body too large: the limit is 64 KiB",
            )
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
