//! `loadgen run`: the probe of --compress auto, the run, its outcome in words, the upload.

use super::{EXIT_INTERRUPTED, EXIT_THRESHOLD, RunArgs};
use crate::plan::profile::parse_duration;
use crate::run;
use crate::run::probe;
use crate::server;
use crate::upload::{self, Destination, s3::S3Store};

pub(super) async fn run_command(args: &RunArgs) -> anyhow::Result<i32> {
    let mut cfg = args.to_config()?;
    // Before any traffic: a run whose outputs cannot go anywhere is not worth starting.
    let upload = match &args.upload {
        Some(text) => {
            let dest: Destination = text.parse().map_err(|e| anyhow::anyhow!("--upload: {e}"))?;
            let store = S3Store::connect(&dest.bucket)
                .await
                .map_err(|e| anyhow::anyhow!("--upload: {e}"))?;
            Some((dest, store))
        }
        None => None,
    };
    if cfg.server.any() {
        // Before any traffic, the probe's included: a wrong URL or PID fails at once.
        server::check(&cfg.server).await?;
    }
    if args.compress.trim() == "auto" {
        let step_s =
            parse_duration(&args.probe_step).map_err(|e| anyhow::anyhow!("--probe-step: {e}"))?;
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
    let s = run::run(cfg).await?;
    let code = outcome(&s, &out);
    if let Some((dest, store)) = upload {
        // Also after Ctrl-C: the outputs are written, and what was measured is kept.
        let keys = upload::upload(&store, &dest, shard, &out).await?;
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
            "loadgen: the run was cut short: {} of {} arrivals never played",
            s.arrivals.unsent,
            s.arrivals.scheduled
        );
        return EXIT_INTERRUPTED;
    }
    if failed { EXIT_THRESHOLD } else { 0 }
}
