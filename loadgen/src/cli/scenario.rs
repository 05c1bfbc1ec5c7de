//! `loadgen scenario check|try|init`: a scenario file checked at line:column before any traffic,
//! each of its journeys played once against a live server ([`super::scenario_try`]), and a starter
//! written from an OpenAPI document ([`super::scenario_init`]).

use super::exit::{EXIT_BAD_FILE, EXIT_ERROR};
use crate::scenario::{self, CheckError, CheckOptions, Scenario};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ScenarioArgs {
    #[command(subcommand)]
    pub command: ScenarioCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum ScenarioCommand {
    /// Check a scenario file: every error as FILE:LINE:COLUMN: message, exit 2 on any
    Check(CheckArgs),
    /// Play each journey of a scenario once against a live server, printing every request,
    /// its status and the values saved (tokens masked); exit 1 when a journey fails
    Try(super::scenario_try::TryArgs),
    /// Write a starter scenario from an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML): a
    /// journey per tag, a step per operation, a sign-in marked TODO; it passes `check`
    Init(super::scenario_init::InitArgs),
}

/// Which scenario: a file, or one loadgen embeds.
#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
pub struct Which {
    /// The scenario file (TOML)
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// An embedded scenario instead of a file
    #[arg(long, value_enum, value_name = "NAME")]
    pub builtin: Option<Builtin>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// journal-api's journeys (loadgen/scenarios/journal.toml)
    Journal,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub which: Which,
    /// Also check a --mix (name=weight,... or @FILE) against the file's journeys
    #[arg(long, value_name = "MIX")]
    pub mix: Option<String>,
}

/// `loadgen scenario`: returns the process exit status.
pub async fn main(args: &ScenarioArgs) -> i32 {
    match &args.command {
        ScenarioCommand::Check(a) => check(a),
        ScenarioCommand::Try(a) => super::scenario_try::main(a).await,
        ScenarioCommand::Init(a) => super::scenario_init::main(a),
    }
}

/// Loads and checks the scenario `which` names, with the process environment for `env.*`.
pub fn load(which: &Which, mix: Option<&str>) -> Result<(String, Scenario), Vec<CheckError>> {
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let opts = CheckOptions {
        mix,
        env: Some(&env),
    };
    match (&which.file, which.builtin) {
        (Some(path), _) => scenario::load(path, opts).map(|s| (path.display().to_string(), s)),
        (None, _) => scenario::journal(opts).map(|s| ("journal.toml".to_string(), s)),
    }
}

/// A `--mix @FILE` is at most this long (a mix of a thousand journeys is well under it).
pub const MAX_MIX_BYTES: u64 = 64 * 1024;

/// `--mix` as given, or for `@FILE` the file's text (one `name=weight,...` line, as `profile
/// from-logs --scenario` writes; lines are joined, `#` lines skipped).
pub fn mix_arg(given: &str) -> Result<String, String> {
    let Some(path) = given.strip_prefix('@') else {
        return Ok(given.to_string());
    };
    let text = scenario::read_bounded(std::path::Path::new(path), MAX_MIX_BYTES)
        .map_err(|e| format!("--mix @{path}: {e}: give name=weight,... or @FILE holding that"))?;
    let lines: Vec<&str> = (text.lines().map(str::trim))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    Ok(lines.join(","))
}

/// Prints each error on its own line; returns the exit status for a bad file.
pub fn print_errors(errors: &[CheckError]) -> i32 {
    for e in errors {
        errln!("{}", e.to_string().replace('\n', " "));
    }
    EXIT_BAD_FILE
}

fn check(args: &CheckArgs) -> i32 {
    let mix = match args.mix.as_deref().map(mix_arg).transpose() {
        Ok(m) => m,
        Err(e) => {
            errln!("loadgen: error: {e}");
            return EXIT_BAD_FILE;
        }
    };
    let (label, s) = match load(&args.which, mix.as_deref()) {
        Ok(x) => x,
        Err(errors) => return print_errors(&errors),
    };
    let weights = match mix.as_deref() {
        Some(mix) => match scenario::mix_weights(&s, mix) {
            Ok(w) => w,
            // Checked by load already; kept so a change there cannot panic here.
            Err(e) => {
                errln!("loadgen: error: {e}");
                return EXIT_ERROR;
            }
        },
        None => s.weights(),
    };
    outln!("{}", summary_line(&label, &s, &weights));
    0
}

/// `FILE: ok: 4 journeys (writer 9, ...), 2 sessions, 21 steps, 1 data set`.
pub fn summary_line(label: &str, s: &Scenario, weights: &[u32]) -> String {
    let journeys = s
        .journeys
        .iter()
        .zip(weights)
        .map(|(j, w)| format!("{} {w}", j.name))
        .collect::<Vec<_>>()
        .join(", ");
    let session_steps: usize = s
        .sessions
        .iter()
        .map(|x| {
            x.sign_in.len()
                + x.sign_in_again.len()
                + x.refresh.as_ref().map_or(0, |r| r.steps.len())
                + x.logout.as_ref().map_or(0, |l| l.steps.len())
        })
        .sum();
    let journey_steps: usize = s
        .journeys
        .iter()
        .map(|j| j.opening.len() + j.steps.len())
        .sum();
    let steps = s.setup.len() + session_steps + journey_steps;
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{label}: ok: {} (weights: {journeys}), {}, {}",
        plural(s.journeys.len(), "journey"),
        plural(s.sessions.len(), "session"),
        plural(steps, "step"),
    );
    if !s.data.is_empty() {
        line.push_str(&format!(", {}", plural(s.data.len(), "data set")));
    }
    line
}
