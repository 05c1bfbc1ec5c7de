//! The run: preflight, setup phase, the goose attack that plays the timeline, the reports.
//! What each goose user does is in [`super::worker`].

use super::outputs::finish;

use crate::plan::journey::Mix;
use crate::plan::profile::Profile;
use crate::plan::session::SessionConfig;
use crate::plan::shard::{Shard, late_by_s};
use crate::plan::timeline::Timeline;
use crate::run::setup::{Registered, setup};
use crate::run::worker::{Clock, Crowd, Shared, arrival};
use crate::scenario::Values;
use crate::server::{self, ServerOptions};
use crate::summary::Summary;
use crate::summary::threshold::Threshold;
use anyhow::{Context, anyhow, bail};
use goose::client::GooseClientBuilder;
use goose::config::GooseConfiguration;
use goose::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Everything `loadgen run` was asked to do.
#[derive(Clone, Debug)]
pub struct RunConfig {
    pub host: String,
    pub profile: Profile,
    pub compression: f64,
    pub rate_scale: f64,
    pub seed: u64,
    pub max_users: usize,
    /// Fixed user count instead of the one derived from peak rate x expected latency.
    pub users: Option<usize>,
    pub expected_latency_ms: f64,
    pub tolerance_ms: f64,
    pub idle_gap_s: f64,
    /// Accounts registered in the setup phase (sessions act as one of them, drawn at random).
    pub accounts: usize,
    /// What the sessions send: journal-api's journeys, or the `--scenario` file's (checked).
    pub scenario: &'static crate::scenario::Scenario,
    /// One weight per journey of the scenario.
    pub mix: Mix,
    pub sessions: SessionConfig,
    /// The probe that chose `compression` (`--compress auto`), recorded in the summary.
    pub compress_auto: Option<crate::summary::Probe>,
    /// The part of the timeline this process plays (`--shard K/N`; 0/1 for all of it).
    pub shard: Shard,
    /// The shards' common start (`--start-at`).
    pub start_at: Option<chrono::DateTime<chrono::Utc>>,
    pub thresholds: Vec<Threshold>,
    pub out: PathBuf,
    pub request_timeout_s: u64,
    pub progress: bool,
    pub goose_log: Option<String>,
    pub request_log: Option<String>,
    pub error_log: Option<String>,
    /// What to measure on the server side (summary.json's `server` block).
    pub server: ServerOptions,
}

/// Users needed so that Poisson bursts at the peak rate find a free user: the mean concurrency
/// m = rate x latency, doubled, plus four standard deviations and a floor; capped.
pub fn users_needed(peak_wall_rate: f64, expected_latency_s: f64, max_users: usize) -> usize {
    let m = peak_wall_rate * expected_latency_s;
    let n = (2.0 * m + 4.0 * m.sqrt() + 8.0).ceil() as usize;
    n.clamp(1, max_users.max(1))
}

/// Fails with one clear line unless `host` answers HTTP at all (any status will do).
pub async fn preflight(host: &str) -> anyhow::Result<()> {
    let url = reqwest::Url::parse(host).map_err(|e| {
        anyhow!("invalid --host '{host}': {e} (expected a URL like http://127.0.0.1:8080)")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("invalid --host '{host}': the scheme must be http or https");
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()?;
    client.get(url.clone()).send().await.map_err(|e| {
        let mut cause = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            cause = s.to_string();
            src = s.source();
        }
        anyhow!("cannot reach {host}: {cause} (is the server running and the URL right?)")
    })?;
    Ok(())
}

/// Runs the whole thing and writes the reports and summary.json into `cfg.out`.
pub async fn run(cfg: RunConfig, armed: Option<server::Armed>) -> anyhow::Result<Summary> {
    preflight(&cfg.host).await?;
    std::fs::create_dir_all(&cfg.out)
        .with_context(|| format!("cannot create --out {}", cfg.out.display()))?;

    let global = Timeline::generate(&cfg.profile, cfg.seed, cfg.compression);
    let timeline = cfg.shard.keep(global);
    let (users, wall_s) = size_users(&cfg, &timeline);

    // Setup: accounts registered before the clock starts, so argon2 hashing on registration
    // is measured apart from the traffic.
    // The shard in the tag: shards never share a user, even when started the same millisecond.
    let tag = format!(
        "lg{:x}{:04x}k{}",
        chrono::Utc::now().timestamp_millis(),
        cfg.seed & 0xffff,
        cfg.shard.index
    );
    let password = format!("{tag}-Pw-loadgen");
    let n_accounts = cfg.accounts.clamp(1, users.max(1));
    if cfg.progress {
        errln!("loadgen: setup: registering {n_accounts} users");
    }
    let base = env_values(cfg.scenario);
    let registered = setup(
        &cfg.host,
        cfg.scenario,
        n_accounts,
        (&tag, &password),
        &base,
        cfg.request_timeout_s,
    )
    .await?;
    let lead = cfg
        .start_at
        .map(|s| (s - chrono::Utc::now()).to_std().unwrap_or_default());
    let shared = shared_state(&cfg, timeline, users, (&registered, base), tag, lead);
    let late_s = align(&cfg, &shared);
    // The server's baseline: after the setup phase, before the first arrival (nothing is sent
    // in between, so the window's deltas are the schedule's play).
    let watch = match armed {
        Some(a) => Some(a.start().await),
        None => None,
    };
    let wait_s = lead.map_or(0.0, |d| d.as_secs_f64());
    let anchor = attack(&cfg, shared.clone(), users, wall_s + wait_s).await?;
    let server = match watch {
        Some(w) => Some(stop_watch(w, &shared).await),
        None => None,
    };
    finish(&cfg, &shared, registered, users, anchor, server, late_s)
}

/// Pins the start of the clock to `--start-at`; returns how late (seconds) this shard was ready.
/// A start already past leaves the clock there: the arrivals due before now are claimed too late
/// and counted as dropped, never shifted.
fn align(cfg: &RunConfig, shared: &Shared) -> f64 {
    let Some(start) = cfg.start_at else {
        return 0.0;
    };
    let (now_utc, now) = (chrono::Utc::now(), Instant::now());
    let t0 = match (start - now_utc).to_std() {
        Ok(ahead) => now + ahead,
        Err(_) => {
            let behind = (now_utc - start).to_std().unwrap_or_default();
            now.checked_sub(behind).unwrap_or(now)
        }
    };
    let _ = shared.clock.t0.set(t0);
    let late_s = late_by_s(start, now_utc);
    if late_s > 0.0 {
        // Said even with --quiet: a late shard changes what the run measured.
        errln!(
            "loadgen: shard {}/{} ready {late_s:.3}s after --start-at {}: the arrivals due before then count as dropped",
            cfg.shard.index,
            cfg.shard.count,
            start.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        );
    }
    late_s
}

/// How many goose users play the timeline, and its wall-clock length; said on stderr.
fn size_users(cfg: &RunConfig, timeline: &Timeline) -> (usize, f64) {
    let peak_wall = cfg.profile.peak_rate() * cfg.compression * cfg.shard.share();
    let users = cfg
        .users
        .unwrap_or_else(|| users_needed(peak_wall, cfg.expected_latency_ms / 1000.0, cfg.max_users))
        .min(timeline.len().max(1));
    let wall_s = cfg.profile.duration_s() / cfg.compression;
    if cfg.progress {
        errln!(
            "loadgen: {} arrivals over {:.0}s of schedule ({:.1}s wall at compression {}), peak {:.1} req/s wall, {} users",
            timeline.len(),
            cfg.profile.duration_s(),
            wall_s,
            cfg.compression,
            peak_wall,
            users
        );
    }
    (users, wall_s)
}

/// What the users share during the run, with the sessions already in flight at the start.
fn shared_state(
    cfg: &RunConfig,
    timeline: Timeline,
    users: usize,
    (registered, base): (&Registered, Values),
    tag: String,
    lead: Option<Duration>,
) -> Arc<Shared> {
    // A shard plays its share of the rate: the sessions it keeps follow that share.
    let rates = cfg
        .profile
        .clone()
        .scaled(cfg.shard.share())
        .unwrap_or_else(|_| cfg.profile.clone());
    let clock = Clock::new(
        timeline,
        rates.clone(),
        // Time for goose to start every user before the first arrival is due.
        lead.unwrap_or(Duration::from_millis(500 + users as u64)),
        Duration::from_secs_f64(cfg.tolerance_ms / 1000.0),
    );
    let crowd = Crowd::new(
        cfg.scenario,
        (registered.accounts.clone(), registered.saved.clone()),
        base,
        cfg.mix.clone(),
        cfg.sessions.clone(),
        tag,
    );
    let mut shared = Shared::new(clock, crowd, users, cfg.seed);
    // --quiet without a Goose log: goose's per-request warnings have nowhere to go but the
    // terminal (goose's own quiet level still prints them).
    shared.quiet_goose = !cfg.progress && cfg.goose_log.is_none();
    let shared = Arc::new(shared);
    if !shared.crowd.probes_only {
        // The sessions in flight in a steady state: rate x think time.
        let count = (rates.rate_at(0.0) * shared.crowd.pool.think_s()).round() as usize;
        let lead_s = shared.clock.lead.as_secs_f64();
        let age = registered.at.elapsed().as_secs_f64() + lead_s;
        shared.preseed(count, age, cfg.seed);
    }
    shared
}

/// `env.NAME` for each environment variable the scenario names (checked to be set before the
/// run), so sessions copy those, not the whole environment.
fn env_values(s: &crate::scenario::Scenario) -> Values {
    s.env_names()
        .into_iter()
        .filter_map(|n| {
            let v = std::env::var(&n).ok()?;
            Some((format!("env.{n}"), serde_json::Value::String(v)))
        })
        .collect()
}

/// The last readings, right after the last response; the window is the schedule's play.
async fn stop_watch(w: server::Watch, shared: &Shared) -> server::block::Recorded {
    let (t0, window_s) = shared.played();
    w.stop(t0, window_s).await
}

/// Plays the timeline with goose; returns the (UTC, Instant) pair taken just before it started.
async fn attack(
    cfg: &RunConfig,
    shared: Arc<Shared>,
    users: usize,
    wall_s: f64,
) -> anyhow::Result<(chrono::DateTime<chrono::Utc>, Instant)> {
    let out = |name: &str| cfg.out.join(name).to_string_lossy().into_owned();
    let mut gc = GooseConfiguration::default();
    gc.host = Some(cfg.host.clone());
    gc.users = Some(users);
    gc.increase_rate = Some("1000".into());
    // A safety net only: the last user stops the run when the timeline is done.
    gc.run_time = Some(format!("{}", (wall_s * 1.2 + 60.0).ceil() as u64));
    gc.report_file = vec![out("report.html"), out("report.json"), out("report.md")];
    gc.no_reset_metrics = true;
    // The one transaction's time includes the sleep until the arrival is due: meaningless as a
    // metric, and the per-request metrics already say everything.
    gc.no_transaction_metrics = true;
    gc.no_scenario_metrics = true;
    gc.no_telnet = true;
    gc.no_print_metrics = true;
    gc.quiet = 1;
    gc.timeout = Some(cfg.request_timeout_s.to_string());
    gc.goose_log = cfg.goose_log.clone();
    gc.request_log = cfg.request_log.clone();
    gc.error_log = cfg.error_log.clone();

    let s2 = shared.clone();
    let transaction: TransactionFunction = Arc::new(move |user| {
        let shared = s2.clone();
        Box::pin(async move { arrival(&shared, user).await })
    });
    let scenario = scenario!("open-model")
        .register_transaction(Transaction::new(transaction).set_name("arrival"));

    let reporter = cfg
        .progress
        .then(|| tokio::spawn(crate::run::progress::report(shared.clone(), wall_s)));
    let anchor = (chrono::Utc::now(), Instant::now());
    let result = GooseAttack::initialize_with_config(gc)
        .map_err(|e| anyhow!("goose: {e}"))?
        // One HTTP client and keep-alive pool for every user (the journeys carry bearer tokens,
        // no cookies): connections follow the requests in flight, not the size of the user pool.
        // (A client per user opens a connection per user, whether the traffic needs it or not.)
        .set_client_builder_without_cookies(GooseClientBuilder::new().without_cookies())
        .map_err(|e| anyhow!("goose: {e}"))?
        .register_scenario(scenario)
        .execute()
        .await;
    if let Some(r) = reporter {
        r.abort();
    }
    goose::reset_killswitch();
    result.map_err(|e| anyhow!("goose: {e}"))?;
    Ok(anchor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_cover_peak_concurrency_with_headroom_and_a_cap() {
        // 100 req/s x 250 ms: mean concurrency 25 -> 50 + 20 + 8.
        assert_eq!(users_needed(100.0, 0.25, 1000), 78);
        assert_eq!(users_needed(0.0, 0.25, 1000), 8);
        assert_eq!(users_needed(10_000.0, 0.25, 1000), 1000);
        assert_eq!(users_needed(100.0, 0.25, 0), 1);
    }

    #[tokio::test]
    async fn preflight_rejects_bad_urls_and_closed_ports() {
        let e = preflight("not a url").await.unwrap_err().to_string();
        assert!(e.starts_with("invalid --host 'not a url'"), "{e}");
        let e = preflight("ftp://127.0.0.1:1")
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("http or https"), "{e}");
        // A port nobody listens on: bind one, then close it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let e = preflight(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!("cannot reach http://127.0.0.1:{port}")),
            "{e}"
        );
    }
}
