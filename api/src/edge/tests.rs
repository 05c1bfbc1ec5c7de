//! The edge on routes of its own: what a panicking, a slow, a plain and a rejected handler answer.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use http_body_util::BodyExt;
use tokio::sync::watch;
use tower::ServiceExt;

use super::*;
use crate::db::{Db, DbSettings};

async fn state(timeout: Duration) -> AppState {
    let db = Db::connect(&DbSettings::new("sqlite::memory:"))
        .await
        .unwrap();
    AppState {
        request_timeout: timeout,
        resume_wait: timeout,
        ..AppState::from_secret(b"edge-tests-secret-edge-tests-secret-0123", db)
    }
}

fn app(state: &AppState) -> Router {
    Router::new()
        .route("/ok", get(|| async { "ok" }))
        .route(
            "/panic",
            get(|| async {
                if true {
                    panic!("the handler broke");
                }
                "never"
            }),
        )
        .route("/forever", get(std::future::pending::<&'static str>))
        .layer(Edge::new(state))
}

async fn get_it(app: &Router, uri: &str, id: Option<&str>) -> (StatusCode, Response, String) {
    let mut req = Request::get(uri);
    if let Some(id) = id {
        req = req.header("x-request-id", id);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    (
        parts.status,
        Response::from_parts(parts, Body::empty()),
        text,
    )
}

fn header<'a>(res: &'a Response, name: &str) -> &'a str {
    res.headers()[name].to_str().unwrap()
}

#[tokio::test]
async fn a_plain_answer_carries_its_request_id_and_nosniff() {
    let app = app(&state(Duration::from_secs(30)).await);
    let (status, res, body) = get_it(&app, "/ok", Some("caller-7")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    assert_eq!(header(&res, "x-request-id"), "caller-7");
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    // Without one, or with one too odd to log, the answer carries a generated id.
    for given in [None, Some("has spaces and {braces}")] {
        let (_, res, _) = get_it(&app, "/ok", given).await;
        let id = header(&res, "x-request-id");
        assert!(id.len() > 9 && Some(id) != given, "{id}");
    }
}

#[tokio::test]
async fn a_panicking_handler_answers_a_json_500_with_its_request_id() {
    let app = app(&state(Duration::from_secs(30)).await);
    let (status, res, body) = get_it(&app, "/panic", Some("boom-1")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, r#"{"detail":"Internal Server Error"}"#);
    assert_eq!(header(&res, "x-request-id"), "boom-1");
    assert_eq!(header(&res, "content-type"), "application/json");
    // The service is whole after it: the next request is answered.
    assert_eq!(get_it(&app, "/ok", None).await.0, StatusCode::OK);
}

#[tokio::test]
async fn axums_own_rejections_are_json() {
    let app = app(&state(Duration::from_secs(30)).await);
    let req = Request::post("/ok").body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert!(res.headers().contains_key("x-request-id"));
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], br#"{"detail":"Method Not Allowed"}"#);
}

#[tokio::test]
async fn a_handler_that_never_answers_gets_a_503_at_its_timeout() {
    let app = app(&state(Duration::from_millis(200)).await);
    let (status, res, body) = get_it(&app, "/forever", Some("slow-1")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("Request timed out"), "{body}");
    assert_eq!(header(&res, "retry-after"), "1");
    assert_eq!(header(&res, "x-request-id"), "slow-1");
}

#[tokio::test]
async fn the_end_of_the_grace_period_answers_503_to_a_waiting_request() {
    let (over, over_rx) = watch::channel(false);
    let state = state(Duration::from_secs(600)).await.with_grace(over_rx);
    let app = app(&state);
    let waiting = tokio::spawn(async move { get_it(&app, "/forever", None).await });
    // The request is in flight (or not yet): either way the flag ends it.
    tokio::task::yield_now().await;
    over.send(true).unwrap();
    let (status, _, body) = waiting.await.unwrap();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("shutting down"), "{body}");
}
