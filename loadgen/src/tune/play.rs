//! A scenario played through one execution environment, one invocation at a time: the setup once,
//! an untimed round of every journey, then `requests` timed sessions of each journey, their
//! sign-in and logout included. Each request goes in as the `--event-format` event and the
//! answer is read back out of the function's response, so captures (the token) work as in
//! `loadgen run`.

use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use crate::scenario::{
    AccountSource, Next, Now, Outcome, Player, RenderedBody, Response, Scenario, Step, Values,
};
use crate::tune::event::{self, EventFormat};
use crate::tune::function::{EnvError, Environment};

/// Timed durations of one route ("METHOD route"), in the order the routes were first met.
#[derive(Debug, Clone, PartialEq)]
pub struct Timed {
    pub method: String,
    pub route: String,
    pub ms: Vec<f64>,
}

/// Environment, event format and clock of the requests of one size.
pub struct Driver<'a> {
    pub env: &'a mut Environment,
    pub format: EventFormat,
    pub timeout: Duration,
    pub started: Instant,
    pub sent: u64,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A scenario request as the event's request.
pub fn to_event_request(r: &crate::scenario::Request) -> event::Request {
    let mut e = event::Request::new(&r.method, &r.path);
    e.headers = r.headers.clone();
    let (ct, body) = match &r.body {
        RenderedBody::None => (None, None),
        RenderedBody::Json(b) => (Some("application/json"), Some(b)),
        RenderedBody::Form(b) => (Some("application/x-www-form-urlencoded"), Some(b)),
    };
    if let (Some(ct), Some(b)) = (ct, body) {
        e.headers.push(("content-type".into(), ct.into()));
        e.body = Some(b.clone());
    }
    e
}

impl Driver<'_> {
    fn now(&self) -> Now {
        let s = self.started.elapsed().as_secs_f64();
        Now {
            sched_s: s,
            wall_s: s,
        }
    }

    /// One invocation: the decoded answer and its billed duration.
    pub async fn send(
        &mut self,
        r: &crate::scenario::Request,
    ) -> Result<(event::Answer, Duration, Instant), EnvError> {
        self.sent += 1;
        let id = format!("tune-{}", self.sent);
        let e = self.format.wrap(&to_event_request(r), &id, now_ms());
        let a = self
            .env
            .invoke(e.to_string().into_bytes(), self.timeout)
            .await?;
        let label = format!("{} {}", r.method, r.path);
        let answer = self
            .format
            .decode(&a.body)
            .map_err(|reason| EnvError::Status {
                route: label,
                status: 0,
                body: reason,
            })?;
        Ok((answer, a.duration, a.answered))
    }

    /// The setup steps for `account` (their saves stay in it), untimed.
    pub async fn setup(&mut self, steps: &[Step], account: &mut Values) -> Result<(), EnvError> {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for step in steps {
            let req = step.render(&mut rng, account, None).map_err(|m| {
                scenario_err(format!("setup {}: no value for '{}'", step.route, m.0))
            })?;
            let (a, _, _) = self.send(&req).await?;
            let label = format!("{} {}", step.method, step.route);
            if !step.expects(a.status) {
                return Err(status_err(&label, &a));
            }
            let resp = response(&a);
            let saved = crate::scenario::apply(&step.save, &resp).map_err(|f| {
                scenario_err(format!(
                    "{label}: nothing to save as '{}' ({})",
                    f.name,
                    f.reason.as_str()
                ))
            })?;
            account.extend(saved.values);
        }
        Ok(())
    }

    /// One session of journey `j` with `values`, playing `target` journey requests and its
    /// logout; each duration goes to `timed` when given.
    pub async fn session(
        &mut self,
        scenario: &Scenario,
        j: usize,
        values: Values,
        target: u32,
        mut timed: Option<&mut Vec<Timed>>,
    ) -> Result<(), EnvError> {
        let rng = ChaCha8Rng::seed_from_u64(self.sent);
        let mut p = Player::new(scenario, j, values, target, true, rng).ok_or_else(|| {
            scenario_err(format!(
                "journey {}: a session var cannot render",
                scenario.journeys[j].name
            ))
        })?;
        while let Some(next) = p.next_request(self.now()) {
            let at = self.now();
            let (a, took, _) = self.send(&next.request).await?;
            let outcome = p.absorb(&response(&a), at, self.now().sched_s);
            let label = format!("{} {}", next.request.method, next.route);
            match outcome {
                Outcome::Ok => {}
                Outcome::Unexpected(_) => return Err(status_err(&label, &a)),
                Outcome::Capture(f) => {
                    return Err(scenario_err(format!(
                        "{label}: nothing to save as '{}' ({})",
                        f.name,
                        f.reason.as_str()
                    )));
                }
            }
            if let Some(t) = timed.as_deref_mut() {
                record(t, &next, took);
            }
        }
        Ok(())
    }
}

fn record(timed: &mut Vec<Timed>, next: &Next, took: Duration) {
    let ms = took.as_secs_f64() * 1000.0;
    let m = &next.request.method;
    match timed
        .iter_mut()
        .find(|t| &t.method == m && t.route == next.route)
    {
        Some(t) => t.ms.push(ms),
        None => timed.push(Timed {
            method: m.clone(),
            route: next.route.clone(),
            ms: vec![ms],
        }),
    }
}

fn response(a: &event::Answer) -> Response<'_> {
    Response {
        status: a.status,
        headers: &a.headers,
        body: &a.body,
    }
}

fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(200).collect()
}

fn status_err(label: &str, a: &event::Answer) -> EnvError {
    EnvError::Status {
        route: label.to_string(),
        status: a.status,
        body: excerpt(&a.body),
    }
}

fn scenario_err(message: String) -> EnvError {
    EnvError::Scenario(message)
}

/// `account.*`, `env.*` (loadgen's environment) and the first row of every data set: what the
/// engine supplies a session. `who` makes the account unique to the size and run.
pub fn account(scenario: &Scenario, who: &str) -> Values {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut v = Values::new();
    let email = format!("tune-{who}-{}-{nanos}@example.com", std::process::id());
    v.insert("account.email".into(), Value::String(email));
    v.insert(
        "account.password".into(),
        Value::String("loadgen tune password 1".into()),
    );
    for (k, val) in std::env::vars() {
        v.insert(format!("env.{k}"), Value::String(val));
    }
    for d in &scenario.data {
        if let Ok(row) = d.row(0) {
            v.extend(d.values(row));
        }
    }
    v
}

/// Whether journey `j` signs in with a fresh account each session.
pub fn new_account(scenario: &Scenario, j: usize) -> bool {
    let session = scenario.journeys[j].session.as_deref();
    session
        .and_then(|n| scenario.session(n))
        .is_some_and(|s| s.account == AccountSource::New)
}

/// The journey a cold start's first event comes from: the first one without sign-in (journal's
/// health check), else the first.
pub fn cold_journey(scenario: &Scenario) -> usize {
    scenario
        .journeys
        .iter()
        .position(|j| j.session.is_none())
        .unwrap_or(0)
}
