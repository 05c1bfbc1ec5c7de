//! summary.json's `server` block (v1.2; v1.5 `log_bytes_per_request`; documented in docs/summary-json.md, "The server block"): what the
//! API and its database spent while loadgen played the schedule. Built by
//! [`crate::server::block::build`] from what the run recorded.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerBlock {
    /// The measured window, wall seconds: the schedule's play (= `wall_seconds`).
    pub window_s: f64,
    /// Requests the server counted over the window (metrics), else the requests loadgen sent.
    pub requests: f64,
    pub requests_sent: u64,
    /// CPU seconds of the API over the window: its process tree from /proc with `--server-pid`,
    /// else its own `process_cpu_seconds_total`.
    pub api_cpu_s: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_cpu_s: Option<f64>,
    #[serde(default)]
    pub routes: Vec<Route>,
    #[serde(default)]
    pub peak_rss_bytes: PeakRss,
    /// Database calls that waited for a pooled connection during the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_waits: Option<f64>,
    /// v1.5: bytes of log the API wrote per request over the window (its
    /// `journal_log_bytes_total` delta over `requests`); absent when the API does not count them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_bytes_per_request: Option<f64>,
    pub sources: Sources,
    #[serde(default)]
    pub cpu_timeline: Vec<CpuPoint>,
    #[serde(default)]
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub method: String,
    pub route: String,
    pub count: f64,
    pub server_ms: ServerMs,
    /// Mean ms hashing passwords per request of this route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash_ms: Option<f64>,
    /// Mean ms on database calls (pool wait included) per request.
    pub db_ms: f64,
    /// Mean database calls per request.
    pub db_queries: f64,
    /// v1.5: mean bytes of log per request of this route (absent as the block's figure is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_bytes: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerMs {
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PeakRss {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<u64>,
    /// The sum over the database's processes (shared memory counted in each: an upper bound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sources {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_pid: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_pid: Option<u32>,
    pub api_cpu: CpuSource,
    pub requests: RequestSource,
    /// Most processes seen in the database's tree at once (the postmaster, its helpers, backends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_processes_max: Option<usize>,
}

/// Where `api_cpu_s` comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CpuSource {
    /// The process tree of `--server-pid`, from /proc.
    #[default]
    Proc,
    /// The API's own `process_cpu_seconds_total`.
    Metrics,
}

/// Where `requests` comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestSource {
    /// Counted by the server (`journal_http_requests_total`).
    #[default]
    Metrics,
    /// Sent by loadgen (no metrics).
    Sent,
}

/// CPU spent in the interval that ends `t_s` wall seconds after the first arrival was due.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CpuPoint {
    pub t_s: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_cpu_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_cpu_s: Option<f64>,
}
