//! Bounded time for every request: a request still running after the request timeout, or when
//! the shutdown grace period ends, answers 503 JSON instead of hanging or being cut off. While
//! the database is resuming ([`crate::db::resume`]), the timeout stretches to the resume wait,
//! so requests that arrived during a resume are answered once it is up.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;

use crate::error::ApiError;
use crate::state::AppState;

/// Layer: runs the rest of the stack within `state.request_timeout`, and gives up at once when
/// the grace period is over. A tower layer holding only what it needs, not an
/// `axum::middleware::from_fn` over the whole state: that cloned the state (eight reference
/// counts) and the stack below on every request.
#[derive(Debug, Clone)]
pub struct Bounded {
    timeout: Duration,
    resume_wait: Duration,
    grace_over: watch::Receiver<bool>,
}

impl Bounded {
    pub fn new(state: &AppState) -> Bounded {
        Bounded {
            timeout: state.request_timeout,
            resume_wait: state.resume_wait,
            grace_over: state.grace_over.clone(),
        }
    }
}

impl<S> tower::Layer<S> for Bounded {
    type Service = BoundedService<S>;
    fn layer(&self, inner: S) -> BoundedService<S> {
        BoundedService {
            inner,
            bounds: self.clone(),
        }
    }
}

/// A service whose requests are bounded by [`Bounded`].
#[derive(Debug, Clone)]
pub struct BoundedService<S> {
    inner: S,
    bounds: Bounded,
}

impl<S> tower::Service<Request> for BoundedService<S>
where
    S: tower::Service<Request, Response = Response>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let (timeout, resume_wait) = (self.bounds.timeout, self.bounds.resume_wait);
        let mut grace_over = self.bounds.grace_over.clone();
        let fut = self.inner.call(req);
        Box::pin(async move {
            let started = tokio::time::Instant::now();
            let mut until = started + timeout;
            let mut fut = std::pin::pin!(fut);
            loop {
                tokio::select! {
                    res = &mut fut => return res,
                    () = tokio::time::sleep_until(until) => {
                        let longest = started + resume_wait;
                        if until < longest && crate::db::resume::resuming() {
                            until = longest;
                            continue;
                        }
                        tracing::warn!(timeout = ?until - started, "request timed out");
                        return Ok(ApiError::timed_out().into_response());
                    },
                    () = wait_true(&mut grace_over) => {
                        return Ok(ApiError::unavailable("Server shutting down: try again")
                            .into_response());
                    }
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
