//! The real `journal-api` binary as a Lambda function: each test starts it with
//! `AWS_LAMBDA_RUNTIME_API` pointing at a Runtime API served here on loopback (the same HTTP API
//! that Lambda and cargo-lambda's emulator serve), feeds it the recorded events of
//! `tests/events/` and checks what the function answers. Nothing is called in-process: events go
//! through lambda_runtime, lambda_http's event parsing and response encoding, the router and the
//! database, as on AWS.
//!
//! The events (written by `tests/events/make_events.py`): HTTP API on `$default` and on stage
//! `Prod`, REST API on stage `Prod` with and without `AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH`, ALB
//! (plain and multi-value headers), Function URLs; base64 bodies, form logins, query strings,
//! multi-value headers, 401, 404, 413, 422; the `migrate` role; `/health` with an unreachable
//! database; an unknown handler; SIGTERM. Stage 50 (`scripts/test.d/50-lambda.sh`) then builds the
//! bootstrap with cargo-lambda, checks its glibc floor, and drives the real function in `cargo
//! lambda watch` (the local emulator, no Docker) with API Gateway v2 events through `cargo lambda
//! invoke` and plain HTTP on its Function URL path, on SQLite and PostgreSQL.

mod runtime;

use std::sync::atomic::Ordering;

use serde_json::{Value, json};

use crate::support;
use runtime::{EVENTS, Function, Outcome, Reply, Vars};

// --- databases --------------------------------------------------------------------------------

/// A fresh, empty database URL; the temp dir (SQLite) must outlive the function.
async fn fresh_url(backend: support::Backend) -> (String, Option<tempfile::TempDir>) {
    match backend {
        support::Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("journal.db").display());
            (url, Some(dir))
        }
        support::Backend::Postgres => (support::fresh_postgres_url().await, None),
    }
}

/// Runs the `migrate` role twice: the first call applies everything, the second nothing.
async fn migrate_through_lambda(url: &str) {
    let mut f = Function::start("migrate", url, &[]).await;
    let first = match f.invoke("{}".into()).await {
        Outcome::Response(b) => serde_json::from_slice::<Value>(&b).unwrap(),
        Outcome::Error(b) => panic!(
            "migrate failed: {}\n{}",
            String::from_utf8_lossy(&b),
            f.logs()
        ),
    };
    let applied = first["applied"].as_array().expect("applied is a list");
    assert!(!applied.is_empty(), "{first}");
    assert_eq!(first["pending_before"], applied.len(), "{first}");
    assert!(applied[0].as_str().unwrap().starts_with(char::is_numeric));
    // The same environment again (a warm invoke): nothing left to do.
    match f.invoke(r#"{"source":"deploy"}"#.into()).await {
        Outcome::Response(b) => assert_eq!(
            serde_json::from_slice::<Value>(&b).unwrap(),
            json!({"applied": [], "pending_before": 0})
        ),
        Outcome::Error(b) => panic!("second migrate failed: {}", String::from_utf8_lossy(&b)),
    }
}

macro_rules! on_each_db {
    ($name:ident, $f:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$f(super::support::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$f(super::support::Backend::Postgres).await;
            }
        }
    };
}

// --- the tests --------------------------------------------------------------------------------

on_each_db!(migrate_role, migrate_role_applies_then_finds_nothing);
async fn migrate_role_applies_then_finds_nothing(backend: support::Backend) {
    let (url, _dir) = fresh_url(backend).await;
    migrate_through_lambda(&url).await;
}

on_each_db!(http_api_journey, http_api_v2_journey);
/// HTTP API ($default stage): register, log in with a form, create, list, read, update,
/// delete, and the error statuses, all as API Gateway sends them.
async fn http_api_v2_journey(backend: support::Backend) {
    let (url, _dir) = fresh_url(backend).await;
    migrate_through_lambda(&url).await;
    let mut f = Function::start("api", &url, &[]).await;
    let none: Vars = vec![];

    let health = f.event("apigw-v2-health", &none).await;
    assert_eq!(health.expect(200), json!({"status": "healthy"}));
    assert!(health.header("x-request-id").is_some(), "{}", health.raw);

    let reg = f.event("apigw-v2-register-base64", &none).await.expect(200);
    assert_eq!(reg["token_type"], "bearer");
    let login = f
        .event("apigw-v2-login-form-base64", &none)
        .await
        .expect(200);
    let token = login["access_token"].as_str().unwrap().to_string();
    let mut vars: Vars = vec![("ACCESS_TOKEN", token)];

    let created = f.event("apigw-v2-create", &vars).await.expect(201);
    assert_eq!(created["work"], "wrote the lambda adapter");
    let id = created["id"].as_str().unwrap().to_string();
    // A second entry, so that limit=1 has something to cut.
    f.event("apigw-v2-create", &vars).await.expect(201);
    let list = f.event("apigw-v2-list-query", &vars).await.expect(200);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "limit=1: {list}");
    vars.push(("ENTRY_ID", id.clone()));

    let one = f.event("apigw-v2-get", &vars).await.expect(200);
    assert_eq!(one["id"], id.as_str());
    let updated = f.event("apigw-v2-update", &vars).await.expect(200);
    assert_eq!(updated["work"], "edited on lambda");
    assert_eq!(updated["struggle"], "stage prefixes");
    assert_eq!(
        f.event("apigw-v2-delete", &vars).await.expect(204),
        Value::Null
    );
    assert_eq!(
        f.event("apigw-v2-get", &vars).await.expect(404)["detail"],
        "Entry not found"
    );

    assert_eq!(
        f.event("apigw-v2-create-no-token-401", &none)
            .await
            .expect(401)["detail"],
        "Not authenticated"
    );
    assert_eq!(
        f.event("apigw-v2-unknown-route-404", &none)
            .await
            .expect(404),
        json!({"detail": "Not Found"})
    );
    let big = f.event("apigw-v2-create-too-large-413", &vars).await;
    assert!(
        big.expect(413)["detail"]
            .as_str()
            .unwrap()
            .contains("64 KiB")
    );
    let invalid = f
        .event("apigw-v2-register-invalid-422", &none)
        .await
        .expect(422);
    assert!(invalid["detail"].as_array().is_some_and(|d| !d.is_empty()));

    // The same function behind a named HTTP API stage: rawPath is /Prod/...
    assert_eq!(
        f.event("apigw-v2-stage-health", &none).await.expect(200)["status"],
        "healthy"
    );
    let staged = f
        .event("apigw-v2-stage-list-query", &vars)
        .await
        .expect(200);
    assert_eq!(staged.as_array().map(Vec::len), Some(1), "{staged}");
}

on_each_db!(other_sources, function_url_and_alb_events);
/// Function URLs (base64 bodies, cookies) and ALB target groups (plain and multi-value).
async fn function_url_and_alb_events(backend: support::Backend) {
    let (url, _dir) = fresh_url(backend).await;
    migrate_through_lambda(&url).await;
    let mut f = Function::start("api", &url, &[]).await;
    let none: Vars = vec![];

    assert_eq!(
        f.event("url-health", &none).await.expect(200)["status"],
        "healthy"
    );
    let reg = f.event("url-register-base64", &none).await.expect(200);
    let vars: Vars = vec![("ACCESS_TOKEN", reg["access_token"].as_str().unwrap().into())];
    f.event("url-create", &vars).await.expect(201);
    f.event("url-create", &vars).await.expect(201);
    let list = f.event("url-list-query", &vars).await;
    assert_eq!(list.expect(200).as_array().map(Vec::len), Some(2));
    // Function URLs take the HTTP API (v2) response shape: cookies, single-value headers.
    assert!(list.raw["cookies"].is_array(), "{}", list.raw);
    assert_eq!(list.header("content-type"), Some("application/json"));

    let health = f.event("alb-health", &none).await;
    assert_eq!(health.expect(200)["status"], "healthy");
    // ALB wants a status line text back.
    assert_eq!(health.raw["statusDescription"], "200 OK", "{}", health.raw);
    f.event("alb-register", &none).await.expect(200);
    let login = f.event("alb-login-form-multi-base64", &none).await;
    let token = login.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    // A multi-value request gets a multi-value response.
    assert!(login.raw["multiValueHeaders"].is_object(), "{}", login.raw);
    let vars: Vars = vec![("ACCESS_TOKEN", token)];
    let list = f.event("alb-list-query-multi", &vars).await.expect(200);
    assert_eq!(list, json!([]), "the ALB user has no entries yet");
    assert_eq!(
        f.event("alb-list-no-token-401", &none).await.expect(401)["detail"],
        "Not authenticated"
    );
}

on_each_db!(rest_api_stage, rest_api_on_stage_prod);
/// REST API (v1) on stage Prod with AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH (as the SAM template
/// sets it): multi-value headers and query strings, a form login.
async fn rest_api_on_stage_prod(backend: support::Backend) {
    let (url, _dir) = fresh_url(backend).await;
    migrate_through_lambda(&url).await;
    let mut f = Function::start(
        "api",
        &url,
        &[("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "true")],
    )
    .await;
    let none: Vars = vec![];
    assert_eq!(
        f.event("apigw-v1-health", &none).await.expect(200)["status"],
        "healthy"
    );
    f.event("apigw-v1-register", &none).await.expect(200);
    let login = f.event("apigw-v1-login-form", &none).await;
    let token = login.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(login.raw["multiValueHeaders"].is_object(), "{}", login.raw);
    let vars: Vars = vec![("ACCESS_TOKEN", token)];
    f.event("apigw-v1-create", &vars).await.expect(201);
    let list = f.event("apigw-v1-list-query", &vars).await.expect(200);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(
        f.event("apigw-v1-unknown-route-404", &none)
            .await
            .expect(404),
        json!({"detail": "Not Found"})
    );
}

/// Without AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH, lambda_http routes a REST API event to
/// /Prod/health, which is no route: the reason the variable is part of the deployment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_api_stage_without_the_variable_is_404() {
    let (url, _dir) = fresh_url(support::Backend::Sqlite).await;
    let mut f = Function::start("api", &url, &[]).await;
    let r = f.event("apigw-v1-health", &vec![]).await;
    assert_eq!(r.expect(404), json!({"detail": "Not Found"}));
}

/// /health on a cold start answers without dialling the database: the pool is lazy. The
/// database here never answers; /ready then says so (after its 2 s), as a JSON 503, not a crash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_start_health_does_not_wait_for_the_database() {
    // A listener nobody answers on: whether the function dialled it shows in its accept queue,
    // whatever the speed of the machine.
    let db = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    db.set_nonblocking(true).unwrap();
    let port = db.local_addr().unwrap().port();
    let url = format!("postgres://nobody@127.0.0.1:{port}/nothing");
    let mut f = Function::start("api", &url, &[("DB_PROXY", "1")]).await;
    let r = f.event("apigw-v2-health", &vec![]).await;
    assert_eq!(r.expect(200)["status"], "healthy");
    assert!(
        matches!(db.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "/health dialled the database"
    );
    let mut text = std::fs::read_to_string(format!("{EVENTS}/apigw-v2-health.json")).unwrap();
    text = text.replace("\"/health\"", "\"/ready\"");
    match f.invoke(text).await {
        Outcome::Response(b) => {
            let r = Reply::parse("ready", &b);
            assert_eq!(r.expect(503), json!({"detail": "Database unavailable"}));
        }
        Outcome::Error(b) => panic!("{}", String::from_utf8_lossy(&b)),
    }
    // JSON lines by default on Lambda (AWS_LAMBDA_FUNCTION_NAME is set), text if LOG_FORMAT says.
    let logs = f.logs();
    assert!(
        logs.contains("\"statement_cache\":false") || logs.contains("statement_cache=false"),
        "{logs}"
    );
}

/// An unknown `_HANDLER` stops the init with a message that names the two handlers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_handler_is_a_clear_init_error() {
    let f = Function::start("bootstrap", "sqlite::memory:", &[]).await;
    let (code, logs) = f.wait_exit().await;
    assert_eq!(code, Some(1), "{logs}");
    assert!(
        logs.contains("_HANDLER=\"bootstrap\" is not a handler of journal-api")
            && logs.contains("`api`")
            && logs.contains("`migrate`"),
        "{logs}"
    );
}

/// Lambda sends SIGTERM before it ends an environment (only to functions with an extension:
/// the runtime registers one); the hook closes the pool and the process exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_the_pool() {
    let (url, _dir) = fresh_url(support::Backend::Sqlite).await;
    migrate_through_lambda(&url).await;
    let mut f = Function::start("api", &url, &[]).await;
    f.event("apigw-v2-register-base64", &vec![])
        .await
        .expect(200);
    assert_eq!(
        f.rt.extensions.load(Ordering::Relaxed),
        1,
        "no extension registered"
    );
    let (code, logs) = f.terminate().await;
    assert_eq!(code, Some(0), "{logs}");
    assert!(logs.contains("SIGTERM received"), "{logs}");
    assert!(logs.contains("database pool closed"), "{logs}");
}
