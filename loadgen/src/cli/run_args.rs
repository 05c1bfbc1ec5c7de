//! `loadgen run`'s flags and their checks: everything that needs no network, so bad input
//! (a flag, the scenario) fails before anything is sent.

use super::run::RunError;
use crate::plan::journey::Mix;
use crate::plan::profile::{self, parse_duration};
use crate::plan::session::{SessionConfig, SessionLength};
use crate::plan::shard::{self, Shard};
use crate::run::RunConfig;
use crate::scenario::{self, CheckOptions, Scenario};
use crate::server::ServerOptions;
use crate::summary::threshold::Threshold;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Base URL of the API under test, e.g. http://127.0.0.1:8080
    #[arg(long, value_name = "URL")]
    pub host: String,
    /// steady, ramp, spike, diurnal, side-project, or a .toml profile file (see README)
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: String,
    /// Schedule length in real time (90s, 10m, 1h30m, 1d); required for built-in profiles,
    /// repeats or cuts a profile file
    #[arg(long, value_name = "D")]
    pub duration: Option<String>,
    /// Play the schedule F times faster than real time (a day in ten minutes: 144), or `auto`:
    /// probe the target's capacity with the run's own mix first and take the highest F whose
    /// compressed peak stays within half of it. Recorded in summary.json
    #[arg(long = "compress", value_name = "F|auto", default_value = "1")]
    pub compress: String,
    /// With --compress auto: how long each probe step lasts (wall time)
    #[arg(long, value_name = "D", default_value = "5s")]
    pub probe_step: String,
    /// Multiply every rate of the profile by X
    #[arg(long, value_name = "X", default_value_t = 1.0)]
    pub rate_scale: f64,
    /// Seed of the arrival timeline and journey choices (same seed, same schedule)
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Cap on goose users (concurrent requests in flight)
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_users: usize,
    /// Start exactly N users instead of peak rate x expected latency (with headroom)
    #[arg(long, value_name = "N")]
    pub users: Option<usize>,
    /// Latency assumed when sizing the user pool
    #[arg(long, value_name = "D", default_value = "250ms")]
    pub expected_latency: String,
    /// An arrival that cannot start this late (every user busy) is counted as dropped
    #[arg(long, value_name = "D", default_value = "50ms")]
    pub tolerance: String,
    /// Report silences at least this long (real time) as idle gaps
    #[arg(long, value_name = "D", default_value = "60s")]
    pub idle_gap: String,
    /// The journeys to play: a scenario file (TOML; see `loadgen scenario check`). Default:
    /// journal-api's journeys (loadgen/scenarios/journal.toml, built in)
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Weights of the sessions users start, by journey name (default: the scenario's weights;
    /// journal-api's: newcomer=1,writer=9,reader=19,health=1); @FILE reads them from FILE (as
    /// `profile from-logs --scenario` writes STEM.mix)
    #[arg(long, value_name = "W")]
    pub mix: Option<String>,
    /// Requests per session after the sign-in, for every journey: N, geo:MEAN (geometric, most
    /// sessions short, a few long) or MIN..MAX (uniform); refreshes and the logout come on top
    /// (default: each journey's session_requests; journal-api's geo:12)
    #[arg(long, value_name = "N|geo:MEAN|MIN..MAX")]
    pub session_requests: Option<String>,
    /// Least time (schedule time) between two requests of one session, for every journey
    /// (default: each journey's think_time; journal-api's 20s)
    #[arg(long, value_name = "D")]
    pub think_time: Option<String>,
    /// Percent of sessions that end with a logout, for every session with a logout (the others
    /// just stop, as closed tabs do; default: each session's share; journal-api's 25)
    #[arg(long, value_name = "P")]
    pub logout_share: Option<f64>,
    /// Accounts registered in the setup phase (at most one per user); sessions act as one of
    /// them, drawn at random
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub accounts: usize,
    /// Pass/fail rule, repeatable: p50|p90|p99|mean|max <|<=|>|>= value ms|s, or
    /// error-rate|drop-rate <|<= value %. Exit status 3 when one fails
    #[arg(long, value_name = "EXPR")]
    pub threshold: Vec<String>,
    /// Play shard K of N of the seeded timeline: the arrivals whose index i has i mod N = K, so
    /// N processes with the same plan send exactly the one-machine timeline (see README: Shards
    /// and merge); accounts are registered per shard. batch/N takes K from
    /// AWS_BATCH_JOB_ARRAY_INDEX (a child of an AWS Batch array job; batch/1 without it is 0/1)
    #[arg(long, value_name = "K/N|batch/N")]
    pub shard: Option<String>,
    /// Common start of the shards: an RFC 3339 time or +SECONDS from now. The setup phase runs
    /// before it; a shard ready later says so, and the arrivals due before count as dropped
    #[arg(long, value_name = "TIME|+S")]
    pub start_at: Option<String>,
    /// Folder for report.html, report.json, report.md, summary.json and accounts.json
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// After the run, copy every file of --out to S3: under PREFIX/shard-K/ for a --shard run,
    /// PREFIX/ otherwise (standard AWS credential and region chain; AWS_ENDPOINT_URL honoured)
    #[arg(long, value_name = "s3://BUCKET/PREFIX")]
    pub upload: Option<String>,
    /// Per-request timeout, seconds
    #[arg(long, value_name = "S", default_value_t = 30)]
    pub timeout: u64,
    /// No progress lines on stderr
    #[arg(long, short)]
    pub quiet: bool,
    /// goose's own log file
    #[arg(long, value_name = "FILE")]
    pub goose_log: Option<String>,
    /// goose's request log (one line per request)
    #[arg(long, value_name = "FILE")]
    pub request_log: Option<String>,
    /// goose's error log
    #[arg(long, value_name = "FILE")]
    pub error_log: Option<String>,
    /// The API's Prometheus endpoint (its METRICS_ADDR, e.g. http://127.0.0.1:9464/metrics):
    /// scraped before the first arrival, every 2 s and at the end, for the server block of
    /// summary.json (requests it counted, server time per route, hashing, database time)
    #[arg(long, value_name = "URL")]
    pub server_metrics: Option<String>,
    /// PID of the API process: its CPU (and its descendants') and memory, sampled from /proc
    /// every second (Linux)
    #[arg(long, value_name = "PID")]
    pub server_pid: Option<u32>,
    /// PID of the database server (PostgreSQL's postmaster): CPU and memory of it and every
    /// backend it forks; needs --server-pid or --server-metrics
    #[arg(long, value_name = "PID")]
    pub db_pid: Option<u32>,
}

fn duration_ms(flag: &str, text: &str) -> anyhow::Result<f64> {
    parse_duration(text)
        .map(|s| s * 1000.0)
        .map_err(|e| anyhow::anyhow!("--{flag}: {e}"))
}

impl RunArgs {
    /// --compress as a factor (auto plays at 1 until the probe chooses).
    fn compression(&self) -> anyhow::Result<f64> {
        if self.compress.trim() == "auto" {
            return Ok(1.0);
        }
        match self.compress.trim().parse::<f64>() {
            Ok(f) if f.is_finite() && f > 0.0 => Ok(f),
            _ => anyhow::bail!(
                "--compress must be a number > 0 (1 = real time) or auto, got {}",
                self.compress
            ),
        }
    }

    /// --session-requests, --logout-share and --think-time, where given.
    fn sessions(&self) -> anyhow::Result<SessionConfig> {
        let length = (self.session_requests.as_deref())
            .map(|t| t.parse::<SessionLength>().map_err(anyhow::Error::msg))
            .transpose()?;
        if let Some(p) = self.logout_share
            && !(0.0..=100.0).contains(&p)
        {
            anyhow::bail!("--logout-share must be a percent from 0 to 100, got {p}");
        }
        let think_s = (self.think_time.as_deref())
            .map(|t| duration_ms("think-time", t).map(|ms| ms / 1000.0))
            .transpose()?;
        Ok(SessionConfig {
            length,
            logout_share: self.logout_share.map(|p| p / 100.0),
            think_s,
        })
    }

    /// The scenario (`--scenario`, or journal-api's), checked with the environment its
    /// `env.*` read: kept for the life of the process (a run, or a probe's runs, play it).
    fn scenario(&self) -> Result<&'static Scenario, RunError> {
        let env: std::collections::BTreeMap<String, String> = std::env::vars().collect();
        let opts = CheckOptions {
            mix: None,
            env: Some(&env),
        };
        let s = match &self.scenario {
            Some(path) => scenario::load(path, opts),
            None => scenario::journal(opts),
        };
        s.map(|s| &*Box::leak(Box::new(s)))
            .map_err(RunError::Scenario)
    }

    /// --shard and --start-at.
    fn shard(&self) -> anyhow::Result<(Shard, Option<chrono::DateTime<chrono::Utc>>)> {
        let index = std::env::var(shard::BATCH_INDEX_VAR).ok();
        let shard = match &self.shard {
            Some(text) => Shard::from_batch(text, index.as_deref())
                .unwrap_or_else(|| text.parse::<Shard>())
                .map_err(|e| anyhow::anyhow!("--shard: {e}"))?,
            None => Shard::WHOLE,
        };
        if shard.count > 1 && self.compress.trim() == "auto" {
            anyhow::bail!(
                "--shard needs a fixed --compress F: each shard's probe could choose another F, and the shards would no longer play one plan"
            );
        }
        let start_at = self
            .start_at
            .as_deref()
            .map(|t| shard::parse_start_at(t, chrono::Utc::now()))
            .transpose()
            .map_err(|e| anyhow::anyhow!("--start-at: {e}"))?;
        Ok((shard, start_at))
    }

    /// Every check that needs no network, so bad input fails before anything is sent.
    pub fn to_config(&self) -> Result<RunConfig, RunError> {
        let scenario = self.scenario()?;
        self.config(scenario)
            .map_err(|e| RunError::Flag(format!("{e:#}")))
    }

    fn config(&self, scenario: &'static Scenario) -> anyhow::Result<RunConfig> {
        let compression = self.compression()?;
        let duration = self
            .duration
            .as_deref()
            .map(parse_duration)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--duration: {e}"))?;
        let profile = profile::resolve(&self.profile, duration, self.rate_scale, self.seed)?;
        if profile.expected_arrivals() < 0.5 {
            anyhow::bail!(
                "profile '{}' schedules no request in {:.0}s: lengthen --duration or raise --rate-scale",
                profile.name,
                profile.duration_s()
            );
        }
        let thresholds = self
            .threshold
            .iter()
            .map(|t| t.parse::<Threshold>().map_err(anyhow::Error::msg))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let weights = match &self.mix {
            Some(m) => super::scenario::mix_arg(m)
                .and_then(|m| scenario::mix_weights(scenario, &m))
                .map_err(anyhow::Error::msg)?,
            None => scenario.weights(),
        };
        let mix = Mix { weights };
        if mix.is_empty() {
            anyhow::bail!("the scenario's journeys all weigh 0: give --mix");
        }
        let sessions = self.sessions()?;
        if self.db_pid.is_some() && self.server_pid.is_none() && self.server_metrics.is_none() {
            anyhow::bail!(
                "--db-pid needs --server-pid or --server-metrics: the server block prices the API's CPU, which --db-pid alone does not measure"
            );
        }
        let (shard, start_at) = self.shard()?;
        if self.max_users == 0 || self.users == Some(0) {
            anyhow::bail!("--max-users and --users must be at least 1");
        }
        Ok(RunConfig {
            host: self.host.trim_end_matches('/').to_string(),
            profile,
            compression,
            rate_scale: self.rate_scale,
            seed: self.seed,
            max_users: self.max_users,
            users: self.users.map(|u| u.min(self.max_users)),
            expected_latency_ms: duration_ms("expected-latency", &self.expected_latency)?,
            tolerance_ms: duration_ms("tolerance", &self.tolerance)?,
            idle_gap_s: duration_ms("idle-gap", &self.idle_gap)? / 1000.0,
            accounts: self.accounts.max(1),
            scenario,
            mix,
            sessions,
            compress_auto: None,
            shard,
            start_at,
            thresholds,
            out: self.out.clone(),
            request_timeout_s: self.timeout.max(1),
            progress: !self.quiet,
            goose_log: self.goose_log.clone(),
            request_log: self.request_log.clone(),
            error_log: self.error_log.clone(),
            server: ServerOptions {
                metrics_url: self.server_metrics.clone(),
                api_pid: self.server_pid,
                db_pid: self.db_pid,
            },
        })
    }
}
