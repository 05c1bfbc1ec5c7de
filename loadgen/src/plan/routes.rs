//! What one session of each journey sends, route by route, in expectation: the figures a mix
//! fitted to logged route shares weighs ([`super::mix_fit`]). As the engine plays a session
//! ([`crate::scenario::Player`], [`crate::run`]'s crowd), every request takes an arrival:
//! - its session's sign-in steps, once (a fresh account's first sign-in registers);
//! - the journey's opening, then its steps cycled, until it has sent its session length (drawn
//!   from `session_requests`; [`SessionLength::expected_plays`] gives each step's expectation);
//! - the logout steps, in the logout share of sessions.
//!
//! Left out, and said so where the fit is printed: refreshes (how many a session sends follows
//! how long it lasts, so the rate and think time, not the journey), signing in again after a
//! refused token, sessions already under way at the start (no sign-in), sessions abandoned
//! idle (no logout) and steps skipped for a missing value (a reader with an empty list). The
//! setup steps run before the clock and are not traffic.

use super::session::SessionLength;
use crate::scenario::{Part, Scenario, Step, Template};
use std::collections::{BTreeMap, BTreeSet};

/// Expected requests per route in one session, per journey of the scenario (in its order).
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    pub journeys: Vec<BTreeMap<String, f64>>,
    /// Routes that only refresh steps send (left out of the fit).
    pub refresh_only: BTreeSet<String>,
}

/// `key(method, path)` names a step's route as the logs' routes are named; `path` is the step's
/// path with each placeholder as `0` ([`sample_path`]).
pub fn expected(s: &Scenario, key: &dyn Fn(&str, &str) -> String) -> Expected {
    let name = |step: &Step| key(&step.method, &sample_path(&step.path));
    let mut journeys = Vec::with_capacity(s.journeys.len());
    for j in &s.journeys {
        let mut m: BTreeMap<String, f64> = BTreeMap::new();
        let mut add = |step: &Step, n: f64| *m.entry(name(step)).or_default() += n;
        if let Some(session) = j.session.as_deref().and_then(|n| s.session(n)) {
            session
                .sign_in_steps(false)
                .iter()
                .for_each(|st| add(st, 1.0));
            if let Some(l) = &session.logout {
                l.steps.iter().for_each(|st| add(st, l.share));
            }
        }
        let plays =
            SessionLength::from(j.session_requests).expected_plays(j.opening.len(), j.steps.len());
        for (st, n) in j.opening.iter().chain(&j.steps).zip(plays) {
            add(st, n);
        }
        m.retain(|_, n| *n > 0.0);
        journeys.push(m);
    }
    let played: BTreeSet<&String> = journeys.iter().flat_map(|m| m.keys()).collect();
    let refresh_only = (s.sessions.iter())
        .flat_map(|x| x.refresh.iter().flat_map(|r| &r.steps))
        .map(name)
        .filter(|r| !played.contains(&r))
        .collect();
    Expected {
        journeys,
        refresh_only,
    }
}

/// `METHOD /path/{name}` for every step a session plays whose placeholders are whole path
/// segments, the ones with fewer placeholders first (so `/items/export` wins over
/// `/items/{id}`): route patterns for the logs, so that a logged `/users/ada` groups under the
/// scenario's own `/users/{name}`.
pub fn patterns(s: &Scenario) -> Vec<String> {
    let sessions = s.sessions.iter().flat_map(|x| {
        (x.sign_in.iter().chain(&x.sign_in_again))
            .chain(x.refresh.iter().flat_map(|r| &r.steps))
            .chain(x.logout.iter().flat_map(|l| &l.steps))
    });
    let steps = sessions.chain(
        s.journeys
            .iter()
            .flat_map(|j| j.opening.iter().chain(&j.steps)),
    );
    let mut out: Vec<(usize, String)> = Vec::new();
    for st in steps {
        let Some((holes, path)) = pattern_path(&st.path) else {
            continue;
        };
        let p = format!("{} {path}", st.method);
        if !out.iter().any(|(_, q)| *q == p) {
            out.push((holes, p));
        }
    }
    out.sort_by_key(|(holes, _)| *holes);
    out.into_iter().map(|(_, p)| p).collect()
}

/// The path with every placeholder as `0` (which the logs' reader takes for an identifier), the
/// query cut off.
pub fn sample_path(t: &Template) -> String {
    let text: String = (t.parts.iter())
        .map(|p| match p {
            Part::Lit(l) => l.as_str(),
            _ => "0",
        })
        .collect();
    text.split('?').next().unwrap_or_default().to_string()
}

/// The path as a route pattern, and its number of placeholders: `None` when a placeholder
/// shares a segment with other text, or the path has a literal brace or a query.
fn pattern_path(t: &Template) -> Option<(usize, String)> {
    let mut out = String::new();
    let mut holes = 0;
    for p in &t.parts {
        match p {
            Part::Lit(l) if l.contains(['{', '}', '?']) => return None,
            Part::Lit(l) => out.push_str(l),
            Part::Value(name) => {
                holes += 1;
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
            Part::Gen(_) => {
                holes += 1;
                out.push_str("{value}");
            }
        }
    }
    let whole = out.split('/').all(|seg| {
        !seg.contains('{')
            || (seg.starts_with('{') && seg.ends_with('}') && seg.matches('{').count() == 1)
    });
    whole.then_some((holes, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::journal;

    #[test]
    fn the_journal_sessions_send_what_the_player_sends() {
        let s = journal(Default::default()).unwrap();
        let e = expected(&s, &|m: &str, p: &str| {
            format!("{m} {}", p.replace("/0", "/{id}"))
        });
        let got = |j: usize, r: &str| e.journeys[j].get(r).copied().unwrap_or(0.0);
        let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        // Worked from journal.toml: geo:12 (q = 11/12); the writer cycles POST, PUT, DELETE
        // from its first request: 1/(1-q^3) = 1728/397, q/(1-q^3) = 1584/397, q^2/(1-q^3) =
        // 1452/397; the reader cycles a list and a read: 1/(1-q^2) = 144/23, q/(1-q^2) = 132/23.
        close(got(1, "POST /api/v1/auth/login"), 1.0);
        close(got(1, "POST /api/v1/entries"), 1728.0 / 397.0);
        close(got(1, "PUT /api/v1/entries/{id}"), 1584.0 / 397.0);
        close(got(1, "DELETE /api/v1/entries/{id}"), 1452.0 / 397.0);
        close(got(1, "POST /api/v1/auth/logout"), 0.25);
        close(got(2, "GET /api/v1/entries"), 144.0 / 23.0);
        close(got(2, "GET /api/v1/entries/{id}"), 132.0 / 23.0);
        // The newcomer registers (its first sign-in), then its opening POST adds one.
        close(got(0, "POST /api/v1/auth/register"), 1.0);
        close(got(0, "POST /api/v1/auth/login"), 0.0);
        close(got(0, "POST /api/v1/entries"), 1.0 + 1584.0 / 397.0);
        assert_eq!(e.journeys[3].len(), 1);
        close(got(3, "GET /health"), 1.0);
        let refresh: Vec<&str> = e.refresh_only.iter().map(String::as_str).collect();
        assert_eq!(refresh, ["POST /api/v1/auth/refresh"]);
    }

    #[test]
    fn patterns_keep_whole_segment_placeholders_literal_paths_first() {
        let s = journal(Default::default()).unwrap();
        let p = patterns(&s);
        assert!(p.contains(&"PUT /api/v1/entries/{id}".to_string()), "{p:?}");
        let literal = p.iter().position(|x| x == "GET /api/v1/entries").unwrap();
        let templated = p
            .iter()
            .position(|x| x == "GET /api/v1/entries/{id}")
            .unwrap();
        assert!(literal < templated, "{p:?}");
        let t = |text: &str| pattern_path(&Template::parse(text).unwrap());
        assert_eq!(t("/a/{id}/b"), Some((1, "/a/{id}/b".into())));
        assert_eq!(t("/a/{int:1..9}"), Some((1, "/a/{value}".into())));
        assert_eq!(t("/files/{name}.json"), None);
        assert_eq!(t("/a?x=1"), None);
        assert_eq!(
            sample_path(&Template::parse("/a/{id}/b?x={id}").unwrap()),
            "/a/0/b"
        );
    }
}
