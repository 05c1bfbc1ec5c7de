//! The run: preflight, setup phase, the goose attack that plays the timeline, the reports.
//!
//! goose only knows closed-model users that loop. Here every goose user loops one transaction
//! that claims the next arrival from the shared timeline, sleeps until it is due and sends the
//! next step of its journey. An arrival no user could start within the tolerance is recorded as
//! dropped, so a server (or a loadgen) that cannot keep up shows up in the summary instead of
//! silently lowering the rate. The last user to find the timeline exhausted stops goose.

use crate::journey::{Account, Body, JOURNEYS, Mix, Step, UserState};
use crate::profile::{Profile, Source};
use crate::record::ChunkedLog;
use crate::summary::{
    self, JourneyCount, ProfileInfo, RunInfo, Sample, SegmentInfo, Setup, Summary, Users,
};
use crate::threshold::Threshold;
use crate::timeline::Timeline;
use anyhow::{Context, anyhow, bail};
use goose::client::GooseClientBuilder;
use goose::config::GooseConfiguration;
use goose::goose::GooseResponse;
use goose::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};
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
    /// Accounts registered in the setup phase (users share them round-robin).
    pub accounts: usize,
    pub mix: Mix,
    pub thresholds: Vec<Threshold>,
    pub out: PathBuf,
    pub request_timeout_s: u64,
    pub progress: bool,
    pub goose_log: Option<String>,
    pub request_log: Option<String>,
    pub error_log: Option<String>,
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

#[derive(Clone)]
struct Session {
    state: UserState,
    finished: bool,
}

struct Shared {
    timeline: Timeline,
    next: AtomicUsize,
    t0: OnceLock<Instant>,
    lead: Duration,
    tolerance: Duration,
    samples: ChunkedLog<Sample>,
    dropped: ChunkedLog<f64>,
    sent: AtomicU64,
    errors: AtomicU64,
    n_dropped: AtomicU64,
    finished_users: AtomicUsize,
    ended: OnceLock<Instant>,
    users: usize,
    accounts: Vec<Account>,
    newcomers: Mutex<Vec<Account>>,
    started: [AtomicU64; 4],
    completed: [AtomicU64; 4],
    mix: Mix,
    seed: u64,
    tag: String,
}

impl Shared {
    fn t0(&self) -> Instant {
        *self.t0.get_or_init(|| Instant::now() + self.lead)
    }
}

/// Runs the whole thing and writes the reports and summary.json into `cfg.out`.
pub async fn run(cfg: RunConfig) -> anyhow::Result<Summary> {
    preflight(&cfg.host).await?;
    std::fs::create_dir_all(&cfg.out)
        .with_context(|| format!("cannot create --out {}", cfg.out.display()))?;

    let timeline = Timeline::generate(&cfg.profile, cfg.seed, cfg.compression);
    let peak_wall = cfg.profile.peak_rate() * cfg.compression;
    let users = cfg
        .users
        .unwrap_or_else(|| users_needed(peak_wall, cfg.expected_latency_ms / 1000.0, cfg.max_users))
        .min(timeline.len().max(1));
    let wall_s = cfg.profile.duration_s() / cfg.compression;
    let progress = cfg.progress;
    if progress {
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

    // Setup: accounts registered before the clock starts, so argon2 hashing on registration
    // is measured apart from the traffic.
    let tag = format!(
        "lg{:x}{:04x}",
        chrono::Utc::now().timestamp_millis(),
        cfg.seed & 0xffff
    );
    let password = format!("{tag}-Pw-loadgen");
    let n_accounts = cfg.accounts.clamp(1, users.max(1));
    if progress {
        errln!("loadgen: setup: registering {n_accounts} users");
    }
    let (accounts, register_samples, seeded) = setup(
        &cfg.host,
        n_accounts,
        &tag,
        &password,
        cfg.request_timeout_s,
    )
    .await?;

    let shared = Arc::new(Shared {
        timeline,
        next: AtomicUsize::new(0),
        t0: OnceLock::new(),
        // Time for goose to start every user before the first arrival is due.
        lead: Duration::from_millis(500 + users as u64),
        tolerance: Duration::from_secs_f64(cfg.tolerance_ms / 1000.0),
        samples: ChunkedLog::default(),
        dropped: ChunkedLog::default(),
        sent: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        n_dropped: AtomicU64::new(0),
        finished_users: AtomicUsize::new(0),
        ended: OnceLock::new(),
        users,
        accounts: accounts.clone(),
        newcomers: Mutex::new(Vec::new()),
        started: Default::default(),
        completed: Default::default(),
        mix: cfg.mix.clone(),
        seed: cfg.seed,
        tag: tag.clone(),
    });

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

    let reporter = progress.then(|| tokio::spawn(report_progress(shared.clone(), wall_s)));
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

    let t0 = shared.t0.get().copied().unwrap_or_else(Instant::now);
    let end = shared.ended.get().copied().unwrap_or_else(Instant::now);
    let wall_seconds = end.saturating_duration_since(t0).as_secs_f64();
    // Wall-clock time of t0, from the (UTC, Instant) pair taken just before goose started.
    let started_at = anchor.0
        + chrono::Duration::from_std(t0.saturating_duration_since(anchor.1)).unwrap_or_default();
    let ts =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let ended_at = started_at + chrono::Duration::milliseconds((wall_seconds * 1000.0) as i64);

    let samples = shared.samples.take();
    let dropped = shared.dropped.take();
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
        journeys: JOURNEYS
            .iter()
            .map(|j| JourneyCount {
                name: j.name().into(),
                weight: cfg.mix.weights[j.index()],
                started: shared.started[j.index()].load(Relaxed),
                completed: shared.completed[j.index()].load(Relaxed),
            })
            .collect(),
        setup: Setup {
            users_registered: accounts.len() as u64,
            entries_seeded: seeded,
            register: summary::stats(&register_samples),
        },
        scheduled: shared.timeline.len() as u64,
        tolerance_ms: cfg.tolerance_ms,
        idle_gap_threshold_s: cfg.idle_gap_s,
    };
    let mut summary = summary::build(info, &samples, &dropped);
    summary.thresholds = cfg.thresholds.iter().map(|t| t.judge(&summary)).collect();

    let mut all_accounts = accounts;
    all_accounts.extend(shared.newcomers.lock().expect("newcomers lock").drain(..));
    write_json(&cfg.out.join("summary.json"), &summary)?;
    write_json(
        &cfg.out.join("accounts.json"),
        &all_accounts
            .iter()
            .map(|a| serde_json::json!({"email": a.email, "password": a.password}))
            .collect::<Vec<_>>(),
    )?;
    Ok(summary)
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

async fn report_progress(shared: Arc<Shared>, wall_s: f64) {
    let every = Duration::from_secs(if wall_s > 120.0 { 10 } else { 2 });
    loop {
        tokio::time::sleep(every).await;
        let Some(t0) = shared.t0.get() else { continue };
        let el = Instant::now().saturating_duration_since(*t0).as_secs_f64();
        errln!(
            "loadgen: {:>6.1}s/{:.0}s  sent {}  errors {}  dropped {}  of {} scheduled",
            el.min(wall_s),
            wall_s,
            shared.sent.load(Relaxed),
            shared.errors.load(Relaxed),
            shared.n_dropped.load(Relaxed),
            shared.timeline.len()
        );
    }
}

/// One goose transaction: claim the next arrival, wait for it, send it.
async fn arrival(shared: &Shared, user: &mut GooseUser) -> TransactionResult {
    if user.get_session_data::<Session>().is_none() {
        let i = user.weighted_users_index;
        let account = shared.accounts[i % shared.accounts.len()].clone();
        let tag = format!("{}-u{i}", shared.tag);
        let seed = shared.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        user.set_session_data(Session {
            state: UserState::new(account, tag, seed),
            finished: false,
        });
    }
    if user.get_session_data_unchecked::<Session>().finished {
        tokio::time::sleep(Duration::from_millis(50)).await;
        return Ok(());
    }
    let t0 = shared.t0();
    let due_s = loop {
        let i = shared.next.fetch_add(1, Relaxed);
        if i >= shared.timeline.len() {
            user.get_session_data_unchecked_mut::<Session>().finished = true;
            if shared.finished_users.fetch_add(1, Relaxed) + 1 == shared.users {
                let _ = shared.ended.set(Instant::now());
                goose::trigger_killswitch("the schedule is complete");
            }
            return Ok(());
        }
        let due_s = shared.timeline.wall_due_s(i);
        let due = t0 + Duration::from_secs_f64(due_s);
        if Instant::now() > due + shared.tolerance {
            shared.dropped.push(due_s);
            shared.n_dropped.fetch_add(1, Relaxed);
            continue;
        }
        // tokio's timer (1 ms resolution, rounds up). A dedicated OS-thread clock on a condvar
        // was tried: sub-ms when idle, but one thread wake-up plus one runtime unpark per
        // arrival tripled loadgen's CPU per request and made the p99 worse under load.
        tokio::time::sleep_until(due.into()).await;
        break due_s;
    };

    let (plan, started) = user
        .get_session_data_unchecked_mut::<Session>()
        .state
        .next_request(&shared.mix);
    if started {
        shared.started[plan.journey.index()].fetch_add(1, Relaxed);
    }
    let method = match plan.method {
        "POST" => reqwest::Method::POST,
        "PUT" => reqwest::Method::PUT,
        "DELETE" => reqwest::Method::DELETE,
        _ => reqwest::Method::GET,
    };
    // The URL parsed once, against the already parsed base: goose's get_request_builder parses
    // the path, then base + path, then reqwest the resulting string again (host, IDNA and all),
    // which perf put at 4% of loadgen's CPU at 40,000 req/s.
    let url = user.base_url.join(&plan.path).map_err(|e| {
        Box::new(TransactionError::Custom(format!(
            "bad request path {}: {e}",
            plan.path
        )))
    })?;
    let mut rb = user.client.request(method, url);
    let request_bytes = plan.body.len() as u64;
    match plan.body {
        Body::None => {}
        Body::Json(s) => rb = rb.header("content-type", "application/json").body(s),
        Body::Form(s) => {
            rb = rb
                .header("content-type", "application/x-www-form-urlencoded")
                .body(s)
        }
    }
    if let Some(t) = &plan.bearer {
        rb = rb.bearer_auth(t);
    }
    // goose takes the method and URL from the request builder; the name groups its metrics.
    let request = GooseRequest::builder()
        .name(plan.route)
        .set_request_builder(rb)
        .build();
    let sent = Instant::now();
    let response = match user.request(request).await {
        Ok(GooseResponse {
            response: Ok(r), ..
        }) => {
            let status = r.status().as_u16();
            r.bytes().await.ok().map(|b| (status, b))
        }
        _ => None,
    };
    let latency_ms = sent.elapsed().as_secs_f64() * 1000.0;
    let session = user.get_session_data_unchecked_mut::<Session>();
    // No response, or a body cut short, is a transport error (status 0).
    let (status, response_bytes, (ok, done)) = match &response {
        Some((status, body)) => (
            *status,
            body.len() as u64,
            session.state.absorb(*status, body),
        ),
        None => (0, 0, session.state.absorb(0, &[])),
    };
    if ok
        && plan.step == Step::Register
        && let Some(a) = session.state.acting()
    {
        shared
            .newcomers
            .lock()
            .expect("newcomers lock")
            .push(a.clone());
    }
    if done {
        shared.completed[plan.journey.index()].fetch_add(1, Relaxed);
    }
    shared.sent.fetch_add(1, Relaxed);
    if !ok {
        shared.errors.fetch_add(1, Relaxed);
    }
    shared.samples.push(Sample {
        method: plan.method,
        route: plan.route,
        status,
        ok,
        due_wall_s: due_s,
        sent_wall_s: sent.saturating_duration_since(t0).as_secs_f64(),
        latency_ms,
        request_bytes,
        response_bytes,
    });
    Ok(())
}

/// Registers `n` accounts (four at a time) and seeds one entry each, so readers always have
/// something to read. Fails with the server's answer when the target refuses.
async fn setup(
    host: &str,
    n: usize,
    tag: &str,
    password: &str,
    timeout_s: u64,
) -> anyhow::Result<(Vec<Account>, Vec<Sample>, u64)> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout_s))
        .build()?;
    let base = host.trim_end_matches('/').to_string();
    let sem = Arc::new(tokio::sync::Semaphore::new(4));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let (client, base, sem) = (client.clone(), base.clone(), sem.clone());
        let account = Account {
            email: format!("{tag}-s{i}@loadgen.example.com"),
            password: password.to_string(),
        };
        set.spawn(async move {
            let _permit = sem.acquire_owned().await?;
            let body = serde_json::json!({"email": account.email, "password": account.password}).to_string();
            let sent = Instant::now();
            let r = client
                .post(format!("{base}/api/v1/auth/register"))
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .map_err(|e| anyhow!("setup: POST {base}/api/v1/auth/register failed: {e}"))?;
            let status = r.status();
            let bytes = r.bytes().await?;
            let sample = Sample {
                method: "POST",
                route: "/api/v1/auth/register",
                status: status.as_u16(),
                ok: status.is_success(),
                due_wall_s: 0.0,
                sent_wall_s: 0.0,
                latency_ms: sent.elapsed().as_secs_f64() * 1000.0,
                request_bytes: body.len() as u64,
                response_bytes: bytes.len() as u64,
            };
            let text = String::from_utf8_lossy(&bytes);
            if !status.is_success() {
                bail!(
                    "setup: registering a user failed: POST /api/v1/auth/register answered {status}: {} (does {base} speak the journal API?)",
                    text.chars().take(200).collect::<String>()
                );
            }
            let token = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v["access_token"].as_str().map(String::from))
                .ok_or_else(|| anyhow!("setup: the register answer has no access_token: {text}"))?;
            let entry = serde_json::json!({
                "work": "set up the load test",
                "struggle": "none yet",
                "intention": "read this entry back"
            });
            let r = client
                .post(format!("{base}/api/v1/entries"))
                .bearer_auth(token)
                .json(&entry)
                .send()
                .await?;
            if !r.status().is_success() {
                bail!("setup: seeding an entry failed: POST /api/v1/entries answered {}", r.status());
            }
            Ok::<_, anyhow::Error>((account, sample))
        });
    }
    let mut accounts = Vec::new();
    let mut samples = Vec::new();
    while let Some(r) = set.join_next().await {
        let (a, s) = r.context("setup task")??;
        accounts.push(a);
        samples.push(s);
    }
    accounts.sort_by(|a, b| a.email.cmp(&b.email));
    let seeded = accounts.len() as u64;
    Ok((accounts, samples, seeded))
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
