//! Waiting for an arrival's due time, cut short when the run is stopping.

use std::time::{Duration, Instant};

/// How often a user waiting for a far arrival looks whether goose is stopping.
pub const STOP_CHECK: Duration = Duration::from_millis(100);

/// Sleeps until `due`; false as soon as `stopping()` says so first. A user waiting for a far
/// arrival (the lead to --start-at, a quiet stretch of the profile) would otherwise hold up
/// goose's stop (it waits for each user's transaction) until then. Arrivals under
/// [`STOP_CHECK`] away, the hot path, are slept in one go without a look.
pub async fn sleep_until_due(due: Instant, stopping: impl Fn() -> bool) -> bool {
    loop {
        if due.saturating_duration_since(Instant::now()) <= STOP_CHECK {
            tokio::time::sleep_until(due.into()).await;
            return true;
        }
        if stopping() {
            return false;
        }
        tokio::time::sleep(STOP_CHECK).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_far_arrival_gives_way_to_a_stop_and_a_near_one_is_kept() {
        let start = Instant::now();
        // An hour away, and stopping from the start: back at the first look, long before.
        assert!(!sleep_until_due(start + Duration::from_secs(3600), || true).await);
        assert!(start.elapsed() < Duration::from_secs(60));
        // Not stopping: sleeps until it is due, however many looks that takes.
        let due = Instant::now() + STOP_CHECK * 3;
        assert!(sleep_until_due(due, || false).await);
        assert!(Instant::now() >= due);
        // Due within one look: slept in one go, even when stopping (the hot path looks at nothing).
        let due = Instant::now() + STOP_CHECK / 2;
        assert!(sleep_until_due(due, || true).await);
        assert!(Instant::now() >= due);
    }
}
