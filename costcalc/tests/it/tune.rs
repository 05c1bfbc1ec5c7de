//! `report --lambda-tune`: the Lambda priced at a memory sweep's measured durations, and
//! `--lambda-memory-mb auto` picking the cheapest size whose p99 meets the target. The fixture
//! (tests/data/tune-v1.json) is hand-made so that every figure below is worked by hand.

use crate::support::{costcalc, costcalc_json};
use serde_json::Value;

const TUNE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tune-v1.json");

fn lambda(v: &Value) -> &Value {
    v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "lambda")
        .unwrap()
}

#[test]
fn priced_at_the_measured_duration_of_the_size() {
    // The tune's own mix (no run given): health 10, list 60, create 20, login 10 of 100.
    // At 512 MB: (10 x 1 + 60 x 2 + 20 x 2 + 10 x 84) / 100 = 10.1 ms billed per request.
    // 100,000,000 x 0.0101 s x 0.5 GB = 505,000 GB-s x 0.0000133334 = 6.733367 -> 6.73
    let v = costcalc_json(&[
        "report",
        "--requests-per-month",
        "1e8",
        "--lambda-tune",
        TUNE,
    ]);
    let duration = lambda(&v)["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"].as_str().unwrap().starts_with("Duration"))
        .unwrap()
        .clone();
    assert_eq!(duration["quantity"], "505000");
    assert_eq!(duration["cost_usd"], "6.73");
    let sweep = v["lambda_sweep"].as_array().unwrap();
    assert_eq!(sweep.len(), 6);
    assert_eq!(sweep[0]["size"]["usable"], false);
    let at512 = sweep
        .iter()
        .find(|r| r["size"]["memory_mb"] == "512")
        .unwrap();
    assert_eq!(at512["picked"], true);
    assert_eq!(at512["size"]["billed_ms"], "10.1");
    // Per 1M arm64: 0.20 + 1,000,000 x 0.0101 s x 0.5 GB = 5,050 GB-s x 0.0000133334 = 0.26733367
    assert_eq!(at512["cost_per_million_arm64_usd"], "0.26733367");
}

#[test]
fn auto_picks_the_cheapest_size_that_meets_the_p99_target() {
    let picked = |slo: &str| {
        let v = costcalc_json(&[
            "report",
            "--lambda-tune",
            TUNE,
            "--lambda-memory-mb",
            "auto",
            "--p99-slo",
            slo,
        ]);
        lambda(&v)["summary"]
            .as_str()
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .to_string()
    };
    // Per 1M arm64: 256 MB 19.4 ms -> 0.2647; 512 MB 10.1 ms -> 0.2673; 1,024 MB 5.9 ms -> 0.2787;
    // 1,769 MB 4.2 ms -> 0.2967; 3,008 MB 4.2 ms -> 0.3645. Worst p99: 185, 95, 50, 30, 30 ms.
    assert_eq!(picked("500"), "256");
    assert_eq!(picked("100"), "512");
    assert_eq!(picked("40"), "1769");
    let out = costcalc(&[
        "report",
        "--lambda-tune",
        TUNE,
        "--lambda-memory-mb",
        "auto",
        "--p99-slo",
        "10",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--p99-slo") && err.contains("the fastest: 30 ms at 1769 MB"),
        "{err}"
    );
    let out = costcalc(&["report", "--lambda-memory-mb", "auto"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("auto needs --lambda-tune"));
}

#[test]
fn a_run_adds_its_mix_and_its_cold_starts() {
    // loadgen's example run: a 20 s profile with 1 idle gap -> 1 x 2,628,000 / 20 = 131,400 cold
    // starts a month, each billing the 512 MB INIT p50 of 70 ms: 9,198 s x 0.5 GB more.
    let summary = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/summary-v1.json");
    let v = costcalc_json(&["report", "--from-loadgen", summary, "--lambda-tune", TUNE]);
    let text = v["assumptions"].to_string();
    assert!(
        text.contains("131,400 cold starts a month from the run's idle gaps"),
        "{text}"
    );
    let origin = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["figure"] == "Duration per request")
        .unwrap()["origin"]["field"]
        .clone();
    assert!(
        origin.as_str().unwrap().contains("run's route mix"),
        "{origin}"
    );
}

#[test]
fn every_format_shows_the_cost_per_size_and_why_the_pick() {
    // 100M requests a month on arm64, --p99-slo 100 ms: 256 MB (p99 185 ms) misses the target,
    // 512 MB (p99 95 ms) is the cheapest that meets it.
    // 512 MB a month: 100 x $0.20 = $20 of requests; 100,000,000 x 0.0101 s x 0.5 GB = 505,000
    // GB-s x 0.0000133334 = $6.733367; $26.733367 in all. Per 1M: $0.26733367 -> $0.27.
    // 256 MB a month: 100,000,000 x 0.0194 s x 0.25 GB = 485,000 GB-s x 0.0000133334 = $6.466699
    // + $20 = $26.466699.
    let args = |format: &str| {
        let out = costcalc(&[
            "report",
            "--requests-per-month",
            "1e8",
            "--lambda-tune",
            TUNE,
            "--lambda-memory-mb",
            "auto",
            "--p99-slo",
            "100",
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(0), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    let why = "picked: the cheapest size whose p99 (95 ms) meets the 100 ms target ($0.27 per 1M \
               requests on arm64)";
    for format in ["table", "md", "html"] {
        let text = args(format);
        let picked = text
            .lines()
            .find(|l| l.contains(why))
            .unwrap_or_else(|| panic!("{format}: no line says why the size was picked:\n{text}"));
        assert!(
            picked.contains("512") && picked.contains("$26.73"),
            "{format}: {picked}"
        );
        let missed = text
            .lines()
            .find(|l| l.contains("p99 above the 100 ms target"))
            .unwrap_or_else(|| panic!("{format}: 256 MB not marked"));
        assert!(
            missed.contains("256") && missed.contains("$26.47"),
            "{format}: {missed}"
        );
    }
    let csv = args("csv");
    assert!(
        csv.lines().any(|l| l
            == format!(
                "# lambda_sweep,512,true,70,95,95,10.1,0.26733367,0.284166835,26.733367,true,{why}"
            )),
        "{csv}"
    );
    assert!(csv.contains("cost_per_month_arm64_usd"), "{csv}");
    let v: Value = serde_json::from_str(&args("json")).unwrap();
    let sweep = v["lambda_sweep"].as_array().unwrap();
    let at = |mb: &str| sweep.iter().find(|r| r["size"]["memory_mb"] == mb).unwrap();
    assert_eq!(at("512")["cost_per_month_usd"], "26.733367");
    assert_eq!(at("512")["cost_per_million_arm64_usd"], "0.26733367");
    assert_eq!(at("512")["picked"], true);
    assert_eq!(at("512")["note"], why);
    assert_eq!(at("256")["cost_per_month_usd"], "26.466699");
    assert_eq!(at("256")["note"], "p99 above the 100 ms target");
}
