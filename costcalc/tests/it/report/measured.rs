//! Measured runs: an overloaded one, defaults that decide the outcome, a measured server.

use super::{cost, deployment};
use crate::support::{costcalc, costcalc_json};

/// A run whose target did not keep up did not measure the workload: refused with what happened
/// and what to do, or priced with --allow-overloaded and the warning in every format.
#[test]
fn an_overloaded_run_is_refused_or_priced_with_a_warning() {
    let example = include_str!("../../data/summary-v1.json");
    let dir = std::env::temp_dir().join(format!("costcalc-overload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("overloaded.json");
    std::fs::write(
        &path,
        example.replace("\"dropped\": 0,", "\"dropped\": 1700,"),
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let out = costcalc(&["report", "--from-loadgen", p]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("overloaded.json")
            && err.contains("85% of the 2000 scheduled arrivals dropped"),
        "{err}"
    );
    assert!(
        err.contains("--compress") && err.contains("--allow-overloaded"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    for (fmt, mark) in [
        ("table", "WARNING: "),
        ("md", "> **Warning:**"),
        ("csv", "# warning: "),
        ("json", "\"warnings\": ["),
    ] {
        let out = costcalc(&[
            "report",
            "--from-loadgen",
            p,
            "--allow-overloaded",
            "--format",
            fmt,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(mark) && text.contains("did not keep up"),
            "{fmt}: {text:.400}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A default that decides the outcome (halving or doubling it changes the cheapest deployment)
/// is flagged beside the figure and warned about first; a measured or given one is only flagged.
#[test]
fn defaults_that_decide_the_outcome_are_flagged() {
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "5e6",
        "--proxy",
        "off",
    ]);
    assert_eq!(v["cheapest"], "lambda");
    let decides = |figure: &str| {
        v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["figure"] == figure)
            .unwrap()["decides"]
            .clone()
    };
    // 5M requests at 100 ms: at 200 ms, Lambda's duration line doubles and EC2 wins.
    assert_eq!(decides("Duration per request"), "ec2");
    assert_eq!(decides("Requests per month"), "ec2");
    assert_eq!(decides("Request body"), serde_json::Value::Null);
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("duration per request (100 ms) decides")
    );
    // The side project: EC2 by a margin no halving or doubling closes.
    let v = costcalc_json(&["report", "--defaults", "generic"]);
    assert!(
        v["warnings"].as_array().unwrap().is_empty(),
        "{}",
        v["warnings"]
    );
}

/// A run that measured the server (loadgen's `server` block) sizes from the server's CPU and
/// models the Lambda duration from its time per route, not from the client's latency.
#[test]
fn a_measured_server_sizes_instances_and_models_lambda_duration() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/summary-v1.1-server.json"
    );
    let v = costcalc_json(&["report", "--defaults", "generic", "--from-loadgen", path]);
    let w = &v["workload"];
    // 2,000 requests on 5.6 CPU-seconds = 357.14 req/s per vCPU, planned at 60%: 214.2857...
    assert!(
        w["throughput_rps_per_vcpu"]
            .as_str()
            .unwrap()
            .starts_with("214.285714")
    );
    // Peak 104 req/s: a 0.25 vCPU task serves 53.57 -> 2 tasks; a 2-vCPU t4g.micro 428.6 -> 1.
    let summary = |k: &str| deployment(&v, k)["summary"].as_str().unwrap().to_string();
    assert!(
        summary("fargate").starts_with("2 x"),
        "{}",
        summary("fargate")
    );
    assert!(summary("ec2").starts_with("1 x"), "{}", summary("ec2"));
    // Hashing: 200 logins x 24 ms = 4.8 s of the 5.6; the rest, 0.8 s / 2,000 = 0.4 ms per request.
    //   list:  0.4 ms CPU, 0.8 ms waiting; at 512 MB the CPU stretches 1769/512 = 3.455078125:
    //          0.8 + 0.4 x 3.455078125 = 2.182 -> billed 3 ms
    //   login: 24.4 ms CPU, 1.6 ms waiting: 1.6 + 24.4 x 3.455078125 = 85.90 -> billed 86 ms
    //   mix:   0.9 x 3 + 0.1 x 86 = 11.3 ms per request
    // 262,800,000 requests x 0.0113 s x 0.5 GB = 1,484,820 GB-s x 0.0000133334 = 19.7977 -> 19.80
    assert_eq!(cost(deployment(&v, "lambda"), "Duration (arm64)"), "19.80");
    let text = v["assumptions"].to_string();
    assert!(text.contains("billed 11.3 ms per request"), "{text}");
    // At 1,769 MB the CPU runs at full speed: list 1.2 -> 2 ms, login 26 -> 26 ms: 4.4 ms.
    // 262,800,000 x 0.0044 s x 1769/1024 GB = 1,997,587.96875 GB-s x 0.0000133334 = 26.6346
    let v = costcalc_json(&[
        "report",
        "--from-loadgen",
        path,
        "--lambda-memory-mb",
        "1769",
    ]);
    assert_eq!(cost(deployment(&v, "lambda"), "Duration (arm64)"), "26.63");
    let origin = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["figure"] == "Requests per second per vCPU")
        .unwrap()["origin"]
        .clone();
    assert_eq!(origin["kind"], "measured");
    assert!(origin["field"].as_str().unwrap().contains("api_cpu_s"));
    // A flag still overrides the measurement, and says so.
    let v = costcalc_json(&["report", "--from-loadgen", path, "--duration-ms", "50"]);
    assert_eq!(v["workload"]["duration_ms"], "50");
}

/// A server block with `log_bytes_per_request` (v1.5) prices CloudWatch Logs from it, says it was
/// measured, and refuses a value out of range in one line naming the field.
#[test]
fn measured_log_bytes_price_cloudwatch_logs() {
    let example = include_str!("../../data/summary-v1.1-server.json");
    let with = |bytes: &str| {
        example.replace("summary/v1.1", "summary/v1.5").replace(
            "\"api_cpu_s\": 5.6,",
            &format!("\"api_cpu_s\": 5.6, \"log_bytes_per_request\": {bytes},"),
        )
    };
    let dir = std::env::temp_dir().join(format!("costcalc-logbytes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("measured.json");
    std::fs::write(&path, with("171.0")).unwrap();
    let p = path.to_str().unwrap();
    let v = costcalc_json(&["report", "--defaults", "generic", "--from-loadgen", p]);
    assert_eq!(v["workload"]["log_bytes_per_request"], "171");
    // 262,800,000 requests x 171 B = 44,938,800,000 B / 1,073,741,824 = 41.8525 GB a month:
    // ingested at $0.50/GB = 20.926 -> 20.93, stored a month at $0.03/GB-month = 1.2556 -> 1.26.
    // (The 200 B default would say 48.95 GB: 24.48 and 1.47.)
    let ec2 = deployment(&v, "ec2");
    assert_eq!(cost(ec2, "Ingestion"), "20.93");
    assert_eq!(cost(ec2, "Storage"), "1.26");
    let origin = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["figure"] == "Log bytes per request")
        .unwrap()["origin"]
        .clone();
    assert_eq!(origin["kind"], "measured", "{origin}");
    assert_eq!(origin["field"], "server.log_bytes_per_request", "{origin}");
    std::fs::write(&path, with("1e12")).unwrap();
    let out = costcalc(&["report", "--from-loadgen", p]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("server.log_bytes_per_request"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
