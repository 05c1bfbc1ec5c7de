//! What each request of a step is: method, route, path, body and token.

use super::{Account, Journey, Step};
use crate::plan::text::{entry_json, sentence};
use rand_chacha::ChaCha8Rng;
use reqwest::Method;

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
