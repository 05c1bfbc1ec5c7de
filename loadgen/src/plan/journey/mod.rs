//! What the simulated users do: the kinds of session (journeys), their weights (`--mix`), and
//! what each request of a step is, as pure data (no I/O).
//!
//! A session signs in once (a login, or a registration for a newcomer), then repeats its
//! journey's cycle of steps; [`crate::plan::session`] decides which step comes next (and when the token
//! needs a refresh). The requests follow the journal API contract (api/README.md, "Routes"),
//! which the original FastAPI journal API also speaks.
//!
//! The journeys and their steps are here; [`Mix`] is in `mix`, [`plan`] and what it returns in
//! `request`.

mod mix;
mod request;

pub use mix::{DEFAULT_MIX, Mix};
pub use request::{Body, Context, Planned, form_encode, plan};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Journey {
    /// Registers a new account, writes a first entry, then writes like a writer.
    Newcomer,
    /// Logs in, then creates, edits and deletes entries.
    Writer,
    /// Logs in, then lists the newest entries and reads one, again and again.
    Reader,
    /// One GET /health, what a load balancer or uptime monitor sends; no session.
    Health,
}

pub const JOURNEYS: [Journey; 4] = [
    Journey::Newcomer,
    Journey::Writer,
    Journey::Reader,
    Journey::Health,
];

impl Journey {
    pub fn name(self) -> &'static str {
        match self {
            Journey::Newcomer => "newcomer",
            Journey::Writer => "writer",
            Journey::Reader => "reader",
            Journey::Health => "health",
        }
    }

    pub fn index(self) -> usize {
        JOURNEYS.iter().position(|j| *j == self).unwrap_or(0)
    }

    /// How the session signs in; `None` for health probes, which carry no token.
    pub fn sign_in(self) -> Option<Step> {
        match self {
            Journey::Newcomer => Some(Step::Register),
            Journey::Writer | Journey::Reader => Some(Step::Login),
            Journey::Health => None,
        }
    }

    /// Steps played once after signing in, before the cycle.
    pub fn opening(self) -> &'static [Step] {
        match self {
            // The newcomer's first entry stays: what a new account looks like after a visit.
            Journey::Newcomer => &[Step::Create],
            _ => &[],
        }
    }

    /// Steps repeated until the session has sent its number of requests.
    pub fn cycle(self) -> &'static [Step] {
        match self {
            Journey::Newcomer | Journey::Writer => &[Step::Create, Step::Update, Step::Delete],
            Journey::Reader => &[Step::List, Step::Get],
            Journey::Health => &[Step::Health],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Register,
    Login,
    Refresh,
    Logout,
    Create,
    List,
    Get,
    Update,
    Delete,
    Health,
}

impl Step {
    /// Steps that sign in, refresh or sign out, as opposed to the requests a session is for.
    pub fn is_auth(self) -> bool {
        matches!(
            self,
            Step::Register | Step::Login | Step::Refresh | Step::Logout
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub email: String,
    pub password: String,
}

#[cfg(test)]
mod tests;
