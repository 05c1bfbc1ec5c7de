//! What one request costs the server beyond its own CPU: database calls and the time spent
//! waiting on them, pool waits, password hashes. Added up in the thread's current request
//! (`crate::current`) while the request runs, because the code that does the work (a query in
//! `db`, a hash in `auth::password`) does not know which route it serves; the router's edge
//! (`crate::edge`) reads the sum at the end.

use std::time::{Duration, Instant};

pub use crate::current::Cost;
use crate::current::{self, Current};

/// Runs `f` with a fresh [`Cost`] in scope, and returns its output and what it cost. (The
/// router's requests are measured by `edge`, which keeps the cost in its own future.)
pub async fn measure<F: Future>(f: F) -> (F::Output, Cost) {
    let mut f = std::pin::pin!(f);
    let mut cur = Current {
        id: None,
        cost: Some(Cost::default()),
    };
    let out = std::future::poll_fn(|cx| current::within(&mut cur, || f.as_mut().poll(cx))).await;
    (out, cur.cost.unwrap_or_default())
}

/// Adds to the current request's cost; outside a measured request (metrics off, migrations,
/// background work) it does nothing.
fn add(f: impl FnOnce(&mut Cost)) {
    current::add_cost(f);
}

/// Times one database call, from before it asks the pool for a connection until it is dropped
/// (also when the request is cancelled mid-query: that wait was spent too).
#[must_use]
pub struct QueryTimer(Option<Instant>);

impl QueryTimer {
    /// Starts timing; `idle` (the pool's idle connections) is only read when a request is being
    /// measured.
    pub fn start(idle: impl FnOnce() -> usize) -> QueryTimer {
        let measured = current::add_cost(|c| {
            c.queries += 1;
            c.pool_waits += u64::from(idle() == 0);
        });
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
