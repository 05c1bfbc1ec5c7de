//! The list of 20's reference point in `scripts/bench-api`: a bare axum server answering
//! `GET /api/v1/entries` with the handler's own work and nothing around it. It checks the bearer
//! token with the API's keys (`JWT_SECRET`), runs the API's query (`db::entries::list`, newest
//! 100 of the caller's entries) on a pool of the API's settings (`DATABASE_URL`, 10 connections,
//! statement cache on) and answers the same JSON bytes; no request id, span, access line, error
//! mapping, deadline, panic catcher, body limit or metrics. The ratio of the API's rate to this
//! one, measured side by side in one run, is what the API's middleware costs a database route.
//!
//!     DATABASE_URL=postgres://… JWT_SECRET=… cargo run --release -p api --example bare_list -- 127.0.0.1:8091

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use journal_api::auth::tokens::{Keys, TokenType};
use journal_api::db::{Db, DbSettings, entries};
use journal_api::validate::LIMIT_DEFAULT;

#[derive(Clone)]
struct Bare {
    db: Db,
    keys: Arc<Keys>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8091".to_string());
    let url = std::env::var("DATABASE_URL")?;
    let secret = std::env::var("JWT_SECRET")?;
    let bare = Bare {
        db: Db::connect(&DbSettings::new(url)).await?,
        keys: Arc::new(Keys::new(secret.as_bytes())),
    };
    let app = Router::new()
        .route("/api/v1/entries", get(list))
        .with_state(bare);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening addr={}", listener.local_addr()?);
    // TCP_NODELAY, as the API's own accept loop sets it: otherwise Nagle alone separates them.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await?;
    Ok(())
}

/// The API's list handler without its extractors' error shapes: a bad token is a bare 401.
async fn list(State(bare): State<Bare>, headers: HeaderMap) -> Response {
    let user = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|token| bare.keys.verify(token.trim(), TokenType::Access));
    let Some(user) = user else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    // The API's default page (no query).
    match entries::list(&bare.db, user.sub, None, LIMIT_DEFAULT).await {
        Ok(rows) => Json(rows).into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
