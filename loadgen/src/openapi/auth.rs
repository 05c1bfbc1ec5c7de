//! The document's security schemes to a sign-in block marked TODO: a bearer token (HTTP bearer,
//! OAuth2's password flow, OpenID Connect) from the operations that look like registering and
//! logging in, an API key in a header, the query or a cookie, or HTTP basic credentials.

use super::doc::{Doc, Version};
use super::emit::{Body, Session, Step, Tv};
use super::ops::{self, Op};

const TOKEN_KEYS: [&str; 6] = [
    "access_token",
    "accessToken",
    "token",
    "jwt",
    "id_token",
    "auth_token",
];
const USER_KEYS: [&str; 6] = [
    "email",
    "username",
    "user",
    "login",
    "user_name",
    "email_address",
];
const LOGIN: [&str; 6] = ["login", "signin", "sign-in", "sign_in", "token", "session"];
const PASSWORD_KEYS: [&str; 3] = ["password", "pass", "pwd"];

/// What the operations need to sign in, and the operations the session plays (left out of the
/// journeys), by index.
pub struct Auth {
    pub session: Session,
    pub used: Vec<usize>,
    /// An API key sent in the query: each authenticated step gets `NAME = "{token}"`.
    pub query_key: Option<String>,
}

/// The kind of scheme loadgen can play, preferred in this order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Password(String),
    Bearer,
    Key(String, String),
    Basic,
}

fn schemes(doc: &Doc) -> Vec<(String, Kind)> {
    let defs = match doc.version {
        Version::Swagger2 => &doc.root["securityDefinitions"],
        Version::OpenApi3 => &doc.root["components"]["securitySchemes"],
    };
    let mut out = Vec::new();
    for (name, s) in defs.as_object().into_iter().flatten() {
        let s = doc.get(s);
        let kind = match (
            s["type"].as_str().unwrap_or(""),
            s["scheme"].as_str().map(str::to_ascii_lowercase),
        ) {
            ("http", Some(b)) if b == "bearer" => Kind::Bearer,
            ("http", Some(b)) if b == "basic" => Kind::Basic,
            ("basic", _) => Kind::Basic,
            ("apiKey", _) => Kind::Key(
                s["in"].as_str().unwrap_or("header").into(),
                s["name"].as_str().unwrap_or("X-API-Key").into(),
            ),
            ("oauth2", _) => {
                let url = s["flows"]["password"]["tokenUrl"].as_str().or_else(|| {
                    (s["flow"] == "password")
                        .then(|| s["tokenUrl"].as_str())
                        .flatten()
                });
                url.map_or(Kind::Bearer, |u| Kind::Password(u.to_string()))
            }
            ("openIdConnect", _) => Kind::Bearer,
            _ => continue,
        };
        out.push((name.clone(), kind));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// The sign-in for the most usable scheme, `None` when the document declares none.
pub fn sign_in(doc: &Doc, ops: &[Op], unresolved: &mut usize) -> Option<Auth> {
    let mut all = schemes(doc);
    // A bearer token with no operation to get it from is all TODO: an API key, which the user
    // only has to paste, is the better start.
    let can_log_in = ops
        .iter()
        .any(|o| o.method == "post" && !o.path.contains('{') && looks(o, &LOGIN));
    if all.first().is_some_and(|(_, k)| *k == Kind::Bearer) && !can_log_in {
        all.sort_by_key(|(_, k)| !matches!(k, Kind::Key(..)));
    }
    let (name, kind) = all.into_iter().next()?;
    // Both come from the document: a comment line and a header name must stay what they are.
    let name = super::emit::one_line(&name);
    let mut session = Session {
        account: "none",
        ..Session::default()
    };
    let mut auth = Auth {
        session: Session::default(),
        used: Vec::new(),
        query_key: None,
    };
    let todo_key = |what: &str| {
        format!("TODO: {what} (the scheme '{name}'): set vars.token, or save it in a sign_in step")
    };
    match kind {
        Kind::Key(place, key) => {
            let header_ok = !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
            let key = if header_ok {
                key
            } else {
                "X-API-Key".to_string()
            };
            session.comment.push(todo_key(&format!(
                "an API key in the {} '{key}'",
                super::emit::one_line(&place)
            )));
            session.vars.push(("token".into(), "TODO-api-key".into()));
            session.auth_header = match place.as_str() {
                "cookie" => format!("Cookie: {key}={{token}}"),
                "query" => {
                    auth.query_key = Some(key);
                    // The key travels in the query; the header only names the load test.
                    "X-Load-Test: loadgen".into()
                }
                _ => format!("{key}: {{token}}"),
            };
        }
        Kind::Basic => {
            session
                .comment
                .push(todo_key("HTTP basic credentials, base64 of user:password"));
            session
                .vars
                .push(("token".into(), "TODO-base64-user-password".into()));
            session.auth_header = "Authorization: Basic {token}".into();
        }
        Kind::Bearer | Kind::Password(_) => {
            session.account = "new";
            session.auth_header = "Authorization: Bearer {token}".into();
            session.comment.push(format!(
                "TODO: sign in (the scheme '{name}'): these steps are guesses from the document; check their paths, bodies and the token's pointer"
            ));
            session.comment.push("(account = \"new\": each session signs in as a fresh {account.email}; use \"pool\" with [setup] for accounts registered before the run)".into());
            bearer(doc, ops, kind, &mut session, &mut auth.used, unresolved);
        }
    }
    auth.session = session;
    Some(auth)
}

fn looks(o: &Op, words: &[&str]) -> bool {
    let p = o.path.to_ascii_lowercase();
    words
        .iter()
        .any(|w| p.rsplit('/').next().is_some_and(|last| last.contains(w)))
}

/// The token property of an operation's success answer.
fn token_key(doc: &Doc, o: &Op) -> Option<String> {
    let schema = ops::success_schema(doc, o.op)?;
    let props = ops::properties(doc, schema);
    TOKEN_KEYS
        .iter()
        .find(|k| props.iter().any(|p| p == *k))
        .map(|k| k.to_string())
}

fn bearer(
    doc: &Doc,
    ops: &[Op],
    kind: Kind,
    s: &mut Session,
    used: &mut Vec<usize>,
    unresolved: &mut usize,
) {
    let post = |words: &[&str]| {
        ops.iter()
            .position(|o| o.method == "post" && !o.path.contains('{') && looks(o, words))
    };
    let register = post(&["register", "signup", "sign-up", "sign_up"]);
    let login = post(&LOGIN);
    let logout = post(&["logout", "signout", "sign-out", "sign_out"]);
    // A refresh needs the token the sign-in saved: played as a journey step it would only fail.
    if let Some(i) = post(&["refresh"]) {
        used.push(i);
        s.comment.push(format!(
            "TODO: {} {} refreshes the token: add a [sessions.user.refresh] block if tokens expire within a run",
            ops[i].method.to_ascii_uppercase(),
            super::emit::one_line(&ops[i].path)
        ));
    }
    let mut token = None;
    for i in [register, login].into_iter().flatten() {
        let mut step = ops::step(doc, &ops[i], &|_| None, unresolved);
        credentials(&mut step.body);
        step.comment = format!("TODO: {}", step.comment);
        token = token_key(doc, &ops[i]).or(token);
        s.sign_in.push(step);
        used.push(i);
    }
    if s.sign_in.is_empty() {
        let path = match &kind {
            Kind::Password(url) => url_path(url).unwrap_or("/TODO-sign-in").to_string(),
            _ => "/TODO-sign-in".to_string(),
        };
        s.sign_in.push(Step {
            comment: "TODO: the document has no operation that signs in: write it here".into(),
            method: "POST".into(),
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Form(vec![
                ("grant_type".into(), "password".into()),
                ("username".into(), "{account.email}".into()),
                ("password".into(), "{account.password}".into()),
            ]),
            expect: vec![200],
            save: Vec::new(),
            unset: Vec::new(),
        });
    }
    let key = token.unwrap_or_else(|| "access_token".into());
    if let Some(last) = s.sign_in.last_mut() {
        last.save = vec![("token".into(), format!("/{key}"))];
    }
    if let Some(i) = logout {
        let mut step = ops::step(doc, &ops[i], &|_| None, unresolved);
        step.comment = format!("TODO: {}", step.comment);
        s.logout.push(step);
        used.push(i);
    }
}

/// The path of an absolute or relative token URL.
fn url_path(url: &str) -> Option<&str> {
    let path = match url.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/')?..],
        None => url,
    };
    let ok = path.starts_with('/')
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.~".contains(c));
    ok.then_some(path)
}

/// The body's user and password fields set to the session's account.
fn credentials(body: &mut Body) {
    let fill = |k: &str| {
        let k = k.to_ascii_lowercase();
        if USER_KEYS.contains(&k.as_str()) {
            Some("{account.email}")
        } else if PASSWORD_KEYS.contains(&k.as_str()) {
            Some("{account.password}")
        } else {
            None
        }
    };
    match body {
        Body::Form(fields) => {
            for (k, v) in fields.iter_mut() {
                if let Some(t) = fill(k) {
                    *v = t.into();
                }
            }
        }
        Body::Json(Tv::Obj(fields)) => {
            for (k, v) in fields.iter_mut() {
                if let Some(t) = fill(k) {
                    *v = Tv::Str(t.into());
                }
            }
        }
        _ => {}
    }
}
