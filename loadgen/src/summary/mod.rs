//! `summary.json`, schema v1.7: the file costcalc reads (documented in docs/summary-json.md). Each minor
//! version only adds fields (v1.1 sessions, windows, overload; v1.2 the `server` block; v1.3
//! `shard`, `merged_shards` and `histograms`; v1.4 `histograms.interval_s` and `alignment`; v1.5
//! the server block's `log_bytes_per_request`; v1.6 `failure_reasons` and `arrivals.cancelled`; v1.7 `scenario`), so an older reader still works and the added
//! fields read as absent from an older file.
//!
//! The types (`types`, and [`server`] for the server block) serialize to exactly the documented field names; [`build`] turns the raw
//! samples of a run into a summary and is pure, so every figure is tested without a server: the
//! per-endpoint figures are in `endpoints`, the per-second timeline in `per_second`, the idle gaps
//! in `idle`. The figures that need more than the samples: [`hdr`] (the mergeable histograms),
//! [`overload`] (did the target keep up) and [`threshold`] (the pass/fail rules). Percentiles
//! come from [`crate::stats`].

mod endpoints;
pub mod hdr;
mod idle;
pub mod overload;
mod per_second;
pub mod server;
pub mod threshold;
mod types;

pub use crate::stats::latency;
pub use endpoints::stats;
pub use types::*;

pub const SCHEMA: &str = "deploycost.loadgen.summary/v1.7";

/// Builds the summary from the run's samples and the due times (wall seconds) of dropped arrivals.
pub fn build(info: RunInfo, samples: &[Sample], dropped_due_wall_s: &[f64]) -> Summary {
    let f = info.compression;
    let totals = stats(samples);
    let profile_s = info.profile.duration_s;
    let windows = overload::windows(samples, dropped_due_wall_s, profile_s / f, f);
    let arrivals = arrivals(
        &info,
        samples,
        dropped_due_wall_s.len() as u64,
        totals.failures,
    );
    let overload = overload::judge(
        info.scheduled,
        arrivals.dropped,
        totals.failures,
        &windows,
        info.wall_seconds - profile_s / f,
    );
    Summary {
        schema: SCHEMA.to_string(),
        generator: Generator {
            name: "loadgen".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        target: info.target,
        scenario: None,
        compression: f,
        rate_scale: info.rate_scale,
        seed: info.seed,
        started_at: info.started_at,
        ended_at: info.ended_at,
        wall_seconds: info.wall_seconds,
        schedule_seconds: info.wall_seconds * f,
        profile_seconds: Some(profile_s),
        users: info.users,
        journeys: info.journeys,
        setup: info.setup,
        arrivals,
        endpoints: endpoints::endpoints(samples),
        timeline: per_second::per_second(info.wall_seconds, samples, dropped_due_wall_s),
        idle_gap_threshold_s: info.idle_gap_threshold_s,
        idle_gaps: idle::idle_gaps(samples, f, info.idle_gap_threshold_s),
        thresholds: Vec::new(),
        sessions: info.sessions,
        windows,
        overload: Some(overload),
        compress_auto: info.compress_auto,
        server: None,
        shard: None,
        merged_shards: None,
        alignment: None,
        failure_reasons: Vec::new(),
        histograms: Some(
            hdr::Recorded::from_samples(samples, hdr::interval_for(profile_s / f)).encode(),
        ),
        profile: info.profile,
        totals,
    }
}

/// What became of the scheduled arrivals, and how late the sent ones left.
fn arrivals(info: &RunInfo, samples: &[Sample], dropped: u64, failed: u64) -> Arrivals {
    let profile_s = info.profile.duration_s;
    let sent = samples.len() as u64;
    let timing = samples
        .iter()
        .map(|s| ((s.sent_wall_s - s.due_wall_s) * 1000.0).max(0.0))
        .collect();
    Arrivals {
        scheduled: info.scheduled,
        sent,
        dropped,
        failed,
        scheduled_per_s: if profile_s > 0.0 {
            info.scheduled as f64 / profile_s
        } else {
            0.0
        },
        unsent: info.scheduled.saturating_sub(sent + dropped),
        // Set by the run, which knows what its stop cancelled.
        cancelled: 0,
        tolerance_ms: info.tolerance_ms,
        timing_error_ms: latency(timing),
    }
}

/// Fills the request counts of the sessions from what was sent.
#[cfg(test)]
mod tests;
