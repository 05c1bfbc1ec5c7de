//! The router: the routes of the contract, under the layer every request passes (`crate::edge`).

use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};

use crate::edge::Edge;
pub use crate::edge::{finish_response, panic_response, request_span};
use crate::error::ApiError;
use crate::routes::{auth, entries, meta};
pub use crate::state::AppState;
use crate::{headers, limits};

/// Every route of the contract, each under the one layer every request passes ([`Edge`]: request
/// id, panic catcher, JSON errors, deadline, body limit, access line, and metrics when the state
/// has them).
pub fn router(state: AppState) -> Router {
    let edge = Edge::new(&state);
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
        .with_state(state)
        // On the router (each route and the fallback), so that the metrics see the matched route
        // template; one layer, so one boxed service and future per request (axum boxes each).
        .layer(edge)
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
