//! What a whole scenario reads, found once before a run: the environment variables its
//! templates name (so a session copies those, not the whole environment) and whether any step
//! captures a header (so the engine keeps response headers only then), and how many endpoints
//! its runs can report.

use super::capture::Source;
use super::model::{Body, JsonTemplate, Scenario, Step};
use super::template::Template;
use std::collections::BTreeSet;

impl Scenario {
    fn steps(&self) -> impl Iterator<Item = &Step> {
        let sessions = self.sessions.iter().flat_map(|s| {
            s.sign_in
                .iter()
                .chain(&s.sign_in_again)
                .chain(s.refresh.iter().flat_map(|r| &r.steps))
                .chain(s.logout.iter().flat_map(|l| &l.steps))
        });
        let journeys = self
            .journeys
            .iter()
            .flat_map(|j| j.opening.iter().chain(&j.steps));
        self.setup.iter().chain(sessions).chain(journeys)
    }

    fn templates(&self) -> Vec<&Template> {
        let mut out = Vec::new();
        for s in &self.sessions {
            out.extend(s.vars.iter().map(|(_, t)| t));
            out.extend(s.auth_header.iter().map(|(_, t)| t));
        }
        for step in self.steps() {
            out.push(&step.path);
            out.extend(step.query.iter().chain(&step.headers).map(|(_, t)| t));
            match &step.body {
                Body::None => {}
                Body::Form(fields) => out.extend(fields.iter().map(|(_, t)| t)),
                Body::Json(j) => json_templates(j, &mut out),
            }
        }
        out
    }

    /// `NAME` of every `{env.NAME}` the scenario's templates read.
    pub fn env_names(&self) -> BTreeSet<String> {
        self.templates()
            .into_iter()
            .flat_map(|t| t.names())
            .filter_map(|n| n.strip_prefix("env."))
            .map(String::from)
            .collect()
    }

    /// The distinct (method, route) pairs of its steps: the most endpoints a run's summary can
    /// have (setup's counted too, to be safe).
    pub fn routes(&self) -> usize {
        self.steps()
            .map(|s| (s.method.as_str(), s.route.as_str()))
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// Whether any step saves a response header (`header:Name`).
    pub fn captures_headers(&self) -> bool {
        self.steps()
            .flat_map(|s| &s.save)
            .any(|c| matches!(c.source, Source::Header(_)))
    }
}

fn json_templates<'a>(j: &'a JsonTemplate, out: &mut Vec<&'a Template>) {
    match j {
        JsonTemplate::Literal(_) => {}
        JsonTemplate::Text(t) => out.push(t),
        JsonTemplate::Array(items) => items.iter().for_each(|i| json_templates(i, out)),
        JsonTemplate::Object(fields) => fields.iter().for_each(|(_, v)| json_templates(v, out)),
    }
}
