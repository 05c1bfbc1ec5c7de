//! What every goose user runs: claim the next arrival, wait for it, hand it to a session, send.
//!
//! goose only knows closed-model users that loop. Here every goose user loops one transaction
//! that claims the next arrival from the shared timeline, sleeps until it is due and sends the
//! next request of a session from the shared [`Pool`]. An arrival no user could start within the
//! tolerance is recorded as dropped (the rule is [`crate::dispatch`]), so a server (or a loadgen)
//! that cannot keep up shows up in the summary instead of silently lowering the rate. The last
//! user to find the timeline exhausted stops goose.

use crate::chunked_log::ChunkedLog;
use crate::dispatch::{Arrival, Claim, Dispatch};
use crate::journey::{Account, Body, JOURNEYS, Journey, Mix, Planned, Step};
use crate::pool::Pool;
use crate::profile::Profile;
use crate::session::{Now, Session, SessionConfig};
use crate::summary::Sample;
use crate::timeline::Timeline;
use goose::goose::GooseResponse;
use goose::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Everything the goose users share.
pub struct Shared {
    pub timeline: Timeline,
    /// The rate curve, for the number of sessions the current rate needs.
    pub profile: Profile,
    /// Who sends which arrival, and which are dropped.
    pub dispatch: Dispatch,
    pub t0: OnceLock<Instant>,
    pub lead: Duration,
    pub samples: ChunkedLog<Sample>,
    pub dropped: ChunkedLog<f64>,
    pub sent: AtomicU64,
    pub errors: AtomicU64,
    pub n_dropped: AtomicU64,
    pub finished_users: AtomicUsize,
    pub ended: OnceLock<Instant>,
    pub users: usize,
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
    pub seed: u64,
    pub tag: String,
}

/// A goose user's own state.
#[derive(Clone)]
struct Worker {
    rng: ChaCha8Rng,
    finished: bool,
}

impl Shared {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        timeline: Timeline,
        profile: Profile,
        users: usize,
        lead: Duration,
        tolerance: Duration,
        accounts: Vec<Account>,
        mix: Mix,
        sessions: SessionConfig,
        seed: u64,
        tag: String,
    ) -> Shared {
        Shared {
            timeline,
            profile,
            dispatch: Dispatch::new(tolerance),
            t0: OnceLock::new(),
            lead,
            samples: ChunkedLog::default(),
            dropped: ChunkedLog::default(),
            sent: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            n_dropped: AtomicU64::new(0),
            finished_users: AtomicUsize::new(0),
            ended: OnceLock::new(),
            users,
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
            seed,
            tag,
        }
    }

    pub fn t0(&self) -> Instant {
        *self.t0.get_or_init(|| Instant::now() + self.lead)
    }

    pub fn max_token_age_s(&self) -> f64 {
        f64::from_bits(self.max_token_age_bits.load(Relaxed))
    }

    pub fn token_lifetime_s(&self) -> f64 {
        f64::from_bits(self.token_lifetime_bits.load(Relaxed))
    }

    /// Puts `count` sessions of existing users in the pool before the clock starts, as if the
    /// traffic had been going on: each signed in (with its account's token from the setup phase),
    /// last active within the think time before the start. Without them a run would open with a
    /// login for every arrival of the first think time, a warm-up that real traffic never shows.
    /// `token_age_wall_s`: how long ago (wall) the setup tokens were issued, as of the start.
    pub fn preseed(&self, tokens: &[String], count: usize, token_age_wall_s: f64, seed: u64) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED);
        let weights = [0, self.mix.weights[1], self.mix.weights[2], 0];
        if weights.iter().all(|w| *w == 0) || tokens.is_empty() {
            return;
        }
        let members = Mix { weights };
        let mut resumed = Vec::with_capacity(count);
        for _ in 0..count {
            let journey = members.pick(&mut rng);
            let k = rng.random_range(0..tokens.len());
            let last_s = -rng.random_range(0.0..self.sessions.think_s.max(1e-9));
            let issued = Now {
                sched_s: last_s,
                wall_s: -token_age_wall_s,
            };
            let target = self.sessions.length.residual(&mut rng);
            let session_rng = ChaCha8Rng::seed_from_u64(rng.random());
            self.started[journey.index()].fetch_add(1, Relaxed);
            self.preexisting.fetch_add(1, Relaxed);
            self.pool.opened();
            let s = Session::resumed(
                journey,
                self.accounts[k].clone(),
                target,
                tokens[k].clone(),
                issued,
                session_rng,
            );
            let life = s.token_lifetime_s().unwrap_or_default();
            self.token_lifetime_bits.fetch_max(life.to_bits(), Relaxed);
            resumed.push(s);
        }
        // The pool hands out its front first: the longest idle.
        resumed.sort_by(|a, b| a.last_s.total_cmp(&b.last_s));
        for s in resumed {
            self.pool.put(s);
        }
    }

    fn finish(&self, s: &Session) {
        self.completed[s.journey.index()].fetch_add(1, Relaxed);
        self.pool.finished();
    }

    fn new_session(&self, rng: &mut ChaCha8Rng) -> Session {
        self.pool.opened();
        let journey = self.mix.pick(rng);
        let account = if journey == Journey::Newcomer {
            let n = self.newcomer_seq.fetch_add(1, Relaxed) + 1;
            Account {
                email: format!("{}-n{n}@loadgen.example.com", self.tag),
                password: self.accounts[0].password.clone(),
            }
        } else {
            self.accounts[rng.random_range(0..self.accounts.len())].clone()
        };
        let target = self.sessions.length.sample(rng);
        let logout = rng.random_bool(self.sessions.logout_share.clamp(0.0, 1.0));
        self.started[journey.index()].fetch_add(1, Relaxed);
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
            let taken = if self.mix.health_only() {
                None
            } else {
                let rate = self.profile.rate_at(now.sched_s);
                self.pool.take(now.sched_s, rate)
            };
            let mut s = taken.unwrap_or_else(|| self.new_session(rng));
            let Some(next) = s.next_request(now) else {
                self.finish(&s);
                continue;
            };
            if let Some(age) = next.token_age_s {
                self.max_token_age_bits
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
            self.token_lifetime_bits.fetch_max(life.to_bits(), Relaxed);
        }
        if ok && step == Step::Register {
            let mut newcomers = self.newcomers.lock().expect("newcomers lock");
            newcomers.push(session.account.clone());
        }
        if session.finished() {
            self.finish(&session);
        } else {
            self.pool.put(session);
        }
        self.sent.fetch_add(1, Relaxed);
        if !ok {
            self.errors.fetch_add(1, Relaxed);
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
                shared.started[j.index()].load(Relaxed),
                shared.completed[j.index()].load(Relaxed),
            )
        })
        .collect()
}

/// Claims arrivals until one can start on time, recording the ones too late to send, and sleeps
/// until it is due; `None` when the timeline is done.
async fn next_due(shared: &Shared) -> Option<Arrival> {
    let t0 = shared.t0();
    loop {
        let now = Instant::now().saturating_duration_since(t0);
        match shared.dispatch.claim(&shared.timeline, now) {
            Claim::Exhausted => return None,
            Claim::Dropped(a) => {
                shared.dropped.push(a.wall_s);
                shared.n_dropped.fetch_add(1, Relaxed);
            }
            Claim::Due(a) => {
                // tokio's timer (1 ms resolution, rounds up). A dedicated OS-thread clock on a
                // condvar was tried: sub-ms when idle, but one thread wake-up plus one runtime
                // unpark per arrival tripled loadgen's CPU per request and made the p99 worse
                // under load.
                // Stopping first (Ctrl-C, SIGTERM): the arrival stays unsent.
                let due = crate::due::sleep_until_due(t0 + a.due(), goose::is_killswitch_triggered);
                return due.await.then_some(a);
            }
        }
    }
}

/// The user's own state, made on its first transaction.
fn worker<'u>(shared: &Shared, user: &'u mut GooseUser) -> &'u mut Worker {
    if user.get_session_data::<Worker>().is_none() {
        let i = user.weighted_users_index as u64;
        user.set_session_data(Worker {
            rng: ChaCha8Rng::seed_from_u64(shared.seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            finished: false,
        });
    }
    user.get_session_data_unchecked_mut::<Worker>()
}

/// Marks the user done with the timeline; the last one to be done stops goose.
fn user_done(shared: &Shared, user: &mut GooseUser) {
    worker(shared, user).finished = true;
    if shared.finished_users.fetch_add(1, Relaxed) + 1 == shared.users {
        let _ = shared.ended.set(Instant::now());
        goose::trigger_killswitch("the schedule is complete");
    }
}

/// The goose request for `plan`, built on the user's client.
fn goose_request(
    user: &GooseUser,
    plan: Planned,
) -> Result<GooseRequest<'static>, Box<TransactionError>> {
    // The URL parsed once, against the already parsed base: goose's get_request_builder parses
    // the path, then base + path, then reqwest the resulting string again (host, IDNA and all),
    // which perf put at 4% of loadgen's CPU at 40,000 req/s.
    let url = user.base_url.join(&plan.path).map_err(|e| {
        Box::new(TransactionError::Custom(format!(
            "bad request path {}: {e}",
            plan.path
        )))
    })?;
    let mut rb = user.client.request(plan.method.clone(), url);
    match plan.body {
        Body::None => {}
        Body::Json(s) => rb = rb.header("content-type", "application/json").body(s),
        Body::Form(s) => {
            rb = rb
                .header("content-type", "application/x-www-form-urlencoded")
                .body(s)
        }
    }
    if let Some(t) = &plan.bearer {
        rb = rb.bearer_auth(t);
    }
    // goose takes the method and URL from the request builder; the name groups its metrics.
    Ok(GooseRequest::builder()
        .name(plan.route)
        .set_request_builder(rb)
        .build())
}

/// One goose transaction: claim the next arrival, wait for it, send it.
pub async fn arrival(shared: &Shared, user: &mut GooseUser) -> TransactionResult {
    if worker(shared, user).finished {
        // Waits for the last user to be done and stop goose.
        tokio::time::sleep(Duration::from_millis(50)).await;
        return Ok(());
    }
    let Some(due) = next_due(shared).await else {
        user_done(shared, user);
        return Ok(());
    };
    let now = Now {
        sched_s: due.sched_s,
        wall_s: due.wall_s,
    };
    let (session, plan) = shared.session_for(now, &mut worker(shared, user).rng);
    let (step, method, route) = (plan.step, plan.method, plan.route);
    let request_bytes = plan.body.len() as u64;
    let request = goose_request(user, plan)?;
    let t0 = shared.t0();
    let sent = Instant::now();
    let response = match user.request(request).await {
        Ok(GooseResponse {
            response: Ok(r), ..
        }) => {
            let status = r.status().as_u16();
            r.bytes().await.ok().map(|b| (status, b))
        }
        _ => None,
    };
    let latency_ms = sent.elapsed().as_secs_f64() * 1000.0;
    // No response, or a body cut short, is a transport error (status 0).
    let (status, body) = match &response {
        Some((status, body)) => (*status, &body[..]),
        None => (0, &[][..]),
    };
    // The answer's time in schedule seconds: latency is not compressed, so under --compress F
    // a session's think time starts F x latency after its request was due.
    let answered_s = now.sched_s
        + (Instant::now().saturating_duration_since(t0).as_secs_f64() - due.wall_s)
            * shared.timeline.compression;
    let ok = shared.answered(session, step, status, body, now, answered_s);
    shared.samples.push(Sample {
        method: method.as_str(),
        route,
        status,
        ok,
        due_wall_s: due.wall_s,
        sent_wall_s: sent.saturating_duration_since(t0).as_secs_f64(),
        latency_ms,
        request_bytes,
        response_bytes: body.len() as u64,
    });
    Ok(())
}
