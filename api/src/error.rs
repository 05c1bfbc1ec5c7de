//! Error responses, FastAPI-shaped: `{"detail": "<message>"}`, or for 422
//! `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Body of every non-422 error.
#[derive(Debug, Serialize, ToSchema)]
pub struct HttpError {
    pub detail: String,
}

/// Body of a 422.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationErrorBody {
    pub detail: Vec<FieldError>,
}

/// One step of a field's location: `"body"`, `"email"`, or a position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Loc {
    Key(String),
    Index(u64),
}

impl From<&str> for Loc {
    fn from(s: &str) -> Loc {
        Loc::Key(s.to_string())
    }
}

/// One invalid field, as pydantic reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub loc: Vec<Loc>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
}

impl FieldError {
    pub fn new(loc: &[&str], kind: &str, msg: impl Into<String>) -> FieldError {
        FieldError {
            loc: loc.iter().map(|s| Loc::from(*s)).collect(),
            msg: msg.into(),
            kind: kind.to_string(),
        }
    }
}

enum Detail {
    Message(&'static str),
    Owned(String),
    Fields(Vec<FieldError>),
}

/// An error a handler returns; it renders as a JSON response.
pub struct ApiError {
    status: StatusCode,
    detail: Detail,
    bearer_challenge: bool,
    /// Seconds for `Retry-After` (503, 429).
    retry_after: Option<u32>,
}

pub const INVALID_CREDENTIALS: &str = "Could not validate credentials";
const INTERNAL_ERROR: &str = "Internal Server Error";
const DB_UNAVAILABLE: &str = "Database unavailable";
const TIMED_OUT: &str = "Request timed out: a dependency is slow, try again";

impl ApiError {
    pub fn new(status: StatusCode, detail: &'static str) -> ApiError {
        ApiError {
            status,
            detail: Detail::Message(detail),
            bearer_challenge: false,
            retry_after: None,
        }
    }
    pub fn with_message(status: StatusCode, detail: String) -> ApiError {
        ApiError {
            status,
            detail: Detail::Owned(detail),
            bearer_challenge: false,
            retry_after: None,
        }
    }
    /// 401 for a missing `Authorization: Bearer` header.
    pub fn not_authenticated() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "Not authenticated").challenge()
    }
    /// 401 for a bad, expired or revoked token.
    pub fn invalid_credentials() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, INVALID_CREDENTIALS).challenge()
    }
    pub fn not_found(detail: &'static str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, detail)
    }
    pub fn validation(fields: Vec<FieldError>) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: Detail::Fields(fields),
            bearer_challenge: false,
            retry_after: None,
        }
    }
    pub fn field(loc: &[&str], kind: &str, msg: impl Into<String>) -> ApiError {
        ApiError::validation(vec![FieldError::new(loc, kind, msg)])
    }
    /// Adds `WWW-Authenticate: Bearer` (RFC 6750), as OAuth2 clients expect on a 401.
    pub fn challenge(mut self) -> ApiError {
        self.bearer_challenge = true;
        self
    }
    /// Adds `Retry-After: <seconds>`.
    pub fn retry_after(mut self, seconds: u32) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }
    /// 503 + `Retry-After: 1`: a dependency is down or the server is saturated; try again.
    pub fn unavailable(detail: &'static str) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, detail).retry_after(1)
    }
    /// 500 that says nothing more: the cause goes to the log, never to the client.
    pub fn internal() -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL_ERROR)
    }
    /// 503 + `Retry-After: 1`: the database does not answer or the connection broke.
    pub fn db_unavailable() -> ApiError {
        ApiError::unavailable(DB_UNAVAILABLE)
    }
    /// 503 + `Retry-After: 1`: the request's time (its timeout, or the Lambda deadline) is up.
    pub fn timed_out() -> ApiError {
        ApiError::unavailable(TIMED_OUT)
    }
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> ApiError {
        use crate::db::faults::{self, Class};
        match faults::classify(&err) {
            Class::Unavailable => {
                if faults::is_broken_connection(&err) {
                    faults::note_broken(&err);
                }
                tracing::error!(request_id = %crate::access_log::request_id(), error = %err, "database unavailable");
                ApiError::db_unavailable()
            }
            Class::SchemaMissing => {
                tracing::error!(request_id = %crate::access_log::request_id(), error = %err, "database schema missing");
                ApiError::unavailable(SCHEMA_NOT_MIGRATED)
            }
            Class::Other => {
                tracing::error!(request_id = %crate::access_log::request_id(), error = %err, "database error");
                ApiError::internal()
            }
        }
    }
}

/// The tables are missing: the deployment skipped the migration step.
pub const SCHEMA_NOT_MIGRATED: &str = "schema not migrated: run the migrate function";

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match self.detail {
            Detail::Message(m) => serde_json::to_vec(&HttpError {
                detail: m.to_string(),
            }),
            Detail::Owned(m) => serde_json::to_vec(&HttpError { detail: m }),
            Detail::Fields(f) => serde_json::to_vec(&ValidationErrorBody { detail: f }),
        }
        .unwrap_or_else(|_| format!(r#"{{"detail":"{INTERNAL_ERROR}"}}"#).into_bytes());
        let mut res = (self.status, body).into_response();
        let headers = res.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if self.bearer_challenge {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Status, `Retry-After` and body of a rendered error.
    fn rendered(e: ApiError) -> (u16, Option<String>, String) {
        let res = e.into_response();
        let retry = res
            .headers()
            .get(header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap().to_string());
        let status = res.status().as_u16();
        let body = body_text(res);
        (status, retry, body)
    }

    fn body_text(res: Response) -> String {
        let bytes = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(axum::body::to_bytes(res.into_body(), usize::MAX))
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn the_shared_answers_keep_their_status_retry_and_text() {
        assert_eq!(
            rendered(ApiError::internal()),
            (500, None, r#"{"detail":"Internal Server Error"}"#.into())
        );
        assert_eq!(
            rendered(ApiError::db_unavailable()),
            (
                503,
                Some("1".into()),
                r#"{"detail":"Database unavailable"}"#.into()
            )
        );
        assert_eq!(
            rendered(ApiError::timed_out()),
            (
                503,
                Some("1".into()),
                r#"{"detail":"Request timed out: a dependency is slow, try again"}"#.into()
            )
        );
    }
}
