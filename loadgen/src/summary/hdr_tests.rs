use super::*;
use crate::summary::latency;
use rand::{Rng, SeedableRng};

fn sample(route: &'static str, due: f64, sent: f64, latency_ms: f64) -> Sample {
    Sample {
        method: "GET",
        route,
        status: 200,
        ok: true,
        due_wall_s: due,
        sent_wall_s: sent,
        latency_ms,
        request_bytes: 0,
        response_bytes: 0,
    }
}

/// Log-normal-ish latencies (ms) spread over 30 s, some sent late.
fn samples(seed: u64, n: usize) -> Vec<Sample> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let due = rng.random_range(0.0..30.0);
            let late = if rng.random_bool(0.1) {
                rng.random_range(0.0..0.05)
            } else {
                0.0
            };
            let lat = (rng.random_range(0.0..6.0_f64)).exp();
            let route = if rng.random_bool(0.5) { "/a" } else { "/b" };
            sample(route, due, due + late, lat)
        })
        .collect()
}

#[test]
fn records_the_three_figures_in_microseconds() {
    // Due at 1.000 s, sent at 1.002 s, answered in 3.5 ms: latency 3500 us, lateness 2000 us,
    // scheduled latency 2000 + 3500 = 5500 us.
    let r = Recorded::from_samples(&[sample("/a", 1.0, 1.002, 3.5)], 1);
    assert_eq!(
        r.totals.latency.max(),
        r.totals.latency.highest_equivalent(3500)
    );
    assert!(r.totals.latency.equivalent(r.totals.latency.min(), 3500));
    assert!(r.totals.lateness.equivalent(r.totals.lateness.min(), 2000));
    assert!(
        r.totals
            .scheduled_latency
            .equivalent(r.totals.scheduled_latency.min(), 2000 + 3500)
    );
    assert_eq!(r.intervals.keys().copied().collect::<Vec<_>>(), vec![1]);
    assert_eq!(r.endpoints.len(), 1);
}

#[test]
fn encoding_round_trips_exactly() {
    let r = Recorded::from_samples(&samples(1, 2000), 1);
    let back = r.encode().decode().unwrap();
    assert_eq!(back.totals.latency, r.totals.latency);
    assert_eq!(back.totals.lateness, r.totals.lateness);
    assert_eq!(back.intervals.len(), r.intervals.len());
    for (k, t) in &r.endpoints {
        assert_eq!(back.endpoints[k].scheduled_latency, t.scheduled_latency);
    }
}

#[test]
fn merged_shards_equal_one_histogram_of_all_samples() {
    let all = samples(7, 9000);
    // Three shards: every third sample, as --shard K/3 splits the timeline.
    let mut merged = Recorded::default();
    for k in 0..3 {
        let part: Vec<Sample> = all.iter().skip(k).step_by(3).copied().collect();
        // Through the stored form, as `loadgen merge` reads them.
        merged.add(&Recorded::from_samples(&part, 1).encode().decode().unwrap());
    }
    let whole = Recorded::from_samples(&all, 1);
    // Addition of counts is exact: the same histogram, bucket for bucket.
    assert_eq!(merged.totals.latency, whole.totals.latency);
    assert_eq!(
        merged.totals.scheduled_latency,
        whole.totals.scheduled_latency
    );
    for (k, t) in &whole.intervals {
        assert_eq!(merged.intervals[k].latency, t.latency, "second {k}");
    }
    // And its percentiles are the raw samples' within HDR's precision (3 digits: 0.1%, plus the
    // microsecond rounding).
    let exact = latency(all.iter().map(|s| s.latency_ms).collect());
    let hdr = latency_ms(&merged.totals.latency);
    for (e, h) in [
        (exact.p50, hdr.p50),
        (exact.p90, hdr.p90),
        (exact.p99, hdr.p99),
        (exact.max, hdr.max),
    ] {
        assert!((h - e).abs() <= e * 0.001 + 0.001, "hdr {h} vs exact {e}");
    }
    assert!((hdr.mean - exact.mean).abs() <= exact.mean * 0.001 + 0.001);
}

#[test]
fn corrupt_histograms_are_named() {
    let r = Recorded::from_samples(&samples(2, 10), 1).encode();
    let mut bad = r.clone();
    bad.totals.latency = "not base64 !!".into();
    let e = bad.decode().unwrap_err();
    assert_eq!(
        e,
        HdrError::Base64 {
            what: "totals latency".into()
        }
    );
    let mut bad = r.clone();
    bad.endpoints[0].histograms.lateness = STANDARD.encode(b"garbage bytes here");
    assert!(
        matches!(bad.decode(), Err(HdrError::Decode { what, .. }) if what.ends_with("lateness"))
    );
    let mut bad = r;
    bad.unit = "ms".into();
    assert!(matches!(bad.decode(), Err(HdrError::Encoding(_))));
}

#[test]
fn empty_histogram_reads_as_zeros() {
    assert_eq!(latency_ms(&Trio::default().latency), Latency::default());
}

#[test]
fn percentiles_over_time_come_from_each_second() {
    // Second 0: 1, 2, 3 ms; second 2: 10 ms four times. Nothing sent in second 1.
    let mut v: Vec<Sample> = [1.0, 2.0, 3.0]
        .iter()
        .map(|l| sample("/a", 0.5, 0.5, *l))
        .collect();
    v.extend((0..4).map(|_| sample("/a", 2.2, 2.2, 10.0)));
    let p = per_interval(&Recorded::from_samples(&v, 1));
    assert_eq!(
        p.iter().map(|s| (s.second, s.count)).collect::<Vec<_>>(),
        vec![(0, 3), (2, 4)]
    );
    // 3 samples: the median is the second, 2 ms; the p99 the largest, 3 ms; HDR answers the
    // highest value of the bucket, within 0.1%.
    let near = |got: f64, want: f64| (got - want).abs() <= want * 0.001;
    let (s0, s2) = (&p[0].latency_ms, &p[1].latency_ms);
    assert!(near(s0.p50, 2.0) && near(s0.p99, 3.0), "{s0:?}");
    assert!(near(s2.p50, 10.0) && near(s2.max, 10.0), "{s2:?}");
}

#[test]
fn the_interval_widens_with_the_planned_length() {
    // Up to an hour of play: one-second intervals; 3,601 s would need 3,601 of them.
    assert_eq!(interval_for(0.0), 1);
    assert_eq!(interval_for(3600.0), 1);
    assert_eq!(interval_for(3600.5), 5);
    // A day in real time: 86,400 / 30 = 2,880 intervals, where 10 s would make 8,640.
    assert_eq!(interval_for(86_400.0), 30);
    // A year: 31,536,000 / 3,600 = 8,760, past the ladder's end: its widest.
    assert_eq!(interval_for(31_536_000.0), 3600);
    assert_eq!(interval_for(f64::NAN), 1);
    for pair in INTERVAL_LADDER_S.windows(2) {
        assert_eq!(
            pair[1] % pair[0],
            0,
            "{pair:?}: each width divides the next"
        );
    }
}

#[test]
fn wide_intervals_hold_what_the_seconds_held() {
    let all = samples(11, 3000);
    let by_second = Recorded::from_samples(&all, 1);
    let by_ten = Recorded::from_samples(&all, 10);
    // 30 s of sends: 30 one-second intervals, 3 ten-second ones keyed 0, 10, 20.
    assert_eq!(by_second.intervals.len(), 30);
    assert_eq!(
        by_ten.intervals.keys().copied().collect::<Vec<_>>(),
        vec![0, 10, 20]
    );
    // Each ten-second histogram is exactly its ten seconds added up.
    let mut rebinned = by_second.clone();
    rebinned.rebin(10, 0);
    for (k, t) in &by_ten.intervals {
        assert_eq!(rebinned.intervals[k].latency, t.latency, "interval {k}");
        assert_eq!(rebinned.intervals[k].lateness, t.lateness, "interval {k}");
    }
    // The width survives the stored form, and a v1.3 file (no interval_s) reads as 1 s.
    let stored = by_ten.encode();
    assert_eq!(stored.interval_s, 10);
    assert_eq!(stored.decode().unwrap().interval_s, 10);
    let mut v13 = serde_json::to_value(&stored).unwrap();
    v13.as_object_mut().unwrap().remove("interval_s");
    let old: Histograms = serde_json::from_value(v13).unwrap();
    assert_eq!(old.interval_s, 1);
    let mut zero = stored;
    zero.interval_s = 0;
    assert_eq!(zero.decode().unwrap_err(), HdrError::Interval);
}

#[test]
fn shards_of_other_widths_add_up_at_the_wider() {
    let all = samples(12, 3000);
    let (a, b): (Vec<Sample>, Vec<Sample>) = all.iter().partition(|s| s.route == "/a");
    let mut merged = Recorded::from_samples(&a, 1);
    merged.add(&Recorded::from_samples(&b, 5));
    let whole = Recorded::from_samples(&all, 5);
    assert_eq!(merged.interval_s, 5);
    assert_eq!(merged.intervals.len(), whole.intervals.len());
    for (k, t) in &whole.intervals {
        assert_eq!(merged.intervals[k].latency, t.latency, "interval {k}");
    }
}
