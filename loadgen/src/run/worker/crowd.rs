//! The sessions and accounts the goose users act as: a new session of a journey drawn from the
//! mix, the sessions already under way at the start, and what an answer does to its session.

use super::Shared;
use crate::plan::journey::{Account, Mix};
use crate::plan::session::{Kind, Now, Session, SessionConfig};
use crate::run::pool::Pool;
use crate::run::setup::account_values;
use crate::scenario::{
    AccountSource, Next, Outcome, Player, Response, Scenario, SessionRequests, SessionSpec, Values,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

/// Sessions tried for one arrival before giving it up (each ended at once: nothing to send).
const MAX_TRIES: usize = 1000;

/// The accounts and sessions the users act as.
pub struct Crowd {
    pub scenario: &'static Scenario,
    pub accounts: Vec<Account>,
    /// Each pool account's values after the setup (`account.*` and its saves, such as a token).
    pub saved: Vec<Values>,
    /// What every session's templates read besides its own values: `env.*`.
    pub base: Values,
    pub newcomers: Mutex<Vec<Account>>,
    /// Sessions started and completed, per journey of the scenario.
    pub started: Vec<AtomicU64>,
    pub completed: Vec<AtomicU64>,
    pub mix: Mix,
    pub sessions: SessionConfig,
    pub pool: Pool,
    /// Requests sent, by [`Kind`].
    pub kinds: [AtomicU64; 6],
    /// Bits of the largest access-token age (schedule seconds) a request carried; non-negative
    /// f64 bits order like the values.
    pub max_token_age_bits: AtomicU64,
    /// Bits of the longest token lifetime read from the tokens (seconds).
    pub token_lifetime_bits: AtomicU64,
    /// Sessions put in the pool before the clock started (see [`Shared::preseed`]).
    pub preexisting: AtomicU64,
    newcomer_seq: AtomicU64,
    /// The next row of each data set.
    rows: Vec<AtomicUsize>,
    /// Prefix of the newcomers' e-mail addresses, unique to the run.
    pub tag: String,
    /// Whether responses' headers are kept (a step saves one).
    pub headers_wanted: bool,
    /// Only one-request journeys: no session ever outlives its request (no pool).
    pub probes_only: bool,
}

impl Crowd {
    pub fn new(
        scenario: &'static Scenario,
        (accounts, saved): (Vec<Account>, Vec<Values>),
        base: Values,
        mix: Mix,
        sessions: SessionConfig,
        tag: String,
    ) -> Crowd {
        let n = scenario.journeys.len();
        let mut c = Crowd {
            scenario,
            accounts,
            saved,
            base,
            newcomers: Mutex::new(Vec::new()),
            started: (0..n).map(|_| AtomicU64::new(0)).collect(),
            completed: (0..n).map(|_| AtomicU64::new(0)).collect(),
            pool: Pool::new(mean_think_s(scenario, &mix, &sessions)),
            mix,
            sessions,
            kinds: Default::default(),
            max_token_age_bits: AtomicU64::new(0),
            token_lifetime_bits: AtomicU64::new(0),
            preexisting: AtomicU64::new(0),
            newcomer_seq: AtomicU64::new(0),
            rows: scenario.data.iter().map(|_| AtomicUsize::new(0)).collect(),
            tag,
            headers_wanted: scenario.captures_headers(),
            probes_only: false,
        };
        c.probes_only = c.mix.only(|j| !c.is_probe(j)).is_empty();
        c
    }

    pub fn max_token_age_s(&self) -> f64 {
        f64::from_bits(self.max_token_age_bits.load(Relaxed))
    }

    pub fn token_lifetime_s(&self) -> f64 {
        f64::from_bits(self.token_lifetime_bits.load(Relaxed))
    }

    pub fn kind_count(&self, k: Kind) -> u64 {
        self.kinds[k as usize].load(Relaxed)
    }

    fn session_spec(&self, j: usize) -> Option<&'static SessionSpec> {
        let s = self.scenario;
        s.journeys[j].session.as_deref().and_then(|n| s.session(n))
    }

    /// Whether journey `j` is one request without sign-in (a health probe).
    pub fn is_probe(&self, j: usize) -> bool {
        let spec = &self.scenario.journeys[j];
        spec.session.is_none() && spec.session_requests == SessionRequests::Fixed(1)
    }

    fn note_lifetime(&self, life: Option<f64>) {
        if let Some(life) = life {
            self.token_lifetime_bits.fetch_max(life.to_bits(), Relaxed);
        }
    }
}

/// The sessions' mean think time, by the mix's weights.
fn mean_think_s(s: &Scenario, mix: &Mix, cfg: &SessionConfig) -> f64 {
    let total: u32 = mix.weights.iter().sum();
    let sum: f64 = (s.journeys.iter().zip(&mix.weights))
        .map(|(j, w)| cfg.think_s(j) * f64::from(*w))
        .sum();
    if total == 0 {
        0.0
    } else {
        sum / f64::from(total)
    }
}

impl Shared {
    /// Puts `count` sessions of existing users in the pool before the clock starts, as if the
    /// traffic had been going on: each signed in (with its account's token from the setup
    /// phase), last active within the think time before the start. Only journeys whose session
    /// signs in as a pool account whose token the setup saved. Without them a run would open
    /// with a sign-in for every arrival of the first think time, a warm-up that real traffic
    /// never shows. `token_age_wall_s`: how long ago (wall) the setup tokens were issued.
    pub fn preseed(&self, count: usize, token_age_wall_s: f64, seed: u64) {
        let c = &self.crowd;
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED);
        let members = c.mix.only(|j| {
            c.session_spec(j).is_some_and(|s| {
                s.account == AccountSource::Pool
                    && (s.token.as_ref()).is_some_and(|t| c.saved.iter().all(|v| v.contains_key(t)))
            })
        });
        if members.is_empty() || c.saved.is_empty() {
            return;
        }
        let mut resumed = Vec::with_capacity(count);
        for _ in 0..count {
            let j = members.pick(&mut rng);
            let spec = &c.scenario.journeys[j];
            let k = rng.random_range(0..c.saved.len());
            let think_s = c.sessions.think_s(spec);
            let last_s = -rng.random_range(0.0..think_s.max(1e-9));
            let issued = Now {
                sched_s: last_s,
                wall_s: -token_age_wall_s,
            };
            let target = c.sessions.length(spec).residual(&mut rng);
            let session_rng = ChaCha8Rng::seed_from_u64(rng.random());
            let values = c.saved[k].clone();
            let Some(p) = Player::resumed(c.scenario, j, values, target, issued, session_rng)
            else {
                continue;
            };
            c.started[j].fetch_add(1, Relaxed);
            c.preexisting.fetch_add(1, Relaxed);
            c.pool.opened();
            let mut s = Session::new(j, p, think_s, None, false);
            s.last_s = last_s;
            c.note_lifetime(s.token_lifetime_s());
            resumed.push(s);
        }
        // The pool hands out its front first: the longest idle.
        resumed.sort_by(|a, b| a.last_s.total_cmp(&b.last_s));
        for s in resumed {
            c.pool.put(s);
        }
    }

    fn finish(&self, s: &Session) {
        self.crowd.completed[s.journey].fetch_add(1, Relaxed);
        self.crowd.pool.finished();
    }

    /// A new session of a journey drawn from the mix, or why none can start (a data set ran
    /// out of rows).
    fn new_session(&self, rng: &mut ChaCha8Rng) -> Result<Session, String> {
        let c = &self.crowd;
        let j = c.mix.pick(rng);
        let spec = &c.scenario.journeys[j];
        let session = c.session_spec(j);
        let (mut values, newcomer) = match session.map(|s| s.account) {
            Some(AccountSource::New) => {
                let n = c.newcomer_seq.fetch_add(1, Relaxed) + 1;
                let a = Account {
                    email: format!("{}-n{n}@loadgen.example.com", c.tag),
                    password: c.accounts[0].password.clone(),
                };
                (account_values(&c.base, &a), Some(a))
            }
            Some(AccountSource::Pool) => {
                (c.saved[rng.random_range(0..c.saved.len())].clone(), None)
            }
            _ => (c.base.clone(), None),
        };
        for (d, next) in c.scenario.data.iter().zip(&c.rows) {
            let row = d.row(next.fetch_add(1, Relaxed)).map_err(|e| {
                format!(
                    "data set '{}' ({}) ran out of rows after {} sessions: the run stops (cycle = true wraps around)",
                    e.data,
                    d.file.display(),
                    e.rows
                )
            })?;
            values.extend(d.values(row));
        }
        let target = c.sessions.length(spec).sample(rng);
        let logout = rng.random_bool(c.sessions.logout_share(session).clamp(0.0, 1.0));
        let player = Player::new(
            c.scenario,
            j,
            values,
            target,
            logout,
            ChaCha8Rng::seed_from_u64(rng.random()),
        )
        .ok_or_else(|| format!("journey '{}': a session var cannot render", spec.name))?;
        c.pool.opened();
        c.started[j].fetch_add(1, Relaxed);
        Ok(Session::new(
            j,
            player,
            c.sessions.think_s(spec),
            newcomer,
            c.is_probe(j),
        ))
    }

    /// The session that sends the arrival due `now`, and its request; notes the age of the
    /// token the request carries. `None`: no session can send it (the run is stopping).
    pub(super) fn session_for(
        &self,
        now: Now,
        rng: &mut ChaCha8Rng,
        probes_only: bool,
    ) -> Option<(Session, Next<'static>)> {
        for _ in 0..MAX_TRIES {
            let taken = if probes_only {
                None
            } else {
                let rate = self.clock.profile.rate_at(now.sched_s);
                self.crowd.pool.take(now.sched_s, rate)
            };
            let mut s = match taken {
                Some(s) => s,
                None => match self.new_session(rng) {
                    Ok(s) => s,
                    Err(why) => {
                        self.halt(&why);
                        return None;
                    }
                },
            };
            let Some(next) = s.next_request(now) else {
                self.finish(&s);
                continue;
            };
            if let Some(age) = next.token_age_s {
                let bits = age.max(0.0).to_bits();
                self.crowd.max_token_age_bits.fetch_max(bits, Relaxed);
            }
            return Some((s, next));
        }
        None
    }

    /// Stops the run, saying why once (said even with --quiet: the run measured less).
    fn halt(&self, why: &str) {
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| errln!("loadgen: {why}"));
        goose::trigger_killswitch("a data set ran out of rows");
    }

    /// Hands the answer to the session that asked, puts the session back in the pool (or ends
    /// it) and counts the request; returns whether it succeeded.
    pub(super) fn answered(
        &self,
        mut session: Session,
        (kind, method, route): (Kind, &'static str, &'static str),
        resp: &Response,
        now: Now,
        answered_s: f64,
    ) -> bool {
        let outcome = session.absorb(resp, now, answered_s);
        let ok = outcome == Outcome::Ok;
        let c = &self.crowd;
        c.kinds[kind as usize].fetch_add(1, Relaxed);
        if matches!(kind, Kind::Login | Kind::Registration | Kind::Refresh) {
            c.note_lifetime(session.token_lifetime_s());
        }
        if ok
            && kind == Kind::Registration
            && let Some(a) = session.newcomer.take()
        {
            c.newcomers.lock().expect("newcomers lock").push(a);
        }
        if let Outcome::Capture(f) = outcome {
            let why = format!("cannot save '{}': {}", f.name, f.reason.as_str());
            let mut reasons = self.tally.reasons.lock().expect("reasons lock");
            *reasons.entry((method, route, why)).or_default() += 1;
        }
        if session.finished() {
            self.finish(&session);
        } else {
            c.pool.put(session);
        }
        self.tally.sent.fetch_add(1, Relaxed);
        if !ok {
            self.tally.errors.fetch_add(1, Relaxed);
        }
        ok
    }
}

/// Sessions started and completed per journey, in the scenario's order.
pub fn journey_counts(shared: &Shared) -> Vec<(&'static str, u64, u64)> {
    let c = &shared.crowd;
    (c.scenario.journeys.iter().enumerate())
        .map(|(i, j)| {
            (
                j.name.as_str(),
                c.started[i].load(Relaxed),
                c.completed[i].load(Relaxed),
            )
        })
        .collect()
}
