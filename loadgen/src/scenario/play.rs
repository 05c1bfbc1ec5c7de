//! A scenario session as a pure state machine (the scenario counterpart of the hard-coded
//! journeys' session): [`Player::next_request`] renders the next request, [`Player::absorb`]
//! reads its answer. No I/O, so every run rule is unit-tested without a server.
//!
//! Time is schedule time and wall time ([`Now`]): a token's age is the further along of the two,
//! so under time compression it is refreshed when either clock says so.

use super::capture::{CaptureFailure, Response, apply};
use super::model::{JourneySpec, Request, Scenario, SessionSpec, Step};
use super::template::Values;
use rand_chacha::ChaCha8Rng;

/// The clock of one request: its due time in schedule seconds and in wall seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Now {
    pub sched_s: f64,
    pub wall_s: f64,
}

/// Which part of the session a step belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    SignIn,
    Refresh,
    Journey,
    Logout,
}

/// The next request of a session.
#[derive(Clone, Debug, PartialEq)]
pub struct Next<'a> {
    pub phase: Phase,
    /// The step's `route` label, for reports.
    pub route: String,
    /// The step it renders (its method and route borrow from the scenario).
    pub step: &'a Step,
    pub request: Request,
    /// Age of the token the request carries, when it carries one.
    pub token_age_s: Option<f64>,
}

/// What an answer meant.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Ok,
    /// A status the step does not expect.
    Unexpected(u16),
    /// An expected answer without a value it must save: counted by route and reason; the
    /// session signs in again.
    Capture(CaptureFailure),
}

#[derive(Clone, Copy, Debug)]
struct Token {
    issued: Now,
    lifetime_s: f64,
}

#[derive(Clone, Debug)]
pub struct Player<'a> {
    journey: &'a JourneySpec,
    session: Option<&'a SessionSpec>,
    /// Everything templates read: account, CSV row, env, vars and saves.
    pub values: Values,
    rng: ChaCha8Rng,
    target: u32,
    sent: u32,
    pos: usize,
    logout: bool,
    signed_in_once: bool,
    token: Option<Token>,
    /// The phase under way and the index of its next step.
    phase: Option<(Phase, usize)>,
    pending: Option<(Phase, &'a Step)>,
    done: bool,
}

impl<'a> Player<'a> {
    /// A session of journey `journey` (an index of `scenario.journeys`) that sends `target`
    /// requests after signing in and logs out at the end when `logout`. `values` holds what the
    /// engine supplies (`account.*`, `csv.*`, `env.*`); the session's vars are rendered here.
    /// `None` when the journey or its session is not in the scenario, or a var cannot render.
    pub fn new(
        scenario: &'a Scenario,
        journey: usize,
        mut values: Values,
        target: u32,
        logout: bool,
        mut rng: ChaCha8Rng,
    ) -> Option<Player<'a>> {
        let j = scenario.journeys.get(journey)?;
        let session = match &j.session {
            Some(name) => Some(scenario.session(name)?),
            None => None,
        };
        for (name, t) in session.map_or(&[][..], |s| &s.vars) {
            let v = t.render_json(&mut rng, &values).ok()?;
            values.insert(name.clone(), v);
        }
        Some(Player {
            journey: j,
            session,
            values,
            rng,
            target: target.max(1),
            sent: 0,
            pos: 0,
            logout: logout && session.is_some_and(|s| s.logout.is_some()),
            signed_in_once: false,
            token: None,
            phase: session.map(|_| (Phase::SignIn, 0)),
            pending: None,
            done: false,
        })
    }

    /// A session already under way when the run starts: signed in with the values in `values`
    /// (the setup's saves, such as `token`), its token issued at `issued`. It does not log out
    /// (its token is shared by other sessions of the account) and, lacking what its refresh
    /// needs, it signs in again when the token nears expiry.
    pub fn resumed(
        scenario: &'a Scenario,
        journey: usize,
        values: Values,
        target: u32,
        issued: Now,
        rng: ChaCha8Rng,
    ) -> Option<Player<'a>> {
        let mut p = Player::new(scenario, journey, values, target, false, rng)?;
        if let Some(session) = p.session {
            p.phase = None;
            p.signed_in_once = true;
            p.token = Some(Token {
                issued,
                lifetime_s: p.lifetime_s(session),
            });
        }
        Some(p)
    }

    /// The lifetime of the session's current token: from the token when it is a JWT, else the
    /// refresh block's; without a refresh block it never needs one.
    fn lifetime_s(&self, session: &SessionSpec) -> f64 {
        let token = session.token.as_ref().and_then(|t| self.values.get(t));
        match (&session.refresh, token.and_then(|v| v.as_str())) {
            (Some(r), Some(t)) => r.lifetime_of(t),
            (Some(r), None) => r.lifetime_s,
            _ => f64::INFINITY,
        }
    }

    pub fn finished(&self) -> bool {
        self.done
    }

    /// The session spec it signs in with (`None`: a journey without sign-in).
    pub fn session(&self) -> Option<&'a SessionSpec> {
        self.session
    }

    /// Whether it has not yet signed in once (its next sign-in is the first: a registration for
    /// an `account = "new"` session).
    pub fn first_sign_in(&self) -> bool {
        !self.signed_in_once
    }

    /// Lifetime of the token it holds, seconds (`None`: no token, or one without a lifetime).
    pub fn token_lifetime_s(&self) -> Option<f64> {
        self.token.map(|t| t.lifetime_s).filter(|l| l.is_finite())
    }

    fn steps_of(&self, phase: Phase) -> &'a [Step] {
        let s = self.session;
        match phase {
            Phase::SignIn => s.map_or(&[], |s| s.sign_in_steps(self.signed_in_once)),
            Phase::Refresh => s.and_then(|s| s.refresh.as_ref()).map_or(&[], |r| &r.steps),
            Phase::Logout => s.and_then(|s| s.logout.as_ref()).map_or(&[], |l| &l.steps),
            Phase::Journey => &self.journey.steps,
        }
    }

    fn age_s(t: &Token, now: Now) -> f64 {
        (now.sched_s - t.issued.sched_s).max(now.wall_s - t.issued.wall_s)
    }

    /// The phase and step to play at `now`, before rendering.
    fn choose(&mut self, now: Now) -> Option<(Phase, &'a Step)> {
        if self.phase.is_none()
            && let (Some(t), Some(r)) = (&self.token, self.session.and_then(|s| s.refresh.as_ref()))
            && Self::age_s(t, now) >= r.due_at_age_s(t.lifetime_s)
        {
            self.phase = Some((Phase::Refresh, 0));
        }
        if let Some((phase, i)) = self.phase {
            return self.steps_of(phase).get(i).map(|s| (phase, s));
        }
        if self.sent < self.target && !self.journey.steps.is_empty() {
            let open = &self.journey.opening;
            let step = match open.get(self.pos) {
                Some(s) => s,
                None => &self.journey.steps[(self.pos - open.len()) % self.journey.steps.len()],
            };
            return Some((Phase::Journey, step));
        }
        if self.logout && self.token.is_some() {
            self.phase = Some((Phase::Logout, 0));
            return self
                .steps_of(Phase::Logout)
                .first()
                .map(|s| (Phase::Logout, s));
        }
        None
    }

    /// The next request at `now`, or `None` when the session has ended.
    pub fn next_request(&mut self, now: Now) -> Option<Next<'a>> {
        // A journey step lacking a value gives way to the next one; after a whole round of
        // skips the session has nothing left to do.
        let rounds = self.journey.opening.len() + self.journey.steps.len() + 1;
        for _ in 0..rounds {
            if self.done {
                return None;
            }
            let Some((phase, step)) = self.choose(now) else {
                break;
            };
            let auth = self.session.and_then(|s| s.auth_header.as_ref());
            match step.render(&mut self.rng, &self.values, auth) {
                Ok(request) => {
                    self.pending = Some((phase, step));
                    let token_age_s = (step.auth && auth.is_some())
                        .then(|| self.token.map(|t| Self::age_s(&t, now)))
                        .flatten();
                    let route = step.route.clone();
                    return Some(Next {
                        phase,
                        route,
                        step,
                        request,
                        token_age_s,
                    });
                }
                Err(_) if phase == Phase::Journey => self.pos += 1,
                // Nothing to refresh with (a resumed session): sign in again instead.
                Err(_) if phase == Phase::Refresh => {
                    self.token = None;
                    self.phase = Some((Phase::SignIn, 0));
                }
                // A sign-in, refresh or logout that cannot render: the client cannot go on.
                Err(_) => break,
            }
        }
        self.done = true;
        None
    }

    /// Reads the answer to the request planned last, sent at `sent` (the token's age counts
    /// from there on the wall clock, from the answer in schedule time).
    pub fn absorb(&mut self, resp: &Response, sent: Now, answered_s: f64) -> Outcome {
        let Some((phase, step)) = self.pending.take() else {
            return Outcome::Ok;
        };
        let outcome = if !step.expects(resp.status) {
            for c in &step.save {
                self.values.remove(&c.name);
            }
            Outcome::Unexpected(resp.status)
        } else {
            match apply(&step.save, resp) {
                Ok(saved) => {
                    saved.unset.iter().for_each(|n| drop(self.values.remove(n)));
                    self.values.extend(saved.values);
                    Outcome::Ok
                }
                Err(f) => Outcome::Capture(f),
            }
        };
        for n in &step.unset {
            self.values.remove(n);
        }
        let ok = outcome == Outcome::Ok;
        let issued = Now {
            sched_s: answered_s.max(sent.sched_s),
            wall_s: sent.wall_s,
        };
        match phase {
            Phase::SignIn | Phase::Refresh => self.after_auth_step(phase, ok, issued),
            Phase::Logout => self.after_logout_step(ok),
            Phase::Journey => self.after_journey_step(resp.status, &outcome),
        }
        if self.sent >= self.target
            && self.phase.is_none()
            && !(self.logout && self.token.is_some())
        {
            self.done = true;
        }
        outcome
    }

    fn after_auth_step(&mut self, phase: Phase, ok: bool, issued: Now) {
        let Some((_, i)) = self.phase else { return };
        if !ok {
            // A failed sign-in ends the session; a refused refresh signs in again.
            self.token = None;
            self.done |= phase == Phase::SignIn;
            self.phase = Some((Phase::SignIn, 0));
            return;
        }
        if i + 1 < self.steps_of(phase).len() {
            self.phase = Some((phase, i + 1));
            return;
        }
        self.phase = None;
        self.signed_in_once = true;
        if let Some(session) = self.session {
            let lifetime_s = self.lifetime_s(session);
            self.token = Some(Token { issued, lifetime_s });
        }
    }

    fn after_logout_step(&mut self, ok: bool) {
        match self.phase {
            Some((_, i)) if ok && i + 1 < self.steps_of(Phase::Logout).len() => {
                self.phase = Some((Phase::Logout, i + 1));
            }
            _ => {
                self.token = None;
                self.phase = None;
                self.done = true;
            }
        }
    }

    fn after_journey_step(&mut self, status: u16, outcome: &Outcome) {
        self.sent += 1;
        self.pos += 1;
        let Some(session) = self.session else { return };
        if status == 401 {
            let refresh = session.refresh.as_ref().is_some_and(|r| r.on_401);
            self.phase = Some((
                if refresh {
                    Phase::Refresh
                } else {
                    Phase::SignIn
                },
                0,
            ));
            if !refresh {
                self.token = None;
            }
        } else if matches!(outcome, Outcome::Capture(_)) {
            self.token = None;
            self.phase = Some((Phase::SignIn, 0));
        }
    }
}
