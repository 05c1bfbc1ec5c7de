//! Reading a Lambda memory sweep (`tune.json`, schema `deploycost.loadgen.tune/v1.x`, written by
//! `loadgen tune`): the function run at each memory size's CPU share on the load machine, its
//! cold start and per-route durations. From it: the billed duration per request at each size over
//! a route mix, the INIT duration a cold start bills, and the size to pick for a p99 target.

use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const SCHEMA_PREFIX: &str = "deploycost.loadgen.tune/v";

#[derive(Debug, Clone, Deserialize)]
pub struct Tune {
    #[serde(default)]
    pub machine: Machine,
    #[serde(default)]
    pub date: String,
    /// The command that ran (a path, or `--function-cmd`'s words): names the API it ran.
    #[serde(default)]
    pub function: String,
    /// The scenario the requests came from (v1.1; absent before).
    #[serde(default)]
    pub scenario: Option<String>,
    pub sizes: Vec<Size>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Machine {
    #[serde(default)]
    pub cpu_model: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Size {
    pub memory_mb: u32,
    #[serde(default = "yes")]
    pub usable: bool,
    /// Why a size is unusable (out of memory, a timeout).
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub cold_start_ms: Option<Percentiles>,
    #[serde(default)]
    pub routes: Vec<Route>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Percentiles {
    #[serde(default)]
    pub p50: f64,
    #[serde(default)]
    pub p99: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Route {
    pub method: String,
    pub route: String,
    #[serde(default)]
    pub count: u64,
    pub duration_ms: Percentiles,
    /// Mean billed duration (each invocation rounded up to 1 ms).
    pub billed_ms_mean: f64,
}

/// One size of the sweep over a route mix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SizeFigures {
    pub memory_mb: Decimal,
    pub usable: bool,
    pub reason: Option<String>,
    /// Billed ms per request over the mix.
    pub billed_ms: Decimal,
    /// The worst route's p99 (a mix's p99 cannot be derived from per-route ones; this bounds it).
    pub p99_ms: Decimal,
    /// Cold start, process start to the first answered invocation, p50 and p99.
    pub init_p50_ms: Decimal,
    pub init_p99_ms: Decimal,
}

/// A figure `from_file` checked (`check`): finite and within `Decimal`'s range.
fn dec(v: f64) -> Decimal {
    Decimal::try_from(v).unwrap_or(Decimal::MAX)
}

/// Every figure within its range before any arithmetic: a billed duration of at least the 1 ms
/// AWS bills, durations and cold starts within Lambda's 15 minutes.
fn check(t: &Tune) -> std::result::Result<(), String> {
    use crate::limits::{self, field_f64};
    let ms = (dec!(0), limits::DURATION_MS);
    limits::entries("sizes", t.sizes.len(), limits::LIST_ENTRIES)?;
    for s in &t.sizes {
        let mb = Decimal::from(s.memory_mb);
        limits::field(
            "sizes[].memory_mb",
            mb,
            limits::LAMBDA_MEMORY_MIN_MB,
            limits::LAMBDA_MEMORY_MAX_MB,
        )?;
        if let Some(c) = &s.cold_start_ms {
            field_f64("sizes[].cold_start_ms.p50", c.p50, ms.0, ms.1)?;
            field_f64("sizes[].cold_start_ms.p99", c.p99, ms.0, ms.1)?;
        }
        limits::entries("sizes[].routes", s.routes.len(), limits::LIST_ENTRIES)?;
        for r in &s.routes {
            let count = Decimal::from(r.count);
            limits::field(
                "sizes[].routes[].count",
                count,
                dec!(0),
                limits::REQUESTS_PER_MONTH,
            )?;
            field_f64(
                "sizes[].routes[].billed_ms_mean",
                r.billed_ms_mean,
                dec!(1),
                ms.1,
            )?;
            field_f64(
                "sizes[].routes[].duration_ms.p50",
                r.duration_ms.p50,
                ms.0,
                ms.1,
            )?;
            field_f64(
                "sizes[].routes[].duration_ms.p99",
                r.duration_ms.p99,
                ms.0,
                ms.1,
            )?;
        }
    }
    Ok(())
}

pub fn from_file(path: &Path) -> Result<Tune> {
    let origin = path.display().to_string();
    let text = crate::input_file::read(path, crate::input_file::Kind::Tune)?;
    let raw: serde_json::Value = crate::strict_json::value(&text)
        .map_err(|e| Error::file(&origin, format!("not valid JSON: {e}")))?;
    let schema = raw.get("schema").and_then(|s| s.as_str()).unwrap_or("");
    if !schema.starts_with(&format!("{SCHEMA_PREFIX}1")) {
        return Err(Error::file(
            &origin,
            format!(
                "schema {schema:?} is not a Lambda tune file ({SCHEMA_PREFIX}1, from `loadgen tune`)"
            ),
        ));
    }
    let t: Tune = serde_json::from_value(raw)
        .map_err(|e| Error::file(&origin, format!("does not match {SCHEMA_PREFIX}1: {e}")))?;
    check(&t).map_err(|m| Error::file(&origin, m))?;
    if !t.sizes.iter().any(|s| s.usable && !s.routes.is_empty()) {
        return Err(Error::file(
            &origin,
            "no usable memory size with measured routes",
        ));
    }
    Ok(t)
}

impl Tune {
    /// Each size's figures over `mix` (route "METHOD /path" -> requests); routes the mix lacks
    /// weigh by the tune's own counts when the mix is empty, and nothing otherwise.
    pub fn figures(&self, mix: &[(String, Decimal)]) -> Vec<SizeFigures> {
        self.sizes
            .iter()
            .map(|s| {
                let weight = |r: &Route| {
                    let key = format!("{} {}", r.method, r.route);
                    if mix.is_empty() {
                        Decimal::from(r.count.max(1))
                    } else {
                        mix.iter()
                            .find(|(k, _)| *k == key)
                            .map_or(Decimal::ZERO, |(_, w)| *w)
                    }
                };
                let total: Decimal = s.routes.iter().map(weight).sum();
                let billed = if total.is_zero() {
                    Decimal::ZERO
                } else {
                    s.routes
                        .iter()
                        .map(|r| weight(r) * dec(r.billed_ms_mean))
                        .sum::<Decimal>()
                        / total
                };
                let p99 = s
                    .routes
                    .iter()
                    .filter(|r| weight(r) > Decimal::ZERO)
                    .map(|r| dec(r.duration_ms.p99))
                    .max()
                    .unwrap_or_default();
                let cold = s.cold_start_ms.clone().unwrap_or_default();
                SizeFigures {
                    memory_mb: Decimal::from(s.memory_mb),
                    usable: s.usable && !s.routes.is_empty() && !total.is_zero(),
                    reason: s.reason.clone(),
                    billed_ms: billed.normalize(),
                    p99_ms: p99.normalize(),
                    init_p50_ms: dec(cold.p50).ceil(),
                    init_p99_ms: dec(cold.p99).ceil(),
                }
            })
            .collect()
    }
}

/// The size to run: the cheapest usable one whose p99 meets `slo_ms` (`cost` gives each size's
/// cost per request), ties going to the faster one. None when no size meets it.
pub fn pick(
    sizes: &[SizeFigures],
    slo_ms: Decimal,
    cost: impl Fn(&SizeFigures) -> Decimal,
) -> Option<&SizeFigures> {
    sizes
        .iter()
        .filter(|s| s.usable && s.p99_ms <= slo_ms)
        .min_by_key(|s| (cost(s), s.p99_ms))
}

/// The figures at `memory_mb`: the measured size, or between the two nearest (linear in memory).
pub fn at(sizes: &[SizeFigures], memory_mb: Decimal) -> Option<SizeFigures> {
    let usable: Vec<&SizeFigures> = sizes.iter().filter(|s| s.usable).collect();
    if let Some(s) = usable.iter().find(|s| s.memory_mb == memory_mb) {
        return Some((*s).clone());
    }
    let below = usable
        .iter()
        .filter(|s| s.memory_mb < memory_mb)
        .max_by_key(|s| s.memory_mb)?;
    let above = usable
        .iter()
        .filter(|s| s.memory_mb > memory_mb)
        .min_by_key(|s| s.memory_mb)?;
    let f = (memory_mb - below.memory_mb) / (above.memory_mb - below.memory_mb);
    let mix = |a: Decimal, b: Decimal| a + (b - a) * f;
    Some(SizeFigures {
        memory_mb,
        usable: true,
        reason: None,
        billed_ms: mix(below.billed_ms, above.billed_ms),
        p99_ms: mix(below.p99_ms, above.p99_ms),
        init_p50_ms: mix(below.init_p50_ms, above.init_p50_ms).ceil(),
        init_p99_ms: mix(below.init_p99_ms, above.init_p99_ms).ceil(),
    })
}

/// Cold starts a month: the run's idle gaps (each wakes a fresh environment) scaled from the
/// profile's real length to the month.
pub fn cold_starts_per_month(
    idle_gaps: usize,
    profile_seconds: Decimal,
    hours: Decimal,
) -> Decimal {
    if profile_seconds <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    Decimal::from(idle_gaps) * hours * dec!(3600) / profile_seconds
}
