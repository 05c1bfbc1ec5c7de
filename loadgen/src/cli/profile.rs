//! `loadgen profile from-logs`: access logs as a profile file `run --profile` replays (the rate
//! per minute over the logged window, repeating) and the logs' route shares beside it.
//!
//! The logs are read by costcalc's reader and the file written by its profile writer (the one
//! owner of both: `costcalc report --from-logs` reads the same logs the same way, with the same
//! bounds and errors). What loadgen adds: the file is checked by its own profile parser before it
//! is written, and the figures printed are the ones `run` will play. With `--scenario`, a
//! `--mix` for its journeys fitted to the logs' route shares ([`super::profile_mix`]).

use super::exit::{EXIT_BAD_INPUT, EXIT_ERROR};
use super::profile_mix::{self, Fitted};
use super::scenario::{Builtin, Which};
use crate::plan::profile::{self, Profile};
use crate::scenario::Scenario;
use costcalc::cli::logs::LogFormat;
use costcalc::workload::source::logs::files;
use costcalc::workload::source::logs::measure::origin_name;
use costcalc::workload::source::logs::profile::{render, shares};
use costcalc::workload::source::logs::read::{self, Options};
use costcalc::workload::source::logs::route::Templates;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct ProfileArgs {
    #[command(subcommand)]
    pub command: ProfileCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum ProfileCommand {
    /// Write a profile file from access logs (ALB, API Gateway, CloudFront, CLF, Combined): the
    /// rate per minute over the logged window, which `run --profile FILE` replays (repeated when
    /// --duration is longer), and the route shares beside it (FILE's stem + .routes.tsv); with
    /// --scenario, a --mix of its journeys fitted to those shares (FILE's stem + .mix)
    FromLogs(FromLogsArgs),
}

#[derive(clap::Args, Debug)]
pub struct FromLogsArgs {
    /// Access logs: files or folders of them, plain or gzip (as `costcalc report --from-logs`)
    #[arg(value_name = "FILE|DIR", required = true)]
    pub logs: Vec<PathBuf>,
    /// The logs' format
    #[arg(long, value_enum, default_value_t = LogFormat::Auto)]
    pub log_format: LogFormat,
    /// A route template for the logs' paths, e.g. /users/{name} or "GET /users/{name}" (repeat
    /// it; API Gateway's routeKey wins, numeric, UUID and long hex segments become {id} otherwise)
    #[arg(long = "route", value_name = "PATTERN")]
    pub routes: Vec<String>,
    /// Write the profile even when more than 1% of the logs' lines cannot be read
    #[arg(long)]
    pub allow_bad_lines: bool,
    /// A scenario (a TOML file, or `journal`, the built-in) whose journeys get a --mix fitted to
    /// the logs' route shares, written as STEM.mix (`loadgen run --mix @STEM.mix`); its paths
    /// also serve as route patterns for the logs
    #[arg(long, value_name = "FILE|NAME")]
    pub scenario: Option<PathBuf>,
    /// The profile file to write (TOML); the route shares go beside it, as STEM.routes.tsv
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// `loadgen profile`: returns the process exit status.
pub fn main(args: &ProfileArgs) -> i32 {
    match &args.command {
        ProfileCommand::FromLogs(a) => from_logs(a),
    }
}

/// Where the route shares of the profile `out` go: `traffic.toml` -> `traffic.routes.tsv`.
pub fn shares_path(out: &Path) -> PathBuf {
    let stem = out.file_stem().map_or_else(
        || "profile".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    out.with_file_name(format!("{stem}.routes.tsv"))
}

/// `--scenario FILE|NAME` as `run` and `scenario check` take it: a file when one is there, else
/// a built-in's name.
fn which(given: &Path) -> Which {
    use clap::ValueEnum;
    let builtin = given
        .to_str()
        .and_then(|n| Builtin::from_str(n, true).ok())
        .filter(|_| !given.is_file());
    Which {
        file: builtin.is_none().then(|| given.to_path_buf()),
        builtin,
    }
}

/// The scenario `--scenario` names (its label, itself, its file) and the route patterns: the
/// `--route` ones, then the scenario's. Err: the exit status, the error said.
type Chosen = (Option<(String, Scenario, Option<PathBuf>)>, Templates);

fn bad(m: String) -> i32 {
    errln!("loadgen: error: {}", m.replace('\n', " "));
    EXIT_BAD_INPUT
}

fn scenario_and_routes(a: &FromLogsArgs) -> Result<Chosen, i32> {
    if let Err(m) = Templates::new(&a.routes) {
        return Err(bad(format!("--route: {m}")));
    }
    if a.scenario.is_some() && profile_mix::mix_path(&a.out) == a.out {
        return Err(bad(format!(
            "--out {}: the mix goes to FILE's stem + .mix, which is this file: name the profile .toml",
            a.out.display()
        )));
    }
    let scenario = match a.scenario.as_deref().map(which) {
        Some(w) => match super::scenario::load(&w, None) {
            Ok((label, s)) => Some((label, s, w.file)),
            Err(errors) => return Err(super::scenario::print_errors(&errors)),
        },
        None => None,
    };
    let patterns = match &scenario {
        Some((_, s, _)) => profile_mix::patterns(&a.routes, s),
        None => a.routes.clone(),
    };
    match Templates::new(&patterns) {
        Ok(t) => Ok((scenario, t)),
        Err(m) => Err(bad(format!("--route: {m}"))),
    }
}

fn from_logs(a: &FromLogsArgs) -> i32 {
    let (scenario, templates) = match scenario_and_routes(a) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let o = Options {
        format: a.log_format.choice(),
        templates: templates.clone(),
        allow_bad_lines: a.allow_bad_lines,
    };
    // The outputs are checked against the logs before anything is read or written: writing
    // over a log, or into a folder of them, would spoil the logs or their next read.
    let (routes, mix) = (shares_path(&a.out), profile_mix::mix_path(&a.out));
    let mut outputs = vec![("--out", a.out.as_path()), ("--out", routes.as_path())];
    if scenario.is_some() {
        outputs.push(("--out", mix.as_path()));
    }
    let listed = files::list(&a.logs).and_then(|l| files::check_outputs(&l, &outputs).map(|()| l));
    let logs = match listed.and_then(|l| read::read(&a.logs, &l, &o)) {
        Ok(l) => l,
        Err(e) => return bad(e.to_string()),
    };
    let origin = origin_name(&logs);
    let rendered = render(&logs.aggregate, &origin, "loadgen profile from-logs");
    let out = a.out.display().to_string();
    // The writer and the parser live in two crates: a file `run` would refuse is a bug, said
    // before anything is written.
    let played = match profile::parse_file(&out, &rendered.text) {
        Ok(p) => p,
        Err(e) => {
            errln!("loadgen: error: the profile written from the logs does not parse: {e}");
            return EXIT_ERROR;
        }
    };
    let logged: Vec<(String, u64)> = (logs.aggregate.routes().into_iter())
        .map(|(r, st)| (r.to_string(), st.requests))
        .collect();
    let fitted: Option<Fitted> = match &scenario {
        Some((label, s, _)) => match profile_mix::fit(label, s, &templates, &logged) {
            Ok(f) => Some(f),
            Err((m, code)) => {
                errln!("loadgen: error: {}", m.replace('\n', " "));
                return code;
            }
        },
        None => None,
    };
    let tsv = shares(&logs.aggregate);
    let mut written = vec![(&a.out, rendered.text.clone()), (&routes, tsv.clone())];
    if let Some(f) = &fitted {
        written.push((&mix, format!("{}\n", f.text)));
    }
    for (path, text) in written {
        if let Err(e) = std::fs::write(path, text) {
            errln!("loadgen: error: cannot write {}: {e}", path.display());
            return EXIT_ERROR;
        }
    }
    print_summary(
        &played,
        rendered.step_s,
        logs.aggregate.requests,
        &a.out,
        &routes,
    );
    outln!("{}", tsv.trim_end());
    match (&fitted, &scenario) {
        (Some(f), Some((label, _, file))) => {
            profile_mix::print(f, label, file.as_deref(), &a.out, &mix)
        }
        _ => outln!(
            "loadgen: for a --mix of a scenario's journeys fitted to these shares, add --scenario FILE|journal"
        ),
    }
    0
}

fn print_summary(p: &Profile, step_s: i64, requests: u64, out: &Path, routes: &Path) {
    let window = p.duration_s();
    outln!(
        "loadgen: wrote {}: {} segments, the rate per {step_s} s over {window:.0} s ({:.2} days) of logs: {requests} requests, mean {:.6} req/s, {}",
        out.display(),
        p.segments.len(),
        window / profile::DAY_S,
        p.mean_rate(),
        busiest(p, step_s),
    );
    outln!(
        "loadgen: play it with `loadgen run --profile {} --duration {window:.0}s --compress F`; the route shares are in {}",
        out.display(),
        routes.display()
    );
}

/// The busiest whole step's rate, and the last segment's when it is shorter (what is left of the
/// window: 100 requests in its last second are 100 req/s over 1 s, not over a step).
fn busiest(p: &Profile, step_s: i64) -> String {
    let step = step_s as f64;
    let rate = |s: &profile::Segment| s.from_per_s.max(s.to_per_s);
    let whole = (p.segments.iter().filter(|s| s.duration_s >= step))
        .map(rate)
        .reduce(f64::max);
    let short = p.segments.last().filter(|s| s.duration_s < step);
    let tail = |s: &profile::Segment| format!("{:.0} s at {:.6} req/s", s.duration_s, rate(s));
    match (whole, short) {
        (Some(r), Some(s)) => format!("busiest {step_s} s at {r:.6} req/s, the last {}", tail(s)),
        (Some(r), None) => format!("busiest {step_s} s at {r:.6} req/s"),
        (None, Some(s)) => format!("one step of {}", tail(s)),
        (None, None) => "no steps".into(),
    }
}
