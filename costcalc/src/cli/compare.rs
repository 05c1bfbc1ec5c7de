//! `report --compare NAME=SUMMARY[,TUNE] …`: each implementation priced from its own loadgen run
//! (and memory sweep) with every other flag the same, then put side by side by the engine
//! (`report::compare`), which refuses what cannot be compared.

use std::path::{Path, PathBuf};

use super::flags;
use super::report::ReportFormat;
use super::scenario::{ScenarioArgs, scenario_of};
use crate::catalog::PriceSnapshot;
use crate::error::{Error, Result};
use crate::report::compare::{self, Comparison, Implementation, Window};
use crate::report::{Report, Subject};

/// One `--compare` value.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub name: String,
    pub summary: PathBuf,
    pub tune: Option<PathBuf>,
}

/// Parse `NAME=SUMMARY[,TUNE]`: a short name of letters, digits, `.`, `_` or `-`, a summary
/// file, and optionally a tune file.
pub fn spec(s: &str) -> std::result::Result<Spec, String> {
    let (name, files) = s.split_once('=').ok_or_else(|| {
        format!("{s:?}: expected NAME=SUMMARY[,TUNE], e.g. fastapi=runs/fastapi/summary.json")
    })?;
    let ok = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    if name.is_empty() || name.len() > 40 || !name.chars().all(ok) {
        return Err(format!(
            "{name:?}: a name is 1 to 40 letters, digits, '.', '_' or '-'"
        ));
    }
    let mut parts = files.split(',');
    let summary = parts.next().unwrap_or("").trim();
    let tune = parts.next().map(str::trim);
    if summary.is_empty() || tune == Some("") || parts.next().is_some() {
        return Err(format!(
            "{s:?}: expected NAME=SUMMARY[,TUNE]: one summary file, then optionally one tune file"
        ));
    }
    Ok(Spec {
        name: name.into(),
        summary: summary.into(),
        tune: tune.map(PathBuf::from),
    })
}

/// The traffic window a summary played, read from the file `scenario_of` has just accepted.
fn window(path: &Path) -> Result<Window> {
    let text = crate::input_file::read(path, crate::input_file::Kind::Summary)?;
    let raw: serde_json::Value = crate::strict_json::value(&text)
        .map_err(|e| Error::file(path.display().to_string(), format!("not valid JSON: {e}")))?;
    Ok(Window::from_summary(&raw))
}

/// One implementation priced as `report` would price its run.
fn implementation(s: &ScenarioArgs, spec: &Spec) -> Result<(Implementation, PriceSnapshot)> {
    let sc = scenario_of(s, Some(&spec.summary), spec.tune.as_deref())?;
    // The NAME says which API this is, whatever its sweep ran.
    let report = Report::build(
        Subject::named(&spec.name),
        sc.info.clone(),
        sc.workload.clone(),
        sc.options.clone(),
        &sc.prices,
    )
    .map_err(|e| e.at_flag(flags::scenario))?;
    let machine = match &spec.tune {
        Some(t) => Some(
            crate::workload::source::tune::from_file(t)?
                .machine
                .cpu_model,
        )
        .filter(|m| !m.trim().is_empty()),
        None => None,
    };
    Ok((
        Implementation {
            name: spec.name.clone(),
            summary: spec.summary.display().to_string(),
            tune: spec.tune.as_ref().map(|t| t.display().to_string()),
            window: window(&spec.summary)?,
            machine,
            report,
        },
        sc.prices,
    ))
}

/// The refusal in the CLI's words: the flag that would settle it, when one would.
fn refused(e: Box<crate::error::Incomparable>) -> Error {
    match e.settled_by().and_then(flags::scenario) {
        Some(flag) => Error::flag(
            "--compare",
            format!("{e}: give {flag} to price every implementation at one figure"),
        ),
        None => Error::flag("--compare", e.to_string()),
    }
}

pub fn run(s: &ScenarioArgs, specs: &[Spec], format: ReportFormat) -> Result<String> {
    if !(2..=compare::MAX).contains(&specs.len()) {
        return Err(refused(Box::new(crate::error::Incomparable::Count {
            count: specs.len(),
        })));
    }
    // Every implementation is priced from the same flags, so the first one's snapshot is
    // theirs (the engine checks that their reports say so).
    let (first, prices) = implementation(s, &specs[0])?;
    let mut all = vec![first];
    for spec in &specs[1..] {
        all.push(implementation(s, spec)?.0);
    }
    let c = Comparison::build(all).map_err(refused)?;
    Ok(match format {
        ReportFormat::Table => compare::text::table_report(&c),
        ReportFormat::Md => compare::text::markdown(&c),
        ReportFormat::Json => compare::data::json(&c),
        ReportFormat::Csv => compare::data::csv(&c),
        ReportFormat::Html => compare::html::page(&c, &prices),
    })
}
