//! One session as the engine keeps it between two requests: a scenario [`Player`] (what it
//! sends and how it reads the answers, pure and tested in [`crate::scenario`]) and what the pool
//! and the counts need: its journey, when it last heard back, its think time, and the fresh
//! account it registers, if any.
//!
//! How long sessions are, how far apart their requests come and which share log out comes from
//! the scenario's journeys and sessions, unless a flag overrides it for all ([`SessionConfig`],
//! in `shape`).
//!
//! Time is schedule (real) time: under `--compress F` a token that lives 900 s lives 900 s of
//! schedule, which is 900/F s on the wire, so the session refreshes when either clock says so.

use crate::plan::journey::Account;
use crate::scenario::{AccountSource, Next, Outcome, Phase, Player, Response};
pub use crate::scenario::{Now, jwt_lifetime_s};

mod shape;
pub use shape::{SessionConfig, SessionLength};

/// What a request is, for the session counts of summary.json.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A sign-in step of a session that has signed in before, or of a pool account.
    Login,
    /// The first sign-in of a session with a fresh account (`account = "new"`).
    Registration,
    Refresh,
    Logout,
    /// A journey step of a session.
    Request,
    /// The one request of a journey without sign-in that sends one (a health probe).
    Probe,
}

#[derive(Clone, Debug)]
pub struct Session {
    /// Index of its journey in the scenario.
    pub journey: usize,
    player: Player<'static>,
    /// Schedule time of the session's latest answer (think time and idle timeout count from it).
    pub last_s: f64,
    /// Least schedule time between two of its requests.
    pub think_s: f64,
    /// The fresh account it signs up with (`account = "new"`), for accounts.json.
    pub newcomer: Option<Account>,
    /// A journey of one request without sign-in.
    probe: bool,
}

impl Session {
    pub fn new(
        journey: usize,
        player: Player<'static>,
        think_s: f64,
        newcomer: Option<Account>,
        probe: bool,
    ) -> Session {
        Session {
            journey,
            player,
            last_s: 0.0,
            think_s,
            newcomer,
            probe,
        }
    }

    /// Lifetime of the token the session holds, seconds.
    pub fn token_lifetime_s(&self) -> Option<f64> {
        self.player.token_lifetime_s()
    }

    pub fn finished(&self) -> bool {
        self.player.finished()
    }

    /// The next request at `now`, or `None` when the session has ended.
    pub fn next_request(&mut self, now: Now) -> Option<Next<'static>> {
        self.player.next_request(now)
    }

    /// What `next` (this session's next request) is, for the counts; ask before [`absorb`].
    ///
    /// [`absorb`]: Session::absorb
    pub fn kind(&self, next: &Next) -> Kind {
        let fresh = self
            .player
            .session()
            .is_some_and(|s| s.account == AccountSource::New);
        match next.phase {
            Phase::SignIn if fresh && self.player.first_sign_in() => Kind::Registration,
            Phase::SignIn => Kind::Login,
            Phase::Refresh => Kind::Refresh,
            Phase::Logout => Kind::Logout,
            Phase::Journey if self.probe => Kind::Probe,
            Phase::Journey => Kind::Request,
        }
    }

    /// Reads the answer to the request planned last (status 0: no answer), sent at `sent` and
    /// answered at `answered_s` (schedule seconds; the think time counts from it).
    pub fn absorb(&mut self, resp: &Response, sent: Now, answered_s: f64) -> Outcome {
        self.last_s = answered_s.max(sent.sched_s);
        self.player.absorb(resp, sent, answered_s)
    }
}
