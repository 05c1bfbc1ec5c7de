//! Bounded time for every request: a request still running after the request timeout, or when
//! the shutdown grace period ends, answers 503 JSON instead of hanging or being cut off.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;

use crate::error::ApiError;
use crate::state::AppState;

/// Middleware: runs the rest of the stack within `state.request_timeout`, and gives up at once
/// when the grace period is over.
pub async fn bounded(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut grace_over = state.grace_over.clone();
    tokio::select! {
        res = tokio::time::timeout(state.request_timeout, next.run(req)) => match res {
            Ok(res) => res,
            Err(_) => {
                tracing::warn!(timeout = ?state.request_timeout, "request timed out");
                ApiError::unavailable("Request timed out: a dependency is slow, try again")
                    .into_response()
            }
        },
        () = wait_true(&mut grace_over) => {
            ApiError::unavailable("Server shutting down: try again").into_response()
        }
    }
}

/// Resolves when the flag turns true; never, if its sender is gone without doing so.
pub async fn wait_true(flag: &mut watch::Receiver<bool>) {
    if flag.wait_for(|v| *v).await.is_err() {
        std::future::pending::<()>().await;
    }
}
