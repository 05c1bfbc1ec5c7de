//! Loading and checking a scenario file: every error as `FILE:LINE:COLUMN: message`, before any
//! traffic. The only I/O of the module is here (the scenario file and its CSV files, bounded).

use super::compile::compile;
use super::data::{DataSet, MAX_DATA_BYTES, MAX_SCENARIO_BYTES, read_bounded};
use super::model::{Provenance, Scenario};
use super::raw::{RawFile, all_saved_names, in_file_order};
use super::step::Cx;
use super::template::is_name;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// journal-api's journeys, the default scenario.
pub const JOURNAL_TOML: &str = include_str!("../../scenarios/journal.toml");
const MAX_DATA_SETS: usize = 20;
/// Distinct (method, route) pairs of one scenario: the endpoints costcalc reads of a summary.
pub const MAX_ROUTES: usize = costcalc::limits::LIST_ENTRIES;

/// One problem in a scenario file, at a line and column (both from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// What else a check looks at: the journeys a `--mix` names, and the environment the `env.*`
/// placeholders read (`None`: not checked, the run resolves them).
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions<'a> {
    pub mix: Option<&'a str>,
    pub env: Option<&'a BTreeMap<String, String>>,
}

/// Reads (at most [`MAX_SCENARIO_BYTES`], a regular file only) and checks a scenario file.
pub fn load(path: &Path, opts: CheckOptions) -> Result<Scenario, Vec<CheckError>> {
    let label = path.display().to_string();
    let text = read_bounded(path, MAX_SCENARIO_BYTES).map_err(|e| {
        vec![CheckError {
            file: label.clone(),
            line: 1,
            column: 1,
            message: e,
        }]
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse(&label, base, &text, opts)
}

/// The embedded journal scenario.
pub fn journal(opts: CheckOptions) -> Result<Scenario, Vec<CheckError>> {
    let mut s = parse("journal.toml", Path::new("."), JOURNAL_TOML, opts)?;
    s.provenance.builtin = true;
    Ok(s)
}

/// Checks scenario text named `label` (data file paths are relative to `base`).
pub fn parse(
    label: &str,
    base: &Path,
    text: &str,
    opts: CheckOptions,
) -> Result<Scenario, Vec<CheckError>> {
    let locate = |at: usize, message: String| {
        let (line, column) = line_col(text, at);
        CheckError {
            file: label.to_string(),
            line,
            column,
            message,
        }
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        vec![locate(at, e.message().trim().to_string())]
    })?;
    let mut cx = Cx {
        text,
        errors: Vec::new(),
        saved_anywhere: all_saved_names(&raw),
        columns: BTreeMap::new(),
        env: opts.env,
    };
    let data = load_data(&mut cx, &raw, base);
    let mut scenario = compile(&mut cx, &raw);
    scenario.data = data;
    scenario.provenance = Provenance::of(label, text, false);
    if let Some(mix) = opts.mix
        && let Err(e) = mix_weights(&scenario, mix)
    {
        let at = raw.journeys.as_ref().map_or(0, |j| j.span().start);
        cx.error(at, e);
    }
    if scenario.routes() > MAX_ROUTES {
        // One endpoint each in the summary: past the bound, costcalc and `loadgen merge` would
        // refuse what the run writes.
        cx.error(
            0,
            format!(
                "more than {MAX_ROUTES} distinct routes (method and route): the summary could not be priced or merged; give steps of one API route the same `route` label"
            ),
        );
    }
    if cx.errors.is_empty() {
        return Ok(scenario);
    }
    cx.errors.sort_by_key(|(at, _)| *at);
    Err(cx.errors.into_iter().map(|(at, m)| locate(at, m)).collect())
}

fn load_data(cx: &mut Cx, raw: &RawFile, base: &Path) -> Vec<DataSet> {
    let mut out = Vec::new();
    for (i, (name, d)) in in_file_order(&raw.data).into_iter().enumerate() {
        let at = d.get_ref().file.span().start;
        if i == MAX_DATA_SETS {
            cx.error(at, format!("more than {MAX_DATA_SETS} data sets"));
            break;
        }
        if !is_name(name) {
            cx.error(
                d.span().start,
                format!("bad data set name '{name}': use letters, digits, _ and -"),
            );
        }
        let file = base.join(d.get_ref().file.get_ref());
        let loaded = read_bounded(&file, MAX_DATA_BYTES)
            .and_then(|text| DataSet::parse(name, &text, d.get_ref().cycle, file.clone()));
        match loaded {
            Ok(set) => {
                cx.columns.insert(name.clone(), Some(set.columns.clone()));
                out.push(set);
            }
            Err(e) => {
                cx.error(at, format!("data set '{name}' ({}): {e}", file.display()));
                cx.columns.insert(name.clone(), None);
            }
        }
    }
    out
}

/// `--mix name=weight,...` as one weight per journey of the scenario, in its order (journeys it
/// does not name get 0). Without `--mix`, [`Scenario::weights`].
pub fn mix_weights(scenario: &Scenario, mix: &str) -> Result<Vec<u32>, String> {
    let names = || {
        scenario
            .journeys
            .iter()
            .map(|j| j.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut weights = vec![0u32; scenario.journeys.len()];
    for part in mix.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || {
            format!(
                "bad --mix '{mix}': use name=weight pairs, journeys {}",
                names()
            )
        };
        let (name, w) = part.split_once('=').ok_or_else(bad)?;
        let i = scenario
            .journeys
            .iter()
            .position(|j| j.name == name.trim())
            .ok_or_else(|| {
                format!(
                    "--mix names unknown journey '{}', which the scenario lacks (it has {})",
                    name.trim(),
                    names()
                )
            })?;
        weights[i] = super::numbers::weight(w.trim().parse().map_err(|_| bad())?)?;
    }
    if weights.iter().all(|w| *w == 0) {
        return Err(format!(
            "bad --mix '{mix}': at least one journey needs a weight > 0"
        ));
    }
    Ok(weights)
}

/// 1-based line and column (in characters) of byte `at`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}
