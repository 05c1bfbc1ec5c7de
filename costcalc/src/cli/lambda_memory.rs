//! The Lambda's memory in a scenario: `--lambda-memory-mb` (a size, or auto), and the duration
//! a memory sweep (`--lambda-tune`) measured.

use rust_decimal::Decimal;

use super::values::positive;
use crate::catalog::PriceSnapshot;
use crate::deployment::Options;
use crate::error::{Error, Result};
use crate::report::{Subject, sweep};
use crate::workload::duration::Duration;
use crate::workload::source::loadgen::view::View;
use crate::workload::source::tune;
use crate::workload::{Origin, Workload};

/// `--lambda-memory-mb`: a size in MB, or auto.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Memory {
    Mb(Decimal),
    Auto,
}

impl std::fmt::Display for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Memory::Mb(mb) => write!(f, "{mb}"),
            Memory::Auto => write!(f, "auto"),
        }
    }
}

pub fn memory(s: &str) -> std::result::Result<Memory, String> {
    if s.trim() == "auto" {
        Ok(Memory::Auto)
    } else {
        positive(s).map(Memory::Mb)
    }
}

/// The Lambda duration from a memory sweep, over the run's route mix (the tune's own without a
/// run), and the cold starts of the run's idle gaps; the API the sweep ran, by its own words.
pub fn tuned(
    w: &mut Workload,
    path: &std::path::Path,
    run: Option<&View>,
    hours: Decimal,
) -> Result<Subject> {
    let measured = tune::from_file(path)?;
    let mix: Vec<(String, Decimal)> = run
        .map(|v| {
            v.endpoints
                .iter()
                .map(|e| (format!("{} {}", e.method, e.route), Decimal::from(e.count)))
                .collect()
        })
        .unwrap_or_default();
    let sizes = measured.figures(&mix);
    if !sizes.iter().any(|s| s.usable) {
        return Err(Error::file(
            path.display().to_string(),
            "none of the tune's routes is in the run's route mix: tune the same journeys the run played",
        ));
    }
    if let Some(v) = run
        && let Some(real) = v.profile_seconds.and_then(|d| Decimal::try_from(d).ok())
    {
        w.cold_starts_per_month = Some(tune::cold_starts_per_month(v.idle_gaps.len(), real, hours));
    }
    w.duration = Duration::Tuned { sizes };
    w.origins.duration_ms = Origin::measured(
        &path.display().to_string(),
        if mix.is_empty() {
            "sizes[].routes[].billed_ms_mean over the tune's own mix"
        } else {
            "sizes[].routes[].billed_ms_mean over the run's route mix"
        },
    );
    Ok(Subject::of_tune(
        &measured.function,
        measured.scenario.as_deref(),
    ))
}

/// `--lambda-memory-mb auto`: the cheapest size of the sweep whose p99 meets the target.
pub fn auto_memory(w: &Workload, o: &Options, p: &PriceSnapshot, slo: Decimal) -> Result<Decimal> {
    let Duration::Tuned { sizes } = &w.duration else {
        return Err(Error::flag(
            "--lambda-memory-mb",
            "auto needs --lambda-tune FILE (a memory sweep from `loadgen tune`)",
        ));
    };
    match sweep::pick(sizes, slo, o.lambda_arch, p) {
        Some(s) => Ok(s.memory_mb),
        None => {
            let best = sizes.iter().filter(|s| s.usable).min_by_key(|s| s.p99_ms);
            Err(Error::flag(
                "--p99-slo",
                format!(
                    "no memory size of the sweep has a p99 of {} ms or less{}",
                    slo.normalize(),
                    best.map_or(String::new(), |b| format!(
                        " (the fastest: {} ms at {} MB)",
                        b.p99_ms.normalize(),
                        b.memory_mb
                    ))
                ),
            ))
        }
    }
}
