use super::*;
use crate::summary::ShardInfo;
use crate::summary::hdr::latency_ms;
use crate::summary::{self, IdleGap, ProfileInfo, RunInfo, Sample, Setup, Stats, Users};

const WALL: f64 = 20.0;

fn info(scheduled: u64, seed: u64) -> RunInfo {
    RunInfo {
        target: "http://127.0.0.1:1".into(),
        profile: ProfileInfo {
            name: "steady".into(),
            source: "builtin".into(),
            path: None,
            duration_s: WALL,
            mean_rate_per_s: 30.0,
            peak_rate_per_s: 30.0,
            segments: vec![],
        },
        compression: 1.0,
        rate_scale: 1.0,
        seed,
        started_at: "2026-01-01T00:00:00.000Z".into(),
        ended_at: "2026-01-01T00:00:20.000Z".into(),
        wall_seconds: WALL,
        users: Users {
            started: 4,
            max: 10,
        },
        journeys: vec![],
        setup: Setup {
            users_registered: 1,
            entries_seeded: 1,
            register: Stats::default(),
        },
        scheduled,
        tolerance_ms: 50.0,
        idle_gap_threshold_s: 60.0,
        sessions: None,
        compress_auto: None,
    }
}

/// 600 arrivals over 20 s: every 7th dropped, the rest sent with latencies from 1 to 97 ms, on
/// two routes, every 11th failing.
fn run() -> (Vec<Sample>, Vec<f64>) {
    let (mut sent, mut dropped) = (Vec::new(), Vec::new());
    for i in 0..600u32 {
        let due = f64::from(i) / 30.0;
        if i % 7 == 3 {
            dropped.push(due);
            continue;
        }
        sent.push(Sample {
            method: "GET",
            route: if i % 2 == 0 { "/a" } else { "/b" },
            status: if i % 11 == 0 { 500 } else { 200 },
            ok: i % 11 != 0,
            due_wall_s: due,
            sent_wall_s: due + f64::from(i % 5) / 1000.0,
            latency_ms: f64::from(1 + (i * 37) % 97),
            request_bytes: 10,
            response_bytes: 100,
        });
    }
    (sent, dropped)
}

/// Shard k of n of [`run`]: the arrivals whose index i has i mod n = k.
fn shard(k: u32, n: u32, seed: u64) -> Input {
    let (sent, dropped) = run();
    let mine = |due: f64| ((due * 30.0).round() as u32) % n == k;
    let s: Vec<Sample> = sent.into_iter().filter(|s| mine(s.due_wall_s)).collect();
    let d: Vec<f64> = dropped.into_iter().filter(|d| mine(*d)).collect();
    let mut summary = summary::build(info((s.len() + d.len()) as u64, seed), &s, &d);
    summary.shard = Some(ShardInfo {
        index: k,
        count: n,
        start_at: None,
        late_start_s: 0.0,
    });
    Input {
        file: format!("s{k}/summary.json"),
        summary,
    }
}

fn shards(n: u32) -> Vec<Input> {
    (0..n).map(|k| shard(k, n, 1)).collect()
}

#[test]
fn merged_counts_and_percentiles_are_those_of_one_run() {
    let (sent, dropped) = run();
    let whole = summary::build(info(600, 1), &sent, &dropped);
    // Given out of order: merge sorts by K.
    let mut parts = shards(3);
    parts.reverse();
    let m = merge(parts).unwrap();
    // 600 arrivals: i % 7 == 3 for 86 of them (3, 10, ..., 598), so 514 sent.
    assert_eq!(m.arrivals.scheduled, 600);
    assert_eq!(m.arrivals.dropped, 86);
    assert_eq!(m.arrivals.sent, 600 - 86);
    assert_eq!(m.totals.count, whole.totals.count);
    assert_eq!(m.totals.failures, whole.totals.failures);
    assert_eq!(m.totals.status_codes, whole.totals.status_codes);
    assert_eq!(m.timeline, whole.timeline);
    assert_eq!(m.merged_shards, Some(3));
    assert!(m.shard.is_none());
    assert_eq!(m.schema, whole.schema);
    for (a, b) in m.endpoints.iter().zip(&whole.endpoints) {
        assert_eq!((&a.route, a.stats.count), (&b.route, b.stats.count));
        assert!((a.share - b.share).abs() < 1e-12);
    }
    // The merged histograms are the whole run's, bucket for bucket...
    let merged_h = m.histograms.as_ref().unwrap().decode().unwrap();
    let whole_h = whole.histograms.as_ref().unwrap().decode().unwrap();
    assert_eq!(merged_h.totals.latency, whole_h.totals.latency);
    assert_eq!(m.totals.latency_ms, latency_ms(&whole_h.totals.latency));
    // ...so its percentiles are the raw samples' within HDR's 3 digits.
    for (h, e) in [
        (m.totals.latency_ms.p50, whole.totals.latency_ms.p50),
        (m.totals.latency_ms.p99, whole.totals.latency_ms.p99),
        (m.totals.latency_ms.max, whole.totals.latency_ms.max),
    ] {
        assert!((h - e).abs() <= e * 0.001, "merged {h} vs exact {e}");
    }
    assert!(
        !m.overload.as_ref().unwrap().reasons.is_empty(),
        "14% dropped"
    );
}

fn message(r: Result<Summary, MergeError>) -> String {
    r.unwrap_err().to_string()
}

#[test]
fn a_missing_duplicated_or_foreign_shard_is_refused_by_file() {
    let mut parts = shards(3);
    parts.remove(1);
    let e = message(merge(parts));
    assert!(e.starts_with("shard 1/3 of 3 missing"), "{e}");

    let mut parts = shards(3);
    parts.push(shard(2, 3, 1));
    parts[3].file = "again/summary.json".into();
    let e = message(merge(parts));
    assert!(
        e.starts_with("again/summary.json: shard 2/3 is also s2/summary.json"),
        "{e}"
    );

    let mut parts = shards(3);
    parts[2] = shard(2, 3, 9);
    let e = message(merge(parts));
    assert!(
        e.starts_with("s2/summary.json: seed is 9 but s0/summary.json has 1"),
        "{e}"
    );

    let mut parts = shards(2);
    parts[1].summary.shard = None;
    assert_eq!(
        merge(parts).unwrap_err(),
        MergeError::NotShard {
            file: "s1/summary.json".into()
        }
    );
    assert_eq!(merge(Vec::new()).unwrap_err(), MergeError::Empty);
}

#[test]
fn a_corrupt_histogram_is_refused_by_file() {
    let mut parts = shards(2);
    parts[1].summary.histograms.as_mut().unwrap().endpoints[0]
        .histograms
        .latency = "AAAA".into();
    // Shard 1 of 2 holds the odd arrivals: all on /b.
    let e = message(merge(parts));
    assert!(
        e.starts_with("s1/summary.json: corrupt histogram: GET /b latency"),
        "{e}"
    );
}

#[test]
fn idle_gaps_are_where_every_shard_was_silent() {
    let gap = |start_s: f64, real_seconds: f64, first: f64| IdleGap {
        start_s,
        real_seconds,
        first_request_latency_ms: first,
    };
    let (mut a, mut b) = (shard(0, 2, 1).summary, shard(1, 2, 1).summary);
    a.idle_gaps = vec![gap(100.0, 200.0, 5.0), gap(1000.0, 70.0, 6.0)];
    b.idle_gaps = vec![gap(150.0, 100.0, 7.0), gap(2000.0, 90.0, 8.0)];
    // a silent 100-300, b 150-250: together 150-250, ended by b's request. a's 1000-1070 and
    // b's 2000-2090 never overlap: someone was sending.
    let both = [a.idle_gaps, b.idle_gaps];
    let g = sum::idle_gaps(&both, 60.0);
    assert_eq!(g, vec![gap(150.0, 250.0 - 150.0, 7.0)]);
    // Under a 120 s threshold the common 100 s is no gap.
    assert!(sum::idle_gaps(&both, 120.0).is_empty());
}

#[test]
fn late_shards_are_named_with_how_late() {
    let mut parts = shards(3);
    parts[2].summary.shard.as_mut().unwrap().late_start_s = 2.25;
    assert_eq!(
        late_shards(&parts),
        vec![LateShard {
            index: 2,
            count: 3,
            late_s: 2.25
        }]
    );
    assert!(late_shards(&shards(3)).is_empty());
}

#[test]
fn shards_of_one_start_at_line_up_exactly() {
    let mut parts = shards(3);
    for p in &mut parts {
        p.summary.shard.as_mut().unwrap().start_at = Some("2026-01-01T00:00:00.000Z".into());
    }
    let m = merge(parts).unwrap();
    let a = m.alignment.unwrap();
    assert_eq!(a.method, AlignMethod::StartAt);
    assert_eq!(a.offsets_s, vec![0.0; 3]);
}

#[test]
fn shards_without_a_common_start_line_up_by_their_clocks() {
    // Shard 1 started 3.2 s after shard 0, by hand, with no --start-at.
    let mut parts = shards(2);
    parts[1].summary.started_at = "2026-01-01T00:00:03.200Z".into();
    let (t0, t1) = (
        parts[0].summary.timeline.clone(),
        parts[1].summary.timeline.clone(),
    );
    let m = merge(parts).unwrap();
    let a = m.alignment.clone().unwrap();
    assert_eq!(a.method, AlignMethod::WallClock);
    assert_eq!(a.offsets_s, vec![0.0, 3.2]);
    // Shard 1's seconds land 3 s later (its offset in whole seconds): second s of the merge
    // holds shard 0's second s and shard 1's second s - 3.
    assert_eq!(
        m.timeline.len() as u64,
        (t1.len() as u64 + 3).max(t0.len() as u64)
    );
    for (s, x) in m.timeline.iter().enumerate() {
        let from = |t: &[crate::summary::Second], s: Option<usize>| {
            s.and_then(|s| t.get(s)).map_or(0, |x| x.sent)
        };
        assert_eq!(
            x.sent,
            from(&t0, Some(s)) + from(&t1, s.checked_sub(3)),
            "second {s}"
        );
    }
    assert!((m.wall_seconds - (3.2 + WALL)).abs() < 1e-9);
    // The interval histograms moved as the timeline did: same counts per second.
    let r = m.histograms.as_ref().unwrap().decode().unwrap();
    for (second, t) in &r.intervals {
        assert_eq!(
            t.latency.len(),
            m.timeline[*second as usize].sent,
            "second {second}"
        );
    }
    // The counts themselves do not move.
    assert_eq!(
        m.arrivals.sent,
        t0.iter().chain(&t1).map(|x| x.sent).sum::<u64>()
    );
}

#[test]
fn unaligned_shards_need_a_readable_start() {
    let mut parts = shards(2);
    parts[1].summary.started_at = "yesterday".into();
    let e = message(merge(parts));
    assert!(
        e.starts_with("s1/summary.json: started_at 'yesterday' is not an RFC 3339 time"),
        "{e}"
    );
    assert!(e.contains("no common --start-at"), "{e}");
}

#[test]
fn failure_reasons_add_up_by_endpoint_and_reason() {
    let reason = |route: &str, why: &str, count| crate::summary::FailureReason {
        method: "GET".into(),
        route: route.into(),
        reason: why.into(),
        count,
    };
    let mut parts = shards(2);
    // Shard 0: 3 + 1; shard 1: 2 of the first kind: 5 + 1 in all, sorted by route.
    parts[0].summary.failure_reasons = vec![
        reason("/b", "cannot save 'id': not_found", 3),
        reason("/a", "cannot save 'x': not_a_value", 1),
    ];
    parts[1].summary.failure_reasons = vec![reason("/b", "cannot save 'id': not_found", 2)];
    let m = merge(parts).unwrap();
    assert_eq!(
        m.failure_reasons,
        [
            reason("/a", "cannot save 'x': not_a_value", 1),
            reason("/b", "cannot save 'id': not_found", 5),
        ]
    );
}
