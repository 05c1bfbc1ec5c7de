//! The database: PostgreSQL or SQLite behind one [`Db`] handle, with embedded migrations.
//!
//! Queries are written once (`$1` placeholders work on both) and run through
//! [`on_pool!`](crate::on_pool), which expands the same code for each pool type, so the two
//! databases cannot drift apart.

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;
use sqlx::migrate::{Migrate, MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::config::{Config, DEFAULT_RESUME_WAIT};

pub mod entries;
pub mod faults;
pub mod refresh_tokens;
pub mod resume;
pub mod users;

static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");

/// A connection pool to PostgreSQL or SQLite. Cloning is cheap (pools are reference-counted).
#[derive(Clone, Debug)]
pub enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Runs `$body` with `$pool` bound to whichever pool `$db` holds; the body is compiled once per
/// database, so it must only use SQL and types both support. Every database call goes through
/// here, so this is where a request's database time is measured ([`crate::metrics::QueryTimer`]).
#[macro_export]
#[doc(hidden)]
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Postgres($pool) => {
                let _timer = $crate::metrics::QueryTimer::start(|| $pool.num_idle());
                let _wait = $crate::db::resume::Wait::start(
                    $pool.num_idle() == 0 && $pool.size() < $pool.options().get_max_connections(),
                );
                $body
            }
            $crate::db::Db::Sqlite($pool) => {
                let _timer = $crate::metrics::QueryTimer::start(|| $pool.num_idle());
                $body
            }
        }
    };
}

/// Whether queries use named (server-side, reusable) prepared statements. sqlx 0.9 names every
/// statement unless a query says `.persistent(false)`, even with the statement cache off, and a
/// transaction-pooling proxy (RDS Proxy pins the session, PgBouncer <1.21 fails with "prepared
/// statement sqlx_s_1 already exists") cannot keep named statements: so `statement_cache: false`
/// also turns them off, for every query made through [`stmt`]. Process-wide, like `DB_PROXY`.
static NAMED_STATEMENTS: AtomicBool = AtomicBool::new(true);

/// `sqlx::query*` with the statement naming that the last [`Db::connect`] asked for.
pub(crate) mod stmt {
    use sqlx::database::HasStatementCache;
    use sqlx::query::{Query, QueryAs, QueryScalar};
    use sqlx::{Database, FromRow, SqlSafeStr};

    fn named() -> bool {
        super::NAMED_STATEMENTS.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn query<'q, DB: Database + HasStatementCache>(
        sql: impl SqlSafeStr,
    ) -> Query<'q, DB, DB::Arguments> {
        sqlx::query(sql).persistent(named())
    }

    pub fn query_as<'q, DB: Database + HasStatementCache, O>(
        sql: impl SqlSafeStr,
    ) -> QueryAs<'q, DB, O, DB::Arguments>
    where
        O: for<'r> FromRow<'r, DB::Row>,
    {
        sqlx::query_as(sql).persistent(named())
    }

    pub fn query_scalar<'q, DB: Database + HasStatementCache, O>(
        sql: impl SqlSafeStr,
    ) -> QueryScalar<'q, DB, O, DB::Arguments>
    where
        (O,): for<'r> FromRow<'r, DB::Row>,
    {
        sqlx::query_scalar(sql).persistent(named())
    }
}

/// PostgreSQL cancels a statement that runs longer than this (the server's own bound; a hung
/// server is bounded by the request timeout instead).
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for a pooled connection before answering 503.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// How to open the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbSettings {
    /// `postgres://…`, `postgresql://…` or `sqlite://…` (`sqlite::memory:` for a private in-memory db).
    pub url: String,
    /// Upper bound of open connections.
    pub max_connections: u32,
    /// Open connections on first use instead of at start (a Lambda cold start must not wait).
    pub lazy: bool,
    /// Cache prepared statements per connection. Off behind RDS Proxy / PgBouncer in transaction
    /// mode, which cannot keep named statements across transactions.
    pub statement_cache: bool,
    /// PostgreSQL `statement_timeout`, sent as a startup option. `None` behind a transaction
    /// pooler, which does not pass startup options on (set it on the role there instead).
    pub statement_timeout: Option<Duration>,
    /// How long opening a PostgreSQL connection may take (a resuming database holds it): the
    /// pool's acquire bound when longer than [`ACQUIRE_TIMEOUT`].
    pub resume_wait: Duration,
}

impl DbSettings {
    /// Eager pool of 10 with the statement cache on.
    pub fn new(url: impl Into<String>) -> DbSettings {
        DbSettings {
            url: url.into(),
            max_connections: 10,
            lazy: false,
            statement_cache: true,
            statement_timeout: Some(STATEMENT_TIMEOUT),
            resume_wait: DEFAULT_RESUME_WAIT,
        }
    }

    /// Pool settings for a long-running server: connect eagerly (fail fast at start), statement
    /// cache on unless `DB_PROXY` says a transaction-pooling proxy is in the way.
    pub fn for_server(config: &Config) -> DbSettings {
        DbSettings {
            url: config.database_url.clone(),
            max_connections: config.db_max_connections,
            lazy: false,
            statement_cache: !config.db_proxy,
            statement_timeout: (!config.db_proxy).then_some(STATEMENT_TIMEOUT),
            resume_wait: config.db_resume_wait,
        }
    }
}

impl crate::metrics::PoolStats for Db {
    fn open_and_idle(&self) -> (u32, usize) {
        // Not through `on_pool!`: this is no database call.
        match self {
            Db::Postgres(p) => (p.size(), p.num_idle()),
            Db::Sqlite(p) => (p.size(), p.num_idle()),
        }
    }
}

/// What went wrong with the database, phrased for the operator.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "DATABASE_URL {0:?} is not supported: use postgres://user:password@host:5432/dbname or sqlite://path/to/file.db"
    )]
    UnsupportedUrl(String),
    #[error("DATABASE_URL {url:?} is invalid: {source}")]
    InvalidUrl {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot connect to the database at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("migration failed: {0}")]
    Migrate(#[from] MigrateError),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

/// Which migrations a [`migrate`] call applied.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MigrationReport {
    /// `<version>_<description>` of each migration applied by this call, in order.
    pub applied: Vec<String>,
    /// How many migrations were pending when the call started.
    pub pending_before: usize,
}

impl Db {
    /// Opens a pool as `settings` say. With `lazy`, nothing is dialled until the first query.
    pub async fn connect(settings: &DbSettings) -> Result<Db, DbError> {
        let url = settings.url.as_str();
        let redacted = crate::redact::redact_url(url);
        let invalid = |source| DbError::InvalidUrl {
            url: redacted.clone(),
            source,
        };
        let connect = |source| DbError::Connect {
            url: redacted.clone(),
            source,
        };
        let pool_timeouts = |max: u32| {
            // Idle connections are returned after a while so an idle server holds little; no
            // ping before each acquire (it doubles round trips): faults::check_idle pings only
            // connections that may be dead.
            (max, ACQUIRE_TIMEOUT, Duration::from_secs(600))
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut opts = PgConnectOptions::from_str(url).map_err(invalid)?;
            if !settings.statement_cache {
                opts = opts.statement_cache_capacity(0);
            }
            if let Some(t) = settings.statement_timeout {
                let ms = t.as_millis().to_string();
                opts = opts.options([("statement_timeout", ms.as_str())]);
            }
            NAMED_STATEMENTS.store(settings.statement_cache, Ordering::Relaxed);
            let (max, acquire, idle) = pool_timeouts(settings.max_connections.max(1));
            // sqlx bounds a connect by the acquire timeout: a resuming database needs longer.
            let pool = PgPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(acquire.max(settings.resume_wait))
                .after_connect(|_, _| {
                    Box::pin(async {
                        resume::connected();
                        Ok(())
                    })
                })
                .idle_timeout(idle)
                .test_before_acquire(false)
                .before_acquire(faults::check_idle);
            let pool = if settings.lazy {
                pool.connect_lazy_with(opts)
            } else {
                pool.connect_with(opts).await.map_err(connect)?
            };
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            let mut opts = SqliteConnectOptions::from_str(url)
                .map_err(invalid)?
                .create_if_missing(true)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            if !memory {
                opts = opts
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal);
            }
            if !settings.statement_cache {
                opts = opts.statement_cache_capacity(0);
            }
            let (max, acquire, idle) = pool_timeouts(settings.max_connections.max(1));
            let pool = SqlitePoolOptions::new()
                .acquire_timeout(acquire)
                .test_before_acquire(false);
            // A private in-memory database lives exactly as long as its one connection.
            let pool = if memory {
                pool.max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
            } else {
                pool.max_connections(max).idle_timeout(idle)
            };
            let pool = if settings.lazy && !memory {
                pool.connect_lazy_with(opts)
            } else {
                pool.connect_with(opts).await.map_err(connect)?
            };
            Ok(Db::Sqlite(pool))
        } else {
            Err(DbError::UnsupportedUrl(redacted))
        }
    }

    /// `postgres` or `sqlite`.
    pub fn kind(&self) -> &'static str {
        match self {
            Db::Postgres(_) => "postgres",
            Db::Sqlite(_) => "sqlite",
        }
    }

    /// One round trip (`SELECT 1`), for readiness checks; retried once on a broken connection.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        crate::retry_on_pool!(self, p => stmt::query("SELECT 1").execute(p).await.map(|_| ()))
    }

    /// Waits for checked-out connections to come back, then closes them all. A hung database
    /// can hold this forever: callers that must finish bound it with a timeout.
    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
    }
}

/// Applies the embedded migrations that this database has not seen yet.
pub async fn migrate(db: &Db) -> Result<MigrationReport, DbError> {
    on_pool!(db, p => {
        let migrator = match db {
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
        };
        let mut conn = p.acquire().await?;
        conn.ensure_migrations_table(&migrator.table_name).await?;
        let done: Vec<i64> = conn
            .list_applied_migrations(&migrator.table_name)
            .await?
            .into_iter()
            .map(|m| m.version)
            .collect();
        drop(conn);
        let pending: Vec<String> = migrator
            .iter()
            .filter(|m| !m.migration_type.is_down_migration() && !done.contains(&m.version))
            .map(|m| format!("{}_{}", m.version, m.description))
            .collect();
        migrator.run(p).await?;
        Ok(MigrationReport {
            pending_before: pending.len(),
            applied: pending,
        })
    })
}

/// How many embedded migrations this database has not applied (all of them when the migrations
/// table does not exist). `None` when the table cannot be read (a role without rights on it).
pub async fn pending_migrations(db: &Db) -> Result<Option<usize>, sqlx::Error> {
    let migrator = match db {
        Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        Db::Sqlite(_) => &SQLITE_MIGRATIONS,
    };
    let applied = crate::retry_on_pool!(db, p => stmt::query_scalar::<_, i64>(
        "SELECT version FROM _sqlx_migrations WHERE success",
    )
    .fetch_all(p)
    .await);
    let applied = match applied {
        Ok(v) => v,
        Err(e) => match faults::classify(&e) {
            faults::Class::SchemaMissing => Vec::new(),
            faults::Class::Unavailable => return Err(e),
            faults::Class::Other => {
                tracing::warn!(error = %e, "cannot read the migrations table");
                return Ok(None);
            }
        },
    };
    Ok(Some(
        migrator
            .iter()
            .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
            .count(),
    ))
}

/// Whether an error is a UNIQUE violation (the same check on both databases).
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// Whether an error is a FOREIGN KEY violation (e.g. a token of a user that no longer exists).
pub(crate) fn is_foreign_key_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_foreign_key_violation())
}

/// Current time at the precision both databases store (microseconds), so what a handler returns
/// equals what a later read returns.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{DurationRound, TimeDelta};
    let now = chrono::Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
}
