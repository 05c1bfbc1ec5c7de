//! Bounded time against a database that never answers, in process: a "black hole" that accepts
//! TCP connections and never says a word stands in for a hung PostgreSQL (the fault suite freezes
//! a real one). The router answers 503 when its request timeout is up; on Lambda, before the
//! invocation's deadline.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use journal_api::app::router;
use journal_api::db::{Db, DbSettings};
use journal_api::lambda::api_service;
use journal_api::state::AppState;
use lambda_http::RequestExt;
use tower::ServiceExt;

use crate::support;

/// A listener whose connections are accepted by the kernel and never answered.
fn black_hole() -> (std::net::TcpListener, String) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "postgres://nobody@127.0.0.1:{}/void",
        l.local_addr().unwrap().port()
    );
    (l, url)
}

/// A lazy pool on `url`; a hung first connect looks like a resume, so the resume wait is the
/// request timeout unless a test is about the resume.
async fn hung_state(url: &str, request_timeout: Duration) -> AppState {
    resuming_state(url, request_timeout, request_timeout).await
}

async fn resuming_state(url: &str, request_timeout: Duration, resume_wait: Duration) -> AppState {
    let settings = DbSettings {
        lazy: true,
        ..DbSettings::new(url)
    };
    let db = Db::connect(&settings)
        .await
        .expect("a lazy pool does not dial");
    AppState {
        request_timeout,
        resume_wait,
        ..AppState::from_secret(support::SECRET, db)
    }
}

async fn body_json(res: axum::response::Response) -> serde_json::Value {
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_on_a_hung_database_answers_503_when_its_timeout_is_up() {
    let (_hole, url) = black_hole();
    // 1 s: shorter than the pool's acquire timeout (5 s), so it is the request timeout that acts.
    let app = router(hung_state(&url, Duration::from_secs(1)).await);
    let body = r#"{"email":"hung@example.com","password":"correct horse battery"}"#;
    let req = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    let started = Instant::now();
    let res = app.oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "1");
    // It waited for the timeout: the answer is the timeout's, not a connection error's.
    assert!(started.elapsed() >= Duration::from_secs(1));
    let detail = body_json(res).await["detail"].as_str().unwrap().to_string();
    assert!(detail.starts_with("Request timed out"), "{detail}");
}

/// A first connection that the database holds (Aurora Serverless v2 resuming from auto-pause
/// does) stretches the request's time to the resume wait: it is not answered at its timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_a_new_connection_is_held_a_request_waits_for_the_resume_wait() {
    let (_hole, url) = black_hole();
    let wait = Duration::from_secs(3);
    let app = router(resuming_state(&url, Duration::from_secs(1), wait).await);
    let body = r#"{"email":"resume@example.com","password":"correct horse battery"}"#;
    let req = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    let started = Instant::now();
    let res = app.oneshot(req).await.unwrap();
    // The black hole never resumes: 503 in the end, but not before the resume wait.
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        started.elapsed() >= wait,
        "answered after {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lambda_invocation_answers_503_before_its_deadline() {
    let (_hole, url) = black_hole();
    // The router's own timeout is far away: the invocation's deadline is what must act.
    let service = api_service(router(hung_state(&url, Duration::from_secs(600)).await));
    let deadline = Duration::from_secs(3);
    let deadline_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        + deadline;
    let mut ctx = lambda_http::Context::default();
    ctx.deadline = deadline_ms.as_millis() as u64;
    let body = r#"{"email":"hung@example.com","password":"correct horse battery"}"#;
    let mut req =
        lambda_http::Request::new(lambda_http::Body::Text(body.into())).with_lambda_context(ctx);
    *req.method_mut() = axum::http::Method::POST;
    *req.uri_mut() = "/api/v1/auth/login".parse().unwrap();
    req.headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    let started = Instant::now();
    let res = service.oneshot(req).await.unwrap();
    eprintln!(
        "lambda, hung database: 503 after {:?} (deadline in {deadline:?})",
        started.elapsed()
    );
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    // The invocation budget (deadline - 0.5 s) acted: not the pool's acquire timeout (5 s, after
    // the deadline), nor the router's (600 s).
    let detail = body_json(res).await["detail"].as_str().unwrap().to_string();
    assert!(detail.starts_with("Request timed out"), "{detail}");
}
