//! A session: what one client does between signing in and leaving, as a pure state machine.
//!
//! Real clients log in once and reuse the access token for its lifetime (15 minutes on the
//! journal API), refreshing it when it nears expiry, instead of logging in for every page view:
//! a login is an argon2 hash, hundreds of times the CPU of a read. A session signs in (a login,
//! or a registration for a newcomer), sends its number of requests from its journey's cycle,
//! refreshes the token on the way when needed and, for some sessions, logs out at the end.
//! [`Session::next_request`] plans the next request and [`Session::absorb`] reads the answer;
//! neither does I/O, so every rule is unit-tested without a server.
//!
//! How long sessions are and how far apart their requests come is [`SessionConfig`] (in `shape`).
//!
//! Time is schedule (real) time: under `--compress F` a token that lives 900 s lives 900 s of
//! schedule, which is 900/F s on the wire, so the session refreshes when either clock says so.

use crate::plan::journey::{Account, Context, Journey, Planned, Step, plan};
use rand_chacha::ChaCha8Rng;
// The scenario module owns JWT decoding (read, not verified: only the lifetime matters).
pub use crate::scenario::jwt_lifetime_s;

mod shape;
pub use shape::{DEFAULT_SESSION_REQUESTS, SessionConfig, SessionLength};

/// Token lifetime assumed when the access token is not a JWT with `iat` and `exp` (the journal
/// API's is 15 minutes).
pub const DEFAULT_TOKEN_LIFETIME_S: f64 = 900.0;
/// Refresh this long before the token expires (at most a tenth of its lifetime), as client
/// libraries do, so no request is ever sent with an expired token.
pub const REFRESH_MARGIN_S: f64 = 60.0;
/// The clock of one request: its due time in schedule seconds and in wall seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Now {
    pub sched_s: f64,
    pub wall_s: f64,
}

#[derive(Clone, Debug)]
struct Token {
    access: String,
    refresh: Option<String>,
    issued: Now,
    lifetime_s: f64,
}

impl Token {
    /// Age on whichever clock is further along (schedule time under compression, wall time in
    /// slow motion).
    fn age_s(&self, now: Now) -> f64 {
        (now.sched_s - self.issued.sched_s).max(now.wall_s - self.issued.wall_s)
    }

    fn expiring(&self, now: Now) -> bool {
        self.age_s(now) >= self.lifetime_s - REFRESH_MARGIN_S.min(self.lifetime_s / 10.0)
    }
}

/// The next request of a session, and the age of the access token it carries (if any).
#[derive(Clone, Debug)]
pub struct Next {
    pub planned: Planned,
    pub token_age_s: Option<f64>,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub journey: Journey,
    pub account: Account,
    rng: ChaCha8Rng,
    /// Requests to send after signing in.
    target: u32,
    sent: u32,
    /// Position in the journey's opening followed by its cycle.
    pos: usize,
    logout: bool,
    registered: bool,
    token: Option<Token>,
    entry: Option<String>,
    pending: Option<Step>,
    done: bool,
    /// Schedule time of the session's latest answer (think time and idle timeout count from it).
    pub last_s: f64,
}

impl Session {
    pub fn new(
        journey: Journey,
        account: Account,
        target: u32,
        logout: bool,
        rng: ChaCha8Rng,
    ) -> Session {
        let health = journey == Journey::Health;
        Session {
            journey,
            account,
            rng,
            target: if health { 1 } else { target.max(1) },
            sent: 0,
            pos: 0,
            logout: logout && !health,
            registered: false,
            token: None,
            entry: None,
            pending: None,
            done: false,
            last_s: 0.0,
        }
    }

    /// A session already under way when the run starts (see [`crate::run::pool`]): signed in with
    /// `access`, issued at `issued`, last active at `issued.sched_s`. Without a refresh token of
    /// its own it logs in again when the token nears expiry, and it does not log out (its token
    /// is shared with other sessions of the account).
    pub fn resumed(
        journey: Journey,
        account: Account,
        target: u32,
        access: String,
        issued: Now,
        rng: ChaCha8Rng,
    ) -> Session {
        let mut s = Session::new(journey, account, target, false, rng);
        s.registered = true;
        s.last_s = issued.sched_s;
        s.token = Some(Token {
            lifetime_s: jwt_lifetime_s(&access).unwrap_or(DEFAULT_TOKEN_LIFETIME_S),
            access,
            refresh: None,
            issued,
        });
        s
    }

    /// Lifetime of the token the session holds, seconds.
    pub fn token_lifetime_s(&self) -> Option<f64> {
        self.token.as_ref().map(|t| t.lifetime_s)
    }

    pub fn finished(&self) -> bool {
        self.done
    }

    fn step_at(&self, pos: usize) -> Step {
        let (open, cycle) = (self.journey.opening(), self.journey.cycle());
        if pos < open.len() {
            open[pos]
        } else {
            cycle[(pos - open.len()) % cycle.len()]
        }
    }

    fn next_step(&self, now: Now) -> Option<Step> {
        if self.done {
            return None;
        }
        if let Some(sign_in) = self.journey.sign_in() {
            match &self.token {
                None if sign_in == Step::Register && !self.registered => return Some(sign_in),
                None => return Some(Step::Login),
                Some(t) if t.expiring(now) => {
                    return Some(if t.refresh.is_some() {
                        Step::Refresh
                    } else {
                        Step::Login
                    });
                }
                Some(_) => {}
            }
        }
        if self.sent < self.target {
            return Some(self.step_at(self.pos));
        }
        (self.logout && self.token.is_some()).then_some(Step::Logout)
    }

    /// The next request at `now`, or `None` when the session has ended.
    pub fn next_request(&mut self, now: Now) -> Option<Next> {
        let mut step = self.next_step(now)?;
        // A step with nothing to act on (no entry to read or edit) gives way to the next one of
        // the cycle; Create, List and Health always plan, so this ends.
        for _ in 0..8 {
            let token = self.token.as_ref();
            let cx = Context {
                journey: self.journey,
                account: &self.account,
                access: token.map(|t| t.access.as_str()),
                refresh: token.and_then(|t| t.refresh.as_deref()),
                entry: self.entry.as_deref(),
            };
            if let Some(planned) = plan(step, &cx, &mut self.rng) {
                let token_age_s = planned
                    .bearer
                    .as_ref()
                    .and_then(|_| token.map(|t| t.age_s(now)));
                self.pending = Some(step);
                return Some(Next {
                    planned,
                    token_age_s,
                });
            }
            if step.is_auth() {
                break;
            }
            self.pos += 1;
            step = self.step_at(self.pos);
        }
        self.done = true;
        None
    }

    /// Reads the answer to the request planned last (`status` 0: no answer), sent at `sent` and
    /// answered at `answered_s` (schedule seconds; the think time counts from it). Returns
    /// whether it succeeded (2xx).
    pub fn absorb(&mut self, status: u16, body: &[u8], sent: Now, answered_s: f64) -> bool {
        let ok = (200..300).contains(&status);
        self.last_s = answered_s.max(sent.sched_s);
        let Some(step) = self.pending.take() else {
            return ok;
        };
        let json = || serde_json::from_slice::<serde_json::Value>(body).ok();
        match step {
            Step::Register | Step::Login | Step::Refresh if ok => {
                self.registered = true;
                // The server issues the token while answering: its age counts from the answer
                // in schedule time (under compression the wait for a slow login is F x longer),
                // from the send on the wall clock, whose expiry the server checks.
                let issued = Now {
                    sched_s: self.last_s,
                    wall_s: sent.wall_s,
                };
                self.token = json().and_then(|v| token_from(&v, issued));
                // A login that yields no token is a client that cannot go on.
                self.done |= step == Step::Login && self.token.is_none();
            }
            // A refused refresh (revoked, reused) sends the client back to the login page.
            Step::Refresh => self.token = None,
            Step::Register | Step::Login => self.done = true,
            Step::Logout => {
                self.token = None;
                self.done = true;
            }
            _ => {
                self.sent += 1;
                self.pos += 1;
                if status == 401 {
                    self.token = None;
                }
                let v = if ok { json() } else { None };
                match step {
                    Step::Create => self.entry = v.and_then(|v| v["id"].as_str().map(String::from)),
                    // Newest first: the oldest listed is the account's seeded entry, which no
                    // writer deletes, so concurrent sessions of one account do not race on it.
                    Step::List => {
                        self.entry = v
                            .as_ref()
                            .and_then(|v| v.as_array())
                            .and_then(|a| a.last())
                            .and_then(|e| e["id"].as_str())
                            .map(String::from)
                    }
                    Step::Delete => self.entry = None,
                    _ => {}
                }
            }
        }
        if self.sent >= self.target && !(self.logout && self.token.is_some()) {
            self.done = true;
        }
        ok
    }
}

fn token_from(v: &serde_json::Value, issued: Now) -> Option<Token> {
    let access = v["access_token"].as_str()?.to_string();
    let lifetime_s = jwt_lifetime_s(&access).unwrap_or(DEFAULT_TOKEN_LIFETIME_S);
    Some(Token {
        refresh: v["refresh_token"].as_str().map(String::from),
        access,
        issued,
        lifetime_s,
    })
}

#[cfg(test)]
mod tests;
