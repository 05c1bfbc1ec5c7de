//! What every goose user runs: claim the next arrival, wait for it, hand it to a session, send.
//!
//! goose only knows closed-model users that loop. Here every goose user loops one transaction
//! that claims the next arrival from the shared timeline, sleeps until it is due and sends the
//! next request of a session from the shared [`Pool`]. An arrival no user could start within the
//! tolerance is recorded as dropped (the rule is [`crate::plan::dispatch`]), so a server (or a loadgen)
//! that cannot keep up shows up in the summary instead of silently lowering the rate. The last
//! user to find the timeline exhausted stops goose.
//!
//! The shared state is here; the sessions and accounts in `crowd`; the goose transaction and its
//! steps in `transaction`.

mod crowd;
mod transaction;

pub use crowd::{Crowd, journey_counts};
pub use transaction::{arrival, header_list};

use crate::plan::dispatch::Dispatch;
use crate::plan::profile::Profile;
use crate::plan::timeline::Timeline;
use crate::run::chunked_log::ChunkedLog;
use crate::summary::Sample;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Everything the goose users share: the clock they play, what they record, the sessions.
pub struct Shared {
    pub clock: Clock,
    pub tally: Tally,
    pub crowd: Crowd,
    /// Goose users: the last one to finish stops the attack.
    pub users: usize,
    pub seed: u64,
    /// The run's stop, which in-flight requests give way to.
    pub stop: crate::run::stop::Stop,
    /// Whether goose's warnings are silenced (`--quiet` without a Goose log).
    pub quiet_goose: bool,
}

/// The schedule and its clock.
pub struct Clock {
    pub timeline: Timeline,
    /// The rate curve, for the number of sessions the current rate needs.
    pub profile: Profile,
    /// Who sends which arrival, and which are dropped.
    pub dispatch: Dispatch,
    pub t0: OnceLock<Instant>,
    pub lead: Duration,
}

impl Clock {
    pub fn new(timeline: Timeline, profile: Profile, lead: Duration, tolerance: Duration) -> Clock {
        Clock {
            timeline,
            profile,
            dispatch: Dispatch::new(tolerance),
            t0: OnceLock::new(),
            lead,
        }
    }
}

/// What the users record while the run is on.
#[derive(Default)]
pub struct Tally {
    pub samples: ChunkedLog<Sample>,
    pub dropped: ChunkedLog<f64>,
    pub sent: AtomicU64,
    pub errors: AtomicU64,
    pub n_dropped: AtomicU64,
    pub finished_users: AtomicUsize,
    pub ended: OnceLock<Instant>,
    /// Captures that found nothing, by (method, route, reason).
    pub reasons: Mutex<BTreeMap<(&'static str, &'static str, String), u64>>,
}

impl Shared {
    pub fn new(clock: Clock, crowd: Crowd, users: usize, seed: u64) -> Shared {
        Shared {
            clock,
            tally: Tally::default(),
            crowd,
            users,
            seed,
            stop: crate::run::stop::Stop::default(),
            quiet_goose: false,
        }
    }

    /// Where the schedule's play started and how long it lasted, in seconds (to now while it
    /// has not ended).
    pub fn played(&self) -> (Instant, f64) {
        let t0 = self.clock.t0.get().copied().unwrap_or_else(Instant::now);
        let end = self.tally.ended.get().copied().unwrap_or_else(Instant::now);
        (t0, end.saturating_duration_since(t0).as_secs_f64())
    }

    pub fn t0(&self) -> Instant {
        *self
            .clock
            .t0
            .get_or_init(|| Instant::now() + self.clock.lead)
    }
}
