//! Reading loadgen's `summary.json` (schema `deploycost.loadgen.summary/v1` and its compatible
//! minor versions, documented in docs/summary-json.md): lenient about fields it does not know, strict
//! about the schema tag.
//!
//! The monthly traffic is what the run *scheduled* (the profile's arrivals over the profile's real
//! length), not what was sent: a run that dropped arrivals measured less than the workload. A run
//! that did not keep up (more than 1% of arrivals dropped or failed, or latency that grew with
//! queueing) did not measure the workload at all: `from_json` says so in `Run::overload`, and the
//! caller refuses it unless told to price it anyway.

mod server;
pub mod view;

use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::strict_json::Refused;
use crate::workload::duration::Duration;
use crate::workload::{Origin, Workload, lenient};

pub const SCHEMA_PREFIX: &str = "deploycost.loadgen.summary/v";

/// More than this share of the scheduled arrivals dropped or failed is an overload.
pub const OVERLOAD_PERCENT: Decimal = dec!(1);

#[derive(Deserialize)]
struct Summary {
    #[serde(deserialize_with = "lenient::de")]
    compression: Decimal,
    #[serde(deserialize_with = "lenient::de")]
    schedule_seconds: Decimal,
    /// v1.1: the profile's real length.
    #[serde(default)]
    profile_seconds: Option<f64>,
    totals: Totals,
    #[serde(default)]
    timeline: Vec<Second>,
    #[serde(default)]
    profile: Option<Profile>,
    #[serde(default)]
    arrivals: Option<Arrivals>,
    /// v1.1: loadgen's own verdict.
    #[serde(default)]
    overload: Option<Overload>,
    /// v1.1: what the server itself spent, when loadgen measured it.
    #[serde(default)]
    server: Option<server::Server>,
    /// v1.7: the scenario the run played.
    #[serde(default)]
    scenario: Option<view::Scenario>,
}

#[derive(Deserialize)]
struct Totals {
    #[serde(deserialize_with = "lenient::de")]
    count: Decimal,
    #[serde(default, deserialize_with = "lenient::de_or_zero")]
    failures: Decimal,
    latency_ms: Latency,
    #[serde(deserialize_with = "lenient::de")]
    request_bytes: Decimal,
    #[serde(deserialize_with = "lenient::de")]
    response_bytes: Decimal,
}

#[derive(Deserialize)]
struct Latency {
    #[serde(deserialize_with = "lenient::de")]
    mean: Decimal,
}

#[derive(Deserialize)]
struct Second {
    #[serde(deserialize_with = "lenient::de")]
    sent: Decimal,
    /// Arrivals due in the second that could not be sent (the schedule's, like `sent`).
    #[serde(default, deserialize_with = "lenient::de_or_zero")]
    dropped: Decimal,
}

#[derive(Deserialize)]
struct Profile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    duration_s: Option<f64>,
    /// The rate curve's peak, real requests per second.
    #[serde(default)]
    peak_rate_per_s: Option<f64>,
}

#[derive(Deserialize)]
struct Arrivals {
    #[serde(default, deserialize_with = "lenient::de_or_zero")]
    scheduled: Decimal,
    #[serde(default, deserialize_with = "lenient::de_or_zero")]
    dropped: Decimal,
}

#[derive(Deserialize)]
struct Overload {
    #[serde(default)]
    detected: bool,
    #[serde(default)]
    reasons: Vec<String>,
}

/// A measured run: its workload, and why it did not measure the workload when it did not.
#[derive(Debug, Clone)]
pub struct Run {
    pub workload: Workload,
    /// The target did not keep up: what happened, in words. Pricing it would price the
    /// generator's backlog, not the workload.
    pub overload: Option<Vec<String>>,
    /// What the run looked like, for charts.
    pub view: view::View,
}

/// Read a summary file. Throughput per vCPU is not in the summary (it does not know the target's
/// vCPUs), so it keeps the default unless a flag sets it.
pub fn from_file(
    path: &Path,
    hours_per_month: Decimal,
    target_utilization: Decimal,
) -> Result<Run> {
    let text = crate::input_file::read(path, crate::input_file::Kind::Summary)?;
    from_json(
        &text,
        &path.display().to_string(),
        hours_per_month,
        target_utilization,
    )
}

/// `target_utilization`: the share of each vCPU sizing plans to use, applied to a measured CPU
/// per request.
pub fn from_json(
    text: &str,
    origin: &str,
    hours_per_month: Decimal,
    target_utilization: Decimal,
) -> Result<Run> {
    let err = |m: String| Error::file(origin, m);
    let raw = crate::strict_json::value_bounded(text, &view::LIST_BOUNDS).map_err(|e| match e {
        Refused::Json(e) => err(format!("not valid JSON: {e}")),
        too_long @ Refused::TooLong { .. } => err(format!(
            "{too_long}, the most costcalc reads; check that it is the right file"
        )),
    })?;
    check_schema(&raw).map_err(err)?;
    let mut run_view = view::read(&raw);
    let s: Summary = serde_json::from_value(raw)
        .map_err(|e| err(format!("does not match {SCHEMA_PREFIX}1: {e}")))?;
    check_figures(&s).map_err(err)?;
    view::check(&run_view).map_err(err)?;
    if let Some(sc) = &s.scenario {
        sc.check().map_err(err)?;
    }
    run_view.scenario = s.scenario.clone();
    let month_seconds = hours_per_month * dec!(3600);
    let (requests_per_month, how) = monthly_requests(&s, month_seconds);
    // A timeline second is a wall-clock second, which stood for `compression` real seconds.
    // The schedule's busiest second, like the monthly traffic (sent and dropped arrivals alike):
    // a timeline second is a wall-clock second, which stood for `compression` real seconds. Never
    // below the rate curve's own peak (a cut-short or truncated timeline says less).
    let busiest = s
        .timeline
        .iter()
        .map(|t| t.sent + t.dropped)
        .max()
        .map(|m| m / s.compression);
    let curve = s
        .profile
        .as_ref()
        .and_then(|p| p.peak_rate_per_s)
        .and_then(|p| Decimal::try_from(p).ok());
    let peak = busiest.into_iter().chain(curve).max();
    let profile = s
        .profile
        .as_ref()
        .and_then(|p| p.name.as_deref())
        .map_or_else(|| "unknown".into(), crate::input_file::one_line);
    let scenario = s
        .scenario
        .as_ref()
        .map(|sc| format!("{}, ", crate::input_file::one_line(&sc.describe())))
        .unwrap_or_default();
    let mut w = Workload {
        source: format!(
            "loadgen {origin} ({scenario}profile {profile}, {} requests over {} s of schedule, {} failures)",
            s.totals.count.normalize(),
            s.schedule_seconds.normalize(),
            s.totals.failures.normalize()
        ),
        requests_per_month: requests_per_month.round_dp(0),
        duration_ms: s.totals.latency_ms.mean,
        request_bytes: s.totals.request_bytes / s.totals.count,
        response_bytes: s.totals.response_bytes / s.totals.count,
        peak_rps: peak.filter(|p| *p > Decimal::ZERO),
        compression: Some(s.compression),
        duration: Duration::ClientLatency,
        ..Workload::default()
    };
    let measured = |field| Origin::measured(origin, field);
    let o = &mut w.origins;
    o.requests_per_month = measured(how);
    o.duration_ms = measured("totals.latency_ms.mean (client-observed latency)");
    o.request_bytes = measured("totals.request_bytes / totals.count");
    o.response_bytes = measured("totals.response_bytes / totals.count");
    if w.peak_rps.is_some() {
        o.peak = measured(
            "busiest timeline second (sent + dropped) / compression, at least profile.peak_rate_per_s",
        );
    }
    if let Some(server) = &s.server {
        server::apply(server, &mut w, origin, target_utilization).map_err(err)?;
    }
    w.validate(hours_per_month)
        .map_err(|e| crate::workload::in_file(e, origin))?;
    Ok(Run {
        workload: w,
        overload: overload(&s),
        view: run_view,
    })
}

/// The schema tag names a summary of this major version.
fn check_schema(raw: &serde_json::Value) -> std::result::Result<(), String> {
    let schema = raw.get("schema").and_then(|s| s.as_str()).ok_or_else(|| {
        format!("no \"schema\" field: expected a loadgen summary.json ({SCHEMA_PREFIX}1)")
    })?;
    let major = schema
        .strip_prefix(SCHEMA_PREFIX)
        .map(|v| v.split('.').next().unwrap_or(""));
    match major {
        Some("1") => Ok(()),
        Some(v) => Err(format!(
            "schema {schema:?} has major version {v}; this costcalc reads {SCHEMA_PREFIX}1 (upgrade costcalc or re-run an older loadgen)"
        )),
        None => Err(format!(
            "schema {schema:?} is not a loadgen summary ({SCHEMA_PREFIX}1)"
        )),
    }
}

/// Every figure is within its range before any arithmetic (so none can overflow or divide by
/// zero), and the ones everything else divides by are positive.
fn check_figures(s: &Summary) -> std::result::Result<(), String> {
    use crate::limits::{self, field, field_f64};
    let many = limits::REQUESTS_PER_MONTH;
    let t = &s.totals;
    if t.count.is_zero() {
        return Err("totals.count is 0: the run measured no request".into());
    }
    field("totals.count", t.count, dec!(1), many)?;
    field("totals.failures", t.failures, dec!(0), many)?;
    field(
        "totals.latency_ms.mean",
        t.latency_ms.mean,
        dec!(0),
        limits::DURATION_MS,
    )?;
    field(
        "totals.request_bytes",
        t.request_bytes,
        dec!(0),
        limits::TOTAL_BYTES,
    )?;
    field(
        "totals.response_bytes",
        t.response_bytes,
        dec!(0),
        limits::TOTAL_BYTES,
    )?;
    let secs = (dec!(0.001), limits::RUN_SECONDS);
    field("schedule_seconds", s.schedule_seconds, secs.0, secs.1)?;
    let (c_min, c_max) = (limits::COMPRESSION_MIN, limits::COMPRESSION_MAX);
    field("compression", s.compression, c_min, c_max)?;
    if let Some(p) = s.profile_seconds {
        field_f64("profile_seconds", p, secs.0, secs.1)?;
    }
    if let Some(p) = &s.profile {
        if let Some(d) = p.duration_s {
            field_f64("profile.duration_s", d, secs.0, secs.1)?;
        }
        if let Some(r) = p.peak_rate_per_s {
            field_f64("profile.peak_rate_per_s", r, dec!(0), limits::PEAK_RPS)?;
        }
    }
    if let Some(a) = &s.arrivals {
        field("arrivals.scheduled", a.scheduled, dec!(0), many)?;
        field("arrivals.dropped", a.dropped, dec!(0), many)?;
    }
    limits::entries("timeline", s.timeline.len(), limits::TIMELINE_SECONDS)?;
    for second in &s.timeline {
        field("timeline[].sent", second.sent, dec!(0), many)?;
        field("timeline[].dropped", second.dropped, dec!(0), many)?;
    }
    if let Some(o) = &s.overload {
        limits::entries("overload.reasons", o.reasons.len(), limits::LIST_ENTRIES)?;
    }
    Ok(())
}

/// The schedule's monthly rate: arrivals scheduled over the profile's real length. Summaries
/// without them (none that loadgen writes) fall back to what was measured over the schedule.
fn monthly_requests(s: &Summary, month_seconds: Decimal) -> (Decimal, &'static str) {
    let real = s
        .profile_seconds
        .or_else(|| s.profile.as_ref().and_then(|p| p.duration_s))
        .and_then(|d| Decimal::try_from(d).ok())
        .filter(|d| *d > Decimal::ZERO);
    match (&s.arrivals, real) {
        (Some(a), Some(real)) if a.scheduled > Decimal::ZERO => (
            a.scheduled / real * month_seconds,
            "arrivals.scheduled / profile duration (the schedule, not what was sent)",
        ),
        _ => (
            s.totals.count / s.schedule_seconds * month_seconds,
            "totals.count / schedule_seconds",
        ),
    }
}

/// Why the run did not measure the workload, if it did not: loadgen's own verdict (v1.1), or, for
/// a v1 summary, the share of arrivals dropped or failed.
fn overload(s: &Summary) -> Option<Vec<String>> {
    if let Some(o) = &s.overload {
        return o.detected.then(|| {
            if o.reasons.is_empty() {
                vec!["loadgen detected an overload".to_string()]
            } else {
                o.reasons
                    .iter()
                    .map(|r| crate::input_file::one_line(r))
                    .collect()
            }
        });
    }
    let a = s.arrivals.as_ref()?;
    if a.scheduled <= Decimal::ZERO {
        return None;
    }
    let share = |n: Decimal| n * dec!(100) / a.scheduled;
    let mut reasons = Vec::new();
    for (n, what) in [(a.dropped, "dropped"), (s.totals.failures, "failed")] {
        if share(n) > OVERLOAD_PERCENT {
            reasons.push(format!(
                "{}% of the {} scheduled arrivals {what} ({})",
                share(n).round_dp(1).normalize(),
                a.scheduled.normalize(),
                n.normalize()
            ));
        }
    }
    (!reasons.is_empty()).then_some(reasons)
}

#[cfg(test)]
mod tests;
