//! What the simulated users do: the kinds of session (journeys), their weights (`--mix`), and
//! what each request of a step is, as pure data (no I/O).
//!
//! A session signs in once (a login, or a registration for a newcomer), then repeats its
//! journey's cycle of steps; [`crate::session`] decides which step comes next (and when the token
//! needs a refresh). The requests follow the journal API contract (api/README.md, "Routes"),
//! which the original FastAPI journal API also speaks.

use crate::text::{entry_json, sentence};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use reqwest::Method;
use std::str::FromStr;

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

/// Session weights, `--mix newcomer=1,writer=9,reader=19,health=1` (the default): the share of
/// *sessions* of each kind; a health probe is a session of one request.
#[derive(Clone, Debug, PartialEq)]
pub struct Mix {
    pub weights: [u32; 4],
}

pub const DEFAULT_MIX: &str = "newcomer=1,writer=9,reader=19,health=1";

impl Default for Mix {
    fn default() -> Mix {
        DEFAULT_MIX.parse().expect("the default mix parses")
    }
}

impl FromStr for Mix {
    type Err = String;
    fn from_str(s: &str) -> Result<Mix, String> {
        let mut weights = [0u32; 4];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad =
                || format!("invalid --mix '{s}': expected name=weight pairs such as {DEFAULT_MIX}");
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

    /// Only health probes: no session ever outlives its one request.
    pub fn health_only(&self) -> bool {
        self.weights[..3].iter().all(|w| *w == 0)
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
    /// `'static`, so a sample names it with `as_str` (the summary groups requests by it).
    pub method: &'static Method,
    /// Route template, the endpoint's name in reports: `/api/v1/entries/{id}`.
    pub route: &'static str,
    pub path: String,
    pub body: Body,
    pub bearer: Option<String>,
}

/// What a step needs from its session; `plan` returns `None` when a step cannot be sent (no entry
/// to read or edit, no token).
pub struct Context<'a> {
    pub journey: Journey,
    pub account: &'a Account,
    pub access: Option<&'a str>,
    pub refresh: Option<&'a str>,
    pub entry: Option<&'a str>,
}

// Short names for the table in `plan`.
const GET: &Method = &Method::GET;
const POST: &Method = &Method::POST;
const PUT: &Method = &Method::PUT;
const DELETE: &Method = &Method::DELETE;

pub fn plan(step: Step, cx: &Context, rng: &mut ChaCha8Rng) -> Option<Planned> {
    let p = |method, route, path: String, body| Planned {
        journey: cx.journey,
        step,
        method,
        route,
        path,
        body,
        bearer: None,
    };
    let entry_path = || cx.entry.map(|id| format!("/api/v1/entries/{id}"));
    let mut planned = match step {
        Step::Register => p(
            POST,
            "/api/v1/auth/register",
            "/api/v1/auth/register".into(),
            Body::Json(
                serde_json::json!({"email": cx.account.email, "password": cx.account.password})
                    .to_string(),
            ),
        ),
        Step::Login => p(
            POST,
            "/api/v1/auth/login",
            "/api/v1/auth/login".into(),
            Body::Form(format!(
                "username={}&password={}",
                form_encode(&cx.account.email),
                form_encode(&cx.account.password)
            )),
        ),
        Step::Refresh => p(
            POST,
            "/api/v1/auth/refresh",
            "/api/v1/auth/refresh".into(),
            Body::Json(serde_json::json!({"refresh_token": cx.refresh?}).to_string()),
        ),
        Step::Logout => p(
            POST,
            "/api/v1/auth/logout",
            "/api/v1/auth/logout".into(),
            Body::None,
        ),
        Step::Create => p(
            POST,
            "/api/v1/entries",
            "/api/v1/entries".into(),
            Body::Json(entry_json(rng)),
        ),
        Step::List => p(
            GET,
            "/api/v1/entries",
            "/api/v1/entries?limit=20".into(),
            Body::None,
        ),
        Step::Get => p(GET, "/api/v1/entries/{id}", entry_path()?, Body::None),
        Step::Update => p(
            PUT,
            "/api/v1/entries/{id}",
            entry_path()?,
            Body::Json(serde_json::json!({"intention": sentence(rng, 6, 20)}).to_string()),
        ),
        Step::Delete => p(DELETE, "/api/v1/entries/{id}", entry_path()?, Body::None),
        Step::Health => p(GET, "/health", "/health".into(), Body::None),
    };
    if !matches!(
        step,
        Step::Register | Step::Login | Step::Refresh | Step::Health
    ) {
        planned.bearer = Some(cx.access?.to_string());
    }
    Some(planned)
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn account() -> Account {
        Account {
            email: "setup-1@loadgen.example.com".into(),
            password: "pw with space&".into(),
        }
    }

    fn cx<'a>(a: &'a Account, access: Option<&'a str>, entry: Option<&'a str>) -> Context<'a> {
        Context {
            journey: Journey::Writer,
            account: a,
            access,
            refresh: Some("R1"),
            entry,
        }
    }

    #[test]
    fn login_is_the_oauth2_form_and_carries_no_token() {
        let a = account();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let login = plan(Step::Login, &cx(&a, Some("T"), None), &mut rng).unwrap();
        assert_eq!(
            (login.method, login.route),
            (&Method::POST, "/api/v1/auth/login")
        );
        assert_eq!(
            login.body,
            Body::Form("username=setup-1%40loadgen.example.com&password=pw+with+space%26".into())
        );
        assert_eq!(login.bearer, None);
        let refresh = plan(Step::Refresh, &cx(&a, Some("T"), None), &mut rng).unwrap();
        assert_eq!(refresh.body, Body::Json(r#"{"refresh_token":"R1"}"#.into()));
        assert_eq!(refresh.bearer, None);
        let logout = plan(Step::Logout, &cx(&a, Some("T"), None), &mut rng).unwrap();
        assert_eq!(
            (logout.route, logout.bearer.as_deref()),
            ("/api/v1/auth/logout", Some("T"))
        );
    }

    #[test]
    fn entry_steps_need_a_token_and_an_entry() {
        let a = account();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let create = plan(Step::Create, &cx(&a, Some("T"), None), &mut rng).unwrap();
        assert_eq!(create.bearer.as_deref(), Some("T"));
        let Body::Json(j) = &create.body else {
            panic!()
        };
        let v: serde_json::Value = serde_json::from_str(j).unwrap();
        for f in ["work", "struggle", "intention"] {
            let s = v[f].as_str().unwrap();
            assert!(!s.is_empty() && s.len() <= 256);
        }
        assert!(plan(Step::Create, &cx(&a, None, None), &mut rng).is_none());
        assert!(plan(Step::Update, &cx(&a, Some("T"), None), &mut rng).is_none());
        let update = plan(Step::Update, &cx(&a, Some("T"), Some("e-42")), &mut rng).unwrap();
        assert_eq!(
            (update.method, update.route, update.path.as_str()),
            (&Method::PUT, "/api/v1/entries/{id}", "/api/v1/entries/e-42")
        );
        let list = plan(Step::List, &cx(&a, Some("T"), None), &mut rng).unwrap();
        assert_eq!(list.path, "/api/v1/entries?limit=20");
        let health = plan(Step::Health, &cx(&a, None, None), &mut rng).unwrap();
        assert_eq!((health.path.as_str(), health.bearer), ("/health", None));
    }

    #[test]
    fn mix_parses_weights_and_picks_in_proportion() {
        let m: Mix = "reader=3, health=1".parse().unwrap();
        assert_eq!(m.weights, [0, 0, 3, 1]);
        assert!(!m.health_only());
        assert!("health=2".parse::<Mix>().unwrap().health_only());
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
        assert_eq!(Mix::default().weights, [1, 9, 19, 1]);
    }
}
