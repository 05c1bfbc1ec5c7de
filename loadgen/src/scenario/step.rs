//! Checking one step and its templates against what the session holds at that point (the scope),
//! collecting every error at its byte offset instead of stopping at the first.

use super::capture::{Capture, parse_source};
use super::model::{Body, JsonTemplate, Step};
use super::raw::{RawStep, SpannedMap, in_file_order};
use super::template::{RESERVED, Template, is_name};
use std::collections::{BTreeMap, BTreeSet};
use toml::Spanned;

pub const MAX_STEPS: usize = 100;
const MAX_EXPECT: usize = 20;
const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// What a step may use: names saved so far (and session vars), and whether an account exists.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub names: BTreeSet<String>,
    pub account: bool,
}

/// The checking context: the file's text (for exact columns), errors so far, and what the
/// file's templates may refer to.
pub struct Cx<'a> {
    pub text: &'a str,
    pub errors: Vec<(usize, String)>,
    pub saved_anywhere: BTreeSet<String>,
    /// Columns of each data set; `None` when its file could not be read (reported once).
    pub columns: BTreeMap<String, Option<Vec<String>>>,
    pub env: Option<&'a BTreeMap<String, String>>,
}

impl Cx<'_> {
    pub fn error(&mut self, at: usize, message: impl Into<String>) {
        self.errors.push((at, message.into()));
    }

    /// Offset of byte `offset` of a string value: exact when the value is written without
    /// escapes, else the start of the value.
    fn at<T>(&self, s: &Spanned<T>, value: &str, offset: usize) -> usize {
        let span = s.span();
        let Some(raw) = self.text.get(span.clone()) else {
            return span.start;
        };
        if raw.len() == value.len() + 2 && raw.get(1..raw.len() - 1) == Some(value) {
            return span.start + 1 + offset;
        }
        // A string inside a table (a JSON body, whose span is the whole table): where it is
        // written in full, quoted; with escapes in it, the table.
        ['"', '\'']
            .iter()
            .find_map(|q| raw.find(&format!("{q}{value}{q}")))
            .map_or(span.start, |i| span.start + i + 1 + offset)
    }

    pub fn template(&mut self, s: &Spanned<String>, scope: &Scope) -> Template {
        self.template_at(s, s.get_ref(), scope)
    }

    /// A template held in `s` (or in part of it, `text`).
    pub fn template_at<T>(&mut self, s: &Spanned<T>, text: &str, scope: &Scope) -> Template {
        let t = match Template::parse(text) {
            Ok(t) => t,
            Err(e) => {
                let at = self.at(s, text, e.offset);
                self.error(at, e.message);
                return Template::default();
            }
        };
        for name in t.names() {
            if let Some(problem) = self.unknown(name, scope) {
                let offset = text.find(&format!("{{{name}")).unwrap_or(0);
                let at = self.at(s, text, offset);
                self.error(at, problem);
            }
        }
        t
    }

    fn unknown(&self, name: &str, scope: &Scope) -> Option<String> {
        if let Some(var) = name.strip_prefix("env.") {
            let missing = self.env.is_some_and(|env| !env.contains_key(var));
            return missing.then(|| format!("environment variable {var} is not set"));
        }
        if let Some(rest) = name.strip_prefix("csv.") {
            let (data, col) = rest.split_once('.').unwrap_or((rest, ""));
            return match self.columns.get(data) {
                None => Some(format!("no data set '{data}': declare it as [data.{data}]")),
                Some(Some(cols)) if !cols.iter().any(|c| c == col) => Some(format!(
                    "data set '{data}' has no column '{col}' (it has {})",
                    cols.join(", ")
                )),
                Some(_) => None,
            };
        }
        if name.starts_with("account.") {
            return (!scope.account).then(|| {
                format!("'{{{name}}}' needs a session with account = \"pool\" or \"new\"")
            });
        }
        if scope.names.contains(name) {
            None
        } else if self.saved_anywhere.contains(name) {
            Some(format!("'{{{name}}}' is used before any step saves it"))
        } else {
            Some(format!(
                "unknown variable '{{{name}}}': no step saves it and no var sets it"
            ))
        }
    }

    /// Steps in order, each seeing the saves of the ones before it.
    pub fn steps(&mut self, raw: &[Spanned<RawStep>], scope: &mut Scope, auth: bool) -> Vec<Step> {
        if let Some(s) = raw.get(MAX_STEPS) {
            self.error(
                s.span().start,
                format!("more than {MAX_STEPS} steps in one list"),
            );
        }
        raw.iter()
            .take(MAX_STEPS)
            .map(|s| self.step(s, scope, auth))
            .collect()
    }

    /// One step; its saves join the scope (its unsets leave it only at run time: a later step
    /// that needs them is then skipped).
    pub fn step(&mut self, s: &Spanned<RawStep>, scope: &mut Scope, auth: bool) -> Step {
        let r = s.get_ref();
        let method = r.method.get_ref().to_ascii_uppercase();
        if !METHODS.contains(&method.as_str()) {
            let m = format!(
                "unknown method '{}': use one of {}",
                r.method.get_ref(),
                METHODS.join(", ")
            );
            self.error(r.method.span().start, m);
        }
        let path_text = r.path.get_ref();
        if !path_text.starts_with('/') {
            self.error(r.path.span().start, "a path starts with '/'");
        }
        let path = self.template(&r.path, scope);
        let route = match &r.route {
            Some(route) => route.get_ref().clone(),
            None => path_text.split('?').next().unwrap_or_default().to_string(),
        };
        let query = self.pairs(r.query.as_ref(), scope);
        let headers = self.pairs(r.headers.as_ref(), scope);
        let body = match (&r.json, &r.form) {
            (Some(j), Some(_)) => {
                self.error(
                    j.span().start,
                    "a step has a json body or a form body, not both",
                );
                Body::None
            }
            (Some(j), None) => Body::Json(self.json(j, j.get_ref(), scope)),
            (None, Some(f)) => Body::Form(self.pairs(Some(f), scope)),
            (None, None) => Body::None,
        };
        let expect = self.expect(r);
        let save = self.save(r, scope);
        let unset = r
            .unset
            .iter()
            .flatten()
            .map(|u| u.get_ref().clone())
            .collect();
        Step {
            method,
            path,
            route,
            query,
            headers,
            body,
            expect,
            save,
            unset,
            auth: r.auth.unwrap_or(auth),
        }
    }

    pub fn pairs(&mut self, map: Option<&SpannedMap>, scope: &Scope) -> Vec<(String, Template)> {
        let Some(map) = map else { return Vec::new() };
        in_file_order(map.get_ref())
            .into_iter()
            .map(|(k, v)| (k.clone(), self.template(v, scope)))
            .collect()
    }

    fn json(&mut self, at: &Spanned<toml::Value>, v: &toml::Value, scope: &Scope) -> JsonTemplate {
        use toml::Value as T;
        match v {
            T::String(s) => JsonTemplate::Text(self.template_at(at, s, scope)),
            T::Integer(i) => JsonTemplate::Literal((*i).into()),
            T::Boolean(b) => JsonTemplate::Literal((*b).into()),
            T::Float(f) => match serde_json::Number::from_f64(*f) {
                Some(n) => JsonTemplate::Literal(serde_json::Value::Number(n)),
                None => {
                    self.error(at.span().start, "a JSON body cannot hold nan or inf");
                    JsonTemplate::Literal(serde_json::Value::Null)
                }
            },
            T::Datetime(_) => {
                self.error(
                    at.span().start,
                    "a JSON body cannot hold a TOML date: quote it",
                );
                JsonTemplate::Literal(serde_json::Value::Null)
            }
            T::Array(items) => {
                JsonTemplate::Array(items.iter().map(|i| self.json(at, i, scope)).collect())
            }
            T::Table(t) => JsonTemplate::Object(
                t.iter()
                    .map(|(k, v)| (k.clone(), self.json(at, v, scope)))
                    .collect(),
            ),
        }
    }

    fn expect(&mut self, r: &RawStep) -> Vec<u16> {
        let Some(list) = &r.expect else {
            return Vec::new();
        };
        if list.get_ref().len() > MAX_EXPECT {
            self.error(
                list.span().start,
                format!("more than {MAX_EXPECT} expected statuses"),
            );
        }
        let mut out = Vec::new();
        for code in list.get_ref().iter().take(MAX_EXPECT) {
            match u16::try_from(*code.get_ref()) {
                Ok(c) if (100..=599).contains(&c) => out.push(c),
                _ => self.error(
                    code.span().start,
                    format!("bad status {}: use 100 to 599", code.get_ref()),
                ),
            }
        }
        out
    }

    fn save(&mut self, r: &RawStep, scope: &mut Scope) -> Vec<Capture> {
        let Some(map) = &r.save else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, v) in in_file_order(map.get_ref()) {
            if !is_name(name) || RESERVED.contains(&name.as_str()) {
                let m = format!(
                    "bad save name '{name}': use letters, digits, _ and -, not one of {}",
                    RESERVED.join(", ")
                );
                self.error(v.span().start, m);
                continue;
            }
            let (from, optional) = match v.get_ref() {
                toml::Value::String(s) => (Some(s.as_str()), false),
                toml::Value::Table(t) if t.keys().all(|k| k == "from" || k == "optional") => (
                    t.get("from").and_then(|f| f.as_str()),
                    t.get("optional").and_then(|o| o.as_bool()).unwrap_or(false),
                ),
                _ => (None, false),
            };
            let Some(from) = from else {
                let m = "bad capture: use \"/pointer\", \"header:Name\", \"status\" or { from = \"...\", optional = true }";
                self.error(v.span().start, m);
                continue;
            };
            match parse_source(from) {
                Ok(source) => out.push(Capture {
                    name: name.clone(),
                    source,
                    optional,
                }),
                Err(e) => self.error(v.span().start, e),
            }
            scope.names.insert(name.clone());
        }
        out
    }
}
