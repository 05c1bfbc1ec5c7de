//! Sub-millisecond waits for arrivals.
//!
//! tokio's timer wheel has millisecond resolution and rounds deadlines up, which alone makes
//! every arrival about 1 ms late on average. This clock is one OS thread that sleeps on a
//! condition variable until the earliest registered deadline (the kernel's high-resolution
//! timers wake it within tens of microseconds) and then completes that waiter's oneshot. It
//! costs one cross-thread wake per arrival and no spinning.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;
use tokio::sync::oneshot;

struct Entry {
    due: Instant,
    seq: u64,
    tx: oneshot::Sender<()>,
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        (self.due, self.seq) == (o.due, o.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.due, self.seq).cmp(&(o.due, o.seq))
    }
}

#[derive(Default)]
struct State {
    heap: BinaryHeap<Reverse<Entry>>,
    seq: u64,
    closed: bool,
}

/// A precise clock; the thread stops when the last handle is dropped.
#[derive(Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    cv: Condvar,
}

/// Keeps the clock thread alive; dropping it stops the thread.
pub struct ClockGuard {
    inner: Arc<Inner>,
}

impl Drop for ClockGuard {
    fn drop(&mut self) {
        if let Ok(mut s) = self.inner.state.lock() {
            s.closed = true;
        }
        self.inner.cv.notify_all();
    }
}

impl Clock {
    pub fn start() -> (Clock, ClockGuard) {
        let inner = Arc::new(Inner {
            state: Mutex::new(State::default()),
            cv: Condvar::new(),
        });
        let worker = inner.clone();
        std::thread::Builder::new()
            .name("loadgen-clock".into())
            .spawn(move || run(&worker))
            .expect("spawn the clock thread");
        (
            Clock {
                inner: inner.clone(),
            },
            ClockGuard { inner },
        )
    }

    /// Resolves at `due` (immediately when it has passed, or when the clock was stopped).
    pub async fn sleep_until(&self, due: Instant) {
        if due <= Instant::now() {
            return;
        }
        let (tx, rx) = oneshot::channel();
        {
            let mut s = self.inner.state.lock().expect("clock lock");
            if s.closed {
                return;
            }
            s.seq += 1;
            let seq = s.seq;
            let earliest = s.heap.peek().is_none_or(|Reverse(e)| due < e.due);
            s.heap.push(Reverse(Entry { due, seq, tx }));
            if earliest {
                self.inner.cv.notify_one();
            }
        }
        let _ = rx.await;
    }
}

fn run(inner: &Inner) {
    let mut s = inner.state.lock().expect("clock lock");
    loop {
        if s.closed {
            // Release every waiter rather than leave it hanging.
            s.heap.clear();
            return;
        }
        let now = Instant::now();
        while s.heap.peek().is_some_and(|Reverse(e)| e.due <= now) {
            if let Some(Reverse(e)) = s.heap.pop() {
                let _ = e.tx.send(());
            }
        }
        s = match s.heap.peek() {
            Some(Reverse(e)) => {
                let wait = e.due.saturating_duration_since(now);
                inner.cv.wait_timeout(s, wait).expect("clock lock").0
            }
            None => inner.cv.wait(s).expect("clock lock"),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn wakes_every_waiter_at_or_after_its_deadline_in_order() {
        let (clock, _guard) = Clock::start();
        let t0 = Instant::now() + Duration::from_millis(20);
        let mut tasks = Vec::new();
        // Registered out of order on purpose.
        for k in [5u64, 1, 4, 2, 3] {
            let c = clock.clone();
            let due = t0 + Duration::from_millis(10 * k);
            tasks.push(tokio::spawn(async move {
                c.sleep_until(due).await;
                (
                    k,
                    Instant::now().saturating_duration_since(due),
                    Instant::now() >= due,
                )
            }));
        }
        let mut woke = Vec::new();
        for t in tasks {
            woke.push(t.await.unwrap());
        }
        for (k, late, on_or_after) in &woke {
            assert!(on_or_after, "waiter {k} woke early");
            // Bounded, not timed: a generous bound that only a lost wake-up would break.
            assert!(
                *late < Duration::from_secs(2),
                "waiter {k} woke {late:?} late"
            );
        }
    }

    #[tokio::test]
    async fn past_deadlines_and_a_stopped_clock_return_at_once() {
        let (clock, guard) = Clock::start();
        clock.sleep_until(Instant::now()).await;
        drop(guard);
        tokio::time::timeout(
            Duration::from_secs(5),
            clock.sleep_until(Instant::now() + Duration::from_secs(3600)),
        )
        .await
        .expect("a stopped clock does not hang");
    }
}
