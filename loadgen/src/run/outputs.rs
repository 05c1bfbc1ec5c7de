//! Writing what a run recorded: the summary (summary.json) and the accounts it registered.

use super::RunConfig;
use crate::plan::profile::{Profile, Source};
use crate::plan::session::{REFRESH_MARGIN_S, SessionConfig};
use crate::plan::shard::Shard;
use crate::run::pool::IDLE_TIMEOUT_S;
use crate::run::worker::{Shared, journey_counts};
use crate::server;
use crate::summary::ShardInfo;
use crate::summary::{
    self, JourneyCount, ProfileInfo, RunInfo, SegmentInfo, Sessions, Setup, Summary, Users,
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
            entries_seeded: registered.accounts.len() as u64,
            register: summary::stats(&registered.samples),
        },
        scheduled: shared.clock.timeline.len() as u64,
        tolerance_ms: cfg.tolerance_ms,
        idle_gap_threshold_s: cfg.idle_gap_s,
        sessions: Some(sessions_info(&cfg.sessions, shared)),
        compress_auto: cfg.compress_auto.clone(),
    };
    let mut summary = summary::build(info, &samples, &dropped);
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
        .map(|(j, started, completed)| JourneyCount {
            name: j.name().into(),
            weight: cfg.mix.weights[j.index()],
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

/// The session figures known at the end of the run (request counts come from the samples).
fn sessions_info(cfg: &SessionConfig, shared: &Shared) -> Sessions {
    let counts = journey_counts(shared);
    Sessions {
        requests: cfg.length.describe(),
        requests_mean: cfg.length.mean(),
        think_time_s: cfg.think_s,
        idle_timeout_s: IDLE_TIMEOUT_S,
        logout_share: cfg.logout_share,
        started: counts.iter().map(|c| c.1).sum(),
        completed: counts.iter().map(|c| c.2).sum(),
        abandoned: shared.crowd.pool.abandoned(),
        open_at_end: shared.crowd.pool.waiting(),
        preexisting: shared
            .crowd
            .preexisting
            .load(std::sync::atomic::Ordering::Relaxed),
        max_token_age_s: shared.crowd.max_token_age_s(),
        token_lifetime_s: shared.crowd.token_lifetime_s(),
        refresh_margin_s: REFRESH_MARGIN_S,
        ..Sessions::default()
    }
}

fn write_json<T: serde::Serialize>(path: &std::path::Path, v: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(v)?;
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
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
