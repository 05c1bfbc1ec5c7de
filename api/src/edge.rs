//! Everything a request passes on its way in and out, in one tower layer with one future: the
//! request id (an incoming `x-request-id` checked, or one generated, and echoed in the answer),
//! the request's span at `debug`, the panic catcher, JSON bodies for axum's own errors and
//! `nosniff`, the request deadline, the body limit, a 5xx logged, the access line and, with
//! `METRICS_ADDR`, the metrics.
//!
//! These were eight tower and axum layers, each a service cloned and a future made (five of them
//! boxed) per request, the id formatted, parsed and copied into the request, its extensions and
//! the answer, and a timer registered and removed for every request. Here a request costs one
//! service clone and one future; the id is made once and moved; the deadline's timer is armed
//! only when the handler has to wait ([`crate::deadline`]); and the request's id and cost are
//! current on the thread only while its handler is polled ([`crate::current`]).
//!
//! Applied per route (`Router::layer`), after routing, so that the metrics see the matched
//! route template, as the layers did.

mod answer;

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{Method, Uri};
use axum::response::Response;

use crate::access_log::{self, Line};
use crate::body::BODY_LIMIT;
use crate::current::{self, Cost, Current};
use crate::deadline::{Bounds, Guard};
use crate::metrics::{MethodLabel, Metrics, RequestStart, Route};
use crate::state::AppState;

pub use answer::{X_REQUEST_ID, finish_response, panic_response, request_span};

/// The layer: every route and the fallback of `app::router`.
#[derive(Clone)]
pub struct Edge(Arc<Shared>);

/// What every request of a router shares: one reference count per request.
struct Shared {
    bounds: Bounds,
    metrics: Option<Arc<Metrics>>,
}

impl Edge {
    /// The state's request timeout, resume wait and grace flag, and its metrics if any.
    pub fn new(state: &AppState) -> Edge {
        Edge(Arc::new(Shared {
            bounds: Bounds::new(state),
            metrics: state.metrics.clone(),
        }))
    }
}

impl<S> tower::Layer<S> for Edge {
    type Service = EdgeService<<DefaultBodyLimit as tower::Layer<S>>::Service>;
    fn layer(&self, inner: S) -> Self::Service {
        EdgeService {
            // Inside, as it was: it only marks the request with the limit its extractors apply.
            inner: tower::Layer::layer(&DefaultBodyLimit::max(BODY_LIMIT), inner),
            shared: self.0.clone(),
        }
    }
}

/// A route's service under [`Edge`].
#[derive(Clone)]
pub struct EdgeService<S> {
    inner: S,
    shared: Arc<Shared>,
}

/// What the metrics need of a request.
struct Measured {
    start: Instant,
    method: MethodLabel,
    route: Route,
}

impl<S, E> tower::Service<Request> for EdgeService<S>
where
    S: tower::Service<Request, Response = Response, Error = E>,
    // axum's `Route` futures are: no pinning projection needed.
    S::Future: Unpin,
{
    type Response = Response;
    type Error = E;
    type Future = EdgeFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> EdgeFuture<S::Future> {
        let started = Instant::now();
        let id = answer::request_id(req.headers());
        let span = request_span(&id, req.method(), req.uri().path());
        span.in_scope(|| {
            tracing::debug!(target: "tower_http::trace::on_request", "started processing request");
        });
        let logged = access_log::enabled().then(|| (req.method().clone(), req.uri().clone()));
        let measured = self.shared.metrics.as_ref().map(|_| Measured {
            start: req
                .extensions()
                .get::<RequestStart>()
                .map_or(started, |s| s.0),
            method: MethodLabel::of(req.method()),
            route: Route::of(&req),
        });
        let cur = Current {
            id: Some(id),
            cost: measured.as_ref().map(|_| Cost::default()),
        };
        let handler = match catch_unwind(AssertUnwindSafe(|| self.inner.call(req))) {
            Ok(fut) => Handler::Running(fut),
            Err(panic) => Handler::Panicked(panic),
        };
        EdgeFuture {
            handler,
            guard: None,
            cur,
            span,
            started,
            logged,
            measured,
            shared: self.shared.clone(),
        }
    }
}

/// Where the handler is.
enum Handler<F> {
    Running(F),
    /// Its service panicked when called.
    Panicked(Box<dyn Any + Send>),
    Done,
}

/// The future of a request under [`Edge`].
pub struct EdgeFuture<F> {
    handler: Handler<F>,
    /// Armed when the handler first has to wait.
    guard: Option<Guard>,
    /// The request's id and cost, current on the thread while the handler is polled.
    cur: Current,
    span: tracing::Span,
    started: Instant,
    /// Method and URI for the access line, when it is on.
    logged: Option<(Method, Uri)>,
    measured: Option<Measured>,
    shared: Arc<Shared>,
}

impl<F, E> Future for EdgeFuture<F>
where
    F: Future<Output = Result<Response, E>> + Unpin,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut cur = std::mem::take(&mut this.cur);
        let polled = {
            let _in_span = this.span.enter();
            let (handler, guard, bounds) =
                (&mut this.handler, &mut this.guard, &this.shared.bounds);
            current::within(&mut cur, || poll_handler(handler, guard, bounds, cx))
        };
        this.cur = cur;
        match polled {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Ready(Ok(res)) => Poll::Ready(Ok(this.finish(res))),
        }
    }
}

/// Polls the handler, catching its panic; arms the deadline's guard when it waits, and answers
/// 503 in its place when the guard fires (the handler is dropped there, its request current, so
/// that a query it leaves is counted to it).
fn poll_handler<F, E>(
    handler: &mut Handler<F>,
    guard: &mut Option<Guard>,
    bounds: &Bounds,
    cx: &mut Context<'_>,
) -> Poll<Result<Response, E>>
where
    F: Future<Output = Result<Response, E>> + Unpin,
{
    let polled = match handler {
        Handler::Running(fut) => catch_unwind(AssertUnwindSafe(|| Pin::new(fut).poll(cx))),
        Handler::Panicked(_) => match std::mem::replace(handler, Handler::Done) {
            Handler::Panicked(panic) => Err(panic),
            _ => unreachable!("matched above"),
        },
        // Polled after it answered: tower and hyper never do; answer rather than panic.
        Handler::Done => return Poll::Ready(Ok(panic_response(Box::new("polled after answer")))),
    };
    match polled {
        Ok(Poll::Ready(res)) => {
            *handler = Handler::Done;
            Poll::Ready(res)
        }
        Err(panic) => {
            *handler = Handler::Done;
            Poll::Ready(Ok(panic_response(panic)))
        }
        Ok(Poll::Pending) => {
            let g = guard.get_or_insert_with(|| bounds.guard());
            match g.as_mut().poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(cut) => {
                    *handler = Handler::Done;
                    *guard = None;
                    Poll::Ready(Ok(cut.response()))
                }
            }
        }
    }
}

impl<F> EdgeFuture<F> {
    /// The answer's own headers, then what is logged and counted of it.
    fn finish(&mut self, res: Response) -> Response {
        let mut res = finish_response(res);
        let id = self
            .cur
            .id
            .take()
            .unwrap_or_else(|| answer::request_id(&Default::default()));
        let id_text = id.to_str().unwrap_or("-");
        let status = res.status();
        if status.is_server_error() {
            // What tower_http's trace layer logged (`DefaultOnFailure`), with the request's id.
            let latency = self.started.elapsed().as_millis();
            self.span.in_scope(|| {
                tracing::error!(
                    request_id = %id_text,
                    classification = %format_args!("Status code: {status}"),
                    latency = %format_args!("{latency} ms"),
                    "response failed"
                );
            });
        }
        if let Some((method, uri)) = self.logged.take() {
            let line = Line {
                id: id_text,
                method: method.as_str(),
                path: uri.path(),
                status,
                millis: self.started.elapsed().as_millis(),
            };
            let written = access_log::write(&line);
            if let (Some(bytes), Some(cost)) = (written, self.cur.cost.as_mut()) {
                cost.log_bytes += u64::try_from(bytes).unwrap_or(u64::MAX);
            }
        }
        if let (Some(m), Some(metrics)) = (self.measured.take(), &self.shared.metrics) {
            let cost = self.cur.cost.unwrap_or_default();
            metrics.record(m.method, m.route, status, m.start.elapsed(), cost);
        }
        // A handler's own id (none sets one today) is kept, as tower_http's propagation did.
        if !res.headers().contains_key(&X_REQUEST_ID) {
            res.headers_mut().insert(X_REQUEST_ID.clone(), id);
        }
        res
    }
}

#[cfg(test)]
mod tests;
