//! The optional `server` block of a summary (v1.1, written when loadgen scraped the API's metrics
//! and sampled its processes): what the server itself spent, which sizes instances and tasks and
//! models the Lambda duration instead of the client's latency.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Deserialize;

use crate::workload::duration::{Duration, RouteTime};
use crate::workload::{Origin, Workload};

#[derive(Debug, Deserialize)]
pub struct Server {
    /// Requests the server counted over the measured window.
    pub requests: f64,
    /// CPU seconds of the API process (and its children) over the window.
    pub api_cpu_s: f64,
    /// CPU seconds of the database (the postmaster and every backend), when sampled.
    #[serde(default)]
    pub db_cpu_s: Option<f64>,
    #[serde(default)]
    pub routes: Vec<Route>,
}

#[derive(Debug, Deserialize)]
pub struct Route {
    pub method: String,
    pub route: String,
    pub count: f64,
    pub server_ms: ServerMs,
    /// Mean time hashing passwords per request of this route, ms (CPU-bound, on blocking threads).
    #[serde(default)]
    pub hash_ms: Option<f64>,
}

#[derive(Debug, Deserialize)]
pub struct ServerMs {
    pub mean: f64,
}

fn dec(v: f64) -> Decimal {
    Decimal::try_from(v).unwrap_or_default()
}

/// The CPU one request costs outside password hashing, ms: the API's CPU less the hashing, over
/// the requests. Hashing is attributed to the routes that hash.
fn other_cpu_ms(s: &Server) -> Decimal {
    let hashing_s: Decimal = s
        .routes
        .iter()
        .map(|r| dec(r.hash_ms.unwrap_or(0.0)) * dec(r.count) / dec!(1000))
        .sum();
    ((dec(s.api_cpu_s) - hashing_s).max(Decimal::ZERO) * dec!(1000) / dec(s.requests))
        .max(Decimal::ZERO)
}

/// Apply the server's figures to `w`: throughput per vCPU (at `target_utilization` of each vCPU),
/// the Lambda duration per route, database CPU per request. Returns what could not be used.
pub fn apply(
    s: &Server,
    w: &mut Workload,
    origin: &str,
    target_utilization: Decimal,
) -> Result<(), String> {
    if !(s.requests > 0.0 && s.api_cpu_s > 0.0) {
        return Err(format!(
            "server.requests ({}) and server.api_cpu_s ({}) must both be > 0",
            s.requests, s.api_cpu_s
        ));
    }
    let measured = |field: &str| Origin::measured(origin, field);
    w.throughput_rps_per_vcpu = dec(s.requests) / dec(s.api_cpu_s) * target_utilization;
    w.origins.throughput_rps_per_vcpu = measured(&format!(
        "server.requests / server.api_cpu_s x target utilization {}",
        target_utilization.normalize()
    ));
    if let Some(db) = s.db_cpu_s.filter(|d| *d >= 0.0) {
        w.db_cpu_ms_per_request = Some(dec(db) * dec!(1000) / dec(s.requests));
        w.origins.db_cpu_ms_per_request = measured("server.db_cpu_s / server.requests");
    }
    let counted: f64 = s.routes.iter().map(|r| r.count).sum();
    if counted > 0.0 {
        let other = other_cpu_ms(s);
        let routes = s
            .routes
            .iter()
            .filter(|r| r.count > 0.0)
            .map(|r| {
                let server = dec(r.server_ms.mean);
                let cpu = (other + dec(r.hash_ms.unwrap_or(0.0))).min(server);
                RouteTime {
                    route: format!("{} {}", r.method, r.route),
                    share: dec(r.count) / dec(counted),
                    cpu_ms: cpu,
                    wait_ms: server - cpu,
                }
            })
            .collect::<Vec<_>>();
        w.duration_ms =
            crate::workload::duration::mean_ms(&routes, crate::workload::duration::ONE_VCPU_MB);
        w.duration = Duration::Server { routes };
        w.origins.duration_ms = measured("server.routes[].server_ms and CPU per request");
    }
    Ok(())
}
