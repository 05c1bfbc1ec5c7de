//! User journeys: what each request of a simulated user is, as pure data.
//!
//! A user draws a journey by weight, then each arrival it claims sends the journey's next step.
//! [`UserState::next_request`] plans the request (method, route template, path, body, token)
//! and [`UserState::absorb`] reads the answer (tokens, entry ids); neither does I/O, so the
//! journeys are unit-tested without a server. The requests follow the journal API contract
//! (api/README.md, "Routes"), which the original FastAPI journal API also speaks.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Journey {
    /// Register, log in with the OAuth2 form, write two entries.
    Newcomer,
    /// Log in, create an entry, edit it, delete it.
    Writer,
    /// Log in, list the newest entries, read one.
    Reader,
    /// GET /health, what a load balancer or uptime monitor sends.
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

    pub fn steps(self) -> &'static [Step] {
        match self {
            Journey::Newcomer => &[Step::Register, Step::Login, Step::Create, Step::Create],
            Journey::Writer => &[Step::Login, Step::Create, Step::Update, Step::Delete],
            Journey::Reader => &[Step::Login, Step::List, Step::Get],
            Journey::Health => &[Step::Health],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Register,
    Login,
    Create,
    List,
    Get,
    Update,
    Delete,
    Health,
}

/// Journey weights, `--mix newcomer=1,writer=3,reader=5,health=1` (the default).
#[derive(Clone, Debug, PartialEq)]
pub struct Mix {
    pub weights: [u32; 4],
}

impl Default for Mix {
    fn default() -> Mix {
        Mix {
            weights: [1, 3, 5, 1],
        }
    }
}

impl FromStr for Mix {
    type Err = String;
    fn from_str(s: &str) -> Result<Mix, String> {
        let mut weights = [0u32; 4];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || {
                format!(
                    "invalid --mix '{s}': expected name=weight pairs such as newcomer=1,writer=3,reader=5,health=1"
                )
            };
            let (name, w) = part.split_once('=').ok_or_else(bad)?;
            let j = JOURNEYS
                .iter()
                .find(|j| j.name() == name.trim())
                .ok_or_else(|| {
                    format!(
                        "invalid --mix '{s}': unknown journey '{}', use newcomer, writer, reader, health",
                        name.trim()
                    )
                })?;
            weights[j.index()] = w.trim().parse().map_err(|_| bad())?;
        }
        if weights.iter().all(|w| *w == 0) {
            return Err(format!(
                "invalid --mix '{s}': at least one journey needs a weight > 0"
            ));
        }
        Ok(Mix { weights })
    }
}

impl Mix {
    pub fn pick(&self, rng: &mut ChaCha8Rng) -> Journey {
        let total: u32 = self.weights.iter().sum();
        let mut x = rng.random_range(0..total);
        for (j, w) in JOURNEYS.iter().zip(self.weights) {
            if x < w {
                return *j;
            }
            x -= w;
        }
        Journey::Health
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub email: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    None,
    Json(String),
    Form(String),
}

impl Body {
    pub fn len(&self) -> usize {
        match self {
            Body::None => 0,
            Body::Json(s) | Body::Form(s) => s.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One request to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub journey: Journey,
    pub step: Step,
    pub method: &'static str,
    /// Route template, the endpoint's name in reports: `/api/v1/entries/{id}`.
    pub route: &'static str,
    pub path: String,
    pub body: Body,
    pub bearer: Option<String>,
}

/// What one simulated user knows between requests.
#[derive(Clone, Debug)]
pub struct UserState {
    /// The account registered for this user in the setup phase.
    pub account: Account,
    /// Makes newcomer e-mail addresses unique across users and runs.
    tag: String,
    rng: ChaCha8Rng,
    newcomers: u64,
    journey: Option<Journey>,
    step: usize,
    /// The account the current journey acts as (the setup one, or a newcomer's).
    acting: Option<Account>,
    token: Option<String>,
    entry: Option<String>,
}

impl UserState {
    /// `tag` must be unique per user and run (newcomer addresses derive from it).
    pub fn new(account: Account, tag: String, seed: u64) -> UserState {
        UserState {
            account,
            tag,
            rng: ChaCha8Rng::seed_from_u64(seed),
            newcomers: 0,
            journey: None,
            step: 0,
            acting: None,
            token: None,
            entry: None,
        }
    }

    /// The next request; starts a journey when none is under way. The bool is true when this
    /// request starts a journey.
    pub fn next_request(&mut self, mix: &Mix) -> (Planned, bool) {
        // A step that cannot be planned (no entry to read) ends the journey; Health always
        // plans, so this ends.
        let mut started = false;
        loop {
            let journey = match self.journey {
                Some(j) if self.step < j.steps().len() => j,
                _ => {
                    let j = mix.pick(&mut self.rng);
                    self.begin(j);
                    started = true;
                    j
                }
            };
            let step = journey.steps()[self.step];
            if let Some(p) = self.plan(journey, step) {
                return (p, started);
            }
            self.journey = None;
        }
    }

    fn begin(&mut self, j: Journey) {
        self.journey = Some(j);
        self.step = 0;
        self.token = None;
        self.entry = None;
        self.acting = Some(if j == Journey::Newcomer {
            self.newcomers += 1;
            Account {
                email: format!("{}-n{}@loadgen.example.com", self.tag, self.newcomers),
                password: self.account.password.clone(),
            }
        } else {
            self.account.clone()
        });
    }

    fn plan(&mut self, journey: Journey, step: Step) -> Option<Planned> {
        let acting = self.acting.clone().unwrap_or_else(|| self.account.clone());
        let p = |method, route, path: String, body| Planned {
            journey,
            step,
            method,
            route,
            path,
            body,
            bearer: None,
        };
        let mut planned = match step {
            Step::Register => p(
                "POST",
                "/api/v1/auth/register",
                "/api/v1/auth/register".into(),
                Body::Json(
                    serde_json::json!({"email": acting.email, "password": acting.password})
                        .to_string(),
                ),
            ),
            Step::Login => p(
                "POST",
                "/api/v1/auth/login",
                "/api/v1/auth/login".into(),
                Body::Form(format!(
                    "username={}&password={}",
                    form_encode(&acting.email),
                    form_encode(&acting.password)
                )),
            ),
            Step::Create => p(
                "POST",
                "/api/v1/entries",
                "/api/v1/entries".into(),
                Body::Json(entry_json(&mut self.rng)),
            ),
            Step::List => p(
                "GET",
                "/api/v1/entries",
                "/api/v1/entries?limit=20".into(),
                Body::None,
            ),
            Step::Get => p(
                "GET",
                "/api/v1/entries/{id}",
                format!("/api/v1/entries/{}", self.entry.as_ref()?),
                Body::None,
            ),
            Step::Update => p(
                "PUT",
                "/api/v1/entries/{id}",
                format!("/api/v1/entries/{}", self.entry.as_ref()?),
                Body::Json(
                    serde_json::json!({"intention": sentence(&mut self.rng, 6, 20)}).to_string(),
                ),
            ),
            Step::Delete => p(
                "DELETE",
                "/api/v1/entries/{id}",
                format!("/api/v1/entries/{}", self.entry.as_ref()?),
                Body::None,
            ),
            Step::Health => p("GET", "/health", "/health".into(), Body::None),
        };
        if !matches!(step, Step::Register | Step::Login | Step::Health) {
            planned.bearer = Some(self.token.clone()?);
        }
        Some(planned)
    }

    /// Reads the answer to the last planned request. Returns whether it succeeded (2xx) and
    /// whether that finished the journey; a failure ends the journey, since later steps
    /// depend on it.
    pub fn absorb(&mut self, status: u16, body: &[u8]) -> (bool, bool) {
        let ok = (200..300).contains(&status);
        let Some(journey) = self.journey else {
            return (ok, false);
        };
        if !ok {
            self.journey = None;
            return (false, false);
        }
        let step = journey.steps()[self.step];
        // Only the answers the journey reads are parsed (a health probe is not).
        let json: Option<serde_json::Value> = match step {
            Step::Register | Step::Login | Step::Create | Step::List => {
                serde_json::from_slice(body).ok()
            }
            _ => None,
        };
        match step {
            Step::Register | Step::Login => {
                self.token = json
                    .as_ref()
                    .and_then(|v| v["access_token"].as_str())
                    .map(String::from);
            }
            Step::Create => {
                self.entry = json
                    .as_ref()
                    .and_then(|v| v["id"].as_str())
                    .map(String::from);
            }
            Step::List => {
                // Newest first: the oldest listed is the account's seeded entry, which no
                // writer deletes, so concurrent users of one account do not race on it.
                self.entry = json
                    .as_ref()
                    .and_then(|v| v.as_array())
                    .and_then(|a| a.last())
                    .and_then(|e| e["id"].as_str())
                    .map(String::from);
            }
            _ => {}
        }
        self.step += 1;
        let done = self.step >= journey.steps().len();
        if done {
            self.journey = None;
        }
        (true, done)
    }

    /// The account the current journey acts as.
    pub fn acting(&self) -> Option<&Account> {
        self.acting.as_ref()
    }
}

/// application/x-www-form-urlencoded value encoding.
pub fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

const WORDS: [&str; 40] = [
    "shipped",
    "the",
    "login",
    "page",
    "fixed",
    "a",
    "flaky",
    "test",
    "wrote",
    "docs",
    "for",
    "billing",
    "reviewed",
    "two",
    "pull",
    "requests",
    "paired",
    "on",
    "cache",
    "bug",
    "slow",
    "build",
    "kept",
    "me",
    "waiting",
    "meetings",
    "ate",
    "morning",
    "focus",
    "tomorrow",
    "finish",
    "migration",
    "ask",
    "about",
    "pricing",
    "refactor",
    "handler",
    "call",
    "with",
    "design",
];

/// A sentence of `min..=max` words, at most 256 characters (the API's field limit).
fn sentence(rng: &mut ChaCha8Rng, min: usize, max: usize) -> String {
    let n = rng.random_range(min..=max);
    let mut s: String = (0..n)
        .map(|_| WORDS[rng.random_range(0..WORDS.len())])
        .collect::<Vec<_>>()
        .join(" ");
    s.truncate(256);
    s
}

fn entry_json(rng: &mut ChaCha8Rng) -> String {
    serde_json::json!({
        "work": sentence(rng, 4, 30),
        "struggle": sentence(rng, 4, 20),
        "intention": sentence(rng, 4, 20),
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> UserState {
        UserState::new(
            Account {
                email: "setup-1@loadgen.example.com".into(),
                password: "pw with space&".into(),
            },
            "lg-test-u1".into(),
            9,
        )
    }

    fn only(j: &str) -> Mix {
        format!("{j}=1").parse().unwrap()
    }

    #[test]
    fn writer_logs_in_creates_updates_deletes_its_own_entry() {
        let mut u = user();
        let mix = only("writer");
        let (login, started) = u.next_request(&mix);
        assert!(started);
        assert_eq!((login.method, login.route), ("POST", "/api/v1/auth/login"));
        assert_eq!(
            login.body,
            Body::Form("username=setup-1%40loadgen.example.com&password=pw+with+space%26".into())
        );
        assert_eq!(login.bearer, None);
        assert_eq!(
            u.absorb(
                200,
                br#"{"access_token":"T1","refresh_token":"R","token_type":"bearer"}"#
            ),
            (true, false)
        );
        let (create, started) = u.next_request(&mix);
        assert!(!started);
        assert_eq!(
            (create.method, create.path.as_str()),
            ("POST", "/api/v1/entries")
        );
        assert_eq!(create.bearer.as_deref(), Some("T1"));
        let Body::Json(j) = &create.body else {
            panic!()
        };
        let v: serde_json::Value = serde_json::from_str(j).unwrap();
        for f in ["work", "struggle", "intention"] {
            let s = v[f].as_str().unwrap();
            assert!(!s.is_empty() && s.len() <= 256);
        }
        u.absorb(201, br#"{"id":"e-42","work":"w"}"#);
        let (update, _) = u.next_request(&mix);
        assert_eq!(
            (update.method, update.route, update.path.as_str()),
            ("PUT", "/api/v1/entries/{id}", "/api/v1/entries/e-42")
        );
        u.absorb(200, b"{}");
        let (delete, _) = u.next_request(&mix);
        assert_eq!(
            (delete.method, delete.path.as_str()),
            ("DELETE", "/api/v1/entries/e-42")
        );
        assert_eq!(u.absorb(204, b""), (true, true));
        // The next request starts a new journey with a fresh login.
        let (again, started) = u.next_request(&mix);
        assert!(started);
        assert_eq!(again.step, Step::Login);
    }

    #[test]
    fn newcomer_registers_a_unique_address_then_logs_in_with_the_form() {
        let mut u = user();
        let mix = only("newcomer");
        let (reg, _) = u.next_request(&mix);
        assert_eq!(reg.route, "/api/v1/auth/register");
        let Body::Json(j) = &reg.body else { panic!() };
        let v: serde_json::Value = serde_json::from_str(j).unwrap();
        assert_eq!(v["email"], "lg-test-u1-n1@loadgen.example.com");
        assert_eq!(v["password"], "pw with space&");
        u.absorb(200, br#"{"access_token":"A"}"#);
        let (login, _) = u.next_request(&mix);
        assert!(matches!(&login.body, Body::Form(f) if f.starts_with("username=lg-test-u1-n1%40")));
        u.absorb(200, br#"{"access_token":"B"}"#);
        for _ in 0..2 {
            let (c, _) = u.next_request(&mix);
            assert_eq!((c.step, c.bearer.as_deref()), (Step::Create, Some("B")));
            u.absorb(201, br#"{"id":"x"}"#);
        }
        let (reg2, _) = u.next_request(&mix);
        let Body::Json(j) = &reg2.body else { panic!() };
        assert!(j.contains("lg-test-u1-n2@"), "{j}");
    }

    #[test]
    fn reader_reads_the_oldest_listed_entry_and_gives_up_on_an_empty_list() {
        let mut u = user();
        let mix = only("reader");
        u.next_request(&mix);
        u.absorb(200, br#"{"access_token":"T"}"#);
        let (list, _) = u.next_request(&mix);
        assert_eq!(
            (list.route, list.path.as_str()),
            ("/api/v1/entries", "/api/v1/entries?limit=20")
        );
        u.absorb(200, br#"[{"id":"new"},{"id":"old"}]"#);
        let (get, _) = u.next_request(&mix);
        assert_eq!(get.path, "/api/v1/entries/old");
        assert_eq!(u.absorb(200, b"{}"), (true, true));
        // Empty list: nothing to read, so the arrival starts the next journey instead.
        u.next_request(&mix);
        u.absorb(200, br#"{"access_token":"T"}"#);
        u.next_request(&mix);
        u.absorb(200, b"[]");
        let (next, started) = u.next_request(&mix);
        assert!(started);
        assert_eq!(next.step, Step::Login);
    }

    #[test]
    fn a_failed_step_ends_the_journey() {
        let mut u = user();
        let mix = only("writer");
        u.next_request(&mix);
        assert_eq!(u.absorb(401, br#"{"detail":"Incorrect"}"#), (false, false));
        let (next, started) = u.next_request(&mix);
        assert!(started && next.step == Step::Login);
    }

    #[test]
    fn mix_parses_weights_and_picks_in_proportion() {
        let m: Mix = "reader=3, health=1".parse().unwrap();
        assert_eq!(m.weights, [0, 0, 3, 1]);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let readers = (0..4000)
            .filter(|_| m.pick(&mut rng) == Journey::Reader)
            .count();
        assert!((2850..=3150).contains(&readers), "{readers}");
        assert!(
            "reader=x"
                .parse::<Mix>()
                .unwrap_err()
                .contains("name=weight")
        );
        assert!(
            "visitor=1"
                .parse::<Mix>()
                .unwrap_err()
                .contains("unknown journey 'visitor'")
        );
        assert!(
            "reader=0"
                .parse::<Mix>()
                .unwrap_err()
                .contains("weight > 0")
        );
        assert_eq!(Mix::default().weights, [1, 3, 5, 1]);
    }

    #[test]
    fn same_seed_same_requests() {
        let mix = Mix::default();
        let run = || {
            let mut u = user();
            (0..50)
                .map(|_| {
                    let (p, _) = u.next_request(&mix);
                    u.absorb(200, br#"{"access_token":"t","id":"i"}"#);
                    (p.step, p.body)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }
}
