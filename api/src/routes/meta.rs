//! Health, readiness, welcome and the OpenAPI document.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db;
use crate::error::{ApiError, HttpError, SCHEMA_NOT_MIGRATED};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `healthy`.
    pub status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// `ready`.
    pub status: &'static str,
    /// `postgres` or `sqlite`.
    pub database: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Welcome {
    pub message: &'static str,
    pub status: &'static str,
}

pub(crate) fn static_json(body: &'static [u8]) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// Liveness: never touches the database.
#[utoipa::path(get, path = "/health", tag = "meta",
    responses((status = 200, description = "The process is up", body = Health)))]
pub async fn health() -> Response {
    static_json(br#"{"status":"healthy"}"#)
}

/// Readiness: 200 when the database answers within 2 s and its schema is migrated; 503 with
/// status `resuming` while the database is resuming (requests then wait for it).
#[utoipa::path(get, path = "/ready", tag = "meta", responses(
    (status = 200, description = "The database answers", body = Ready),
    (status = 503, description = "The database does not answer, is resuming (`status` is `resuming`), or is not migrated", body = HttpError)))]
pub async fn ready(State(state): State<AppState>) -> Result<axum::Json<Ready>, Response> {
    if db::resume::resuming() {
        return Err(resuming());
    }
    let down = || ApiError::db_unavailable().into_response();
    match tokio::time::timeout(Duration::from_secs(2), check(&state)).await {
        Ok(Ok(None)) => Ok(axum::Json(Ready {
            status: "ready",
            database: state.db.kind(),
        })),
        Ok(Ok(Some(pending))) => Err(ApiError::with_message(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{SCHEMA_NOT_MIGRATED} ({pending} pending migrations)"),
        )
        .retry_after(30)
        .into_response()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(down())
        }
        Err(_) if db::resume::resuming() => Err(resuming()),
        Err(_) => {
            tracing::warn!("readiness check timed out");
            Err(down())
        }
    }
}

/// 503 `{"status":"resuming","detail":…}` + `Retry-After: 1`: not ready yet, but requests sent
/// now wait for the database instead of failing.
fn resuming() -> Response {
    let body = serde_json::json!({
        "status": "resuming",
        "detail": "The database is resuming: requests wait for it (DB_RESUME_WAIT_SECONDS)",
    });
    let mut res = (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    res
}

/// A round trip, then (until once seen up to date) the pending migrations: `Some(n)` if any.
async fn check(state: &AppState) -> Result<Option<usize>, sqlx::Error> {
    state.db.ping().await?;
    if state.schema_ok.load(Ordering::Relaxed) {
        return Ok(None);
    }
    match db::pending_migrations(&state.db).await? {
        Some(n) if n > 0 => Ok(Some(n)),
        _ => {
            // Migrations only come with a new binary: once up to date, always up to date.
            state.schema_ok.store(true, Ordering::Relaxed);
            Ok(None)
        }
    }
}

/// The FastAPI journal API's root greeting.
#[utoipa::path(get, path = "/", tag = "meta",
    responses((status = 200, description = "Welcome", body = Welcome)))]
pub async fn root() -> Response {
    static_json(br#"{"message":"Welcome to Journal API","status":"active"}"#)
}
