//! What journal-api's logging costs a request, in process: the real router (`app::router`, the
//! request span, the access line, the log writer) answering `GET /health`, with logging set up as
//! the server sets it (`telemetry::init`, lines to stdout through the log writer) at the `RUST_LOG`
//! given. Run it once per filter, stdout to a file or /dev/null, and compare the ns per request:
//! the difference between `info` and `warn` is the access log's CPU on the request's thread (the
//! writer thread's own work shows in the process's CPU time, printed too). Requests go through
//! `oneshot` on one thread, no sockets, so the figures are free of the network and of most of the
//! machine's load (each is the best of several passes).
//!
//! `bare` instead of a filter answers from a bare axum router (the same body, no layer; logging
//! set up at `info`): the floor that the router's figures compare with.
//!
//!     cargo build --release -p api --example log_cost
//!     for f in bare warn info bare warn info; do target/release/examples/log_cost $f >/dev/null; done

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use journal_api::app::{self, AppState};
use journal_api::config::LogFormat;
use journal_api::db::{Db, DbSettings};
use journal_api::telemetry;
#[path = "support/timing.rs"]
mod timing;
use timing::per_request;

/// CPU seconds of the whole process so far (every thread: the log writer's too).
fn process_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<f64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    // Clock ticks: 100 a second on Linux.
    f.iter().sum::<f64>() / 100.0
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let filter = args.next().unwrap_or_else(|| "info".into());
    let n: u32 = args.next().map_or(Ok(200_000), |a| a.parse())?;
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v == "json");
    let format = if json {
        LogFormat::Json
    } else {
        LogFormat::Text
    };
    let bare = filter == "bare";
    let level = if bare { "info" } else { filter.as_str() };
    telemetry::init(format, level, telemetry::LogTarget::StdoutQueued);
    let app = if bare {
        Router::new().route("/health", get(health))
    } else {
        let db = Db::connect(&DbSettings::new("sqlite::memory:")).await?;
        app::router(AppState::from_secret(
            b"log-cost-secret-log-cost-secret-0123456",
            db,
        ))
    };
    per_request(&app, n / 10).await; // warm-up: allocator, caches, timer wheel
    let cpu0 = process_cpu_s();
    let ns = per_request(&app, n).await;
    telemetry::flush();
    let cpu = process_cpu_s() - cpu0;
    eprintln!(
        "{:<14} {}: {ns:>7.0} ns/request (best of 5 x {n}), process CPU {:.0} ns/request",
        if bare {
            "bare".into()
        } else {
            format!("RUST_LOG={filter}")
        },
        if json { "json" } else { "text" },
        cpu * 1e9 / (5.0 * f64::from(n))
    );
    Ok(())
}

/// The bare router's answer: the API's `/health` body and content type.
async fn health() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"healthy"}"#,
    )
}
