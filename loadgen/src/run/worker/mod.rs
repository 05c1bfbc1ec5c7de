//! What every goose user runs: claim the next arrival, wait for it, hand it to a session, send.
//!
//! goose only knows closed-model users that loop. Here every goose user loops one transaction
//! that claims the next arrival from the shared timeline, sleeps until it is due and sends the
//! next request of a session from the shared [`Pool`]. An arrival no user could start within the
//! tolerance is recorded as dropped (the rule is [`crate::plan::dispatch`]), so a server (or a loadgen)
//! that cannot keep up shows up in the summary instead of silently lowering the rate. The last
//! user to find the timeline exhausted stops goose.
//!
//! The shared state is here; the goose transaction and its steps are in `transaction`.

mod transaction;

pub use transaction::arrival;

use crate::plan::dispatch::Dispatch;
use crate::plan::journey::{Account, JOURNEYS, Journey, Mix, Planned, Step};
use crate::plan::profile::Profile;
use crate::plan::session::{Now, Session, SessionConfig};
use crate::plan::timeline::Timeline;
use crate::run::chunked_log::ChunkedLog;
use crate::run::pool::Pool;
use crate::summary::Sample;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
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
    /// Requests in flight when the run was stopped (Ctrl-C, SIGTERM), cancelled unanswered.
    pub cancelled: AtomicU64,
    pub finished_users: AtomicUsize,
    pub ended: OnceLock<Instant>,
}

/// The accounts and sessions the users act as.
pub struct Crowd {
    pub accounts: Vec<Account>,
    pub newcomers: Mutex<Vec<Account>>,
    /// Sessions started and completed, per journey.
    pub started: [AtomicU64; 4],
    pub completed: [AtomicU64; 4],
    pub mix: Mix,
    pub sessions: SessionConfig,
    pub pool: Pool,
    /// Bits of the largest access-token age (schedule seconds) a request carried; non-negative
    /// f64 bits order like the values.
    pub max_token_age_bits: AtomicU64,
    /// Bits of the longest token lifetime read from the tokens (seconds).
    pub token_lifetime_bits: AtomicU64,
    /// Sessions put in the pool before the clock started (see [`Shared::preseed`]).
    pub preexisting: AtomicU64,
    newcomer_seq: AtomicU64,
    /// Prefix of the newcomers' e-mail addresses, unique to the run.
    pub tag: String,
}

impl Crowd {
    pub fn new(accounts: Vec<Account>, mix: Mix, sessions: SessionConfig, tag: String) -> Crowd {
        Crowd {
            accounts,
            newcomers: Mutex::new(Vec::new()),
            started: Default::default(),
            completed: Default::default(),
            mix,
            pool: Pool::new(sessions.think_s),
            sessions,
            max_token_age_bits: AtomicU64::new(0),
            token_lifetime_bits: AtomicU64::new(0),
            preexisting: AtomicU64::new(0),
            newcomer_seq: AtomicU64::new(0),
            tag,
        }
    }

    pub fn max_token_age_s(&self) -> f64 {
        f64::from_bits(self.max_token_age_bits.load(Relaxed))
    }

    pub fn token_lifetime_s(&self) -> f64 {
        f64::from_bits(self.token_lifetime_bits.load(Relaxed))
    }
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

    /// Puts `count` sessions of existing users in the pool before the clock starts, as if the
    /// traffic had been going on: each signed in (with its account's token from the setup phase),
    /// last active within the think time before the start. Without them a run would open with a
    /// login for every arrival of the first think time, a warm-up that real traffic never shows.
    /// `token_age_wall_s`: how long ago (wall) the setup tokens were issued, as of the start.
    pub fn preseed(&self, tokens: &[String], count: usize, token_age_wall_s: f64, seed: u64) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED);
        let weights = [0, self.crowd.mix.weights[1], self.crowd.mix.weights[2], 0];
        if weights.iter().all(|w| *w == 0) || tokens.is_empty() {
            return;
        }
        let members = Mix { weights };
        let mut resumed = Vec::with_capacity(count);
        for _ in 0..count {
            let journey = members.pick(&mut rng);
            let k = rng.random_range(0..tokens.len());
            let last_s = -rng.random_range(0.0..self.crowd.sessions.think_s.max(1e-9));
            let issued = Now {
                sched_s: last_s,
                wall_s: -token_age_wall_s,
            };
            let target = self.crowd.sessions.length.residual(&mut rng);
            let session_rng = ChaCha8Rng::seed_from_u64(rng.random());
            self.crowd.started[journey.index()].fetch_add(1, Relaxed);
            self.crowd.preexisting.fetch_add(1, Relaxed);
            self.crowd.pool.opened();
            let s = Session::resumed(
                journey,
                self.crowd.accounts[k].clone(),
                target,
                tokens[k].clone(),
                issued,
                session_rng,
            );
            let life = s.token_lifetime_s().unwrap_or_default();
            self.crowd
                .token_lifetime_bits
                .fetch_max(life.to_bits(), Relaxed);
            resumed.push(s);
        }
        // The pool hands out its front first: the longest idle.
        resumed.sort_by(|a, b| a.last_s.total_cmp(&b.last_s));
        for s in resumed {
            self.crowd.pool.put(s);
        }
    }

    fn finish(&self, s: &Session) {
        self.crowd.completed[s.journey.index()].fetch_add(1, Relaxed);
        self.crowd.pool.finished();
    }

    fn new_session(&self, rng: &mut ChaCha8Rng) -> Session {
        self.crowd.pool.opened();
        let journey = self.crowd.mix.pick(rng);
        let account = if journey == Journey::Newcomer {
            let n = self.crowd.newcomer_seq.fetch_add(1, Relaxed) + 1;
            Account {
                email: format!("{}-n{n}@loadgen.example.com", self.crowd.tag),
                password: self.crowd.accounts[0].password.clone(),
            }
        } else {
            self.crowd.accounts[rng.random_range(0..self.crowd.accounts.len())].clone()
        };
        let target = self.crowd.sessions.length.sample(rng);
        let logout = rng.random_bool(self.crowd.sessions.logout_share.clamp(0.0, 1.0));
        self.crowd.started[journey.index()].fetch_add(1, Relaxed);
        Session::new(
            journey,
            account,
            target,
            logout,
            ChaCha8Rng::seed_from_u64(rng.random()),
        )
    }

    /// The session that sends the arrival due `now`, and its request; notes the age of the token
    /// the request carries.
    fn session_for(&self, now: Now, rng: &mut ChaCha8Rng) -> (Session, Planned) {
        loop {
            let taken = if self.crowd.mix.health_only() {
                None
            } else {
                let rate = self.clock.profile.rate_at(now.sched_s);
                self.crowd.pool.take(now.sched_s, rate)
            };
            let mut s = taken.unwrap_or_else(|| self.new_session(rng));
            let Some(next) = s.next_request(now) else {
                self.finish(&s);
                continue;
            };
            if let Some(age) = next.token_age_s {
                self.crowd
                    .max_token_age_bits
                    .fetch_max(age.max(0.0).to_bits(), Relaxed);
            }
            return (s, next.planned);
        }
    }

    /// Hands the answer to the session that asked, puts the session back in the pool (or ends
    /// it) and counts the request; returns whether it succeeded.
    fn answered(
        &self,
        mut session: Session,
        step: Step,
        status: u16,
        body: &[u8],
        now: Now,
        answered_s: f64,
    ) -> bool {
        let ok = session.absorb(status, body, now, answered_s);
        if step.is_auth()
            && let Some(life) = session.token_lifetime_s()
        {
            self.crowd
                .token_lifetime_bits
                .fetch_max(life.to_bits(), Relaxed);
        }
        if ok && step == Step::Register {
            let mut newcomers = self.crowd.newcomers.lock().expect("newcomers lock");
            newcomers.push(session.account.clone());
        }
        if session.finished() {
            self.finish(&session);
        } else {
            self.crowd.pool.put(session);
        }
        self.tally.sent.fetch_add(1, Relaxed);
        if !ok {
            self.tally.errors.fetch_add(1, Relaxed);
        }
        ok
    }
}

/// Sessions started and completed per journey, in [`JOURNEYS`] order.
pub fn journey_counts(shared: &Shared) -> Vec<(Journey, u64, u64)> {
    JOURNEYS
        .iter()
        .map(|j| {
            (
                *j,
                shared.crowd.started[j.index()].load(Relaxed),
                shared.crowd.completed[j.index()].load(Relaxed),
            )
        })
        .collect()
}
