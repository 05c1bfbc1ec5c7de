//! `summary.json`, schema v1: the file costcalc reads (documented in README.md).
//!
//! The types serialize to exactly the documented field names; [`build`] turns the raw samples of
//! a run into a summary and is pure, so every figure is tested without a server.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "deploycost.loadgen.summary/v1";

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
}

/// Builds the summary from the run's samples and the due times (wall seconds) of dropped arrivals.
pub fn build(info: RunInfo, samples: &[Sample], dropped_due_wall_s: &[f64]) -> Summary {
    let f = info.compression;
    let mut by_endpoint: BTreeMap<(&str, &str), Vec<&Sample>> = BTreeMap::new();
    for s in samples {
        by_endpoint.entry((s.route, s.method)).or_default().push(s);
    }
    let endpoints = by_endpoint
        .into_iter()
        .map(|((route, method), v)| Endpoint {
            method: method.to_string(),
            route: route.to_string(),
            stats: stats(v),
        })
        .collect();

    let seconds = info.wall_seconds.ceil().max(0.0) as usize;
    let mut timeline: Vec<Second> = (0..seconds)
        .map(|i| Second {
            second: i as u64,
            sent: 0,
            errors: 0,
            dropped: 0,
        })
        .collect();
    let mut slot = |t: f64| {
        let i = t.max(0.0) as usize;
        if i >= timeline.len() {
            timeline.resize_with(i + 1, || Second {
                second: 0,
                sent: 0,
                errors: 0,
                dropped: 0,
            });
        }
        i
    };
    let mut marks = Vec::new();
    for s in samples {
        marks.push((slot(s.sent_wall_s), !s.ok, false));
    }
    for &d in dropped_due_wall_s {
        marks.push((slot(d), false, true));
    }
    for (i, err, drop) in marks {
        if drop {
            timeline[i].dropped += 1;
        } else {
            timeline[i].sent += 1;
            timeline[i].errors += u64::from(err);
        }
    }
    for (i, s) in timeline.iter_mut().enumerate() {
        s.second = i as u64;
    }

    // Idle gaps, in real time: from the end of the last response to the next send.
    let mut order: Vec<&Sample> = samples.iter().collect();
    order.sort_by(|a, b| a.sent_wall_s.total_cmp(&b.sent_wall_s));
    let mut idle_gaps = Vec::new();
    let mut last_end: Option<f64> = None;
    for s in order {
        if let Some(end) = last_end {
            let gap_real = (s.sent_wall_s - end) * f;
            if gap_real >= info.idle_gap_threshold_s {
                idle_gaps.push(IdleGap {
                    start_s: end * f,
                    real_seconds: gap_real,
                    first_request_latency_ms: s.latency_ms,
                });
            }
        }
        let end = s.sent_wall_s + s.latency_ms / 1000.0;
        last_end = Some(last_end.map_or(end, |e: f64| e.max(end)));
    }

    let timing = samples
        .iter()
        .map(|s| ((s.sent_wall_s - s.due_wall_s) * 1000.0).max(0.0))
        .collect();
    Summary {
        schema: SCHEMA.to_string(),
        generator: Generator {
            name: "loadgen".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        target: info.target,
        profile: info.profile,
        compression: f,
        rate_scale: info.rate_scale,
        seed: info.seed,
        started_at: info.started_at,
        ended_at: info.ended_at,
        wall_seconds: info.wall_seconds,
        schedule_seconds: info.wall_seconds * f,
        users: info.users,
        journeys: info.journeys,
        setup: info.setup,
        arrivals: Arrivals {
            scheduled: info.scheduled,
            sent: samples.len() as u64,
            dropped: dropped_due_wall_s.len() as u64,
            unsent: info
                .scheduled
                .saturating_sub(samples.len() as u64 + dropped_due_wall_s.len() as u64),
            tolerance_ms: info.tolerance_ms,
            timing_error_ms: latency(timing),
        },
        endpoints,
        totals: stats(samples),
        timeline,
        idle_gap_threshold_s: info.idle_gap_threshold_s,
        idle_gaps,
        thresholds: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(route: &'static str, status: u16, sent: f64, lat: f64) -> Sample {
        Sample {
            method: "GET",
            route,
            status,
            ok: (200..300).contains(&status),
            due_wall_s: sent - 0.001,
            sent_wall_s: sent,
            latency_ms: lat,
            request_bytes: 10,
            response_bytes: 100,
        }
    }

    fn info(wall: f64, f: f64) -> RunInfo {
        // 4 sent + 2 dropped in the test below: a complete run.
        RunInfo {
            target: "http://127.0.0.1:1".into(),
            profile: ProfileInfo {
                name: "steady".into(),
                source: "builtin".into(),
                path: None,
                duration_s: wall * f,
                mean_rate_per_s: 1.0,
                peak_rate_per_s: 1.0,
                segments: vec![],
            },
            compression: f,
            rate_scale: 1.0,
            seed: 1,
            started_at: "2026-01-01T00:00:00.000Z".into(),
            ended_at: "2026-01-01T00:00:10.000Z".into(),
            wall_seconds: wall,
            users: Users {
                started: 2,
                max: 10,
            },
            journeys: vec![],
            setup: Setup {
                users_registered: 0,
                entries_seeded: 0,
                register: Stats::default(),
            },
            scheduled: 6,
            tolerance_ms: 50.0,
            idle_gap_threshold_s: 60.0,
        }
    }

    #[test]
    fn the_example_file_round_trips() {
        let text = include_str!("../tests/data/summary-v1.json");
        let s: Summary = serde_json::from_str(text).unwrap();
        assert_eq!(s.schema, SCHEMA);
        let again: Summary = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(s, again);
        // Field names costcalc codes against, checked on the raw JSON.
        let v: serde_json::Value = serde_json::to_value(&s).unwrap();
        for k in [
            "target",
            "compression",
            "rate_scale",
            "seed",
            "started_at",
            "ended_at",
            "schedule_seconds",
            "timeline",
            "idle_gaps",
        ] {
            assert!(v.get(k).is_some(), "{k}");
        }
        assert!(v["profile"]["name"].is_string());
        for k in ["scheduled", "sent", "dropped"] {
            assert!(v["arrivals"][k].is_u64(), "{k}");
        }
        let e = &v["endpoints"][0];
        for k in [
            "method",
            "route",
            "count",
            "failures",
            "status_codes",
            "request_bytes",
            "response_bytes",
        ] {
            assert!(e.get(k).is_some(), "endpoint {k}");
        }
        for k in ["mean", "p50", "p90", "p99", "max"] {
            assert!(e["latency_ms"][k].is_number(), "{k}");
            assert!(v["totals"]["latency_ms"][k].is_number(), "{k}");
        }
        assert!(v["totals"].get("method").is_none());
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let l = latency((1..=100).map(f64::from).collect());
        assert_eq!((l.p50, l.p90, l.p99, l.max), (50.0, 90.0, 99.0, 100.0));
        assert!((l.mean - 50.5).abs() < 1e-9);
        assert_eq!(latency(vec![]), Latency::default());
        assert_eq!(latency(vec![7.0]).p99, 7.0);
    }

    #[test]
    fn build_groups_endpoints_counts_codes_and_fills_the_timeline() {
        let samples = vec![
            sample("/health", 200, 0.2, 1.0),
            sample("/health", 200, 0.7, 3.0),
            sample("/api/v1/entries/{id}", 404, 1.5, 2.0),
            sample("/api/v1/entries/{id}", 0, 3.2, 5000.0),
        ];
        let s = build(info(4.0, 1.0), &samples, &[2.5, 2.6]);
        assert_eq!(s.endpoints.len(), 2);
        assert_eq!(s.endpoints[0].route, "/api/v1/entries/{id}");
        let e = &s.endpoints[0].stats;
        assert_eq!((e.count, e.failures, e.transport_errors), (2, 2, 1));
        assert_eq!(e.status_codes.get("404"), Some(&1));
        assert_eq!(e.status_codes.len(), 1);
        let h = &s.endpoints[1].stats;
        assert_eq!(
            (h.count, h.failures, h.request_bytes, h.response_bytes),
            (2, 0, 20, 200)
        );
        assert_eq!(h.latency_ms.mean, 2.0);
        assert_eq!(s.totals.count, 4);
        assert_eq!((s.arrivals.sent, s.arrivals.dropped), (4, 2));
        assert_eq!(s.arrivals.unsent, 0);
        let mut cut = info(4.0, 1.0);
        cut.scheduled = 10;
        assert_eq!(build(cut, &samples, &[2.5]).arrivals.unsent, 5);
        let tl: Vec<(u64, u64, u64)> = s
            .timeline
            .iter()
            .map(|x| (x.sent, x.errors, x.dropped))
            .collect();
        assert_eq!(tl, vec![(2, 0, 0), (1, 1, 0), (0, 0, 2), (1, 1, 0)]);
        assert!((s.arrivals.timing_error_ms.max - 1.0).abs() < 1e-6);
    }

    #[test]
    fn idle_gaps_are_reported_in_real_time_under_compression() {
        // Played 100x faster: 1.0 wall second of silence is 100 real seconds.
        let samples = vec![
            sample("/health", 200, 0.0, 10.0),
            sample("/health", 200, 0.1, 10.0),
            sample("/health", 200, 1.11, 250.0),
            sample("/health", 200, 1.2, 10.0),
        ];
        let s = build(info(2.0, 100.0), &samples, &[]);
        assert_eq!(s.schedule_seconds, 200.0);
        assert_eq!(s.idle_gaps.len(), 1);
        let g = &s.idle_gaps[0];
        assert!((g.start_s - 11.0).abs() < 1e-9, "{}", g.start_s);
        assert!((g.real_seconds - 100.0).abs() < 1e-9, "{}", g.real_seconds);
        assert_eq!(g.first_request_latency_ms, 250.0);
    }
}
