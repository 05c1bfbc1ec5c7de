//! The reference point of `scripts/bench-api`: a bare axum server answering `GET /health` with
//! the API's body (`{"status":"healthy"}`) and nothing else: no request id, trace span, error
//! mapping, timeout, panic layer or metrics. The ratio of the API's `/health` rate to this one,
//! measured side by side in one run, is what the API's middleware costs on this machine.
//!
//!     cargo run --release -p api --example bare_health -- 127.0.0.1:8090

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8090".to_string());
    let app = Router::new().route("/health", get(health));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening addr={}", listener.local_addr()?);
    // TCP_NODELAY, as the API's own accept loop sets it: otherwise Nagle alone separates them.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await
}

// The same bytes and content type as the API's handler, which also serves a static body.
async fn health() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"healthy"}"#,
    )
}
