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
        sessions: None,
        compress_auto: None,
    }
}

#[test]
fn the_example_file_round_trips() {
    let text = include_str!("../../tests/data/summary-v1.json");
    let s: Summary = serde_json::from_str(text).unwrap();
    // A v1 file still reads: the fields v1.1 added are absent.
    assert_eq!(s.schema, "deploycost.loadgen.summary/v1");
    assert_eq!((s.profile_seconds, s.sessions.is_none()), (None, true));
    assert!(s.windows.is_empty() && s.overload.is_none());
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
    assert_eq!(s.schema, "deploycost.loadgen.summary/v1.7");
    assert!(
        s.server.is_none(),
        "the run adds the server block, build does not"
    );
    assert_eq!(s.endpoints[1].share, 0.5);
    assert_eq!((s.arrivals.failed, s.profile_seconds), (2, Some(4.0)));
    assert_eq!(s.arrivals.scheduled_per_s, 1.5);
    assert_eq!(s.windows.len(), crate::summary::overload::WINDOWS);
    let o = s.overload.as_ref().unwrap();
    // 2 dropped and 2 failed of 6 scheduled: far over 1%.
    assert!(o.detected && o.reasons.len() == 2, "{o:?}");
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

#[test]
fn the_v1_1_example_round_trips_with_every_added_field() {
    let text = include_str!("../../tests/data/summary-v1.1.json");
    let s: Summary = serde_json::from_str(text).unwrap();
    // A v1.1 file still reads under v1.3: the server, shard and histogram blocks are absent.
    assert_eq!(s.schema, "deploycost.loadgen.summary/v1.1");
    assert!(s.server.is_none() && s.shard.is_none() && s.histograms.is_none());
    let again: Summary = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(s, again);
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    assert!(v["profile_seconds"].is_number());
    for k in ["scheduled", "sent", "dropped", "failed", "unsent"] {
        assert!(v["arrivals"][k].is_u64(), "arrivals.{k}");
    }
    assert!(v["arrivals"]["scheduled_per_s"].is_number());
    let shares: f64 = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["share"].as_f64().unwrap())
        .sum();
    assert!((shares - 1.0).abs() < 1e-6, "{shares}");
    for k in [
        "logins",
        "refreshes",
        "logouts",
        "session_requests",
        "started",
    ] {
        assert!(v["sessions"][k].is_u64(), "sessions.{k}");
    }
    assert_eq!(
        v["windows"].as_array().unwrap().len(),
        crate::summary::overload::WINDOWS
    );
    for k in ["detected", "queueing"] {
        assert!(v["overload"][k].is_boolean(), "overload.{k}");
    }
    assert!(v["overload"]["reasons"].is_array());
}
