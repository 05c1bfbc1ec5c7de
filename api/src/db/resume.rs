//! Whether the database is resuming: a database call has been waiting over [`RESUME_SIGN`] for
//! a new connection, and none has opened since. Aurora Serverless v2 with auto-pause accepts
//! the first connection and holds it until it has resumed (up to ~15 s), so such calls wait up
//! to `DB_RESUME_WAIT_SECONDS` (the pool's connect bound) and the request deadline is extended
//! to it ([`crate::deadline`]); `/ready` says `resuming`. Process-wide, like `faults::BROKEN_AT`.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A connection that takes longer than this to open is a resume, not an ordinary connect
/// (milliseconds in the same region).
pub const RESUME_SIGN: Duration = Duration::from_secs(1);

static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);
/// Milliseconds after [`EPOCH`] (plus one, so 0 means none) since a call waits for a new connection.
static WAITING_SINCE: AtomicU64 = AtomicU64::new(0);
/// Database calls that started with no idle connection and room to open one.
static WAITING: AtomicUsize = AtomicUsize::new(0);

fn now_ms() -> u64 {
    EPOCH.elapsed().as_millis() as u64 + 1
}

/// Held by a database call for its length; counts only when the call must open a connection.
#[derive(Debug)]
#[must_use]
pub struct Wait(bool);

impl Wait {
    /// `opens`: the pool has no idle connection and room for another, so this call opens one.
    pub fn start(opens: bool) -> Wait {
        if opens {
            WAITING.fetch_add(1, Ordering::AcqRel);
            let _ =
                WAITING_SINCE.compare_exchange(0, now_ms(), Ordering::AcqRel, Ordering::Relaxed);
        }
        Wait(opens)
    }
}

impl Drop for Wait {
    fn drop(&mut self) {
        if self.0 && WAITING.fetch_sub(1, Ordering::AcqRel) == 1 {
            WAITING_SINCE.store(0, Ordering::Release);
        }
    }
}

/// A connection opened: whatever waited got (or will get) one.
pub fn connected() {
    WAITING_SINCE.store(0, Ordering::Release);
}

/// Whether a call has waited over [`RESUME_SIGN`] for a connection that has not opened yet.
pub fn resuming() -> bool {
    let since = WAITING_SINCE.load(Ordering::Acquire);
    since != 0 && now_ms().saturating_sub(since) >= RESUME_SIGN.as_millis() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_for_a_new_connection_is_a_resume_only_after_the_sign_and_until_one_opens() {
        let warm = Wait::start(false);
        std::thread::sleep(RESUME_SIGN + Duration::from_millis(50));
        assert!(
            !resuming(),
            "a call on an idle connection waits for nothing"
        );
        drop(warm);
        let first = Wait::start(true);
        assert!(!resuming(), "an ordinary connect takes milliseconds");
        std::thread::sleep(RESUME_SIGN + Duration::from_millis(50));
        let second = Wait::start(true);
        assert!(resuming(), "the first call's wait counts, not the latest");
        connected();
        assert!(!resuming());
        drop((first, second));
        assert!(!resuming());
    }
}
