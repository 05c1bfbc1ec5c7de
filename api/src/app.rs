//! The router: routes, JSON errors for everything, request ids, access logs, panic safety net.

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnRequest, TraceLayer};
use tracing::Level;

use crate::access_log::AccessLog;
use crate::body::BODY_LIMIT;
use crate::error::ApiError;
use crate::routes::{auth, entries, meta};
pub use crate::state::AppState;
use crate::{deadline, headers, limits};

/// Every route of the contract, with its middleware; measured when the state has metrics.
pub fn router(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    let app = routes(state);
    match metrics {
        // Outermost, so that it times every other layer, and on the router (each route and the
        // fallback), so that it sees the matched route template.
        Some(m) => app.layer(crate::metrics::Track(m)),
        None => app,
    }
}

fn routes(state: AppState) -> Router {
    Router::new()
        .route("/", get(meta::root))
        .route("/health", get(meta::health))
        .route("/ready", get(meta::ready))
        .route("/openapi.json", get(crate::openapi::serve))
        .merge(auth_routes(&state))
        .route(
            "/api/v1/entries",
            post(entries::create)
                .get(entries::list)
                .delete(entries::delete_all),
        )
        .route(
            "/api/v1/entries/{entry_id}",
            get(entries::get)
                .put(entries::update)
                .delete(entries::delete),
        )
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(deadline::Bounded::new(&state))
        .with_state(state)
        // tower's mappers, not axum's `middleware::map_*`: those clone the stack below them and
        // box a future on every request, for functions that never wait.
        .layer(
            ServiceBuilder::new()
                .map_request(headers::sanitize_request_id)
                .layer(SetRequestIdLayer::x_request_id(RequestIds::default()))
                // The access line is AccessLog's, formatted once without a span; outside the
                // trace layer, so that a 5xx the trace layer logs knows the request's id.
                .layer(AccessLog)
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_request(DefaultOnRequest::new().level(Level::DEBUG))
                        .on_response(())
                        .on_failure(on_failure),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CatchPanicLayer::custom(panic_response))
                .map_response(finish_response),
        )
}

/// The token endpoints; their answers carry credentials, so no cache may keep them
/// (`Cache-Control: no-store`, RFC 6749 5.1).
/// Throttled per client ([`limits::per_client`]).
fn auth_routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/register", post(auth::register))
        .route("/api/v1/auth/signup", post(auth::signup))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/refresh", post(auth::refresh))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route_layer(middleware::from_fn_with_state(
            state.limits.clone(),
            limits::per_client,
        ))
        .layer(middleware::map_response(headers::no_store))
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not Found")
}

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

/// The JSON 500 of a panicking handler (public, like the other layers' parts, for
/// `examples/layer_cost.rs`, which times each layer on its own).
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(request_id = %crate::access_log::request_id(), panic = %what, "handler panicked");
    ApiError::internal().into_response()
}

/// The span of a request (its id, method and path on every log line of it), at `debug` only: a
/// span per request (made, its fields formatted, entered and left at each poll) cost the default
/// `info` log a third of `/health`'s throughput, for the access line alone, which does without it
/// (`access_log`). At `info` the few lines a request logs carry `request_id` instead.
pub fn request_span(req: &Request<Body>) -> tracing::Span {
    let id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    tracing::debug_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
}

/// A 5xx answer (what tower_http's `DefaultOnFailure` logs), with the request's id.
fn on_failure(class: ServerErrorsFailureClass, latency: Duration, _: &tracing::Span) {
    tracing::error!(
        request_id = %crate::access_log::request_id(),
        classification = %class,
        latency = %format_args!("{} ms", latency.as_millis()),
        "response failed"
    );
}

/// Request ids `<process prefix>-<counter>`: unique across instances in practice, and cheaper
/// than a random UUID per request. An incoming `x-request-id` is kept as is.
#[derive(Clone)]
pub struct RequestIds {
    prefix: u32,
    next: Arc<AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        RequestIds {
            prefix: rand::random(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{:08x}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}
