//! The sessions between two requests, shared by every goose user.
//!
//! The timeline says when requests arrive, not who sends them. Each arrival goes to the session
//! that has waited longest, provided it has thought for at least the think time since its last
//! answer. When none has, a new session starts, unless there are already as many sessions as
//! the current rate needs (rate x think time, counting the ones waiting for an answer): then the
//! longest waiting one goes again, a little sooner. So the number of sessions follows the rate,
//! as with real visitors (more of them at the peak, not the same ones clicking faster), and a
//! burst of arrivals or a slow answer (compression multiplies latency) does not open sessions
//! that would then linger and outlive their tokens. A session idle past the idle timeout is
//! abandoned (the visitor left without logging out), as web analytics end a visit after 30
//! minutes without a hit. (A min-heap on the last answer's time: a queue in the order sessions
//! came back let one slow answer hold up ready sessions behind it.)

use crate::plan::session::Session;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A session idle this long (schedule seconds) is over.
pub const IDLE_TIMEOUT_S: f64 = 1800.0;

#[derive(Debug)]
pub struct Pool {
    idle: Mutex<BinaryHeap<Idle>>,
    think_s: f64,
    abandoned: AtomicU64,
    /// Sessions opened and closed (finished or abandoned); the difference is live, idle or not.
    opened: AtomicU64,
    closed: AtomicU64,
}

impl Pool {
    /// `think_s`: the sessions' mean think time (the rate needs rate x think time of them).
    pub fn new(think_s: f64) -> Pool {
        Pool {
            idle: Mutex::new(BinaryHeap::new()),
            think_s,
            abandoned: AtomicU64::new(0),
            opened: AtomicU64::new(0),
            closed: AtomicU64::new(0),
        }
    }

    /// The session to send the arrival due at `now_s` (schedule seconds), when the profile's
    /// rate is `rate_per_s`; `None`: open a new one (and call [`Pool::opened`]).
    pub fn take(&self, now_s: f64, rate_per_s: f64) -> Option<Session> {
        let mut idle = self.idle.lock().expect("pool lock");
        while idle
            .peek()
            .is_some_and(|s| now_s - s.0.last_s > IDLE_TIMEOUT_S)
        {
            idle.pop();
            self.abandoned.fetch_add(1, Relaxed);
            self.closed.fetch_add(1, Relaxed);
        }
        let ready = idle.peek()?.0.ready_s() <= now_s;
        let enough = self.live() as f64 >= (rate_per_s * self.think_s).max(1.0);
        if ready || enough {
            idle.pop().map(|s| s.0)
        } else {
            None
        }
    }

    /// The sessions' mean think time, seconds.
    pub fn think_s(&self) -> f64 {
        self.think_s
    }

    pub fn opened(&self) {
        self.opened.fetch_add(1, Relaxed);
    }

    /// A session that sent its last request.
    pub fn finished(&self) {
        self.closed.fetch_add(1, Relaxed);
    }

    fn live(&self) -> u64 {
        self.opened
            .load(Relaxed)
            .saturating_sub(self.closed.load(Relaxed))
    }

    /// Returns a session that has more to send.
    pub fn put(&self, s: Session) {
        self.idle.lock().expect("pool lock").push(Idle(s));
    }

    /// Sessions left waiting when the run ended.
    pub fn waiting(&self) -> u64 {
        self.idle.lock().expect("pool lock").len() as u64
    }

    pub fn abandoned(&self) -> u64 {
        self.abandoned.load(Relaxed)
    }
}

/// A session in the heap, the one ready first (its last answer plus its think time) on top:
/// with one think time for all, the one idle longest.
#[derive(Debug)]
struct Idle(Session);

impl Session {
    fn ready_s(&self) -> f64 {
        self.last_s + self.think_s
    }
}

impl Ord for Idle {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.ready_s().total_cmp(&self.0.ready_s())
    }
}

impl PartialOrd for Idle {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Idle {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Idle {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Player, Scenario, Values, journal};
    use rand::SeedableRng;
    use std::sync::OnceLock;

    fn session(last_s: f64) -> Session {
        static JOURNAL: OnceLock<Scenario> = OnceLock::new();
        let scenario = JOURNAL.get_or_init(|| journal(Default::default()).unwrap());
        let rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        // The journal's reader (journey 2).
        let player = Player::new(scenario, 2, Values::new(), 5, false, rng).unwrap();
        let mut s = Session::new(2, player, 20.0, None, false);
        s.last_s = last_s;
        s
    }

    #[test]
    fn the_longest_waiting_session_goes_first_once_it_has_thought() {
        let p = Pool::new(20.0);
        // Back in any order: the longest idle still goes first.
        for last in [5.0, 0.0] {
            p.opened();
            p.put(session(last));
        }
        // At 1 req/s, 20 s of think time wants 20 sessions: open more rather than hurry these.
        assert!(p.take(19.0, 1.0).is_none(), "nobody has thought 20 s yet");
        assert_eq!(p.take(20.0, 1.0).unwrap().last_s, 0.0);
        assert!(p.take(20.0, 1.0).is_none());
        assert_eq!(p.take(25.0, 1.0).unwrap().last_s, 5.0);
        assert_eq!(p.waiting(), 0);
    }

    #[test]
    fn with_enough_sessions_for_the_rate_the_longest_idle_goes_sooner() {
        let p = Pool::new(20.0);
        for last in [0.0, 1.0, 2.0] {
            p.opened();
            p.put(session(last));
        }
        // 0.1 req/s x 20 s = 2 sessions wanted, 3 live: no new one.
        assert_eq!(p.take(3.0, 0.1).unwrap().last_s, 0.0);
        p.finished();
        // 2 live, and 0.2 req/s wants 4: open one.
        assert!(p.take(3.0, 0.2).is_none());
    }

    #[test]
    fn sessions_idle_past_the_timeout_are_abandoned() {
        let p = Pool::new(20.0);
        for last in [0.0, 100.0, 2000.0] {
            p.opened();
            p.put(session(last));
        }
        let s = p.take(1850.0, 1.0).unwrap();
        assert_eq!((s.last_s, p.abandoned()), (100.0, 1));
        assert!(p.take(1850.0, 1.0).is_none());
        assert_eq!(p.waiting(), 1);
    }
}
