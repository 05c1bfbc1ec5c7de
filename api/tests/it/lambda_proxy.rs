//! `DB_PROXY=1` behind a transaction-pooling proxy, proven against a real PgBouncer
//! (pool_mode=transaction) that scripts/test.d/50-lambda.sh starts in front of the test cluster.
//! Two pools of one connection each stand for two Lambda execution environments sharing the
//! proxy: with the statement cache on, the API's own queries fail on named prepared statements
//! (as RDS Proxy would pin every session); with DB_PROXY's settings they all succeed.
//!
//! Ignored by the plain `cargo test` run (no PgBouncer there); stage 50 runs them with
//! `--run-ignored only`, TEST_DB_PROXY=1, TEST_DATABASE_URL pointing at PgBouncer and
//! TEST_DIRECT_DATABASE_URL at the server behind it.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use journal_api::app::router;
use journal_api::db::{self, Db, DbSettings};
use journal_api::state::AppState;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support;

/// The proxied URL of a fresh database, migrated through a direct connection.
async fn migrated_proxied_url() -> String {
    assert!(
        support::proxied(),
        "run with TEST_DB_PROXY=1 and TEST_DATABASE_URL pointing at PgBouncer \
         (scripts/test.d/50-lambda.sh does)"
    );
    let url = support::fresh_postgres_url().await;
    let direct = Db::connect(&DbSettings::new(support::direct_url(&url)))
        .await
        .expect("direct connection");
    db::migrate(&direct).await.expect("migrate");
    direct.close().await;
    url
}

/// What a Lambda environment opens: one connection, lazy, cache as given.
async fn environment(url: &str, statement_cache: bool) -> axum::Router {
    let settings = DbSettings {
        url: url.to_string(),
        max_connections: 1,
        lazy: true,
        statement_cache,
        statement_timeout: None,
        ..DbSettings::new(url)
    };
    let db = Db::connect(&settings)
        .await
        .expect("connect through PgBouncer");
    router(AppState::from_secret(support::SECRET, db))
}

async fn call(
    app: &axum::Router,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .method("POST")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.method("GET").body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Register on one environment, then alternate logins, writes and reads between the two, as
/// traffic spread over two Lambda environments does. Returns the first failure.
async fn alternate(a: &axum::Router, b: &axum::Router) -> Result<(), String> {
    let (s, v) = call(
        a,
        "/api/v1/auth/register",
        None,
        Some(json!({"email": "proxy@example.com", "password": support::PASSWORD})),
    )
    .await;
    if s != StatusCode::OK {
        return Err(format!("register: {s} {v}"));
    }
    for round in 0..4 {
        for (name, app) in [("a", a), ("b", b)] {
            let (s, v) = call(
                app,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": "proxy@example.com", "password": support::PASSWORD})),
            )
            .await;
            if s != StatusCode::OK {
                return Err(format!("round {round}, environment {name}, login: {s} {v}"));
            }
            let token = v["access_token"].as_str().unwrap().to_string();
            let (s, v) = call(
                app,
                "/api/v1/entries",
                Some(&token),
                Some(json!({"work": "w", "struggle": "s", "intention": "i"})),
            )
            .await;
            if s != StatusCode::CREATED {
                return Err(format!(
                    "round {round}, environment {name}, create: {s} {v}"
                ));
            }
            let (s, v) = call(app, "/api/v1/entries?limit=1000", Some(&token), None).await;
            if s != StatusCode::OK {
                return Err(format!("round {round}, environment {name}, list: {s} {v}"));
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PgBouncer: scripts/test.d/50-lambda.sh runs it"]
async fn statement_cache_on_fails_behind_pgbouncer() {
    let url = migrated_proxied_url().await;
    let (a, b) = (environment(&url, true).await, environment(&url, true).await);
    let err = alternate(&a, &b)
        .await
        .expect_err("named prepared statements must break through transaction pooling");
    // The API turns the database error into a JSON 500; the proxy's complaint is in the logs.
    assert!(err.contains("500"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PgBouncer: scripts/test.d/50-lambda.sh runs it"]
async fn db_proxy_settings_work_behind_pgbouncer() {
    let url = migrated_proxied_url().await;
    let (a, b) = (
        environment(&url, false).await,
        environment(&url, false).await,
    );
    alternate(&a, &b)
        .await
        .expect("DB_PROXY=1 settings through PgBouncer");
}
