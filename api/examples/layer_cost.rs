//! What each middleware layer of journal-api costs a `GET /health`, in CPU time per request:
//! the bare handler, then the handler under each layer alone (built from the same parts as
//! `app::router`), then the real router without and with metrics. Requests go through
//! `oneshot` on one thread, without sockets, so the figures are the layers' own work, free of
//! the network and of the machine's other load (each is the best of several passes).
//! `scripts/bench-api` measures the whole server over loopback instead.
//!
//!     cargo run --release -p api --example layer_cost [-- REQUESTS]

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use journal_api::app::{self, AppState, RequestIds};
use journal_api::config::LogFormat;
use journal_api::db::{Db, DbSettings};
use journal_api::metrics::{Metrics, Track};
use journal_api::{deadline, headers, telemetry};
use tower::ServiceBuilder;

#[path = "support/timing.rs"]
mod timing;
use timing::per_request;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::Level;

async fn health() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"healthy"}"#,
    )
}

fn bare() -> Router {
    Router::new().route("/health", get(health))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let n: u32 = std::env::args().nth(1).map_or(Ok(200_000), |a| a.parse())?;
    // As in the benchmark (RUST_LOG=warn): spans and access-log events are filtered out.
    telemetry::init(LogFormat::Text, "warn", telemetry::LogTarget::Stderr);
    let db = Db::connect(&DbSettings::new("sqlite::memory:")).await?;
    let state = AppState::from_secret(b"layer-cost-secret-layer-cost-secret-0123", db.clone());
    let metrics = Arc::new(Metrics::new(db));
    let trace = TraceLayer::new_for_http()
        .make_span_with(app::request_span)
        .on_request(DefaultOnRequest::new().level(Level::DEBUG))
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    let stacks: Vec<(&str, Router)> = vec![
        ("bare handler", bare()),
        ("body limit", bare().layer(DefaultBodyLimit::max(65536))),
        (
            "deadline (timeout + grace)",
            bare().layer(deadline::Bounded::new(&state)),
        ),
        (
            "JSON errors + nosniff",
            bare().layer(ServiceBuilder::new().map_response(app::finish_response)),
        ),
        (
            "request id check",
            bare().layer(ServiceBuilder::new().map_request(headers::sanitize_request_id)),
        ),
        (
            "request id",
            bare().layer(SetRequestIdLayer::x_request_id(RequestIds::default())),
        ),
        ("trace span + access log", bare().layer(trace)),
        (
            "request id echo",
            bare().layer(PropagateRequestIdLayer::x_request_id()),
        ),
        (
            "panic catcher",
            bare().layer(CatchPanicLayer::custom(app::panic_response)),
        ),
        ("metrics", bare().layer(Track(metrics.clone()))),
        ("journal-api router", app::router(state.clone())),
        (
            "journal-api router + metrics",
            app::router(state.with_metrics(metrics)),
        ),
    ];
    per_request(&stacks[0].1, n).await; // warm-up: allocator, caches, timer wheel
    let mut results = Vec::new();
    for (name, app) in &stacks {
        results.push((name, per_request(app, n).await));
    }
    let base = results[0].1;
    println!("GET /health in process, one thread, best of 5 x {n} requests");
    println!("{:<30} {:>10} {:>12}", "stack", "ns/req", "+ns vs bare");
    for (name, ns) in results {
        println!("{name:<30} {ns:>10.0} {:>12.0}", ns - base);
    }
    Ok(())
}
