//! A checked scenario, as the engine uses it: sessions, journeys and steps with parsed
//! templates, and how a step renders into a request.

use super::capture::Capture;
use super::data::DataSet;
use super::template::{Missing, Template, Values};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Steps played once for each account of the pool before the clock starts (`--accounts`),
    /// with `account.email` and `account.password`; their saves stay with the account (the
    /// engine may hand its `token` to sessions already under way).
    pub setup: Vec<Step>,
    pub sessions: Vec<SessionSpec>,
    /// In file order.
    pub journeys: Vec<JourneySpec>,
    /// `[data.NAME]` CSV files, read and checked.
    pub data: Vec<DataSet>,
    /// Which scenario this is, for a run's provenance (summary.json `scenario`).
    pub provenance: Provenance,
}

/// A scenario's name and the hash of its text: what a summary records so that a report can name
/// the API and `loadgen merge` can tell shards of one scenario from shards of two.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The file's stem (`fastapi-journal` for `…/fastapi-journal.toml`), at most
    /// [`MAX_NAME_CHARS`] characters; `journal` for the built-in scenario.
    pub name: String,
    /// The built-in journal.toml rather than a file given with `--scenario`.
    pub builtin: bool,
    /// SHA-256 of the scenario's text, lowercase hex.
    pub sha256: String,
}

/// The longest scenario name recorded (a longer stem is cut).
pub const MAX_NAME_CHARS: usize = 64;

impl Provenance {
    /// The provenance of scenario text read from `label` (a path, or the built-in's file name).
    pub fn of(label: &str, text: &str, builtin: bool) -> Self {
        use sha2::Digest;
        let file = label.rsplit(['/', '\\']).next().unwrap_or(label);
        let stem = file.strip_suffix(".toml").unwrap_or(file);
        let name: String = stem
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(MAX_NAME_CHARS)
            .collect();
        let digest = sha2::Sha256::digest(text.as_bytes());
        Provenance {
            name: if name.trim().is_empty() {
                "scenario".into()
            } else {
                name
            },
            builtin,
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

impl Scenario {
    pub fn journey(&self, name: &str) -> Option<&JourneySpec> {
        self.journeys.iter().find(|j| j.name == name)
    }

    /// The file's weights, one per journey in order (the default mix).
    pub fn weights(&self) -> Vec<u32> {
        self.journeys.iter().map(|j| j.weight).collect()
    }

    pub fn session(&self, name: &str) -> Option<&SessionSpec> {
        self.sessions.iter().find(|s| s.name == name)
    }
}

/// Which account a session signs in as: `account.email` and `account.password` in templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountSource {
    /// No account (public APIs, or credentials from `vars`, `env.*` or `csv.*`).
    None,
    /// One of the accounts the setup registered, drawn at random.
    Pool,
    /// A fresh account for each session (its sign-in registers it).
    New,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SessionSpec {
    pub name: String,
    pub account: AccountSource,
    /// Rendered once when the session starts, in file order; later ones may use earlier ones.
    pub vars: Vec<(String, Template)>,
    pub sign_in: Vec<Step>,
    /// Used instead of `sign_in` after the first sign-in succeeded (the token was lost or
    /// refused); empty: `sign_in` again.
    pub sign_in_again: Vec<Step>,
    /// Header sent on every step that carries the session's credentials: name and value.
    pub auth_header: Option<(String, Template)>,
    /// The saved name holding the access token (its JWT `exp` tells when to refresh).
    pub token: Option<String>,
    pub refresh: Option<Refresh>,
    pub logout: Option<Logout>,
}

impl SessionSpec {
    /// The steps that sign in, the first time or again.
    pub fn sign_in_steps(&self, again: bool) -> &[Step] {
        if again && !self.sign_in_again.is_empty() {
            &self.sign_in_again
        } else {
            &self.sign_in
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Refresh {
    pub steps: Vec<Step>,
    /// Refresh this long before the token expires (at most a tenth of its lifetime).
    pub margin_s: f64,
    /// Lifetime assumed when the token is not a JWT with `iat` and `exp`.
    pub lifetime_s: f64,
    /// Refresh (rather than sign in again) when a step answers 401.
    pub on_401: bool,
}

impl Refresh {
    /// The lifetime of `token`: `exp - iat` when it is a JWT with both, else the file's
    /// `lifetime`. (A lifetime, not the `exp` date, so it holds under time compression and
    /// whatever the two clocks' skew.)
    pub fn lifetime_of(&self, token: &str) -> f64 {
        super::capture::jwt_lifetime_s(token).unwrap_or(self.lifetime_s)
    }

    /// Age, in seconds, at which a token of this lifetime is refreshed: `margin` before it
    /// expires, at most a tenth of its lifetime early.
    pub fn due_at_age_s(&self, lifetime_s: f64) -> f64 {
        lifetime_s - self.margin_s.min(lifetime_s / 10.0)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Logout {
    /// Share of sessions, 0 to 1, that end with these steps.
    pub share: f64,
    pub steps: Vec<Step>,
}

/// Requests a session sends after signing in: `N`, `geo:MEAN` or `MIN..MAX` (the grammar of
/// `--session-requests`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SessionRequests {
    Fixed(u32),
    Geometric(f64),
    Uniform(u32, u32),
}

impl SessionRequests {
    /// The text form, as written in the file.
    pub fn describe(&self) -> String {
        match *self {
            SessionRequests::Fixed(n) => n.to_string(),
            SessionRequests::Geometric(m) => format!("geo:{m}"),
            SessionRequests::Uniform(a, b) => format!("{a}..{b}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct JourneySpec {
    pub name: String,
    /// Share of sessions (the `--mix` default).
    pub weight: u32,
    /// The session it signs in with; `None`: no sign-in.
    pub session: Option<String>,
    pub session_requests: SessionRequests,
    /// Least schedule time between two requests of a session.
    pub think_s: f64,
    /// Played once after signing in, before the cycle.
    pub opening: Vec<Step>,
    /// Repeated until the session has sent its number of requests.
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub method: String,
    pub path: Template,
    /// Name in reports: the `route` given, or the path as written.
    pub route: String,
    pub query: Vec<(String, Template)>,
    pub headers: Vec<(String, Template)>,
    pub body: Body,
    /// Statuses that count as success; empty: any 2xx.
    pub expect: Vec<u16>,
    pub save: Vec<Capture>,
    /// Names the session forgets after this step (a deleted entry's id).
    pub unset: Vec<String>,
    /// Whether it carries the session's auth header.
    pub auth: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    None,
    Json(JsonTemplate),
    /// `application/x-www-form-urlencoded`, fields in file order.
    Form(Vec<(String, Template)>),
}

/// A JSON body whose strings are templates.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonTemplate {
    Literal(Value),
    Text(Template),
    Array(Vec<JsonTemplate>),
    Object(Vec<(String, JsonTemplate)>),
}

/// A step rendered for one session: what to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub method: String,
    /// Path and query string, percent-encoded.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: RenderedBody,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RenderedBody {
    None,
    Json(String),
    Form(String),
}

impl Step {
    pub fn expects(&self, status: u16) -> bool {
        if self.expect.is_empty() {
            (200..300).contains(&status)
        } else {
            self.expect.contains(&status)
        }
    }

    /// The request, or the name of a value the session lacks (then the engine skips the step,
    /// as a user with nothing to open moves on).
    pub fn render(
        &self,
        rng: &mut ChaCha8Rng,
        values: &Values,
        auth: Option<&(String, Template)>,
    ) -> Result<Request, Missing> {
        let mut path = String::new();
        for p in &self.path.parts {
            let one = Template {
                parts: vec![p.clone()],
            };
            let text = one.render(rng, values)?;
            match p {
                super::template::Part::Lit(_) => path.push_str(&text),
                _ => path.push_str(&percent_encode(&text)),
            }
        }
        let query = encode_pairs(&self.query, rng, values)?;
        if !query.is_empty() {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(&query);
        }
        let mut headers = Vec::with_capacity(self.headers.len() + 1);
        if let (true, Some((name, value))) = (self.auth, auth) {
            headers.push((name.clone(), value.render(rng, values)?));
        }
        for (name, value) in &self.headers {
            headers.push((name.clone(), value.render(rng, values)?));
        }
        let body = match &self.body {
            Body::None => RenderedBody::None,
            Body::Json(t) => RenderedBody::Json(render_json(t, rng, values)?.to_string()),
            Body::Form(fields) => RenderedBody::Form(encode_pairs(fields, rng, values)?),
        };
        Ok(Request {
            method: self.method.clone(),
            path,
            headers,
            body,
        })
    }
}

fn encode_pairs(
    pairs: &[(String, Template)],
    rng: &mut ChaCha8Rng,
    values: &Values,
) -> Result<String, Missing> {
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&form_encode(k));
        out.push('=');
        out.push_str(&form_encode(&v.render(rng, values)?));
    }
    Ok(out)
}

fn render_json(t: &JsonTemplate, rng: &mut ChaCha8Rng, values: &Values) -> Result<Value, Missing> {
    Ok(match t {
        JsonTemplate::Literal(v) => v.clone(),
        JsonTemplate::Text(t) => t.render_json(rng, values)?,
        JsonTemplate::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| render_json(i, rng, values))
                .collect::<Result<_, _>>()?,
        ),
        JsonTemplate::Object(fields) => {
            let mut m = serde_json::Map::new();
            for (k, v) in fields {
                m.insert(k.clone(), render_json(v, rng, values)?);
            }
            Value::Object(m)
        }
    })
}

/// `application/x-www-form-urlencoded` value encoding (space as `+`).
pub fn form_encode(s: &str) -> String {
    encode(s, true)
}

/// A value placed in a path: every byte but the unreserved ones (RFC 3986) escaped.
pub fn percent_encode(s: &str) -> String {
    encode(s, false)
}

fn encode(s: &str, form: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => out.push(b as char),
            b'*' if form => out.push('*'),
            b'~' if !form => out.push('~'),
            b' ' if form => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
