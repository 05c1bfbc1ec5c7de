//! Reading summaries: every version, bad input, overload.

use super::*;

const EXAMPLE: &str = include_str!("../../../../tests/data/summary-v1.json");

#[test]
fn reads_the_agreed_example() {
    let run = from_json(EXAMPLE, "summary.json", dec!(730), dec!(0.6)).unwrap();
    assert!(run.overload.is_none());
    let w = run.workload;
    // The schedule: 2,000 arrivals over the profile's 20 s x 2,628,000 s = 262,800,000
    // (what was measured over 20.412 s of wall time, draining included, would say 257.5M).
    assert_eq!(w.requests_per_month, dec!(262800000));
    assert_eq!(w.duration_ms, dec!(9.8));
    assert_eq!(w.request_bytes, dec!(70.5));
    assert_eq!(w.response_bytes, dec!(306));
    // Busiest timeline second: 104 sent at compression 1.
    assert_eq!(w.peak_rps, Some(dec!(104)));
}

#[test]
fn refuses_other_major_versions_and_other_files() {
    let v2 = EXAMPLE.replace("summary/v1", "summary/v2");
    let e = from_json(&v2, "s.json", dec!(730), dec!(0.6))
        .unwrap_err()
        .to_string();
    assert!(e.contains("s.json") && e.contains("major version 2"), "{e}");
    let e = from_json("{\"schema\": \"other\"}", "s.json", dec!(730), dec!(0.6))
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a loadgen summary"), "{e}");
    let e = from_json("[1,2", "s.json", dec!(730), dec!(0.6))
        .unwrap_err()
        .to_string();
    assert!(e.contains("not valid JSON"), "{e}");
}

#[test]
fn compression_scales_the_peak_back_to_real_time() {
    // A run compressed 60x plays 60 times the schedule in the same wall time.
    let c = EXAMPLE
        .replace("\"compression\": 1.0", "\"compression\": 60.0")
        .replace(
            "\"schedule_seconds\": 20.412",
            "\"schedule_seconds\": 1224.72",
        )
        .replacen("\"duration_s\": 20.0", "\"duration_s\": 1200.0", 1)
        .replace("\"peak_rate_per_s\": 100.0", "\"peak_rate_per_s\": 1.5");
    let w = from_json(&c, "s.json", dec!(730), dec!(0.6))
        .unwrap()
        .workload;
    assert_eq!(w.peak_rps, Some(dec!(104) / dec!(60)));
    // 2,000 arrivals over 1,200 real seconds.
    assert_eq!(w.requests_per_month, dec!(4380000));
}

#[test]
fn a_run_that_dropped_arrivals_is_an_overload() {
    // v1: 85% of 2,000 arrivals dropped.
    let c = EXAMPLE.replace("\"dropped\": 0,", "\"dropped\": 1700,");
    let run = from_json(&c, "s.json", dec!(730), dec!(0.6)).unwrap();
    let why = run.overload.expect("an overload");
    assert_eq!(
        why,
        vec!["85% of the 2000 scheduled arrivals dropped (1700)"]
    );
    // The monthly traffic is still the schedule's.
    assert_eq!(run.workload.requests_per_month, dec!(262800000));
    // 1% exactly is not over the limit.
    let c = EXAMPLE.replace("\"dropped\": 0,", "\"dropped\": 20,");
    assert!(
        from_json(&c, "s.json", dec!(730), dec!(0.6))
            .unwrap()
            .overload
            .is_none()
    );
    // v1.1: loadgen's own verdict wins.
    let c = EXAMPLE.replacen(
        "\"arrivals\":",
        "\"overload\": {\"detected\": true, \"reasons\": [\"latency grew 9x at a similar rate (queueing)\"]},\n  \"arrivals\":",
        1,
    );
    let why = from_json(&c, "s.json", dec!(730), dec!(0.6))
        .unwrap()
        .overload
        .unwrap();
    assert_eq!(why, vec!["latency grew 9x at a similar rate (queueing)"]);
}

#[test]
fn reads_loadgen_v1_1_example_as_the_schedule() {
    // loadgen's own v1.1 contract file: the diurnal day at 10%, compressed 144x: 95,040
    // arrivals over 86,400 s -> 95,040 / 86,400 x 2,628,000 = 2,890,800 requests a month.
    // Its timeline is cut to three seconds (52 sent / 144 = 0.36 req/s), so the peak is the
    // rate curve's, 2 req/s, not below the 1.1 req/s average.
    let text = include_str!("../../../../../loadgen/tests/data/summary-v1.1.json");
    let run = from_json(text, "summary-v1.1.json", dec!(730), dec!(0.6)).unwrap();
    assert!(run.overload.is_none());
    assert_eq!(run.workload.requests_per_month, dec!(2890800));
    assert_eq!(run.workload.peak_rps, Some(dec!(2)));
    // A second's dropped arrivals were scheduled too: they count toward the peak.
    let c = EXAMPLE.replace(
        "\"sent\": 104, \"errors\": 1, \"dropped\": 0",
        "\"sent\": 4, \"errors\": 1, \"dropped\": 100",
    );
    let w = from_json(&c, "s.json", dec!(730), dec!(0.6))
        .unwrap()
        .workload;
    assert_eq!(w.peak_rps, Some(dec!(104)));
}
