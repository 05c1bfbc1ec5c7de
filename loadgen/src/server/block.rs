//! The `server` block of summary.json (v1.2, v1.5 log bytes; its types in [`crate::summary::server`]): built from
//! what [`super::watch`] recorded. Pure.

use super::metrics::{Endpoint, Snapshot};
pub use crate::summary::server::{
    CpuPoint, CpuSource, PeakRss, RequestSource, Route, ServerBlock, ServerMs, Sources,
};
use std::collections::BTreeMap;
use std::fmt;

/// A process tree at one sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TreePoint {
    pub cpu_s: f64,
    pub rss_bytes: u64,
    pub processes: usize,
}

/// One /proc sample of both trees; `None` for a tree not asked for or already gone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProcPoint {
    pub t_s: f64,
    pub api: Option<TreePoint>,
    pub db: Option<TreePoint>,
}

/// Everything the watch recorded, times in wall seconds from the first arrival's due time.
#[derive(Clone, Debug, Default)]
pub struct Recorded {
    pub window_s: f64,
    pub requests_sent: u64,
    pub metrics_url: Option<String>,
    /// Successful scrapes in order: the first before the first arrival, the last after the end
    /// unless the endpoint went away.
    pub scrapes: Vec<(f64, Snapshot)>,
    /// The final scrape worked (the metrics cover the whole window).
    pub metrics_complete: bool,
    pub api_pid: Option<u32>,
    pub db_pid: Option<u32>,
    pub proc: Vec<ProcPoint>,
    pub warnings: Vec<Warning>,
}

/// What went wrong while measuring; the figures measured so far are kept.
#[derive(Clone, Debug, PartialEq)]
pub enum Warning {
    RequestsDisagree {
        counted: f64,
        sent: u64,
    },
    ScrapeFailed {
        url: String,
        t_s: f64,
        cause: String,
    },
    MetricsLost {
        url: String,
        last_t_s: f64,
    },
    ProcessGone {
        what: Tree,
        pid: u32,
        last_t_s: f64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tree {
    Api,
    Db,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::RequestsDisagree { counted, sent } => write!(
                f,
                "the server counted {counted} requests in the window, loadgen sent {sent}: more than {:.0}% apart (another client, or requests that never reached it)",
                TOLERANCE * 100.0
            ),
            Warning::ScrapeFailed { url, t_s, cause } => {
                write!(f, "scrape of {url} at {t_s:.1}s failed: {cause}")
            }
            Warning::MetricsLost { url, last_t_s } => write!(
                f,
                "{url} stopped answering: the metrics figures cover the window up to {last_t_s:.1}s only"
            ),
            Warning::ProcessGone {
                what,
                pid,
                last_t_s,
            } => write!(
                f,
                "{} process {pid} exited: its figures cover the window up to {last_t_s:.1}s only",
                match what {
                    Tree::Api => "the API",
                    Tree::Db => "the database",
                }
            ),
        }
    }
}

/// Counted and sent requests may differ by this share (or one request) before it is a warning.
pub const TOLERANCE: f64 = 0.01;

/// The block, or `None` when nothing about the server was measured.
pub fn build(r: &Recorded) -> Option<ServerBlock> {
    let metrics = metric_window(r);
    let api_proc = tree_delta(&r.proc, |p| p.api);
    let db_proc = tree_delta(&r.proc, |p| p.db);
    let (api_cpu_s, api_cpu) = match (api_proc, metrics) {
        (Some(d), _) => (d, CpuSource::Proc),
        (None, Some((a, b))) => (
            delta(a.cpu_seconds, b.cpu_seconds).unwrap_or(0.0),
            CpuSource::Metrics,
        ),
        (None, None) => return None,
    };
    let mut warnings = r.warnings.clone();
    let requests = match metrics {
        Some((a, b)) => {
            let counted = b.total_requests() - a.total_requests();
            let sent = r.requests_sent as f64;
            if r.metrics_complete && (counted - sent).abs() > (TOLERANCE * sent).max(1.0) {
                warnings.push(Warning::RequestsDisagree {
                    counted,
                    sent: r.requests_sent,
                });
            }
            counted
        }
        None => r.requests_sent as f64,
    };
    let peak = |pick: fn(&ProcPoint) -> Option<TreePoint>| {
        r.proc.iter().filter_map(pick).map(|t| t.rss_bytes).max()
    };
    Some(ServerBlock {
        window_s: r.window_s,
        requests,
        requests_sent: r.requests_sent,
        api_cpu_s,
        db_cpu_s: db_proc,
        routes: metrics.map(|(a, b)| routes(a, b)).unwrap_or_default(),
        peak_rss_bytes: PeakRss {
            // Without a PID, the API's own gauge at each scrape.
            api: peak(|p| p.api).or_else(|| {
                r.scrapes
                    .iter()
                    .filter_map(|s| s.1.resident_bytes)
                    .map(|v| v as u64)
                    .max()
            }),
            db: peak(|p| p.db),
        },
        pool_waits: metrics.and_then(|(a, b)| delta(a.pool_waits, b.pool_waits)),
        log_bytes_per_request: metrics.and_then(|(a, b)| {
            let bytes = (b.total_log_bytes()? - a.total_log_bytes()?).max(0.0);
            (requests > 0.0).then(|| micro(bytes / requests))
        }),
        sources: Sources {
            metrics_url: r.metrics_url.clone(),
            api_pid: r.api_pid,
            db_pid: r.db_pid,
            api_cpu,
            requests: if metrics.is_some() {
                RequestSource::Metrics
            } else {
                RequestSource::Sent
            },
            db_processes_max: r
                .proc
                .iter()
                .filter_map(|p| p.db)
                .map(|t| t.processes)
                .max(),
        },
        cpu_timeline: cpu_timeline(r),
        warnings: warnings.iter().map(ToString::to_string).collect(),
    })
}

/// The first and last successful scrapes, when there are two.
fn metric_window(r: &Recorded) -> Option<(&Snapshot, &Snapshot)> {
    match (r.scrapes.first(), r.scrapes.last()) {
        (Some(a), Some(b)) if r.scrapes.len() >= 2 => Some((&a.1, &b.1)),
        _ => None,
    }
}

fn delta(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(micro((b? - a?).max(0.0)))
}

/// CPU seconds come in clock ticks (10 ms): differences like 0.05000000000000004 are float
/// noise, rounded to the microsecond.
fn micro(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// CPU seconds of one tree from its first sample to its last (it may have exited before the end).
fn tree_delta(points: &[ProcPoint], pick: fn(&ProcPoint) -> Option<TreePoint>) -> Option<f64> {
    let mut seen = points.iter().filter_map(pick);
    let first = seen.next()?;
    let last = seen.next_back().unwrap_or(first);
    Some(micro((last.cpu_s - first.cpu_s).max(0.0)))
}

/// Per-route figures from the difference of two scrapes; routes with no request are left out.
fn routes(a: &Snapshot, b: &Snapshot) -> Vec<Route> {
    let per_request = |pick: fn(&Snapshot) -> &BTreeMap<Endpoint, f64>, k: &Endpoint, n: f64| {
        let v = |s: &Snapshot| pick(s).get(k).copied().unwrap_or(0.0);
        (v(b) - v(a)).max(0.0) / n
    };
    b.duration
        .iter()
        .filter_map(|(k, h)| {
            let d = h.since(a.duration.get(k).unwrap_or(&Default::default()));
            let n = d.count;
            if n <= 0.0 {
                return None;
            }
            let ms = |q: f64| d.quantile(q).unwrap_or(0.0) * 1000.0;
            Some(Route {
                method: k.0.clone(),
                route: k.1.clone(),
                count: n,
                server_ms: ServerMs {
                    mean: d.mean().unwrap_or(0.0) * 1000.0,
                    p50: ms(0.5),
                    p90: ms(0.9),
                    p99: ms(0.99),
                },
                hash_ms: hash_ms(a, b, k),
                db_ms: per_request(|s| &s.db_seconds, k, n) * 1000.0,
                db_queries: per_request(|s| &s.db_queries, k, n),
                log_bytes: log_bytes(a, b, k),
            })
        })
        .collect()
}

/// Hashing per request of `k`'s route: the API counts hashing by route, so it is shared among
/// the methods of that route by their request counts (in practice one: POST).
fn hash_ms(a: &Snapshot, b: &Snapshot, k: &Endpoint) -> Option<f64> {
    let get = |s: &Snapshot| s.hash_seconds.get(&k.1).copied().unwrap_or(0.0);
    let seconds = get(b) - get(a);
    let requests = route_requests(a, b, &k.1);
    (seconds > 0.0 && requests > 0.0).then(|| seconds * 1000.0 / requests)
}

/// Bytes of log per request of `k`'s route: the API counts them by route, so every method of the
/// route gets the route's mean.
fn log_bytes(a: &Snapshot, b: &Snapshot, k: &Endpoint) -> Option<f64> {
    let get = |s: &Snapshot| Some(s.log_bytes.as_ref()?.get(&k.1).copied().unwrap_or(0.0));
    let bytes = (get(b)? - get(a)?).max(0.0);
    let requests = route_requests(a, b, &k.1);
    (requests > 0.0).then(|| micro(bytes / requests))
}

/// Requests of `route`, every method added, between the two scrapes.
fn route_requests(a: &Snapshot, b: &Snapshot, route: &str) -> f64 {
    b.requests
        .iter()
        .filter(|(e, _)| e.1 == route)
        .map(|(e, v)| v - a.requests.get(e).copied().unwrap_or(0.0))
        .sum()
}

/// CPU per interval: from the /proc samples when a PID was sampled, else from the scrapes
/// (`process_cpu_seconds_total`, the API only).
fn cpu_timeline(r: &Recorded) -> Vec<CpuPoint> {
    let step =
        |a: Option<TreePoint>, b: Option<TreePoint>| Some(micro((b?.cpu_s - a?.cpu_s).max(0.0)));
    if !r.proc.is_empty() {
        return r
            .proc
            .windows(2)
            .map(|w| CpuPoint {
                t_s: w[1].t_s,
                api_cpu_s: step(w[0].api, w[1].api),
                db_cpu_s: step(w[0].db, w[1].db),
            })
            .collect();
    }
    r.scrapes
        .windows(2)
        .map(|w| CpuPoint {
            t_s: w[1].0,
            api_cpu_s: delta(w[0].1.cpu_seconds, w[1].1.cpu_seconds),
            db_cpu_s: None,
        })
        .collect()
}

#[cfg(test)]
#[path = "block_tests.rs"]
mod tests;
