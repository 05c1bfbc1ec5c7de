//! `report --db aurora-serverless`: ACU-hours, auto-pause over evenly spaced requests, and the
//! settings AWS refuses.

use super::{cost, deployment, services};
use crate::support::{costcalc, costcalc_json};

#[test]
fn auto_pause_bills_only_the_hours_the_cluster_is_up() {
    // 1,000 requests in 730 h, evenly spaced: one every 2,628 s. A gap pauses after the pool's
    // 600 s idle close + the 300 s timeout = 900 s, for 2,628 - 900 = 1,728 s; x 1,000 gaps =
    // 1,728,000 s = 480 h paused, 1,000 resumes (every request waits for one).
    // Up 730 - 480 = 250 h x 0.5 ACU = 125 ACU-hours x $0.12 = $15.00; storage 20 GB x $0.10 =
    // $2.00 all month.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "1000",
        "--db",
        "aurora-serverless",
        "--acu-min",
        "0",
    ]);
    for name in ["ec2", "fargate", "lambda"] {
        let d = deployment(&v, name);
        assert_eq!(cost(d, "Serverless v2 (Standard)"), "15.00", "{name}");
        assert_eq!(cost(d, "storage 20 GB"), "2.00", "{name}");
        assert!(
            d["summary"]
                .as_str()
                .unwrap()
                .contains("Aurora Serverless v2 0-4 ACU (auto-pause)"),
            "{}",
            d["summary"]
        );
        let notes = d["notes"].to_string();
        assert!(
            notes.contains("paused 480 h a month, 1,000 resumes a month, up to ~15 s"),
            "{notes}"
        );
        assert!(notes.contains("(100% of requests)"), "{notes}");
    }
    // Lambda goes without the proxy, and says why.
    let l = deployment(&v, "lambda");
    assert!(!services(l).contains(&"RDS Proxy".to_string()));
    assert!(
        l["notes"]
            .to_string()
            .contains("without RDS Proxy: auto-pause cannot be used with it")
    );
}

#[test]
fn a_half_acu_minimum_never_pauses_and_io_optimized_costs_more() {
    // 0.5 ACU x 730 h x $0.16 = $58.40; storage 20 x $0.225 = $4.50; no I/O line.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--db",
        "aurora-serverless",
        "--aurora-storage",
        "io-optimized",
    ]);
    let d = deployment(&v, "ec2");
    assert_eq!(cost(d, "Serverless v2 (I/O-Optimized)"), "58.40");
    assert_eq!(cost(d, "storage 20 GB"), "4.50");
    assert!(!d["line_items"].to_string().contains("I/O requests"));
    // Lambda keeps its proxy at a 0.5-ACU minimum, billed per ACU in front of Aurora Serverless
    // v2 with an 8-ACU minimum: 8 x 730 h x $0.015 = $87.60 (not the 2-vCPU RDS minimum's $21.90).
    assert_eq!(cost(deployment(&v, "lambda"), "Proxy"), "87.60");
}

#[test]
fn settings_aws_refuses_are_refused_naming_the_flag_and_why() {
    let refused = |extra: &[&str]| {
        let mut args = vec!["report", "--db", "aurora-serverless"];
        args.extend_from_slice(extra);
        let out = costcalc(&args);
        assert!(!out.status.success(), "{args:?}");
        String::from_utf8_lossy(&out.stderr).trim().to_string()
    };
    let e = refused(&["--acu-min", "0", "--proxy", "on"]);
    assert!(
        e.contains("--proxy: on: auto-pause (minimum 0 ACUs) cannot be used with RDS Proxy"),
        "{e}"
    );
    let e = refused(&["--acu-min", "0.3"]);
    assert!(
        e.contains("--acu-min: 0.3: expected 0 (auto-pause) or 0.5 to 256 in 0.5 steps"),
        "{e}"
    );
    // A scale-down lag beyond an hour per 0.5 ACU is refused (2h = 7,200 s).
    let e = refused(&["--acu-scale-down-lag", "2h"]);
    assert_eq!(
        e,
        "error: --acu-scale-down-lag: 7200 is too large (at most 3,600)"
    );
    let e = refused(&["--acu-min", "8", "--acu-max", "4"]);
    assert!(e.contains("--acu-max: 4: below the minimum (8 ACU)"), "{e}");
    let e = refused(&["--acu-min", "0", "--pause-after", "1m"]);
    assert!(
        e.contains("--pause-after: expected 300 to 86,400, got 60"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1, "{e}");
}

#[test]
fn a_loadgen_runs_idle_gaps_repeat_over_the_month() {
    // The fixture's run with a 3,600 s profile holding one 1,800 s idle gap (real time): the
    // month (2,628,000 s) repeats it 730 times. Each gap pauses after 600 s (pool) + 300 s, for
    // 1,800 - 900 = 900 s: 730 x 900 = 657,000 s = 182.5 h paused, 730 resumes. Up 730 - 182.5 =
    // 547.5 h x 0.5 ACU = 273.75 ACU-hours at the floor.
    // ACUs over the run's timeline: its 2,000 requests a 3,600 s profile are 1.46M a month; its
    // timeline (97 and 104 sent in seconds 0 and 1, compression 1) shares them as 201 were, x
    // 2,000 / 201 = 9.95: 965 and 1,035 req/s x 0.2667 ms (the default profile's database CPU)
    // / 0.25 vCPU per ACU = 1.03 and 1.10 ACU -> 1.5 ACU for 2 s, 1 ACU above the floor: 2
    // ACU-s. Then idle: down 0.5 ACU per 60 s (the default lag), 1.5 for 60 s and 1 for 60 s
    // more: 60 x 1 + 60 x 0.5 = 90 ACU-s, done long before the pause (900 s). 92 ACU-s x 730 =
    // 67,160 ACU-s = 18.6556 ACU-hours; with the floor 292.4056 x $0.12 = $35.0887 -> $35.09.
    // Of them the lag's: 90 x 730 / 3,600 = 18.25.
    let text = include_str!("../../data/summary-v1.json").replacen(
        "\"duration_s\": 20.0,",
        "\"duration_s\": 3600.0,",
        1,
    );
    let dir = std::env::temp_dir().join(format!("costcalc-aurora-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("summary.json");
    std::fs::write(&path, text).unwrap();
    let v = costcalc_json(&[
        "report",
        "--from-loadgen",
        path.to_str().unwrap(),
        "--db",
        "aurora-serverless",
        "--acu-min",
        "0",
    ]);
    let d = deployment(&v, "ec2");
    assert_eq!(cost(d, "Serverless v2 (Standard)"), "35.09");
    let notes = d["notes"].to_string();
    assert!(
        notes.contains(
            "holds 0.5 to 1.5 ACU over the loadgen run's timeline, for the measured database CPU"
        ) && notes.contains("292.41 ACU-hours a month, 18.25 of them from the scale-down lag")
            && notes.contains("down 0.5 ACU per 60 s"),
        "{notes}"
    );
    // No lag: 273.75 + 2 x 730 / 3,600 = 274.1556 x $0.12 = $32.8987 -> $32.90.
    let v = costcalc_json(&[
        "report",
        "--from-loadgen",
        path.to_str().unwrap(),
        "--db",
        "aurora-serverless",
        "--acu-min",
        "0",
        "--acu-scale-down-lag",
        "0",
    ]);
    assert_eq!(
        cost(deployment(&v, "ec2"), "Serverless v2 (Standard)"),
        "32.90"
    );
    assert!(
        notes.contains("the loadgen run's 1 idle gaps over its 3,600 s profile, repeated"),
        "{notes}"
    );
    assert!(
        notes.contains("paused 182.5 h a month, 730 resumes a month"),
        "{notes}"
    );
    // The unchanged fixture's gap (1,800 s) does not fit in its 20 s profile: not used, and said.
    let v = costcalc_json(&[
        "report",
        "--from-loadgen",
        "tests/data/summary-v1.json",
        "--db",
        "aurora-serverless",
        "--acu-min",
        "0",
    ]);
    assert!(
        v["warnings"]
            .to_string()
            .contains("idle gaps (1800 s in all) do not fit in its profile (20 s)"),
        "{}",
        v["warnings"]
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn weekdays_traffic_pauses_over_nights_and_weekends() {
    // 10,000 requests in 730 h on weekdays 09:00-18:00. The month is 730 / 168 = 4.345238 weeks:
    // 5 x 4.345238 = 21.726 weekdays of 460.27 requests, 9 h x 3,600 / 459.27 gaps = 70.55 s
    // apart (under the 600 s pool idle + 300 s pause-after = 900 s: never paused). Nights
    // (15 h = 54,000 s) 4 x 4.345238 = 17.381 a month, each paused 54,000 - 900 = 53,100 s;
    // weekends (63 h = 226,800 s) 4.345238, each paused 225,900 s. In all 730 / 168 x (4 x
    // 53,100 + 225,900) = 1,904,517.86 s = 529.03 h paused, 21.73 resumes (22), 21.73 / 10,000 =
    // 0.22% of requests. Up 730 - 529.0327 = 200.9673 h x 0.5 ACU = 100.4836 ACU-hours x $0.12 =
    // $12.06.
    let args = |traffic: &'static str, extra: &[&'static str]| {
        let mut a = vec![
            "report",
            "--defaults",
            "generic",
            "--requests-per-month",
            "10000",
            "--db",
            "aurora-serverless",
            "--acu-min",
            "0",
            "--traffic",
            traffic,
        ];
        a.extend_from_slice(extra);
        a
    };
    let v = costcalc_json(&args("weekdays", &[]));
    for name in ["ec2", "fargate", "lambda"] {
        let d = deployment(&v, name);
        assert_eq!(cost(d, "Serverless v2 (Standard)"), "12.06", "{name}");
        let notes = d["notes"].to_string();
        assert!(
            notes.contains("requests on weekdays 09:00-18:00"),
            "{notes}"
        );
        assert!(
            notes.contains("paused 529.03 h a month, 22 resumes a month"),
            "{notes}"
        );
        assert!(notes.contains("(0.22% of requests)"), "{notes}");
    }
    // Pause after 24 h: wait 600 + 86,400 = 87,000 s, longer than a night, so only weekends
    // pause: 4.345238 x (226,800 - 87,000) = 607,464.29 s = 168.74 h, 4 resumes (0.04%). Up
    // 730 - 168.740079 = 561.259921 h x 0.5 x $0.12 = $33.68.
    let v = costcalc_json(&args("weekdays", &["--pause-after", "24h"]));
    let d = deployment(&v, "ec2");
    assert_eq!(cost(d, "Serverless v2 (Standard)"), "33.68");
    let notes = d["notes"].to_string();
    assert!(
        notes.contains("paused 168.74 h a month, 4 resumes a month"),
        "{notes}"
    );
    assert!(notes.contains("(0.04% of requests)"), "{notes}");
    // Evenly spaced, the same 10,000 requests are 262.8 s apart and never pause: 730 h x 0.5 x
    // $0.12 = $43.80.
    let even = costcalc_json(&args("even", &[]));
    assert_eq!(
        cost(deployment(&even, "ec2"), "Serverless v2 (Standard)"),
        "43.80"
    );
}

/// A load that needs more ACUs than `--acu-max` is billed at the maximum (what AWS would bill) and
/// marked incomplete, as a too-small RDS class is; at the maximum exactly it is complete.
#[test]
fn a_load_above_the_acu_maximum_is_billed_capped_and_marked_incomplete() {
    // 26,280,000 requests over 730 h (2,628,000 s) evenly: 10 req/s. At 120 ms of database CPU
    // each: 10 x 0.120 = 1.2 vCPUs / 0.25 vCPU per ACU = 4.8 -> 5 ACU, above the 4 maximum.
    // Billed at 4 ACU all month: 4 x 730 x $0.12 = $350.40. At 100 ms: 1.0 / 0.25 = 4 ACU
    // exactly, the maximum: complete, the same $350.40.
    let run = |ms: &str| {
        costcalc_json(&[
            "report",
            "--defaults",
            "generic",
            "--db",
            "aurora-serverless",
            "--requests-per-month",
            "26280000",
            "--db-cpu-ms-per-request",
            ms,
        ])
    };
    let (over, at) = (run("120"), run("100"));
    for name in ["ec2", "fargate", "lambda"] {
        let d = deployment(&over, name);
        assert_eq!(cost(d, "Serverless v2 (Standard)"), "350.40", "{name}");
        assert_eq!(d["incomplete"], true, "{name}");
        assert!(
            d["summary"].as_str().unwrap().contains("[INCOMPLETE"),
            "{}",
            d["summary"]
        );
        let notes = d["notes"].to_string();
        assert!(
            notes.contains(
                "the database needs up to 5 ACU (at its busiest), above --acu-max 4: raise the \
                 maximum"
            ),
            "{notes}"
        );
        let d = deployment(&at, name);
        assert_eq!(cost(d, "Serverless v2 (Standard)"), "350.40", "{name}");
        assert_eq!(d["incomplete"], false, "{name}");
        assert!(!d["notes"].to_string().contains("needs up to"), "{name}");
    }
    // Every format that marks a too-small RDS class marks this one.
    for format in ["table", "md", "csv", "html"] {
        let out = costcalc(&[
            "report",
            "--defaults",
            "generic",
            "--db",
            "aurora-serverless",
            "--requests-per-month",
            "26280000",
            "--db-cpu-ms-per-request",
            "120",
            "--format",
            format,
        ]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.matches("INCOMPLETE").count() >= 3, "{format}: {text}");
    }
}
