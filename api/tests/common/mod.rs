//! Shared test harness: a fresh database per test (SQLite file in a temp dir, or a new
//! PostgreSQL database on the server of TEST_DATABASE_URL), the real router, and helpers.
#![allow(dead_code)] // each test binary uses a different subset

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use journal_api::app::router;
use journal_api::db::{self, Db, DbSettings};
use journal_api::state::AppState;
use serde_json::{Value, json};
use sqlx::Connection;
use tower::ServiceExt;

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret-0123";
pub const PASSWORD: &str = "correct horse battery";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs one test body once per database: `both_dbs!(name, |app| async { ... });`
#[macro_export]
macro_rules! both_dbs {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = common::TestApp::new(common::Backend::Sqlite).await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let $app = common::TestApp::new(common::Backend::Postgres).await;
                $body
            }
        }
    };
}

/// The superuser URL of the test cluster; a PostgreSQL test without it fails, never skips.
pub fn test_database_url() -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => u,
        _ => panic!(
            "TEST_DATABASE_URL is not set: PostgreSQL tests need a server. Run `scripts/test` \
             (it starts a throwaway PostgreSQL cluster and sets TEST_DATABASE_URL), or point \
             TEST_DATABASE_URL at a superuser URL of a disposable server"
        ),
    }
}

/// `TEST_DB_PROXY=1`: TEST_DATABASE_URL points at a transaction-pooling proxy (PgBouncer, as RDS
/// Proxy would be), so the suite runs with the statement cache off, as `DB_PROXY=1` does.
pub fn proxied() -> bool {
    std::env::var("TEST_DB_PROXY").is_ok_and(|v| v.trim() == "1")
}

/// Behind a proxy, migrations go straight to the server (TEST_DIRECT_DATABASE_URL), as a
/// deployment runs them on a direct or session-mode connection: sqlx's migrator names its
/// statements and takes a session advisory lock, neither of which survives transaction pooling.
pub fn direct_url(url: &str) -> String {
    let direct = match std::env::var("TEST_DIRECT_DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => u,
        _ => panic!(
            "TEST_DB_PROXY=1 needs TEST_DIRECT_DATABASE_URL (the server behind the proxy) for \
             migrations: scripts/test.d/50-lambda.sh sets both"
        ),
    };
    let server = |u: &str| u.rsplit_once('/').map(|(s, _)| s.to_string()).unwrap();
    url.replacen(&server(url), &server(&direct), 1)
}

/// Creates an empty database on the test server and returns its URL.
pub async fn fresh_postgres_url() -> String {
    let admin = test_database_url();
    let name = format!("journal_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to TEST_DATABASE_URL ({admin}): {e}"));
    // One simple-protocol message: nothing a transaction-pooling proxy could split.
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await
        .expect("CREATE DATABASE");
    conn.close().await.ok();
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b.to_string(), format!("?{q}")),
        None => (admin.clone(), String::new()),
    };
    let (server, _) = base
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL has a database path");
    format!("{server}/{name}{query}")
}

/// A fresh, migrated database of the given kind; the temp dir (SQLite) lives as long as it.
pub async fn fresh_db(backend: Backend) -> (Db, Option<tempfile::TempDir>) {
    let (url, dir) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("journal.db").display());
            (url, Some(dir))
        }
        Backend::Postgres => (fresh_postgres_url().await, None),
    };
    let mut settings = DbSettings::new(url);
    settings.max_connections = 5;
    if proxied() && backend == Backend::Postgres {
        let direct = Db::connect(&DbSettings::new(direct_url(&settings.url)))
            .await
            .expect("connect to TEST_DIRECT_DATABASE_URL");
        let report = db::migrate(&direct).await.expect("migrate");
        assert_eq!(report.pending_before, report.applied.len());
        direct.close().await;
        settings.statement_cache = false;
        settings.statement_timeout = None;
    }
    let db = Db::connect(&settings)
        .await
        .expect("connect to the test database");
    if settings.statement_cache {
        let report = db::migrate(&db).await.expect("migrate");
        assert_eq!(report.pending_before, report.applied.len());
    }
    (db, dir)
}

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} response is not JSON ({e}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    /// Asserts the status, that the body is JSON, and returns it.
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        if self.body.is_empty() {
            return Value::Null;
        }
        assert_eq!(
            self.headers
                .get(header::CONTENT_TYPE)
                .map(|v| v.to_str().unwrap()),
            Some("application/json"),
            "content type of a {status}"
        );
        self.json()
    }
    /// Asserts a `{"detail": "<message>"}` error.
    pub fn expect_detail(&self, status: u16, detail: &str) {
        assert_eq!(self.expect(status), json!({ "detail": detail }));
    }
    /// Asserts a 422 and returns its field errors as (loc joined with '.', type).
    pub fn expect_422(&self) -> Vec<(String, String)> {
        let v = self.expect(422);
        let list = v["detail"].as_array().expect("422 detail is a list");
        assert!(!list.is_empty());
        list.iter()
            .map(|e| {
                assert!(e["msg"].is_string(), "{e}");
                let loc: Vec<String> = e["loc"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| match l {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                (loc.join("."), e["type"].as_str().unwrap().to_string())
            })
            .collect()
    }
}

/// Tokens of a registered user.
#[derive(Debug, Clone)]
pub struct User {
    pub email: String,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub async fn new(backend: Backend) -> TestApp {
        let (db, dir) = fresh_db(backend).await;
        TestApp {
            router: router(AppState::from_secret(SECRET, db.clone())),
            db,
            backend,
            _dir: dir,
        }
    }

    /// The router over a database nobody migrated (no tables at all).
    pub async fn unmigrated(url: &str) -> TestApp {
        let db = Db::connect(&DbSettings::new(url)).await.expect("connect");
        TestApp {
            router: router(AppState::from_secret(SECRET, db.clone())),
            db,
            backend: if url.starts_with("sqlite") {
                Backend::Sqlite
            } else {
                Backend::Postgres
            },
            _dir: None,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        Res {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await.unwrap().to_bytes().to_vec(),
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> Res {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        self.send(req.body(body.into()).unwrap()).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Res {
        self.call(Method::GET, path, token, None, Body::empty())
            .await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Res {
        self.call(Method::DELETE, path, token, None, Body::empty())
            .await
    }

    pub async fn json(&self, method: Method, path: &str, token: Option<&str>, body: &Value) -> Res {
        self.call(
            method,
            path,
            token,
            Some("application/json"),
            body.to_string(),
        )
        .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Res {
        self.json(Method::POST, path, token, body).await
    }

    pub async fn register(&self, email: &str) -> User {
        let v = self
            .post(
                "/api/v1/auth/register",
                None,
                &json!({"email": email, "password": PASSWORD}),
            )
            .await
            .expect(200);
        assert_eq!(v["token_type"], "bearer");
        User {
            email: email.to_string(),
            access: v["access_token"].as_str().unwrap().to_string(),
            refresh: v["refresh_token"].as_str().unwrap().to_string(),
        }
    }

    pub async fn create_entry(&self, user: &User, work: &str) -> Value {
        self.post(
            "/api/v1/entries",
            Some(&user.access),
            &json!({"work": work, "struggle": "s", "intention": "i"}),
        )
        .await
        .expect(201)
    }
}

/// Moves the rotation time of every rotated refresh token `by` into the past, as if the reuse
/// came that much later (no test sleeps through the reuse grace window).
pub async fn backdate_rotations(db: &Db, by: chrono::TimeDelta) {
    let at = db::now() - by;
    let sql = "UPDATE refresh_tokens SET revoked_at = $1 WHERE revoked_reason = 'rotated'";
    journal_api::on_pool!(db, p => sqlx::query(sql).persistent(false).bind(at).execute(p).await.map(|_| ()))
        .expect("backdate rotations");
}
