//! One memory size of a sweep: cold starts, then the scenario's setup, an untimed round of its
//! journeys and `requests` timed sessions of each, one invocation at a time, inside the size's
//! cgroup.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::SeedableRng;

use crate::scenario::{Now, Player, Scenario};
use crate::stats::Latency;
use crate::tune::cgroup::{Cgroup, CgroupError, Layout, Limits};
use crate::tune::event::EventFormat;
use crate::tune::function::{EnvError, Environment, FunctionSpec};
use crate::tune::measure::{self, round3};
use crate::tune::play::{self, Driver, Timed};
use crate::tune::schema::{RouteReport, SizeReport};

/// What every size of a sweep shares.
#[derive(Debug, Clone)]
pub struct SweepConfig {
    pub function: FunctionSpec,
    /// The front door whose events the function gets.
    pub format: EventFormat,
    /// Where the requests come from (`--scenario`, journal-api's by default).
    pub scenario: Arc<Scenario>,
    /// Timed requests per route and size.
    pub requests: usize,
    /// Processes started (and killed) per size to time cold starts; 0 times none.
    pub cold_starts: usize,
    /// Per invocation (and per init).
    pub timeout: Duration,
    pub progress: bool,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Measures one size; only a cgroup failure ends the sweep, anything the function does makes the
/// size unusable with its reason.
pub async fn measure_size(
    layout: &Layout,
    cfg: &SweepConfig,
    mb: u32,
) -> Result<SizeReport, CgroupError> {
    let limits = Limits::for_memory_mb(mb);
    let name = format!("deploycost-tune-{}-{mb}", std::process::id());
    let group = Cgroup::create(layout, &name, limits)?;
    let oom_before = group.oom_kills()?;
    let result = run_size(cfg, mb, &group).await;
    let oom = group.oom_kills()? > oom_before;
    let peak = group.memory_peak().map(crate::tune::schema::mib_ceil);
    let mut report = SizeReport {
        memory_mb: mb,
        usable: true,
        reason: None,
        cpus: round3(limits.cpus()),
        cold_start_ms: None,
        init_ms: None,
        max_memory_used_mb: peak,
        routes: Vec::new(),
    };
    match result {
        // An OOM kill says more than the broken connection or exit it causes.
        _ if oom => {
            report.usable = false;
            report.reason = Some(format!("killed by the out-of-memory killer at {mb} MB"));
        }
        Err(e) => {
            report.usable = false;
            report.reason = Some(e.to_string());
        }
        Ok(m) => {
            let cold: Vec<f64> = m.cold.iter().map(|c| c.cold_ms).collect();
            let init: Vec<f64> = m.cold.iter().map(|c| c.init_ms).collect();
            if !cold.is_empty() {
                report.cold_start_ms = Some(rounded(measure::spread(&cold)));
                report.init_ms = Some(rounded(measure::spread(&init)));
            }
            report.routes = m.warm.iter().map(route_report).collect();
        }
    }
    Ok(report)
}

fn rounded(s: measure::Spread) -> measure::Spread {
    measure::Spread {
        p50: round3(s.p50),
        p99: round3(s.p99),
        mean: round3(s.mean),
    }
}

fn route_report(t: &Timed) -> RouteReport {
    let ms = &t.ms;
    let d = crate::stats::latency(ms.to_vec());
    RouteReport {
        method: t.method.clone(),
        route: t.route.clone(),
        count: ms.len(),
        duration_ms: Latency {
            p50: round3(d.p50),
            p90: round3(d.p90),
            p99: round3(d.p99),
            mean: round3(d.mean),
            max: round3(d.max),
        },
        billed_ms_mean: round3(measure::billed_mean(ms)),
    }
}

struct Cold {
    init_ms: f64,
    cold_ms: f64,
}

struct Measured {
    cold: Vec<Cold>,
    /// Durations per route, in the order first met.
    warm: Vec<Timed>,
}

/// Starts a process and answers its first invocation (the first request of
/// [`play::cold_journey`]: journal's GET /health): a cold start. Any answer below 500 counts (a
/// sign-in may need an account the setup has not made yet).
async fn cold_start(
    cfg: &SweepConfig,
    mb: u32,
    group: &Cgroup,
) -> Result<(Environment, Cold), EnvError> {
    let mut env = cfg.function.start(mb, "api", Some(group)).await?;
    let polled = env.init_done(cfg.timeout).await?;
    let sc = &cfg.scenario;
    let j = play::cold_journey(sc);
    let values = play::account(sc, &format!("{mb}-cold"));
    let rng = rand_chacha::ChaCha8Rng::seed_from_u64(u64::from(mb));
    let first = Player::new(sc, j, values, 1, false, rng)
        .and_then(|mut p| {
            p.next_request(Now {
                sched_s: 0.0,
                wall_s: 0.0,
            })
        })
        .ok_or_else(|| {
            EnvError::Scenario(format!(
                "journey {} has no first request",
                sc.journeys[j].name
            ))
        })?;
    let mut d = driver(&mut env, cfg);
    let (a, _, answered) = d.send(&first.request).await?;
    if a.status >= 500 {
        return Err(EnvError::Status {
            route: format!("{} {}", first.request.method, first.route),
            status: a.status,
            body: String::from_utf8_lossy(&a.body).chars().take(200).collect(),
        });
    }
    let cold = Cold {
        init_ms: ms(polled - env.started),
        cold_ms: ms(answered - env.started),
    };
    Ok((env, cold))
}

fn driver<'a>(env: &'a mut Environment, cfg: &SweepConfig) -> Driver<'a> {
    Driver {
        env,
        format: cfg.format,
        timeout: cfg.timeout,
        started: Instant::now(),
        sent: 0,
    }
}

async fn run_size(cfg: &SweepConfig, mb: u32, group: &Cgroup) -> Result<Measured, EnvError> {
    // One environment at a time, as on Lambda: the previous one is gone before the next starts
    // (they share the size's cgroup, and its memory limit). The last one serves the warm requests.
    let (mut env, first) = cold_start(cfg, mb, group).await?;
    let mut cold = Vec::new();
    if cfg.cold_starts > 0 {
        cold.push(first);
    }
    for _ in 1..cfg.cold_starts {
        env.stop().await;
        let (e, c) = cold_start(cfg, mb, group).await?;
        env = e;
        cold.push(c);
    }
    let warm = play_scenario(&mut driver(&mut env, cfg), &cfg.scenario, mb, cfg.requests).await;
    env.stop().await;
    Ok(Measured { cold, warm: warm? })
}

/// The setup once for a pool account; one untimed session of each journey (the lazy database
/// connection and first-use allocations belong to no timed request); then `requests` rounds of
/// one timed session per journey, so that a noisy moment hits them all alike.
async fn play_scenario(
    d: &mut Driver<'_>,
    sc: &Scenario,
    mb: u32,
    requests: usize,
) -> Result<Vec<Timed>, EnvError> {
    let mut pool = play::account(sc, &format!("{mb}-pool"));
    d.setup(&sc.setup, &mut pool).await?;
    let mut timed = Vec::new();
    for round in 0..=requests {
        for (j, journey) in sc.journeys.iter().enumerate() {
            let values = if play::new_account(sc, j) {
                play::account(sc, &format!("{mb}-{round}-{j}"))
            } else {
                pool.clone()
            };
            let target = (journey.opening.len() + journey.steps.len()).max(1) as u32;
            let sink = (round > 0).then_some(&mut timed);
            d.session(sc, j, values, target, sink).await?;
        }
    }
    Ok(timed)
}
