//! The optional `server` block of a summary (v1.1; v1.5 `log_bytes_per_request`; written when loadgen scraped the API's metrics
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
    /// v1.5: bytes of log the API wrote per request, when it counts them.
    #[serde(default)]
    pub log_bytes_per_request: Option<f64>,
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

/// The server block's figures, each checked against its range before any arithmetic.
struct Checked {
    requests: Decimal,
    api_cpu_s: Decimal,
    db_cpu_s: Option<Decimal>,
    /// Route, count, mean server ms, hashing ms.
    routes: Vec<(String, Decimal, Decimal, Decimal)>,
    log_bytes_per_request: Option<Decimal>,
}

fn check(s: &Server) -> Result<Checked, String> {
    use crate::limits::{self, field_f64};
    let ms = (dec!(0), limits::DURATION_MS);
    limits::entries("server.routes", s.routes.len(), limits::LIST_ENTRIES)?;
    let routes = s
        .routes
        .iter()
        .map(|r| {
            let count = field_f64(
                "server.routes[].count",
                r.count,
                dec!(0),
                limits::REQUESTS_PER_MONTH,
            )?;
            let mean = field_f64(
                "server.routes[].server_ms.mean",
                r.server_ms.mean,
                ms.0,
                ms.1,
            )?;
            let hash = field_f64(
                "server.routes[].hash_ms",
                r.hash_ms.unwrap_or(0.0),
                ms.0,
                ms.1,
            )?;
            Ok((format!("{} {}", r.method, r.route), count, mean, hash))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Checked {
        requests: field_f64(
            "server.requests",
            s.requests,
            dec!(1),
            limits::REQUESTS_PER_MONTH,
        )?,
        api_cpu_s: field_f64(
            "server.api_cpu_s",
            s.api_cpu_s,
            dec!(0.000001),
            limits::CPU_SECONDS,
        )?,
        db_cpu_s: s
            .db_cpu_s
            .map(|d| field_f64("server.db_cpu_s", d, dec!(0), limits::CPU_SECONDS))
            .transpose()?,
        routes,
        log_bytes_per_request: s
            .log_bytes_per_request
            .map(|b| {
                field_f64(
                    "server.log_bytes_per_request",
                    b,
                    dec!(0),
                    limits::LOG_BYTES,
                )
            })
            .transpose()?,
    })
}

/// The CPU one request costs outside password hashing, ms: the API's CPU less the hashing, over
/// the requests. Hashing is attributed to the routes that hash.
fn other_cpu_ms(s: &Checked) -> Decimal {
    let hashing_s: Decimal = s.routes.iter().map(|r| r.3 * r.1 / dec!(1000)).sum();
    ((s.api_cpu_s - hashing_s).max(Decimal::ZERO) * dec!(1000) / s.requests).max(Decimal::ZERO)
}

/// Apply the server's figures to `w`: throughput per vCPU (at `target_utilization` of each vCPU),
/// the Lambda duration per route, database CPU per request, log bytes per request. Returns what
/// could not be used.
pub fn apply(
    s: &Server,
    w: &mut Workload,
    origin: &str,
    target_utilization: Decimal,
) -> Result<(), String> {
    let s = check(s)?;
    let measured = |field: &str| Origin::measured(origin, field);
    w.throughput_rps_per_vcpu = s.requests / s.api_cpu_s * target_utilization;
    w.origins.throughput_rps_per_vcpu = measured(&format!(
        "server.requests / server.api_cpu_s x target utilization {}",
        target_utilization.normalize()
    ));
    if let Some(db) = s.db_cpu_s {
        w.db_cpu_ms_per_request = Some(db * dec!(1000) / s.requests);
        w.origins.db_cpu_ms_per_request = measured("server.db_cpu_s / server.requests");
    }
    if let Some(bytes) = s.log_bytes_per_request {
        w.log_bytes_per_request = bytes;
        w.origins.log_bytes_per_request = measured("server.log_bytes_per_request");
    }
    let counted: Decimal = s.routes.iter().map(|r| r.1).sum();
    if counted > Decimal::ZERO {
        let other = other_cpu_ms(&s);
        let routes = s
            .routes
            .iter()
            .filter(|r| r.1 > Decimal::ZERO)
            .map(|(route, count, server, hash)| {
                let cpu = (other + hash).min(*server);
                RouteTime {
                    route: route.clone(),
                    share: count / counted,
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
