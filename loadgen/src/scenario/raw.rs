//! The file as TOML gives it: every key known (an unknown one is an error at its place), every
//! value with its span, nothing interpreted yet.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

pub type SpannedMap = Spanned<BTreeMap<String, Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub setup: Option<Spanned<RawSetup>>,
    #[serde(default)]
    pub data: BTreeMap<String, Spanned<RawData>>,
    #[serde(default)]
    pub sessions: BTreeMap<String, Spanned<RawSession>>,
    pub journeys: Option<Spanned<BTreeMap<String, Spanned<RawJourney>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSetup {
    #[serde(default)]
    pub steps: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawData {
    pub file: Spanned<String>,
    #[serde(default)]
    pub cycle: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSession {
    pub account: Option<Spanned<String>>,
    pub vars: Option<SpannedMap>,
    #[serde(default)]
    pub sign_in: Vec<Spanned<RawStep>>,
    #[serde(default)]
    pub sign_in_again: Vec<Spanned<RawStep>>,
    /// `"Name: value template"`.
    pub auth_header: Option<Spanned<String>>,
    pub token: Option<Spanned<String>>,
    pub refresh: Option<Spanned<RawRefresh>>,
    pub logout: Option<Spanned<RawLogout>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRefresh {
    #[serde(default)]
    pub steps: Vec<Spanned<RawStep>>,
    pub margin: Option<Spanned<String>>,
    pub lifetime: Option<Spanned<String>>,
    pub on_401: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLogout {
    /// Percent of sessions.
    pub share: Spanned<toml::Value>,
    #[serde(default)]
    pub steps: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawJourney {
    pub weight: Spanned<i64>,
    pub session: Option<Spanned<String>>,
    pub session_requests: Option<Spanned<toml::Value>>,
    pub think_time: Option<Spanned<String>>,
    #[serde(default)]
    pub opening: Vec<Spanned<RawStep>>,
    #[serde(default)]
    pub steps: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub method: Spanned<String>,
    pub path: Spanned<String>,
    pub route: Option<Spanned<String>>,
    pub query: Option<SpannedMap>,
    pub headers: Option<SpannedMap>,
    pub json: Option<Spanned<toml::Value>>,
    pub form: Option<SpannedMap>,
    pub expect: Option<Spanned<Vec<Spanned<i64>>>>,
    pub save: Option<Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
    pub unset: Option<Vec<Spanned<String>>>,
    pub auth: Option<bool>,
}

/// Map entries in file order (a `BTreeMap` sorts them; requests keep the order written).
pub fn in_file_order<T>(map: &BTreeMap<String, Spanned<T>>) -> Vec<(&String, &Spanned<T>)> {
    let mut v: Vec<_> = map.iter().collect();
    v.sort_by_key(|(_, s)| s.span().start);
    v
}

/// Every name a `save` or `vars` entry gives anywhere in the file: a name that is in here but
/// not yet available is used too early, one that is not is unknown.
pub fn all_saved_names(f: &RawFile) -> std::collections::BTreeSet<String> {
    let mut steps: Vec<&RawStep> = Vec::new();
    if let Some(s) = &f.setup {
        steps.extend(s.get_ref().steps.iter().map(|s| s.get_ref()));
    }
    let mut names = std::collections::BTreeSet::new();
    for s in f.sessions.values().map(|s| s.get_ref()) {
        names.extend(s.vars.iter().flat_map(|v| v.get_ref().keys().cloned()));
        steps.extend(
            s.sign_in
                .iter()
                .chain(&s.sign_in_again)
                .map(|s| s.get_ref()),
        );
        if let Some(r) = &s.refresh {
            steps.extend(r.get_ref().steps.iter().map(|s| s.get_ref()));
        }
        if let Some(l) = &s.logout {
            steps.extend(l.get_ref().steps.iter().map(|s| s.get_ref()));
        }
    }
    for j in f.journeys.iter().flat_map(|j| j.get_ref().values()) {
        let j = j.get_ref();
        steps.extend(j.opening.iter().chain(&j.steps).map(|s| s.get_ref()));
    }
    for s in steps {
        names.extend(s.save.iter().flat_map(|m| m.get_ref().keys().cloned()));
    }
    names
}
