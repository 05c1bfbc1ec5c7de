//! From the raw file to a [`Scenario`]: sessions first (what each leaves the journeys after
//! signing in), then journeys, every error collected.

use super::model::{
    AccountSource, JourneySpec, Logout, Refresh, Scenario, SessionRequests, SessionSpec,
};
use super::numbers::{
    MAX_DURATION_S, MAX_LIFETIME_S, duration_s, percent_share, session_requests, weight,
};
use super::raw::{RawFile, RawJourney, RawSession, in_file_order};
use super::step::{Cx, Scope};
use super::template::{RESERVED, Template, is_name};
use std::collections::{BTreeMap, BTreeSet};
use toml::Spanned;

pub const MAX_JOURNEYS: usize = 100;
pub const MAX_SESSIONS: usize = 100;
const DEFAULT_SESSION_REQUESTS: &str = "geo:12";
const DEFAULT_THINK: &str = "20s";

/// Compiles what the file holds; data sets are filled in by the caller.
pub fn compile(cx: &mut Cx, f: &RawFile) -> Scenario {
    let mut setup_scope = Scope {
        account: true,
        ..Scope::default()
    };
    let setup = match &f.setup {
        Some(s) => cx.steps(&s.get_ref().steps, &mut setup_scope, false),
        None => Vec::new(),
    };
    let mut sessions = Vec::new();
    let mut after_sign_in = BTreeMap::new();
    for (i, (name, raw)) in in_file_order(&f.sessions).into_iter().enumerate() {
        if i == MAX_SESSIONS {
            cx.error(
                raw.span().start,
                format!("more than {MAX_SESSIONS} sessions"),
            );
            break;
        }
        let (spec, scope) = session(cx, name, raw, &setup_scope.names);
        after_sign_in.insert(name.clone(), scope);
        sessions.push(spec);
    }
    let mut journeys = Vec::new();
    match &f.journeys {
        Some(js) if !js.get_ref().is_empty() => {
            for (i, (name, raw)) in in_file_order(js.get_ref()).into_iter().enumerate() {
                if i == MAX_JOURNEYS {
                    cx.error(
                        raw.span().start,
                        format!("more than {MAX_JOURNEYS} journeys"),
                    );
                    break;
                }
                journeys.push(journey(cx, name, raw, &after_sign_in));
            }
            if journeys.iter().all(|j| j.weight == 0) {
                cx.error(
                    js.span().start,
                    "every journey has weight 0: give one a weight > 0",
                );
            }
        }
        _ => cx.error(
            0,
            "no journeys: add at least one [journeys.NAME] table with steps",
        ),
    }
    Scenario {
        setup,
        sessions,
        journeys,
        data: Vec::new(),
        provenance: Default::default(),
    }
}

fn name_ok(cx: &mut Cx, at: usize, what: &str, name: &str) {
    if !is_name(name) {
        cx.error(
            at,
            format!("bad {what} name '{name}': use letters, digits, _ and -"),
        );
    }
}

/// `setup_saves`: what the setup saves for each pool account, which a pool session starts with
/// (its account's own values: a reader can read the entry its account seeded).
fn session(
    cx: &mut Cx,
    name: &str,
    raw: &Spanned<RawSession>,
    setup_saves: &BTreeSet<String>,
) -> (SessionSpec, Scope) {
    let at = raw.span().start;
    name_ok(cx, at, "session", name);
    let r = raw.get_ref();
    let account = account(cx, r, at);
    let setup_saves = match account {
        AccountSource::Pool => setup_saves.clone(),
        _ => BTreeSet::new(),
    };
    let (vars, base) = vars(cx, r, account, setup_saves);
    let mut after = base.clone();
    let sign_in = cx.steps(&r.sign_in, &mut after, false);
    let mut again_scope = base.clone();
    let sign_in_again = cx.steps(&r.sign_in_again, &mut again_scope, false);
    if !r.sign_in_again.is_empty() {
        // Journeys may only rely on what both ways of signing in save.
        after.names.retain(|n| again_scope.names.contains(n));
    }
    let auth_header = r
        .auth_header
        .as_ref()
        .and_then(|h| auth_header(cx, h, &after));
    let token = token_name(cx, r, &after);
    let refresh = r
        .refresh
        .as_ref()
        .map(|rf| refresh(cx, rf, &after, token.as_deref()));
    let logout = r.logout.as_ref().map(|l| logout(cx, l, &after));
    if r.sign_in.is_empty()
        && (r.refresh.is_some() || r.logout.is_some() || !r.sign_in_again.is_empty())
    {
        cx.error(
            at,
            format!("session '{name}' has refresh, logout or sign_in_again but no sign_in steps"),
        );
    }
    let spec = SessionSpec {
        name: name.to_string(),
        account,
        vars,
        sign_in,
        sign_in_again,
        auth_header,
        token,
        refresh,
        logout,
    };
    (spec, after)
}

fn account(cx: &mut Cx, r: &RawSession, at: usize) -> AccountSource {
    match r.account.as_ref().map(|a| a.get_ref().as_str()) {
        None | Some("none") => AccountSource::None,
        Some("pool") => AccountSource::Pool,
        Some("new") => AccountSource::New,
        Some(other) => {
            let a = r.account.as_ref().map_or(at, |a| a.span().start);
            cx.error(a, format!("bad account '{other}': use \"pool\" (registered in setup), \"new\" (one per session) or \"none\""));
            AccountSource::None
        }
    }
}

/// The session's vars, each seeing the ones before it, and the scope they make.
fn vars(
    cx: &mut Cx,
    r: &RawSession,
    account: AccountSource,
    names: BTreeSet<String>,
) -> (Vec<(String, Template)>, Scope) {
    let mut base = Scope {
        account: account != AccountSource::None,
        names,
    };
    let mut vars = Vec::new();
    let Some(map) = &r.vars else {
        return (vars, base);
    };
    for (k, v) in in_file_order(map.get_ref()) {
        if !is_name(k) || RESERVED.contains(&k.as_str()) {
            let m = format!(
                "bad var name '{k}': use letters, digits, _ and -, not one of {}",
                RESERVED.join(", ")
            );
            cx.error(v.span().start, m);
        }
        vars.push((k.clone(), cx.template(v, &base)));
        base.names.insert(k.clone());
    }
    (vars, base)
}

/// `"Name: value"`: the header name and the value's template.
fn auth_header(cx: &mut Cx, h: &Spanned<String>, after: &Scope) -> Option<(String, Template)> {
    let Some((name, value)) = h.get_ref().split_once(':') else {
        cx.error(
            h.span().start,
            "bad auth_header: use \"Name: value\", e.g. \"Authorization: Bearer {token}\"",
        );
        return None;
    };
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
    if !ok {
        cx.error(
            h.span().start,
            format!("bad header name '{name}' in auth_header"),
        );
    }
    let t = cx.template_at(h, value.trim_start(), after);
    Some((name.to_string(), t))
}

fn logout(cx: &mut Cx, l: &Spanned<super::raw::RawLogout>, after: &Scope) -> Logout {
    let l = l.get_ref();
    let share = percent_share(l.share.get_ref()).unwrap_or_else(|e| {
        cx.error(l.share.span().start, e);
        0.0
    });
    let mut scope = after.clone();
    Logout {
        share,
        steps: cx.steps(&l.steps, &mut scope, true),
    }
}

fn token_name(cx: &mut Cx, r: &RawSession, after: &Scope) -> Option<String> {
    match &r.token {
        Some(t) => {
            if !after.names.contains(t.get_ref()) {
                cx.error(
                    t.span().start,
                    format!("token '{}' is not saved by the sign_in steps", t.get_ref()),
                );
            }
            Some(t.get_ref().clone())
        }
        None => after.names.contains("token").then(|| "token".to_string()),
    }
}

fn refresh(
    cx: &mut Cx,
    rf: &Spanned<super::raw::RawRefresh>,
    after: &Scope,
    token: Option<&str>,
) -> Refresh {
    let r = rf.get_ref();
    let mut dur = |s: &Option<Spanned<String>>, default: &str, max: f64| {
        let text = s.as_ref().map_or(default, |s| s.get_ref().as_str());
        duration_s(text, max).unwrap_or_else(|e| {
            cx.error(s.as_ref().map_or(rf.span().start, |s| s.span().start), e);
            0.0
        })
    };
    let margin_s = dur(&r.margin, "60s", MAX_DURATION_S);
    let lifetime_s = dur(&r.lifetime, "900s", MAX_LIFETIME_S);
    let mut scope = after.clone();
    let steps = cx.steps(&r.steps, &mut scope, false);
    match token {
        Some(t) if !steps.iter().any(|s| s.save.iter().any(|c| c.name == t)) => {
            cx.error(rf.span().start, format!("the refresh steps must save the token '{t}' again"));
        }
        None => cx.error(rf.span().start, "a refresh needs the session's token: save `token` in sign_in, or name it with token = \"NAME\""),
        _ => {}
    }
    Refresh {
        steps,
        margin_s,
        lifetime_s,
        on_401: r.on_401.unwrap_or(true),
    }
}

fn journey(
    cx: &mut Cx,
    name: &str,
    raw: &Spanned<RawJourney>,
    sessions: &BTreeMap<String, Scope>,
) -> JourneySpec {
    let r = raw.get_ref();
    name_ok(cx, raw.span().start, "journey", name);
    let weight = weight(*r.weight.get_ref()).unwrap_or_else(|e| {
        cx.error(r.weight.span().start, e);
        0
    });
    let mut scope = match &r.session {
        Some(s) => sessions.get(s.get_ref()).cloned().unwrap_or_else(|| {
            cx.error(
                s.span().start,
                format!(
                    "no session '{}': declare it as [sessions.{}]",
                    s.get_ref(),
                    s.get_ref()
                ),
            );
            Scope::default()
        }),
        None => Scope::default(),
    };
    let session_requests = match &r.session_requests {
        None => session_requests(DEFAULT_SESSION_REQUESTS).map_err(|e| (raw.span().start, e)),
        Some(v) => match v.get_ref() {
            toml::Value::Integer(n) => session_requests(&n.to_string()),
            toml::Value::String(s) => session_requests(s),
            other => session_requests(&other.to_string()),
        }
        .map_err(|e| (v.span().start, e)),
    }
    .unwrap_or_else(|(at, e)| {
        cx.error(at, e);
        SessionRequests::Fixed(1)
    });
    let think_text = r
        .think_time
        .as_ref()
        .map_or(DEFAULT_THINK, |t| t.get_ref().as_str());
    let think_s = duration_s(think_text, MAX_DURATION_S).unwrap_or_else(|e| {
        cx.error(
            r.think_time
                .as_ref()
                .map_or(raw.span().start, |t| t.span().start),
            e,
        );
        0.0
    });
    let auth = r.session.is_some();
    let opening = cx.steps(&r.opening, &mut scope, auth);
    if r.steps.is_empty() {
        cx.error(raw.span().start, format!("journey '{name}' has no steps"));
    }
    let steps = cx.steps(&r.steps, &mut scope, auth);
    JourneySpec {
        name: name.to_string(),
        weight,
        session: r.session.as_ref().map(|s| s.get_ref().clone()),
        session_requests,
        think_s,
        opening,
        steps,
    }
}
