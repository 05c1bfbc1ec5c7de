//! What journal-api's middleware costs a `GET /health`, in CPU time per request: the bare
//! handler, then the handler under the one layer every request passes (`edge::Edge`: request id,
//! panic catcher, JSON errors, deadline, body limit, access line), without and with metrics, then
//! the real router without and with metrics. Requests go through
//! `oneshot` on one thread, without sockets, so the figures are the layers' own work, free of
//! the network and of the machine's other load (each is the best of several passes).
//! `scripts/bench-api` measures the whole server over loopback instead.
//!
//!     cargo run --release -p api --example layer_cost [-- REQUESTS]

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use journal_api::app::{self, AppState};
use journal_api::config::LogFormat;
use journal_api::db::{Db, DbSettings};
use journal_api::edge::Edge;
use journal_api::metrics::Metrics;
use journal_api::telemetry;

#[path = "support/timing.rs"]
mod timing;
use timing::per_request;

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
    let metered = state.clone().with_metrics(metrics);
    let stacks: Vec<(&str, Router)> = vec![
        ("bare handler", bare()),
        ("edge (every layer in one)", bare().layer(Edge::new(&state))),
        ("edge + metrics", bare().layer(Edge::new(&metered))),
        ("journal-api router", app::router(state.clone())),
        ("journal-api router + metrics", app::router(metered)),
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
