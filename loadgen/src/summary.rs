//! `summary.json`, schema v1.1: the file costcalc reads (documented in README.md). v1.1 only adds
//! fields to v1, so a v1 reader still works; the added fields read as absent from a v1 file.
//!
//! The types serialize to exactly the documented field names; [`build`] turns the raw samples of
//! a run into a summary and is pure, so every figure is tested without a server.

use crate::overload::{self, Overload, Window};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "deploycost.loadgen.summary/v1.1";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub schema: String,
    pub generator: Generator,
    pub target: String,
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
    pub compress_auto: Option<crate::probe::Probe>,
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
    pub tolerance_ms: f64,
    pub timing_error_ms: Latency,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
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

/// One measured request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub method: &'static str,
    pub route: &'static str,
    /// HTTP status, 0 when no response arrived.
    pub status: u16,
    /// The status was the one the journey step expects.
    pub ok: bool,
    /// When the arrival was due and when it was sent, wall seconds from the run's start.
    pub due_wall_s: f64,
    pub sent_wall_s: f64,
    pub latency_ms: f64,
    pub request_bytes: u64,
    pub response_bytes: u64,
}

/// Stats over a set of samples.
pub fn stats<'a>(samples: impl IntoIterator<Item = &'a Sample>) -> Stats {
    let mut s = Stats::default();
    let mut lat = Vec::new();
    for x in samples {
        s.count += 1;
        if !x.ok {
            s.failures += 1;
        }
        if x.status == 0 {
            s.transport_errors += 1;
        } else {
            *s.status_codes.entry(x.status.to_string()).or_default() += 1;
        }
        s.request_bytes += x.request_bytes;
        s.response_bytes += x.response_bytes;
        lat.push(x.latency_ms);
    }
    s.latency_ms = latency(lat);
    s
}

/// Mean and nearest-rank percentiles; all zero for no values.
pub fn latency(mut v: Vec<f64>) -> Latency {
    if v.is_empty() {
        return Latency::default();
    }
    v.sort_by(f64::total_cmp);
    let rank = |p: f64| {
        let i = ((p / 100.0) * v.len() as f64).ceil() as usize;
        v[i.clamp(1, v.len()) - 1]
    };
    Latency {
        mean: v.iter().sum::<f64>() / v.len() as f64,
        p50: rank(50.0),
        p90: rank(90.0),
        p99: rank(99.0),
        max: v[v.len() - 1],
    }
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
    pub compress_auto: Option<crate::probe::Probe>,
}

/// Builds the summary from the run's samples and the due times (wall seconds) of dropped arrivals.
pub fn build(info: RunInfo, samples: &[Sample], dropped_due_wall_s: &[f64]) -> Summary {
    let f = info.compression;
    let totals = stats(samples);
    let profile_s = info.profile.duration_s;
    let timing = samples
        .iter()
        .map(|s| ((s.sent_wall_s - s.due_wall_s) * 1000.0).max(0.0))
        .collect();
    let (sent, dropped) = (samples.len() as u64, dropped_due_wall_s.len() as u64);
    let windows = overload::windows(samples, dropped_due_wall_s, profile_s / f, f);
    let overload = overload::judge(
        info.scheduled,
        dropped,
        totals.failures,
        &windows,
        info.wall_seconds - profile_s / f,
    );
    Summary {
        schema: SCHEMA.to_string(),
        generator: Generator {
            name: "loadgen".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        target: info.target,
        compression: f,
        rate_scale: info.rate_scale,
        seed: info.seed,
        started_at: info.started_at,
        ended_at: info.ended_at,
        wall_seconds: info.wall_seconds,
        schedule_seconds: info.wall_seconds * f,
        profile_seconds: Some(profile_s),
        users: info.users,
        journeys: info.journeys,
        setup: info.setup,
        arrivals: Arrivals {
            scheduled: info.scheduled,
            sent,
            dropped,
            failed: totals.failures,
            scheduled_per_s: if profile_s > 0.0 {
                info.scheduled as f64 / profile_s
            } else {
                0.0
            },
            unsent: info.scheduled.saturating_sub(sent + dropped),
            tolerance_ms: info.tolerance_ms,
            timing_error_ms: latency(timing),
        },
        endpoints: endpoints(samples),
        timeline: per_second(info.wall_seconds, samples, dropped_due_wall_s),
        idle_gap_threshold_s: info.idle_gap_threshold_s,
        idle_gaps: idle_gaps(samples, f, info.idle_gap_threshold_s),
        thresholds: Vec::new(),
        sessions: info.sessions.map(|s| count_session_requests(s, samples)),
        windows,
        overload: Some(overload),
        compress_auto: info.compress_auto,
        profile: info.profile,
        totals,
    }
}

/// One entry per (method, route), sorted by route then method, with its share of the requests.
fn endpoints(samples: &[Sample]) -> Vec<Endpoint> {
    let mut by_endpoint: BTreeMap<(&str, &str), Vec<&Sample>> = BTreeMap::new();
    for s in samples {
        by_endpoint.entry((s.route, s.method)).or_default().push(s);
    }
    let total = samples.len().max(1) as f64;
    by_endpoint
        .into_iter()
        .map(|((route, method), v)| Endpoint {
            method: method.to_string(),
            route: route.to_string(),
            share: v.len() as f64 / total,
            stats: stats(v),
        })
        .collect()
}

/// Requests sent, failed and arrivals dropped per wall-clock second.
fn per_second(wall_seconds: f64, samples: &[Sample], dropped_due_wall_s: &[f64]) -> Vec<Second> {
    let empty = |i: usize| Second {
        second: i as u64,
        sent: 0,
        errors: 0,
        dropped: 0,
    };
    let seconds = wall_seconds.ceil().max(0.0) as usize;
    let mut timeline: Vec<Second> = (0..seconds).map(empty).collect();
    let mut slot = |t: f64| {
        let i = t.max(0.0) as usize;
        if i >= timeline.len() {
            let from = timeline.len();
            timeline.extend((from..=i).map(empty));
        }
        i
    };
    let sent: Vec<(usize, bool)> = samples
        .iter()
        .map(|s| (slot(s.sent_wall_s), s.ok))
        .collect();
    let dropped: Vec<usize> = dropped_due_wall_s.iter().map(|d| slot(*d)).collect();
    for (i, ok) in sent {
        timeline[i].sent += 1;
        timeline[i].errors += u64::from(!ok);
    }
    for i in dropped {
        timeline[i].dropped += 1;
    }
    timeline
}

/// Idle gaps, in real time: from the end of the last response to the next send.
fn idle_gaps(samples: &[Sample], f: f64, threshold_s: f64) -> Vec<IdleGap> {
    let mut order: Vec<&Sample> = samples.iter().collect();
    order.sort_by(|a, b| a.sent_wall_s.total_cmp(&b.sent_wall_s));
    let mut gaps = Vec::new();
    let mut last_end: Option<f64> = None;
    for s in order {
        if let Some(end) = last_end {
            let gap_real = (s.sent_wall_s - end) * f;
            if gap_real >= threshold_s {
                gaps.push(IdleGap {
                    start_s: end * f,
                    real_seconds: gap_real,
                    first_request_latency_ms: s.latency_ms,
                });
            }
        }
        let end = s.sent_wall_s + s.latency_ms / 1000.0;
        last_end = Some(last_end.map_or(end, |e: f64| e.max(end)));
    }
    gaps
}

/// Fills the request counts of the sessions from what was sent.
fn count_session_requests(mut s: Sessions, samples: &[Sample]) -> Sessions {
    for x in samples {
        match x.route {
            "/api/v1/auth/login" => s.logins += 1,
            "/api/v1/auth/register" => s.registrations += 1,
            "/api/v1/auth/refresh" => s.refreshes += 1,
            "/api/v1/auth/logout" => s.logouts += 1,
            "/health" => {}
            _ => s.session_requests += 1,
        }
    }
    s
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
