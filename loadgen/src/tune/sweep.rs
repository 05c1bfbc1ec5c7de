//! One memory size of a sweep: cold starts, a sign-up, then warm requests of every route, one at a
//! time, inside the size's cgroup.

use std::time::Duration;

use crate::stats::Latency;
use crate::tune::cgroup::{Cgroup, CgroupError, Layout, Limits};
use crate::tune::event::{self, Account, ROUTES, Route};
use crate::tune::function::{EnvError, Environment, FunctionSpec};
use crate::tune::measure::{self, round3};
use crate::tune::runtime_api::Answer;
use crate::tune::schema::{RouteReport, SizeReport};

/// What every size of a sweep shares.
#[derive(Debug, Clone)]
pub struct SweepConfig {
    pub function: FunctionSpec,
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

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The HTTP status and body of an API Gateway v2 response; anything but 2xx is an error.
pub fn check_status(label: &str, a: &Answer) -> Result<serde_json::Value, EnvError> {
    let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap_or_default();
    let status = v["statusCode"].as_u64().unwrap_or(0) as u16;
    if !(200..300).contains(&status) {
        let body = v["body"]
            .as_str()
            .map(String::from)
            .unwrap_or_else(|| String::from_utf8_lossy(&a.body).into_owned());
        return Err(EnvError::Status {
            route: label.to_string(),
            status,
            body: body.chars().take(200).collect(),
        });
    }
    Ok(v)
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
            report.routes = ROUTES
                .iter()
                .zip(&m.warm)
                .map(|(r, d)| route_report(*r, d))
                .collect();
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

fn route_report(r: Route, ms: &[f64]) -> RouteReport {
    let d = crate::stats::latency(ms.to_vec());
    RouteReport {
        method: r.method(),
        route: r.path(),
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
    /// Durations per route, in [`ROUTES`] order.
    warm: Vec<Vec<f64>>,
}

/// Starts a process and answers its first invocation (GET /health): a cold start.
async fn cold_start(
    cfg: &SweepConfig,
    mb: u32,
    group: &Cgroup,
) -> Result<(Environment, Cold), EnvError> {
    let mut env = cfg.function.start(mb, "api", Some(group)).await?;
    let polled = env.init_done(cfg.timeout).await?;
    let event = event::for_route(Route::Health, &account(mb).as_ref(), "", "cold", now_ms());
    let a = env
        .invoke(event.to_string().into_bytes(), cfg.timeout)
        .await?;
    check_status("GET /health", &a)?;
    let cold = Cold {
        init_ms: ms(polled - env.started),
        cold_ms: ms(a.answered - env.started),
    };
    Ok((env, cold))
}

struct OwnedAccount {
    email: String,
    password: String,
}

impl OwnedAccount {
    fn as_ref(&self) -> Account<'_> {
        Account {
            email: &self.email,
            password: &self.password,
        }
    }
}

/// A fresh account per size (and run), so that a database given with --database-url can be reused.
fn account(mb: u32) -> OwnedAccount {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    OwnedAccount {
        email: format!("tune-{mb}-{}-{nanos}@example.com", std::process::id()),
        password: "loadgen tune password 1".into(),
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
    let acct = account(mb);
    let a = acct.as_ref();
    let reg = env
        .invoke(
            event::register(&a, "register", now_ms())
                .to_string()
                .into_bytes(),
            cfg.timeout,
        )
        .await?;
    let v = check_status("POST /api/v1/auth/register", &reg)?;
    let body: serde_json::Value =
        serde_json::from_str(v["body"].as_str().unwrap_or("{}")).unwrap_or_default();
    let token = body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut warm = vec![Vec::with_capacity(cfg.requests); ROUTES.len()];
    // One untimed round first: the lazy database connection and first-use allocations belong to
    // no warm request. Then the routes take turns, so that a noisy moment hits them all alike.
    for round in 0..=cfg.requests {
        for (i, r) in ROUTES.iter().enumerate() {
            let id = format!("{}-{round}", r.name());
            let e = event::for_route(*r, &a, &token, &id, now_ms());
            let ans = env.invoke(e.to_string().into_bytes(), cfg.timeout).await?;
            check_status(&format!("{} {}", r.method(), r.path()), &ans)?;
            if round > 0 {
                warm[i].push(ms(ans.duration));
            }
        }
    }
    env.stop().await;
    Ok(Measured { cold, warm })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str) -> Answer {
        Answer {
            duration: Duration::from_millis(1),
            answered: std::time::Instant::now(),
            body: body.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn only_a_2xx_answer_counts() {
        let ok = check_status("GET /health", &answer(r#"{"statusCode":200,"body":"{}"}"#));
        assert_eq!(ok.unwrap()["statusCode"], 200);
        let e = check_status("POST /x", &answer(r#"{"statusCode":503,"body":"slow"}"#));
        let want = EnvError::Status {
            route: "POST /x".into(),
            status: 503,
            body: "slow".into(),
        };
        assert_eq!(e.unwrap_err(), want);
        // Not an API Gateway response at all: status 0, the raw body as the reason.
        let e = check_status("GET /", &answer("oops")).unwrap_err();
        assert!(matches!(e, EnvError::Status { status: 0, ref body, .. } if body == "oops"));
    }
}
