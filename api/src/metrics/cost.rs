//! What one request costs the server beyond its own CPU: database calls and the time spent
//! waiting on them, pool waits, password hashes. Added up in a task-local while the request
//! runs, because the code that does the work (a query in `db`, a hash in `auth::password`) does
//! not know which route it serves; the middleware ([`super::Track`]) reads the sum at the end.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// One request's work, as counted so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Pooled database calls (a query, or a migration or transaction run as one call).
    pub queries: u64,
    /// Time from asking for a connection to the call's result, summed over the calls.
    pub db_nanos: u64,
    /// Calls that found no idle connection in the pool (they waited for one to be opened or
    /// returned).
    pub pool_waits: u64,
    /// argon2id hashes and verifications.
    pub hashes: u64,
    /// Time computing them (on the blocking pool; queueing for a core is not included).
    pub hash_nanos: u64,
    /// Bytes of log handed to the log writer (the access line; a line the full queue dropped is
    /// not counted).
    pub log_bytes: u64,
}

tokio::task_local! {
    // A Cell: only the request's own task touches it, so no atomics on the hot path.
    static COST: Cell<Cost>;
}

/// Runs `f` with a fresh [`Cost`] in scope, and returns its output and what it cost.
pub async fn measure<F: Future>(f: F) -> (F::Output, Cost) {
    COST.scope(Cell::new(Cost::default()), async {
        let out = f.await;
        (out, COST.with(Cell::get))
    })
    .await
}

/// Adds to the current request's cost; outside a measured request (metrics off, migrations,
/// background work) it does nothing.
fn add(f: impl FnOnce(&mut Cost)) {
    let _ = COST.try_with(|c| {
        let mut v = c.get();
        f(&mut v);
        c.set(v);
    });
}

/// Times one database call, from before it asks the pool for a connection until it is dropped
/// (also when the request is cancelled mid-query: that wait was spent too).
#[must_use]
pub struct QueryTimer(Option<Instant>);

impl QueryTimer {
    /// Starts timing; `idle` (the pool's idle connections) is only read when a request is being
    /// measured.
    pub fn start(idle: impl FnOnce() -> usize) -> QueryTimer {
        let measured = COST
            .try_with(|c| {
                let mut v = c.get();
                v.queries += 1;
                v.pool_waits += u64::from(idle() == 0);
                c.set(v);
            })
            .is_ok();
        QueryTimer(measured.then(Instant::now))
    }
}

impl Drop for QueryTimer {
    fn drop(&mut self) {
        if let Some(t) = self.0 {
            let ns = nanos(t.elapsed());
            add(|c| c.db_nanos += ns);
        }
    }
}

/// Counts one password hash or verification that took `took`.
pub fn hash_done(took: Duration) {
    add(|c| {
        c.hashes += 1;
        c.hash_nanos += nanos(took);
    });
}

/// Counts `bytes` of log written for the current request.
pub fn logged(bytes: usize) {
    add(|c| c.log_bytes += u64::try_from(bytes).unwrap_or(u64::MAX));
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_is_counted_inside_a_measured_request_only() {
        // Outside: nothing to count into, nothing fails.
        drop(QueryTimer::start(|| 0));
        hash_done(Duration::from_millis(5));
        let ((), cost) = measure(async {
            drop(QueryTimer::start(|| 3));
            let t = QueryTimer::start(|| 0);
            tokio::time::sleep(Duration::from_millis(2)).await;
            drop(t);
            hash_done(Duration::from_millis(40));
        })
        .await;
        assert_eq!(cost.queries, 2);
        assert_eq!(cost.pool_waits, 1);
        assert!(cost.db_nanos >= 2_000_000, "{cost:?}");
        assert_eq!((cost.hashes, cost.hash_nanos), (1, 40_000_000));
    }
}
