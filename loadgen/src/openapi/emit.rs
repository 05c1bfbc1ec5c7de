//! The starter as scenario TOML text (the format of `crate::scenario`): sessions, then one
//! journey per tag, each step an array-of-tables entry with a comment naming its operation.

use std::fmt::Write as _;

/// A body value: strings are templates (literal braces already doubled).
#[derive(Clone, Debug, PartialEq)]
pub enum Tv {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Arr(Vec<Tv>),
    Obj(Vec<(String, Tv)>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    None,
    Json(Tv),
    Form(Vec<(String, String)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// `GET /pets/{petId}: Find a pet` (one line).
    pub comment: String,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub expect: Vec<u16>,
    pub save: Vec<(String, String)>,
    pub unset: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Session {
    /// Why it looks as it does, and what to check (the TODO lines).
    pub comment: Vec<String>,
    pub account: &'static str,
    pub vars: Vec<(String, String)>,
    pub auth_header: String,
    pub sign_in: Vec<Step>,
    pub logout: Vec<Step>,
}

#[derive(Clone, Debug)]
pub struct Journey {
    pub name: String,
    pub comment: String,
    pub session: bool,
    pub steps: Vec<Step>,
}

pub const SESSION: &str = "user";

pub fn write(header: &[String], session: Option<&Session>, journeys: &[Journey]) -> String {
    let mut out = String::new();
    for line in header {
        let _ = writeln!(out, "# {line}");
    }
    if let Some(s) = session {
        out.push('\n');
        for line in &s.comment {
            let _ = writeln!(out, "# {line}");
        }
        let _ = writeln!(out, "[sessions.{SESSION}]");
        let _ = writeln!(out, "account = {}", quote(s.account));
        if !s.vars.is_empty() {
            let _ = writeln!(out, "vars = {}", pairs(&s.vars));
        }
        let _ = writeln!(out, "auth_header = {}", quote(&s.auth_header));
        for step in &s.sign_in {
            let _ = writeln!(out, "\n[[sessions.{SESSION}.sign_in]]");
            write_step(&mut out, step);
        }
        if !s.logout.is_empty() {
            let _ = writeln!(out, "\n[sessions.{SESSION}.logout]\nshare = 25");
            for step in &s.logout {
                let _ = writeln!(out, "\n[[sessions.{SESSION}.logout.steps]]");
                write_step(&mut out, step);
            }
        }
    }
    for j in journeys {
        let _ = writeln!(out, "\n# {}", j.comment);
        let _ = writeln!(out, "[journeys.{}]", j.name);
        out.push_str("weight = 1\n");
        if j.session {
            let _ = writeln!(out, "session = {}", quote(SESSION));
        }
        out.push_str("session_requests = \"geo:12\"\nthink_time = \"20s\"\n");
        for step in &j.steps {
            let _ = writeln!(out, "\n[[journeys.{}.steps]]", j.name);
            write_step(&mut out, step);
        }
    }
    out
}

fn write_step(out: &mut String, s: &Step) {
    let _ = writeln!(out, "# {}", s.comment);
    let _ = writeln!(out, "method = {}", quote(&s.method));
    let _ = writeln!(out, "path = {}", quote(&s.path));
    if !s.query.is_empty() {
        let _ = writeln!(out, "query = {}", pairs(&s.query));
    }
    if !s.headers.is_empty() {
        let _ = writeln!(out, "headers = {}", pairs(&s.headers));
    }
    match &s.body {
        Body::None => {}
        Body::Json(v) => {
            let _ = writeln!(out, "json = {}", value(v));
        }
        Body::Form(f) => {
            let _ = writeln!(out, "form = {}", pairs(f));
        }
    }
    if !s.expect.is_empty() {
        let codes: Vec<String> = s.expect.iter().map(u16::to_string).collect();
        let _ = writeln!(out, "expect = [{}]", codes.join(", "));
    }
    if !s.save.is_empty() {
        let _ = writeln!(out, "save = {}", pairs(&s.save));
    }
    if !s.unset.is_empty() {
        let names: Vec<String> = s.unset.iter().map(|n| quote(n)).collect();
        let _ = writeln!(out, "unset = [{}]", names.join(", "));
    }
}

fn pairs(p: &[(String, String)]) -> String {
    let items: Vec<String> = p
        .iter()
        .map(|(k, v)| format!("{} = {}", key(k), quote(v)))
        .collect();
    inline(&items)
}

fn inline(items: &[String]) -> String {
    if items.is_empty() {
        "{}".into()
    } else {
        format!("{{ {} }}", items.join(", "))
    }
}

fn value(v: &Tv) -> String {
    match v {
        Tv::Str(s) => quote(s),
        Tv::Int(i) => i.to_string(),
        Tv::Float(f) => {
            let s = format!("{f:?}");
            if s.contains(['.', 'e', 'E']) {
                s
            } else {
                format!("{s}.0")
            }
        }
        Tv::Bool(b) => b.to_string(),
        Tv::Arr(items) => {
            let items: Vec<String> = items.iter().map(value).collect();
            format!("[{}]", items.join(", "))
        }
        Tv::Obj(fields) => {
            let items: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{} = {}", key(k), value(v)))
                .collect();
            inline(&items)
        }
    }
}

/// A bare key when TOML allows one, else a quoted one.
fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare { k.to_string() } else { quote(k) }
}

/// A TOML basic string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text fit for a one-line comment: no line breaks or control characters, at most 120 chars.
pub fn one_line(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(120) {
        Some((i, _)) => format!("{}...", &flat[..i]),
        None => flat,
    }
}
