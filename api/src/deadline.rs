//! Bounded time for every request: a request still running after the request timeout, or when
//! the shutdown grace period ends, answers 503 JSON instead of hanging or being cut off. While
//! the database is resuming ([`crate::db::resume`]), the timeout stretches to the resume wait,
//! so requests that arrived during a resume are answered once it is up.
//!
//! The router's edge (`crate::edge`) polls the handler first and arms a [`Bounds::guard`] only
//! when the handler has to wait: a request answered in its first poll (`/health`, a rejection)
//! never touches the timer wheel or the grace flag.

use std::pin::Pin;
use std::time::Duration;

use axum::response::{IntoResponse, Response};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::error::ApiError;
use crate::state::AppState;

/// How long a request may run, and the flag that ends every request at the end of the grace
/// period.
#[derive(Debug, Clone)]
pub struct Bounds {
    timeout: Duration,
    resume_wait: Duration,
    grace_over: watch::Receiver<bool>,
}

/// Why a request was cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Its timeout (or the resume wait) is up.
    TimedOut,
    /// The shutdown grace period is over.
    ShuttingDown,
}

impl Cut {
    /// The 503 the request answers instead.
    pub fn response(self) -> Response {
        match self {
            Cut::TimedOut => ApiError::timed_out().into_response(),
            Cut::ShuttingDown => {
                ApiError::unavailable("Server shutting down: try again").into_response()
            }
        }
    }
}

/// A guard: resolves when the request it watches must stop.
pub type Guard = Pin<Box<dyn Future<Output = Cut> + Send>>;

impl Bounds {
    pub fn new(state: &AppState) -> Bounds {
        Bounds {
            timeout: state.request_timeout,
            resume_wait: state.resume_wait,
            grace_over: state.grace_over.clone(),
        }
    }

    /// Watches a request from now: resolves when its timeout is up (stretched to the resume wait
    /// while the database resumes) or the grace period is over, whichever comes first.
    pub fn guard(&self) -> Guard {
        let (timeout, resume_wait) = (self.timeout, self.resume_wait);
        let mut grace_over = self.grace_over.clone();
        Box::pin(async move {
            let started = Instant::now();
            let mut until = started + timeout;
            loop {
                tokio::select! {
                    () = tokio::time::sleep_until(until) => {
                        let longest = started + resume_wait;
                        if until < longest && crate::db::resume::resuming() {
                            until = longest;
                            continue;
                        }
                        tracing::warn!(
                            request_id = %crate::access_log::request_id(),
                            timeout = ?until - started,
                            "request timed out"
                        );
                        return Cut::TimedOut;
                    },
                    () = wait_true(&mut grace_over) => return Cut::ShuttingDown,
                }
            }
        })
    }
}

/// Resolves when the flag turns true; never, if its sender is gone without doing so.
pub async fn wait_true(flag: &mut watch::Receiver<bool>) {
    if flag.wait_for(|v| *v).await.is_err() {
        std::future::pending::<()>().await;
    }
}
