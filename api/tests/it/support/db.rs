//! Test databases: a fresh one per test, an SQLite file in a temp dir or a new PostgreSQL
//! database on the server of TEST_DATABASE_URL (behind a proxy when TEST_DB_PROXY=1).

use journal_api::db::{self, Db, DbSettings};
use sqlx::Connection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
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
