//! The serde types of summary.json, field for field as README.md documents them.

use super::overload::{Overload, Window};
pub use crate::stats::{Latency, Sample};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub schema: String,
    pub generator: Generator,
    pub target: String,
    /// v1.7: the scenario the run played (absent from older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<ScenarioInfo>,
    pub profile: ProfileInfo,
    pub compression: f64,
    pub rate_scale: f64,
    pub seed: u64,
    pub started_at: String,
    pub ended_at: String,
    pub wall_seconds: f64,
    pub schedule_seconds: f64,
    /// v1.1: the profile's real (uncompressed) length, the span `arrivals.scheduled` covers.
    #[serde(default)]
    pub profile_seconds: Option<f64>,
    pub users: Users,
    pub journeys: Vec<JourneyCount>,
    pub setup: Setup,
    pub arrivals: Arrivals,
    pub endpoints: Vec<Endpoint>,
    pub totals: Stats,
    pub timeline: Vec<Second>,
    pub idle_gap_threshold_s: f64,
    pub idle_gaps: Vec<IdleGap>,
    #[serde(default)]
    pub thresholds: Vec<ThresholdResult>,
    /// v1.1: how sessions were shaped and what they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<Sessions>,
    /// v1.1: the run cut into ten windows by due time.
    #[serde(default)]
    pub windows: Vec<Window>,
    /// v1.1: whether the target kept up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overload: Option<Overload>,
    /// v1.1: the capacity probe of `--compress auto`, when it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress_auto: Option<Probe>,
    /// v1.2: what the server spent, when loadgen measured it (`--server-metrics`,
    /// `--server-pid`, `--db-pid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<super::server::ServerBlock>,
    /// v1.3: which shard of a plan this run played (`--shard K/N`), and its start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    /// v1.3: the number of shards `loadgen merge` added up into this summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_shards: Option<u32>,
    /// v1.4: how `loadgen merge` lined up the shards' clocks (a common `--start-at`, or each
    /// shard's own `started_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignment: Option<Alignment>,
    /// v1.6: failures that are not a status: a step's capture that found nothing, or found an
    /// array where a value is wanted, by endpoint and reason (the session signed in again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failure_reasons: Vec<FailureReason>,
    /// v1.3: HDR histograms (latency, scheduled latency, lateness) per endpoint, over the run
    /// and per second; what `loadgen merge` adds up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub histograms: Option<super::hdr::Histograms>,
}

/// v1.6: failures of one endpoint for one reason (`cannot save 'id': not found`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureReason {
    pub method: String,
    pub route: String,
    pub reason: String,
    pub count: u64,
}

/// v1.1: the sessions of the run (see README: Sessions).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sessions {
    /// `--session-requests` as given: `12`, `geo:12`, `5..30`.
    pub requests: String,
    pub requests_mean: f64,
    pub think_time_s: f64,
    pub idle_timeout_s: f64,
    pub logout_share: f64,
    /// Sessions started, including `preexisting`.
    pub started: u64,
    /// Sessions already under way when the clock started (signed in during setup).
    pub preexisting: u64,
    pub completed: u64,
    /// Left idle past the idle timeout (the visitor left without logging out).
    pub abandoned: u64,
    /// Still open when the schedule ended.
    pub open_at_end: u64,
    /// Requests sent per kind (any answer).
    pub logins: u64,
    pub registrations: u64,
    pub refreshes: u64,
    pub logouts: u64,
    /// Sent requests that were neither sign-in, refresh, logout nor health probe.
    pub session_requests: u64,
    /// Oldest access token any request carried, schedule seconds.
    pub max_token_age_s: f64,
    /// Lifetime of the access tokens (`exp - iat` of the JWT; 900 assumed if unreadable).
    pub token_lifetime_s: f64,
    pub refresh_margin_s: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Generator {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileInfo {
    pub name: String,
    pub source: String,
    pub path: Option<String>,
    pub duration_s: f64,
    pub mean_rate_per_s: f64,
    pub peak_rate_per_s: f64,
    pub segments: Vec<SegmentInfo>,
}

/// summary.json's `scenario` block (v1.7): which journeys the run played, so a report names the
/// API and `loadgen merge` refuses shards of two scenarios.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// The scenario file's stem (`fastapi-journal`), or `journal` for the built-in one.
    pub name: String,
    /// `builtin` (journal-api's journeys, compiled in) or `file` (`--scenario FILE`).
    pub source: String,
    /// SHA-256 of the scenario's text, lowercase hex: the same name can hold other journeys.
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentInfo {
    pub duration_s: f64,
    pub from_per_s: f64,
    pub to_per_s: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Users {
    pub started: usize,
    pub max: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JourneyCount {
    pub name: String,
    pub weight: u32,
    pub started: u64,
    pub completed: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Setup {
    pub users_registered: u64,
    pub entries_seeded: u64,
    pub register: Stats,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Arrivals {
    pub scheduled: u64,
    pub sent: u64,
    pub dropped: u64,
    /// v1.1: sent arrivals whose request failed (= `totals.failures`).
    #[serde(default)]
    pub failed: u64,
    /// v1.1: `scheduled / profile_seconds`, arrivals per real second.
    #[serde(default)]
    pub scheduled_per_s: f64,
    /// Never played because the run was cut short (Ctrl-C); 0 for a complete run.
    #[serde(default)]
    pub unsent: u64,
    /// v1.6: sent arrivals whose request was in flight when the run was stopped (Ctrl-C,
    /// SIGTERM) and was cancelled unanswered; counted in `failed` and as transport errors.
    #[serde(default)]
    pub cancelled: u64,
    pub tolerance_ms: f64,
    pub timing_error_ms: Latency,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub count: u64,
    pub failures: u64,
    pub transport_errors: u64,
    pub status_codes: BTreeMap<String, u64>,
    pub latency_ms: Latency,
    pub request_bytes: u64,
    pub response_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    pub method: String,
    pub route: String,
    /// v1.1: this endpoint's share of the measured requests, 0 to 1.
    #[serde(default)]
    pub share: f64,
    #[serde(flatten)]
    pub stats: Stats,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Second {
    pub second: u64,
    pub sent: u64,
    pub errors: u64,
    #[serde(default)]
    pub dropped: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdleGap {
    pub start_s: f64,
    pub real_seconds: f64,
    pub first_request_latency_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThresholdResult {
    pub expr: String,
    pub passed: bool,
    pub observed: f64,
}

/// Everything about a run that is not in its samples.
#[derive(Clone, Debug)]
pub struct RunInfo {
    pub target: String,
    pub profile: ProfileInfo,
    pub compression: f64,
    pub rate_scale: f64,
    pub seed: u64,
    pub started_at: String,
    pub ended_at: String,
    pub wall_seconds: f64,
    pub users: Users,
    pub journeys: Vec<JourneyCount>,
    pub setup: Setup,
    pub scheduled: u64,
    pub tolerance_ms: f64,
    pub idle_gap_threshold_s: f64,
    pub sessions: Option<Sessions>,
    pub compress_auto: Option<Probe>,
}

// The blocks other modules fill in: `compress_auto` (run::probe), `shard` (plan::shard),
// `alignment` (merge).

/// One rate step of the `--compress auto` probe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProbeStep {
    pub rate_per_s: f64,
    pub scheduled: u64,
    pub sent: u64,
    pub dropped: u64,
    pub failed: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub passed: bool,
    /// Why the step failed; empty when it passed.
    pub reason: String,
}

/// The probe and the choice it led to (summary.json `compress_auto`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    pub steps: Vec<ProbeStep>,
    /// Highest probed rate that passed (wall req/s); 0 when even the first failed.
    pub capacity_per_s: f64,
    pub safe_fraction: f64,
    pub peak_rate_per_s: f64,
    /// The compression chosen: the highest whole F with peak x F <= safe_fraction x capacity, at
    /// least 1.
    pub chosen: f64,
    pub probe_seconds: f64,
    pub probe_requests: u64,
    pub step_seconds: f64,
}

/// summary.json's `shard` block (v1.3): which part of which plan this run played.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardInfo {
    pub index: u32,
    pub count: u32,
    /// The common start asked for (`--start-at`), RFC 3339; absent without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_at: Option<String>,
    /// Seconds the shard was ready after `start_at` (the arrivals due before are dropped).
    #[serde(default)]
    pub late_start_s: f64,
}

/// How the shards' clocks were lined up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlignMethod {
    /// Every shard started at one `--start-at`: exact.
    StartAt,
    /// By each shard's `started_at`, on its machine's clock (skew between machines not known).
    WallClock,
}

/// summary.json's `alignment` block (v1.4), on a merged summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    pub method: AlignMethod,
    /// Per shard, in shard order: seconds it started after the earliest.
    pub offsets_s: Vec<f64>,
}

impl Alignment {
    /// Each shard's offset in whole seconds, as the per-second figures are shifted.
    pub fn whole_seconds(&self) -> Vec<u64> {
        self.offsets_s.iter().map(|o| o.round() as u64).collect()
    }

    pub fn largest_s(&self) -> f64 {
        self.offsets_s.iter().copied().fold(0.0, f64::max)
    }
}
