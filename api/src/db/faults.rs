//! What a database failure means for a request: which errors are a broken connection (retry a
//! read once on a fresh one), which mean "unavailable" (503 + Retry-After), and the pool hook
//! that discards dead idle connections before a request gets them.
//!
//! After a PostgreSQL restart or failover every idle pooled connection is dead, but the pool only
//! finds out when a query fails on it. Two defences, neither of which costs a round trip on a busy
//! server: a connection idle for [`IDLE_CHECK`] or more is pinged before use (a busy pool reuses
//! connections within milliseconds), and once any query has failed on a broken connection, every
//! connection that was idle since before that failure is pinged before use.

use std::pin::Pin;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::Connection;
use sqlx::pool::PoolConnectionMetadata;
use sqlx::postgres::PgConnection;

/// Idle connections older than this are pinged before use.
pub const IDLE_CHECK: Duration = Duration::from_secs(1);

static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);
/// Milliseconds after [`EPOCH`] (plus one, so 0 means never) of the last broken connection seen.
static BROKEN_AT: AtomicU64 = AtomicU64::new(0);

fn now_ms() -> u64 {
    EPOCH.elapsed().as_millis() as u64 + 1
}

/// What a database error means for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The database is down, restarting, hung, overloaded or locked: try again shortly (503).
    Unavailable,
    /// The tables do not exist: nobody ran the migrations (503 with a hint).
    SchemaMissing,
    /// A bug or a constraint the code did not expect (500).
    Other,
}

/// The connection died under the query (server restart, failover, network): nothing more can
/// be done on it, and a fresh one may work.
pub fn is_broken_connection(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(e) => e.code().is_some_and(|c| {
            // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, class 08
            // connection exception.
            matches!(c.as_ref(), "57P01" | "57P02" | "57P03") || c.starts_with("08")
        }),
        _ => false,
    }
}

/// Sorts an error into [`Class`].
pub fn classify(err: &sqlx::Error) -> Class {
    if is_broken_connection(err) {
        return Class::Unavailable;
    }
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => Class::Unavailable,
        sqlx::Error::Database(e) => {
            if e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                let code = e.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
                // SQLITE_BUSY (5) / SQLITE_LOCKED (6), and their extended codes: still locked
                // after the busy timeout.
                if matches!(code & 0xff, 5 | 6) {
                    return Class::Unavailable;
                }
                if e.message().starts_with("no such table") {
                    return Class::SchemaMissing;
                }
                return Class::Other;
            }
            match e.code().as_deref() {
                Some("42P01") => Class::SchemaMissing,
                // statement timeout / cancel, lock timeout, serialization failure, deadlock,
                // too many connections and the rest of class 53 (insufficient resources).
                Some("57014" | "55P03" | "40001" | "40P01") => Class::Unavailable,
                Some(c) if c.starts_with("53") => Class::Unavailable,
                _ => Class::Other,
            }
        }
        _ => Class::Other,
    }
}

/// Remembers that a connection broke, so connections idle since before now are checked before
/// their next use.
pub fn note_broken(err: &sqlx::Error) {
    BROKEN_AT.store(now_ms(), Ordering::Relaxed);
    tracing::warn!(error = %err, "database connection broken: idle connections will be checked");
}

/// Whether an idle connection should be pinged before it is handed out.
fn needs_check(idle_for: Duration) -> bool {
    if idle_for >= IDLE_CHECK {
        return true;
    }
    let broken = BROKEN_AT.load(Ordering::Relaxed);
    let idle_since = now_ms().saturating_sub(idle_for.as_millis() as u64);
    broken != 0 && idle_since <= broken
}

/// `PgPoolOptions::before_acquire`: a failed ping discards the connection (the pool then tries
/// the next idle one or opens a new one, within the acquire timeout).
pub fn check_idle(
    conn: &mut PgConnection,
    meta: PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + '_>> {
    Box::pin(async move {
        if needs_check(meta.idle_for) {
            conn.ping().await?;
        }
        Ok(true)
    })
}

/// Runs a read (or an idempotent write) and, when the connection broke under it, runs it once
/// more: the pool then checks idle connections, so the second try gets a live or a fresh one.
#[macro_export]
#[doc(hidden)]
macro_rules! retry_on_pool {
    ($db:expr, $pool:ident => $body:expr) => {{
        let db: &$crate::db::Db = $db;
        match $crate::on_pool!(db, $pool => $body) {
            Err(e) if $crate::db::faults::is_broken_connection(&e) => {
                $crate::db::faults::note_broken(&e);
                $crate::on_pool!(db, $pool => $body)
            }
            other => other,
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_idle_connections_are_checked() {
        assert!(needs_check(IDLE_CHECK));
        assert!(needs_check(Duration::from_secs(600)));
    }

    #[test]
    fn connections_idle_since_a_breakage_are_checked() {
        let _ = now_ms();
        std::thread::sleep(Duration::from_millis(30));
        // A connection idle for 20 ms, and no breakage since it went idle: no ping...
        BROKEN_AT.store(1, Ordering::Relaxed);
        assert!(!needs_check(Duration::from_millis(20)));
        // ...but one that went idle before the breakage is checked.
        BROKEN_AT.store(now_ms(), Ordering::Relaxed);
        assert!(needs_check(Duration::from_millis(20)));
    }
}
