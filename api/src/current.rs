//! The request being polled on this thread: its id (for the warnings and errors it logs) and,
//! with metrics on, what it has cost so far (database calls, hashes, log bytes).
//!
//! A thread-local that the request's future swaps in around each poll of the handler and out
//! again after ([`within`]), instead of two tokio task-locals (each a future wrapping the
//! request, a scope entered and left at every poll): the code that does the work (a query in
//! `db`, a hash in `auth::password`, a warning anywhere) does not know which request it serves.
//! A leaf: `edge` sets it, `metrics` and `access_log` read it.

use std::cell::RefCell;

use axum::http::HeaderValue;

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

/// What is known of the request being polled.
#[derive(Debug, Default)]
pub struct Current {
    /// Its `x-request-id`.
    pub id: Option<HeaderValue>,
    /// Its cost so far; `None` when nothing measures it (no `METRICS_ADDR`).
    pub cost: Option<Cost>,
}

thread_local! {
    static CURRENT: RefCell<Current> = const {
        RefCell::new(Current {
            id: None,
            cost: None,
        })
    };
}

/// Exchanges `cur` with the thread's current request: done once on the way in and once on the way
/// out, it makes `cur` current for a while and then hands back what it became.
fn swap(cur: &mut Current) {
    let _ = CURRENT.try_with(|c| std::mem::swap(&mut *c.borrow_mut(), cur));
}

/// Runs `f` with `cur` as the thread's current request; `cur` then holds what `f` made of it
/// (the cost counted). Nests: the request that was current before is current again after, also
/// when `f` panics.
pub fn within<R>(cur: &mut Current, f: impl FnOnce() -> R) -> R {
    struct Back<'a>(&'a mut Current);
    impl Drop for Back<'_> {
        fn drop(&mut self) {
            swap(self.0);
        }
    }
    swap(cur);
    let _back = Back(cur);
    f()
}

/// The id of the request being served (its `x-request-id`), for the warnings and errors it logs:
/// `-` outside a request.
pub fn request_id() -> String {
    CURRENT
        .try_with(|c| match &c.borrow().id {
            Some(id) => String::from_utf8_lossy(id.as_bytes()).into_owned(),
            None => "-".into(),
        })
        .unwrap_or_else(|_| "-".into())
}

/// Adds to the current request's cost; outside a measured request (metrics off, migrations,
/// background work) it does nothing and says so (false).
pub fn add_cost(f: impl FnOnce(&mut Cost)) -> bool {
    CURRENT
        .try_with(|c| c.borrow_mut().cost.as_mut().map(f).is_some())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_nests_and_hands_back_what_was_counted() {
        assert_eq!(request_id(), "-");
        assert!(!add_cost(|c| c.queries += 1));
        let mut outer = Current {
            id: Some(HeaderValue::from_static("outer-1")),
            cost: Some(Cost::default()),
        };
        within(&mut outer, || {
            assert_eq!(request_id(), "outer-1");
            assert!(add_cost(|c| c.queries += 1));
            let mut inner = Current {
                id: Some(HeaderValue::from_static("inner-2")),
                cost: None,
            };
            within(&mut inner, || {
                assert_eq!(request_id(), "inner-2");
                assert!(!add_cost(|c| c.queries += 1));
            });
            assert_eq!(request_id(), "outer-1");
            assert!(add_cost(|c| c.hashes += 1));
        });
        assert_eq!(request_id(), "-");
        let cost = outer.cost.unwrap();
        assert_eq!((cost.queries, cost.hashes), (1, 1));
        assert_eq!(outer.id.unwrap(), "outer-1");
    }

    #[test]
    fn a_panic_inside_leaves_the_thread_as_it_was() {
        let mut cur = Current {
            id: Some(HeaderValue::from_static("boom-1")),
            cost: None,
        };
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            within(&mut cur, || panic!("handler panicked"))
        }));
        assert!(caught.is_err());
        assert_eq!(request_id(), "-");
        assert_eq!(cur.id.unwrap(), "boom-1");
    }
}
