//! Writing what a run recorded: the summary (summary.json) and the accounts it registered.

use super::RunConfig;
use crate::plan::profile::{Profile, Source};
use crate::plan::session::Kind;
use crate::plan::shard::Shard;
use crate::run::pool::IDLE_TIMEOUT_S;
use crate::run::worker::{Shared, journey_counts};
use crate::server;
use crate::summary::ShardInfo;
use crate::summary::{
    self, FailureReason, JourneyCount, ProfileInfo, RunInfo, ScenarioInfo, SegmentInfo, Sessions,
    Setup, Summary, Users,
};
use anyhow::Context;
use std::time::Instant;

/// Turns what the run recorded into the summary; writes summary.json and accounts.json.
pub(super) fn finish(
    cfg: &RunConfig,
    shared: &Shared,
    registered: crate::run::setup::Registered,
    users: usize,
    anchor: (chrono::DateTime<chrono::Utc>, Instant),
    server: Option<server::block::Recorded>,
    late_start_s: f64,
) -> anyhow::Result<Summary> {
    let (t0, wall_seconds) = shared.played();
    // Wall-clock time of t0, from the (UTC, Instant) pair taken just before goose started.
    // With --start-at the clock was pinned to it (possibly before goose started).
    let started_at = cfg.start_at.unwrap_or_else(|| {
        anchor.0
            + chrono::Duration::from_std(t0.saturating_duration_since(anchor.1)).unwrap_or_default()
    });
    let ts =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let ended_at = started_at + chrono::Duration::milliseconds((wall_seconds * 1000.0) as i64);

    let samples = shared.tally.samples.take();
    let dropped = shared.tally.dropped.take();
    let info = RunInfo {
        target: cfg.host.clone(),
        profile: profile_info(&cfg.profile),
        compression: cfg.compression,
        rate_scale: cfg.rate_scale,
        seed: cfg.seed,
        started_at: ts(started_at),
        ended_at: ts(ended_at),
        wall_seconds,
        users: Users {
            started: users,
            max: cfg.max_users,
        },
        journeys: journeys(cfg, shared),
        setup: Setup {
            users_registered: registered.accounts.len() as u64,
            // The setup's steps after the first (journal-api: one entry per account).
            entries_seeded: registered.accounts.len() as u64
                * cfg.scenario.setup.len().saturating_sub(1) as u64,
            register: summary::stats(&registered.samples),
        },
        scheduled: shared.clock.timeline.len() as u64,
        tolerance_ms: cfg.tolerance_ms,
        idle_gap_threshold_s: cfg.idle_gap_s,
        sessions: Some(sessions_info(cfg, shared)),
        compress_auto: cfg.compress_auto.clone(),
    };
    let mut summary = summary::build(info, &samples, &dropped);
    summary.scenario = Some(scenario_info(&cfg.scenario.provenance));
    summary.failure_reasons = failure_reasons(shared);
    summary.arrivals.cancelled = shared
        .tally
        .cancelled
        .load(std::sync::atomic::Ordering::Relaxed);
    summary.server = server.and_then(|mut r| {
        r.requests_sent = samples.len() as u64;
        server::block::build(&r)
    });
    if cfg.shard != Shard::WHOLE || cfg.start_at.is_some() {
        summary.shard = Some(ShardInfo {
            index: cfg.shard.index,
            count: cfg.shard.count,
            start_at: cfg.start_at.map(ts),
            late_start_s,
        });
    }
    summary.thresholds = cfg.thresholds.iter().map(|t| t.judge(&summary)).collect();

    write_json(&cfg.out.join("summary.json"), &summary)?;
    write_accounts(cfg, shared, registered.accounts)?;
    Ok(summary)
}

/// Each journey's weight, and how many started and completed.
fn journeys(cfg: &RunConfig, shared: &Shared) -> Vec<JourneyCount> {
    journey_counts(shared)
        .into_iter()
        .zip(&cfg.mix.weights)
        .map(|((name, started, completed), weight)| JourneyCount {
            name: name.into(),
            weight: *weight,
            started,
            completed,
        })
        .collect()
}

/// accounts.json: every account the run used (registered first, or by newcomers during it), so
/// a person can clean them up or log in as one.
fn write_accounts(
    cfg: &RunConfig,
    shared: &Shared,
    mut accounts: Vec<crate::plan::journey::Account>,
) -> anyhow::Result<()> {
    accounts.extend(
        shared
            .crowd
            .newcomers
            .lock()
            .expect("newcomers lock")
            .drain(..),
    );
    write_json(
        &cfg.out.join("accounts.json"),
        &accounts
            .iter()
            .map(|a| serde_json::json!({"email": a.email, "password": a.password}))
            .collect::<Vec<_>>(),
    )
}

/// Capture failures by endpoint and reason, sorted by route, method, reason.
fn failure_reasons(shared: &Shared) -> Vec<FailureReason> {
    let reasons = shared.tally.reasons.lock().expect("reasons lock");
    let mut out: Vec<FailureReason> = reasons
        .iter()
        .map(|((method, route, reason), count)| FailureReason {
            method: method.to_string(),
            route: route.to_string(),
            reason: reason.clone(),
            count: *count,
        })
        .collect();
    out.sort_by(|a, b| (&a.route, &a.method, &a.reason).cmp(&(&b.route, &b.method, &b.reason)));
    out
}

/// The session figures known at the end of the run. The shape (requests, think time, logout
/// share, refresh margin) is the most weighted journey's: one figure for all when they agree,
/// as journal-api's do.
fn sessions_info(cfg: &RunConfig, shared: &Shared) -> Sessions {
    let counts = journey_counts(shared);
    let s = cfg.scenario;
    let top = (s.journeys.iter().zip(&cfg.mix.weights))
        .filter(|(j, _)| j.session.is_some())
        .max_by_key(|(_, w)| **w)
        .or_else(|| {
            s.journeys
                .iter()
                .zip(&cfg.mix.weights)
                .max_by_key(|(_, w)| **w)
        })
        .map(|(j, _)| j);
    let session = top
        .and_then(|j| j.session.as_deref())
        .and_then(|n| s.session(n));
    let length = top.map(|j| cfg.sessions.length(j));
    let c = &shared.crowd;
    Sessions {
        requests: length.map(|l| l.describe()).unwrap_or_default(),
        requests_mean: length.map_or(0.0, |l| l.mean()),
        think_time_s: top.map_or(0.0, |j| cfg.sessions.think_s(j)),
        idle_timeout_s: IDLE_TIMEOUT_S,
        logout_share: cfg.sessions.logout_share(session),
        started: counts.iter().map(|c| c.1).sum(),
        completed: counts.iter().map(|c| c.2).sum(),
        abandoned: c.pool.abandoned(),
        open_at_end: c.pool.waiting(),
        preexisting: c.preexisting.load(std::sync::atomic::Ordering::Relaxed),
        logins: c.kind_count(Kind::Login),
        registrations: c.kind_count(Kind::Registration),
        refreshes: c.kind_count(Kind::Refresh),
        logouts: c.kind_count(Kind::Logout),
        session_requests: c.kind_count(Kind::Request),
        max_token_age_s: c.max_token_age_s(),
        token_lifetime_s: c.token_lifetime_s(),
        refresh_margin_s: session
            .and_then(|s| s.refresh.as_ref())
            .map_or(0.0, |r| r.margin_s),
    }
}

fn write_json<T: serde::Serialize>(path: &std::path::Path, v: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(v)?;
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}

/// The summary's `scenario` block, from the scenario's provenance (`summary` imports no scenario code).
fn scenario_info(p: &crate::scenario::Provenance) -> ScenarioInfo {
    ScenarioInfo {
        name: p.name.clone(),
        source: if p.builtin { "builtin" } else { "file" }.into(),
        sha256: p.sha256.clone(),
    }
}

pub fn profile_info(p: &Profile) -> ProfileInfo {
    let (source, path) = match &p.source {
        Source::Builtin => ("builtin", None),
        Source::File(f) => ("file", Some(f.clone())),
    };
    ProfileInfo {
        name: p.name.clone(),
        source: source.into(),
        path,
        duration_s: p.duration_s(),
        mean_rate_per_s: p.mean_rate(),
        peak_rate_per_s: p.peak_rate(),
        segments: p
            .segments
            .iter()
            .map(|s| SegmentInfo {
                duration_s: s.duration_s,
                from_per_s: s.from_per_s,
                to_per_s: s.to_per_s,
            })
            .collect(),
    }
}
