//! `--compress auto`: a short capacity probe of the target, then the highest compression whose
//! compressed peak stays within a safe fraction of that capacity.
//!
//! Compression multiplies the rate on the wire. Chosen by hand it overloads the target easily
//! (a day at 1,440x against a laptop dropped 85% of its arrivals), and an overloaded run measures
//! queues, not the service. The probe plays the run's own mix (same journeys, sessions, logout
//! share) at rising steady rates, a few seconds each, until drops, failures or latency say stop.

use crate::plan::profile::{Profile, Segment, Source};
use crate::run::{self, RunConfig};
use crate::summary::{Probe, ProbeStep as Step, Summary};

/// The compressed peak may use this fraction of the probed capacity: headroom for Poisson
/// bursts above the mean rate and for a machine that is busier during the run than the probe.
pub const SAFE_FRACTION: f64 = 0.5;
/// At most this many steps, this much probe traffic and this long.
pub const MAX_STEPS: usize = 10;
pub const MAX_REQUESTS: u64 = 60_000;
pub const MAX_SECONDS: f64 = 120.0;
/// A step fails when its p99 exceeds this many times the first step's, by at least 200 ms: the
/// first step's p99 is a login's (tens of ms), and a p99 a few times that is still a server that
/// keeps up (the day at 144x in docs/benchmarks/loadgen-runs.md ran with no drop at a p99 of 65 ms, where a 320 req/s step
/// showed 175 ms); seconds are not.
const P99_GROWTH: f64 = 4.0;
const P99_GROWTH_MIN_MS: f64 = 200.0;
/// Think time in the probe: sessions come back at once, so a short step already has the run's
/// mix of logins and session requests (a long think time would make it all logins).
const PROBE_THINK_S: f64 = 0.05;

/// Judges one step against the first one.
pub fn judge(rate: f64, s: &Summary, first_p99_ms: Option<f64>) -> Step {
    let a = &s.arrivals;
    let pct = |n: u64| n as f64 * 100.0 / a.scheduled.max(1) as f64;
    let p99 = s.totals.latency_ms.p99;
    let reason = if pct(a.dropped) > 1.0 {
        format!("{:.1}% dropped", pct(a.dropped))
    } else if pct(a.failed) > 1.0 {
        format!("{:.1}% failed", pct(a.failed))
    } else if let Some(f) =
        first_p99_ms.filter(|f| p99 > f * P99_GROWTH && p99 - f >= P99_GROWTH_MIN_MS)
    {
        format!("p99 {p99:.0} ms, over {P99_GROWTH}x the first step's {f:.0} ms")
    } else {
        String::new()
    };
    Step {
        rate_per_s: rate,
        scheduled: a.scheduled,
        sent: a.sent,
        dropped: a.dropped,
        failed: a.failed,
        p50_ms: s.totals.latency_ms.p50,
        p99_ms: p99,
        passed: reason.is_empty(),
        reason,
    }
}

/// The highest whole compression whose compressed peak fits in the safe share of `capacity`.
pub fn choose(capacity_per_s: f64, peak_per_s: f64) -> f64 {
    if peak_per_s <= 0.0 {
        return 1.0;
    }
    (SAFE_FRACTION * capacity_per_s / peak_per_s)
        .floor()
        .max(1.0)
}

/// Rates to try: from the profile's real-time peak (at least 5 req/s), doubling.
pub fn rates(peak_per_s: f64) -> impl Iterator<Item = f64> {
    let start = peak_per_s.max(5.0).ceil();
    (0..MAX_STEPS).map(move |k| start * 2f64.powi(k as i32))
}

/// Runs the probe against `cfg.host` with `cfg`'s mix and sessions, `step_s` wall seconds a step.
pub async fn probe(cfg: &RunConfig, step_s: f64) -> anyhow::Result<Probe> {
    let peak = cfg.profile.peak_rate();
    let started = std::time::Instant::now();
    let (mut steps, mut requests, mut first_p99) = (Vec::new(), 0u64, None);
    for rate in rates(peak) {
        let elapsed = started.elapsed().as_secs_f64();
        if requests + (rate * step_s) as u64 > MAX_REQUESTS || elapsed + step_s > MAX_SECONDS {
            break;
        }
        let s = run::run(step_config(cfg, rate, step_s), None).await?;
        requests += s.arrivals.sent;
        let step = judge(rate, &s, first_p99);
        first_p99.get_or_insert(step.p99_ms);
        if cfg.progress {
            errln!(
                "loadgen: probe {rate:.0} req/s: sent {} dropped {} failed {}, latency p50 {:.1} ms p99 {:.1} ms: {}",
                step.sent,
                step.dropped,
                step.failed,
                step.p50_ms,
                step.p99_ms,
                if step.passed { "ok" } else { &step.reason }
            );
        }
        let passed = step.passed;
        steps.push(step);
        if !passed {
            break;
        }
    }
    let capacity = steps
        .iter()
        .filter(|s| s.passed)
        .map(|s| s.rate_per_s)
        .fold(0.0, f64::max);
    Ok(Probe {
        chosen: choose(capacity, peak),
        capacity_per_s: capacity,
        safe_fraction: SAFE_FRACTION,
        peak_rate_per_s: peak,
        steps,
        probe_seconds: started.elapsed().as_secs_f64(),
        probe_requests: requests,
        step_seconds: step_s,
    })
}

fn step_config(cfg: &RunConfig, rate: f64, step_s: f64) -> RunConfig {
    let mut c = cfg.clone();
    c.profile = Profile {
        name: format!("probe-{rate}"),
        source: Source::Builtin,
        segments: vec![Segment::constant(step_s, rate)],
    };
    c.compression = 1.0;
    c.thresholds.clear();
    c.sessions.think_s = Some(PROBE_THINK_S);
    c.accounts = cfg.accounts.min(8);
    c.progress = false;
    // The probe measures the client side only; the run measures the server.
    c.server = crate::server::ServerOptions::default();
    c.out = cfg.out.join("probe").join(format!("{rate:.0}"));
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_keeps_the_compressed_peak_within_half_the_capacity() {
        // Diurnal at --rate-scale 0.1 peaks at 2 req/s; 600 req/s of capacity allow 150x.
        assert_eq!(choose(600.0, 2.0), 150.0);
        assert_eq!(choose(601.0, 2.0), 150.0);
        // A target slower than the real-time peak: real time, and the run will show the overload.
        assert_eq!(choose(0.0, 2.0), 1.0);
        assert_eq!(choose(3.0, 2.0), 1.0);
    }

    fn summary(sent: u64, dropped: u64, failed: u64, p99: f64) -> Summary {
        let mut s: Summary =
            serde_json::from_str(include_str!("../../tests/data/summary-v1.json")).unwrap();
        s.arrivals.scheduled = sent + dropped;
        (s.arrivals.sent, s.arrivals.dropped, s.arrivals.failed) = (sent, dropped, failed);
        s.totals.latency_ms.p99 = p99;
        s
    }

    #[test]
    fn a_step_fails_on_drops_failures_or_a_p99_that_took_off() {
        let ok = judge(40.0, &summary(200, 0, 0, 30.0), Some(10.0));
        assert!(ok.passed && ok.reason.is_empty(), "{ok:?}");
        assert!(
            judge(40.0, &summary(198, 2, 0, 5.0), None).passed,
            "1% is not over"
        );
        let d = judge(40.0, &summary(190, 10, 0, 5.0), None);
        assert_eq!((d.passed, d.reason.as_str()), (false, "5.0% dropped"));
        assert_eq!(
            judge(40.0, &summary(200, 0, 3, 5.0), None).reason,
            "1.5% failed"
        );
        let slow = judge(80.0, &summary(400, 0, 0, 250.0), Some(10.0));
        assert!(slow.reason.starts_with("p99 250 ms, over 4x"), "{slow:?}");
        // Four times a login's p99 is still fast: not a failure under 200 ms of growth.
        assert!(judge(80.0, &summary(400, 0, 0, 175.0), Some(39.0)).passed);
    }

    #[test]
    fn rates_double_from_the_real_time_peak() {
        let r: Vec<f64> = rates(2.0).take(4).collect();
        assert_eq!(r, [5.0, 10.0, 20.0, 40.0]);
        assert_eq!(rates(30.2).next(), Some(31.0));
        assert_eq!(rates(1.0).count(), MAX_STEPS);
    }
}
