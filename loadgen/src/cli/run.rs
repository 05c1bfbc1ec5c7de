//! `loadgen run`: the probe of --compress auto, the run, its outcome in words, the upload (its
//! flags and their checks are in `run_args`).

use super::exit::{EXIT_ERROR, EXIT_INTERRUPTED, EXIT_THRESHOLD};
pub use super::run_args::RunArgs;
use crate::plan::profile::parse_duration;
use crate::run::{self, probe};
use crate::scenario::CheckError;
use crate::server::{self, WatchError, block::Tree};
use crate::upload::{self, Destination, s3::S3Store};

/// Why `loadgen run` stopped, each in the words of the flag or the step at fault.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A flag's value (the message names the flag).
    #[error("{0}")]
    Flag(String),
    /// The scenario (`--scenario`): every problem, one per line, at FILE:LINE:COLUMN.
    #[error("{}", .0.iter().map(|e| e.to_string().replace('\n', " ")).collect::<Vec<_>>().join("\n"))]
    Scenario(Vec<CheckError>),
    /// A server source (--server-metrics, --server-pid, --db-pid) that cannot be measured.
    #[error("{}", server_source(.0))]
    Server(#[from] WatchError),
    #[error("--upload: {0}")]
    Upload(String),
    /// The run itself: the target, goose, the outputs (the chain of causes on one line).
    #[error("{}", format!("{:#}", .0).replace('\n', " "))]
    Run(#[from] anyhow::Error),
}

/// Runs `loadgen run`; returns the exit status.
pub async fn main(args: &RunArgs) -> i32 {
    match run_command(args).await {
        Ok(code) => code,
        Err(RunError::Scenario(errors)) => super::scenario::print_errors(&errors),
        Err(e) => {
            errln!("loadgen: error: {}", e.to_string().replace('\n', " "));
            EXIT_ERROR
        }
    }
}

async fn run_command(args: &RunArgs) -> Result<i32, RunError> {
    let mut cfg = args.to_config()?;
    // Before any traffic: a run whose outputs cannot go anywhere is not worth starting.
    let upload = match &args.upload {
        Some(text) => {
            let dest: Destination = text.parse().map_err(|e| RunError::Upload(format!("{e}")))?;
            let store = S3Store::connect(&dest.bucket)
                .await
                .map_err(|e| RunError::Upload(format!("{e}")))?;
            Some((dest, store))
        }
        None => None,
    };
    // Before any traffic, the probe's included: a wrong URL or PID fails at once. Checked once:
    // the run takes the armed sources.
    let armed = if cfg.server.any() {
        Some(server::check(&cfg.server).await?)
    } else {
        None
    };
    if args.compress.trim() == "auto" {
        let step_s = parse_duration(&args.probe_step)
            .map_err(|e| RunError::Flag(format!("--probe-step: {e}")))?;
        run::preflight(&cfg.host).await?;
        if cfg.progress {
            errln!(
                "loadgen: --compress auto: probing {} with the run's mix, {step_s}s per step",
                cfg.host
            );
        }
        let p = probe::probe(&cfg, step_s).await?;
        outln!(
            "loadgen: --compress auto: capacity about {:.0} req/s (highest probe step that passed, {} requests in {:.0}s); chose compression {} (peak {:.2} req/s x {} = {:.0} req/s, within {:.0}% of it)",
            p.capacity_per_s,
            p.probe_requests,
            p.probe_seconds,
            p.chosen,
            p.peak_rate_per_s,
            p.chosen,
            p.peak_rate_per_s * p.chosen,
            p.safe_fraction * 100.0
        );
        if p.capacity_per_s < p.peak_rate_per_s {
            outln!(
                "loadgen: warning: the target did not sustain even the profile's real-time peak ({:.1} req/s): the run (at real time) will show the overload",
                p.peak_rate_per_s
            );
        }
        cfg.compression = p.chosen;
        cfg.compress_auto = Some(p);
    }
    let out = cfg.out.clone();
    // The key's shard folder: any --shard run is a shard (batch/1 too, so that a job of one has
    // the layout of an array's).
    let shard = args.shard.as_ref().map(|_| cfg.shard.index);
    let s = run::run(cfg, armed).await?;
    let code = outcome(&s, &out);
    if let Some((dest, store)) = upload {
        // Also after Ctrl-C: the outputs are written, and what was measured is kept.
        let keys = upload::upload(&store, &dest, shard, &out)
            .await
            .map_err(anyhow::Error::from)?;
        outln!(
            "loadgen: uploaded {} files to s3://{}/{}",
            keys.len(),
            dest.bucket,
            dest.key(shard, std::path::Path::new(""))
        );
    }
    Ok(code)
}

/// The run's outcome in words; returns the exit status.
fn outcome(s: &crate::summary::Summary, out: &std::path::Path) -> i32 {
    let t = &s.totals;
    outln!(
        "loadgen: {} sent, {} dropped of {} scheduled; {} failed; latency ms p50 {:.1} p90 {:.1} p99 {:.1} max {:.1}; arrival timing error p99 {:.2} ms",
        s.arrivals.sent,
        s.arrivals.dropped,
        s.arrivals.scheduled,
        t.failures,
        t.latency_ms.p50,
        t.latency_ms.p90,
        t.latency_ms.p99,
        t.latency_ms.max,
        s.arrivals.timing_error_ms.p99
    );
    outln!(
        "loadgen: {:.1}s wall = {:.0}s of schedule (compression {}); reports in {}",
        s.wall_seconds,
        s.schedule_seconds,
        s.compression,
        out.display()
    );
    let mut failed = false;
    for r in &s.thresholds {
        outln!(
            "loadgen: threshold {} {} (observed {:.3})",
            r.expr,
            if r.passed { "passed" } else { "FAILED" },
            r.observed
        );
        failed |= !r.passed;
    }
    if s.arrivals.unsent > 0 {
        outln!(
            "loadgen: the run was cut short: {} of {} arrivals never played, {} requests in flight cancelled",
            s.arrivals.unsent,
            s.arrivals.scheduled,
            s.arrivals.cancelled
        );
        return EXIT_INTERRUPTED;
    }
    if failed { EXIT_THRESHOLD } else { 0 }
}

/// A server source that cannot be measured, in the words of the flag that named it.
fn server_source(e: &WatchError) -> String {
    match e {
        WatchError::Metrics { url, error } => format!(
            "--server-metrics {url}: {error}: pass the API's METRICS_ADDR endpoint, e.g. http://127.0.0.1:9464/metrics"
        ),
        WatchError::NoProcess { tree, pid } => {
            let (flag, what) = match tree {
                Tree::Api => ("--server-pid", "the running journal-api"),
                Tree::Db => ("--db-pid", "the running PostgreSQL postmaster"),
            };
            format!("{flag} {pid}: no such process: pass the PID of {what}")
        }
    }
}
