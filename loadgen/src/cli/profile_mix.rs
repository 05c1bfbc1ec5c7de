//! `loadgen profile from-logs --scenario`: a `--mix` for the scenario's journeys fitted to the
//! logs' route shares ([`crate::plan::mix_fit`]), written beside the profile as STEM.mix, and
//! the table of logged against fitted shares.

use super::exit::EXIT_BAD_INPUT;
use crate::plan::mix_fit::{self, Fit, FitError, POOR_DISTANCE, POOR_UNPLAYABLE};
use crate::plan::routes::{self, Expected};
use crate::scenario::{MAX_WEIGHT, Scenario};
use costcalc::workload::source::logs::route::Templates;
use std::path::{Path, PathBuf};

/// Routes named in a one-line message, at most.
const NAMED: usize = 5;

/// Where the mix of the profile `out` goes: `traffic.toml` -> `traffic.mix`.
pub fn mix_path(out: &Path) -> PathBuf {
    out.with_extension("mix")
}

/// The `--route` patterns and then the scenario's own (those the log reader accepts), so the
/// logs' routes and the scenario's steps are named alike.
pub fn patterns(user: &[String], s: &Scenario) -> Vec<String> {
    let mut all = user.to_vec();
    all.extend(
        routes::patterns(s)
            .into_iter()
            .filter(|p| Templates::new(std::slice::from_ref(p)).is_ok()),
    );
    all
}

/// A fitted mix and what it takes to print it.
pub struct Fitted {
    pub fit: Fit,
    pub names: Vec<String>,
    pub text: String,
}

/// The fit, or the one-line error (exit 2) when no logged route is one the scenario plays.
pub fn fit(
    label: &str,
    s: &Scenario,
    templates: &Templates,
    logged: &[(String, u64)],
) -> Result<Fitted, (String, i32)> {
    let key = |method: &str, path: &str| {
        let mut out = String::new();
        templates.route(method, path, None, &mut out);
        out
    };
    let e: Expected = routes::expected(s, &key);
    match mix_fit::fit(logged, &e, MAX_WEIGHT as u32) {
        Ok(fit) => {
            let names: Vec<String> = s.journeys.iter().map(|j| j.name.clone()).collect();
            let text = mix_fit::mix_text(names.iter().map(String::as_str), &fit.weights);
            Ok(Fitted { fit, names, text })
        }
        Err(FitError::NoMatch(busiest)) => {
            let played: std::collections::BTreeSet<&String> =
                e.journeys.iter().flat_map(|m| m.keys()).collect();
            Err((
                format!(
                    "no logged route is one scenario {label} plays (it sends {}; the logs' busiest: {}): give the scenario of the logged API, or --route patterns naming its routes",
                    list(played.iter().map(|r| r.as_str()), played.len()),
                    list(busiest.iter().map(String::as_str), busiest.len()),
                ),
                EXIT_BAD_INPUT,
            ))
        }
        Err(FitError::Numeric) => Err((
            format!("the mix fitted for scenario {label} is not a finite figure"),
            super::exit::EXIT_ERROR,
        )),
    }
}

/// At most [`NAMED`] of `n` items, and how many more.
fn list<'a>(items: impl Iterator<Item = &'a str>, n: usize) -> String {
    let named: Vec<&str> = items.take(NAMED).collect();
    let more = n.saturating_sub(NAMED);
    let mut s = named.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    if s.is_empty() { "nothing".into() } else { s }
}

/// A share in percentage points, a rounding-size figure (floating-point rounding of a
/// difference) as 0, so that it prints 0.00 or +0.00, never -0.00.
fn points(x: f64) -> f64 {
    let p = x * 100.0;
    if p.abs() < 0.005 { 0.0 } else { p }
}

fn pct(x: f64) -> String {
    format!("{:.2}", points(x))
}

/// The table and the lines around it (stdout); the poor-fit warning (stderr).
/// `file`: the scenario file `run --scenario` takes (`None`: the built-in journal, run's default).
pub fn print(f: &Fitted, label: &str, file: Option<&Path>, profile: &Path, mix: &Path) {
    let fit = &f.fit;
    let scenario = file.map_or(String::new(), |p| format!(" --scenario {}", p.display()));
    outln!(
        "loadgen: wrote {}: {} (the journeys of {label} fitted to the logged route shares); play it with `loadgen run{scenario} --profile {} --mix @{}`",
        mix.display(),
        f.text,
        profile.display(),
        mix.display(),
    );
    let width = fit
        .rows
        .iter()
        .map(|r| r.route.len())
        .max()
        .unwrap_or(5)
        .max(5);
    outln!(
        "{:<width$}  {:>8}  {:>8}  {:>9}",
        "route",
        "logged %",
        "fitted %",
        "diff (pp)"
    );
    for r in &fit.rows {
        outln!(
            "{:<width$}  {:>8}  {:>8}  {:>+9.2}",
            r.route,
            pct(r.logged),
            pct(r.fitted),
            points(r.fitted - r.logged)
        );
    }
    let journeys: Vec<String> = (f.names.iter().zip(&fit.weights).zip(&fit.request_shares))
        .map(|((n, w), u)| format!("{n} {w} ({}% of requests)", pct(*u)))
        .collect();
    outln!(
        "loadgen: logged % is among the logged requests on the routes the scenario plays; the fitted shares differ from them by {}% of requests; journeys: {}",
        pct(fit.distance),
        journeys.join(", ")
    );
    let names = |v: &[(String, u64)]| list(v.iter().map(|(r, _)| r.as_str()), v.len());
    if !fit.unplayable.is_empty() {
        outln!(
            "loadgen: logged routes no journey plays ({}% of logged requests): {}",
            pct(fit.unplayable_share),
            names(&fit.unplayable)
        );
    }
    if !fit.refresh.is_empty() {
        outln!(
            "loadgen: left out of the fit, token refreshes ({}% of logged requests: {}): how many a session sends follows how long it lasts (the rate), not its journey",
            pct(fit.refresh_share),
            names(&fit.refresh)
        );
    }
    let unseen: Vec<&str> = fit.unseen().collect();
    if !unseen.is_empty() {
        outln!(
            "loadgen: scenario routes the logs never show: {}",
            list(unseen.iter().copied(), unseen.len())
        );
    }
    outln!(
        "loadgen: expected per session: its sign-in once, its journey's steps by its session_requests, its logout share; not counted: refreshes, signing in again, sessions under way at the start, sessions left idle, steps skipped for a missing value"
    );
    if fit.poor() {
        errln!(
            "loadgen: warning: the fit is poor ({}% of requests on other routes than logged, {}% of logged requests on routes no journey plays; limits {}% and {}%): the mix is written, but the scenario does not play this traffic's shape",
            pct(fit.distance),
            pct(fit.unplayable_share),
            pct(POOR_DISTANCE),
            pct(POOR_UNPLAYABLE)
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_rounding_hair_below_zero_prints_as_zero() {
        assert_eq!(super::pct(-1e-12), "0.00");
        assert_eq!(super::pct(-0.0001), "-0.01");
        assert_eq!(super::pct(0.1234), "12.34");
    }
}
