//! `loadgen scenario try`: each journey of a scenario played once against a live server, with
//! the same HTTP client as `loadgen run` (reqwest), driving [`Player`], so a user sees every
//! request, its status and what it saved (tokens masked) before a load test.

use super::exit::{EXIT_BAD_FILE, EXIT_ERROR};
use super::scenario::{Which, load, print_errors};
use crate::scenario::{Next, Now, Outcome, Player, RenderedBody, Response, Scenario, Values};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The most of a response body read (captures see this much; the rest is not read).
pub const MAX_BODY_BYTES: usize = 1 << 20;

#[derive(clap::Args, Debug)]
pub struct TryArgs {
    #[command(flatten)]
    pub which: Which,
    /// Base URL of the API, e.g. http://127.0.0.1:8080
    #[arg(long, value_name = "URL")]
    pub host: String,
    /// Only this journey (default: each one, in file order)
    #[arg(long, value_name = "NAME")]
    pub journey: Option<String>,
    /// Seconds to wait for each answer
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
}

/// Why a journey did not complete.
#[derive(Debug, thiserror::Error)]
enum TryError {
    #[error("{method} {path}: {source}")]
    Send {
        method: String,
        path: String,
        source: reqwest::Error,
    },
    #[error("{route}: status {status} is not one the step expects; the answer: {body}")]
    Unexpected {
        route: String,
        status: u16,
        body: String,
    },
    #[error("{route}: cannot save '{name}': {reason}")]
    Capture {
        route: String,
        name: String,
        reason: &'static str,
    },
    #[error("setup: {0}")]
    Setup(Box<TryError>),
    #[error("{0}")]
    Other(String),
}

/// `loadgen scenario try`: returns the process exit status.
pub async fn main(args: &TryArgs) -> i32 {
    let (label, s) = match load(&args.which, None) {
        Ok(x) => x,
        Err(errors) => return print_errors(&errors),
    };
    let journeys: Vec<usize> = match &args.journey {
        Some(name) => match s.journeys.iter().position(|j| &j.name == name) {
            Some(i) => vec![i],
            None => {
                errln!("{label}: --journey '{name}': the scenario has no such journey");
                return EXIT_BAD_FILE;
            }
        },
        None => (0..s.journeys.len()).collect(),
    };
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(args.timeout.max(1)))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            errln!("loadgen: error: cannot build the HTTP client: {e}");
            return EXIT_ERROR;
        }
    };
    let t = Try {
        client,
        base: args.host.trim_end_matches('/').to_string(),
        scenario: &s,
        started: Instant::now(),
        tag: format!("try{}", rand::random::<u32>()),
    };
    let mut account = t.account("pool");
    if !s.setup.is_empty() {
        outln!("setup");
        match t.setup(&account).await {
            // Pool sessions start with what the setup saved for their account, as in a run.
            Ok(saved) => account = saved,
            Err(e) => {
                outln!("setup: FAILED: {e}");
                return EXIT_ERROR;
            }
        }
    }
    let mut failed = 0;
    for i in journeys {
        let name = &s.journeys[i].name;
        outln!("journey {name}");
        match t.journey(i, &account).await {
            Ok(n) => outln!(
                "journey {name}: ok ({n} request{})",
                if n == 1 { "" } else { "s" }
            ),
            Err(e) => {
                failed += 1;
                outln!("journey {name}: FAILED: {e}");
            }
        }
    }
    if failed > 0 { EXIT_ERROR } else { 0 }
}

struct Try<'a> {
    client: reqwest::Client,
    base: String,
    scenario: &'a Scenario,
    started: Instant,
    tag: String,
}

impl Try<'_> {
    fn now(&self) -> Now {
        let s = self.started.elapsed().as_secs_f64();
        Now {
            sched_s: s,
            wall_s: s,
        }
    }

    /// `account.*`, `env.*` and the first row of every data set: what the engine supplies.
    fn account(&self, who: &str) -> Values {
        let mut v = Values::new();
        let email = format!("{}-{who}@loadgen.example.com", self.tag);
        v.insert("account.email".into(), Value::String(email));
        v.insert(
            "account.password".into(),
            Value::String(format!("{}-Pw-1234567", self.tag)),
        );
        for (k, val) in std::env::vars() {
            v.insert(format!("env.{k}"), Value::String(val));
        }
        for d in &self.scenario.data {
            if let Ok(row) = d.row(0) {
                v.extend(d.values(row));
            }
        }
        v
    }

    /// Plays the setup steps for `account`; returns its values with the saves (the token).
    async fn setup(&self, account: &Values) -> Result<Values, TryError> {
        let mut rng = ChaCha8Rng::seed_from_u64(rand::random());
        let mut values = account.clone();
        for step in &self.scenario.setup {
            let req = step
                .render(&mut rng, &values, None)
                .map_err(|m| TryError::Other(format!("{}: no value for '{}'", step.route, m.0)))?;
            let next = Next {
                phase: crate::scenario::Phase::SignIn,
                route: step.route.clone(),
                step,
                request: req,
                token_age_s: None,
            };
            let (status, headers, body, note) = self
                .send(&next)
                .await
                .map_err(|e| TryError::Setup(Box::new(e)))?;
            let resp = Response {
                status,
                headers: &headers,
                body: &body,
            };
            let result = if !step.expects(status) {
                Err(TryError::Unexpected {
                    route: step.route.clone(),
                    status,
                    body: excerpt(&body),
                })
            } else {
                crate::scenario::apply(&step.save, &resp).map_err(|f| TryError::Capture {
                    route: step.route.clone(),
                    name: f.name,
                    reason: f.reason.as_str(),
                })
            };
            let saved = result.map_err(|e| TryError::Setup(Box::new(e)))?;
            let shown: Vec<_> = saved
                .values
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            print_line(&next, status, &shown, note);
            values.extend(saved.values);
        }
        Ok(values)
    }

    /// Plays journey `i` once: sign-in, every step of its opening and cycle, logout.
    async fn journey(&self, i: usize, pool: &Values) -> Result<u32, TryError> {
        let j = &self.scenario.journeys[i];
        let new_account = j
            .session
            .as_deref()
            .and_then(|n| self.scenario.session(n))
            .is_some_and(|s| s.account == crate::scenario::AccountSource::New);
        let values = if new_account {
            self.account(&j.name)
        } else {
            pool.clone()
        };
        let target = (j.opening.len() + j.steps.len()).max(1) as u32;
        let rng = ChaCha8Rng::seed_from_u64(rand::random());
        let mut p = Player::new(self.scenario, i, values, target, true, rng).ok_or_else(|| {
            TryError::Other("a session var cannot render (a value it names is missing)".into())
        })?;
        let mut sent = 0;
        let mut played = std::collections::BTreeSet::new();
        while let Some(next) = p.next_request(self.now()) {
            let at = self.now();
            let before = p.values.clone();
            let (status, headers, body, note) = self.send(&next).await?;
            sent += 1;
            if next.phase == crate::scenario::Phase::Journey {
                played.insert((next.request.method.clone(), next.route.clone()));
            }
            let resp = Response {
                status,
                headers: &headers,
                body: &body,
            };
            let outcome = p.absorb(&resp, at, self.now().sched_s);
            let saved: Vec<(String, Value)> = p
                .values
                .iter()
                .filter(|(k, v)| before.get(*k) != Some(*v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            print_line(&next, status, &saved, note);
            match outcome {
                Outcome::Ok => {}
                Outcome::Unexpected(status) => {
                    return Err(TryError::Unexpected {
                        route: next.route,
                        status,
                        body: excerpt(&body),
                    });
                }
                Outcome::Capture(f) => {
                    return Err(TryError::Capture {
                        route: next.route,
                        name: f.name,
                        reason: f.reason.as_str(),
                    });
                }
            }
        }
        // A step whose value was never saved is skipped, as in a run: say so, it is no failure.
        for step in j.opening.iter().chain(&j.steps) {
            if !played.contains(&(step.method.clone(), step.route.clone())) {
                outln!(
                    "  skipped {} {}: a value it names was never saved",
                    step.method,
                    step.route
                );
            }
        }
        Ok(sent)
    }

    /// Sends one request; reads at most [`MAX_BODY_BYTES`] of the answer.
    async fn send(&self, next: &Next<'_>) -> Result<Answer, TryError> {
        let r = &next.request;
        let fail = |source| TryError::Send {
            method: r.method.clone(),
            path: r.path.clone(),
            source,
        };
        let method = reqwest::Method::from_bytes(r.method.as_bytes())
            .map_err(|_| TryError::Other(format!("bad method '{}'", r.method)))?;
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, r.path));
        for (k, v) in &r.headers {
            req = req.header(k, v);
        }
        req = match &r.body {
            RenderedBody::None => req,
            RenderedBody::Json(b) => req
                .header("content-type", "application/json")
                .body(b.clone()),
            RenderedBody::Form(b) => req
                .header("content-type", "application/x-www-form-urlencoded")
                .body(b.clone()),
        };
        let mut resp = req.send().await.map_err(fail)?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.as_bytes().to_vec()))
            .collect();
        let mut body = Vec::new();
        let mut cut = false;
        while let Some(chunk) = resp.chunk().await.map_err(fail)? {
            let room = MAX_BODY_BYTES - body.len();
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if chunk.len() > room {
                cut = true;
                break;
            }
        }
        Ok((status, headers, body, cut))
    }
}

/// Status, headers, body (at most [`MAX_BODY_BYTES`]) and whether the body was cut there.
type Answer = (u16, Vec<(String, Vec<u8>)>, Vec<u8>, bool);

fn print_line(next: &Next, status: u16, saved: &[(String, Value)], cut: bool) {
    let r = &next.request;
    let mut line = format!("  {} {} -> {status}", r.method, r.path);
    if !saved.is_empty() {
        let shown: Vec<String> = saved
            .iter()
            .map(|(k, v)| format!("{k}={}", shown_value(k, v)))
            .collect();
        line.push_str(&format!("  saved {}", shown.join(" ")));
    }
    if cut {
        line.push_str(&format!(
            "  (body over {MAX_BODY_BYTES} bytes: read that much)"
        ));
    }
    outln!("{line}");
}

/// The start of an answer's body on one line (at most 200 characters), to say why it failed.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None if one_line.is_empty() => "(empty)".to_string(),
        None => one_line,
    }
}

/// A saved value as printed: tokens (by name, or JWT-shaped) masked to their first 4 characters.
pub fn shown_value(name: &str, v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => return other.to_string(),
    };
    let lower = name.to_ascii_lowercase();
    let secret = ["token", "secret", "password", "key", "session", "cookie"]
        .iter()
        .any(|w| lower.contains(w))
        || text.matches('.').count() == 2 && text.starts_with("eyJ");
    if secret { mask(&text) } else { text }
}

/// The first 4 characters and `…`.
pub fn mask(s: &str) -> String {
    let head: String = s.chars().take(4).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_masked_by_name_or_shape() {
        let s = |x: &str| Value::String(x.to_string());
        assert_eq!(shown_value("token", &s("abcdefgh")), "abcd…");
        assert_eq!(shown_value("refresh_token", &s("zyxwvu")), "zyxw…");
        assert_eq!(shown_value("jwt", &s("eyJhbGc.eyJzdWI.sig")), "eyJh…");
        assert_eq!(shown_value("id", &s("42abc")), "42abc");
        assert_eq!(shown_value("id", &serde_json::json!(42)), "42");
        assert_eq!(mask("ab"), "ab…");
    }

    #[test]
    fn a_failed_answer_is_shown_on_one_short_line() {
        assert_eq!(excerpt(b"{\"detail\":\n  \"no\"}"), "{\"detail\": \"no\"}");
        assert_eq!(excerpt(b""), "(empty)");
        let long = "é".repeat(300);
        assert_eq!(excerpt(long.as_bytes()), format!("{}…", "é".repeat(200)));
    }
}
