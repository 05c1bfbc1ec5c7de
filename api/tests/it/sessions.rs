//! Sessions under races and rotation: concurrent refreshes, logout after a refresh,
//! pruning; and the headers and answers around them (no-store, nosniff, request ids, a database
//! nobody migrated, a locked SQLite file).
//!
//! Also covered: token headers, Unicode emails, an unmigrated database answering 503.

use axum::body::Body;
use axum::http::{Request, header};
use journal_api::db::{Db, refresh_tokens};
use serde_json::json;

use crate::support::{self, Backend, PASSWORD, TestApp};

/// Not run through PgBouncer (scripts/test.d/50-lambda.sh runs the tests named `postgres`):
/// two requests at once are two clients on its one server connection, where sqlx's unnamed
/// statements (Parse + Sync, then Bind + Execute + Sync) interleave. api/README.md says more.
mod concurrent_refreshes_one_wins_and_the_session_lives {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        race(TestApp::new(Backend::Sqlite).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pg_direct() {
        race(TestApp::new(Backend::Postgres).await).await;
    }

    async fn race(app: TestApp) {
        let user = app.register("tabs@example.com").await;
        let body = json!({"refresh_token": user.refresh});
        let (a, b) = tokio::join!(
            app.post("/api/v1/auth/refresh", None, &body),
            app.post("/api/v1/auth/refresh", None, &body)
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 401], "exactly one refresh wins");
        let winner = if a.status == 200 { a.json() } else { b.json() };
        // The winner's pair works: the loser did not revoke the family.
        app.get("/api/v1/entries", winner["access_token"].as_str())
            .await
            .expect(200);
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": winner["refresh_token"]}),
        )
        .await
        .expect(200);
    }
}

both_dbs!(
    logout_with_an_access_token_from_before_a_refresh_ends_the_session,
    |app| {
        let user = app.register("old-access@example.com").await;
        let pair = app
            .post(
                "/api/v1/auth/refresh",
                None,
                &json!({"refresh_token": user.refresh}),
            )
            .await
            .expect(200);
        // Another session of the same user must survive.
        let other = app
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": user.email, "password": PASSWORD}),
            )
            .await
            .expect(200);
        let r = app
            .post("/api/v1/auth/logout", Some(&user.access), &json!({}))
            .await;
        assert_eq!(r.status, 204);
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": pair["refresh_token"]}),
        )
        .await
        .expect_detail(401, "Could not validate credentials");
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": other["refresh_token"]}),
        )
        .await
        .expect(200);
    }
);

both_dbs!(expired_refresh_tokens_are_pruned, |app| {
    let user = app.register("prune@example.com").await;
    let _ = user;
    let far = journal_api::db::now() + chrono::TimeDelta::days(8);
    let n = refresh_tokens::prune(&app.db, far).await.unwrap();
    assert_eq!(n, 1, "the one token expires within 7 days");
    let n = refresh_tokens::prune(&app.db, far).await.unwrap();
    assert_eq!(n, 0);
});

both_dbs!(token_answers_are_not_cached_and_nothing_is_sniffed, |app| {
    let r = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "cache@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(r.headers[header::PRAGMA], "no-cache");
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let r = app.get("/health", None).await;
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
});

both_dbs!(unicode_variants_of_an_email_are_one_account, |app| {
    app.register("jos\u{e9}@example.com").await;
    app.post(
        "/api/v1/auth/register",
        None,
        &json!({"email": "Jose\u{301}@example.com", "password": PASSWORD}),
    )
    .await
    .expect_detail(400, "Email already registered");
    app.post(
        "/api/v1/auth/login",
        None,
        &json!({"email": "JOSE\u{301}@example.com", "password": PASSWORD}),
    )
    .await
    .expect(200);
    let errs = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "jos\u{e9}\u{200B}@example.com", "password": PASSWORD}),
        )
        .await
        .expect_422();
    assert_eq!(errs[0].0, "body.email");
});

both_dbs!(long_or_odd_request_ids_are_replaced, |app| {
    for bad in ["x".repeat(8192), "a\tb".to_string()] {
        let req = Request::builder()
            .uri("/health")
            .header("x-request-id", bad.as_str())
            .body(Body::empty())
            .unwrap();
        let r = app.send(req).await;
        let id = r.headers["x-request-id"].to_str().unwrap();
        assert!(id.len() <= 128 && id != bad, "{id}");
    }
});

/// A database nobody migrated: register and login say so with a 503, and so does /ready.
#[tokio::test]
async fn unmigrated_database_is_503_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("empty.db").display());
    for url in [sqlite, support::fresh_postgres_url().await] {
        let app = TestApp::unmigrated(&url).await;
        let hint = "schema not migrated: run the migrate function";
        let body = json!({"email": "early@example.com", "password": PASSWORD});
        let r = app.post("/api/v1/auth/register", None, &body).await;
        assert_eq!(r.expect(503)["detail"], hint, "{url}");
        assert_eq!(r.headers[header::RETRY_AFTER], "1");
        let r = app.post("/api/v1/auth/login", None, &body).await;
        assert_eq!(r.expect(503)["detail"], hint, "{url}");
        let ready = app.get("/ready", None).await.expect(503);
        assert_eq!(
            ready["detail"],
            format!("{hint} (2 pending migrations)"),
            "{url}"
        );
    }
}

/// SQLite still locked by another writer after the busy timeout: 503 + Retry-After, not 500.
#[tokio::test]
async fn sqlite_locked_past_the_busy_timeout_is_503() {
    use sqlx::Connection;
    let app = TestApp::new(Backend::Sqlite).await;
    let user = app.register("locked@example.com").await;
    let Db::Sqlite(pool) = &app.db else {
        unreachable!()
    };
    let file = pool.connect_options().get_filename().to_path_buf();
    let mut holder = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut holder)
        .await
        .unwrap();
    let r = app
        .post(
            "/api/v1/entries",
            Some(&user.access),
            &json!({"work": "w", "struggle": "s", "intention": "i"}),
        )
        .await;
    assert_eq!(r.expect(503)["detail"], "Database unavailable");
    assert_eq!(r.headers[header::RETRY_AFTER], "1");
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut holder)
        .await
        .unwrap();
}
