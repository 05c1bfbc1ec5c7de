//! The figures nobody gave come from journal-api's committed measured profile
//! (`costcalc/profiles/journal-api.json`): each is worked here from the profile's raw fields, as
//! the README states the model, and compared with what the report priced.

use serde_json::Value;

use crate::support::costcalc_json;

fn profile() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/journal-api.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn f(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap(),
        v => v.as_f64().unwrap(),
    }
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= want.abs() * 1e-9 + 1e-9,
        "{what}: got {got}, want {want}"
    );
}

/// Billed ms per request at `memory_mb` over the profile's route mix: the CPU outside password
/// hashing is spread over every request, hashing goes to the routes that hash; the CPU part
/// stretches by 1,769 / MB below one vCPU, the rest (waiting) does not; each route rounds up.
fn billed_ms(server: &Value, memory_mb: f64) -> f64 {
    let routes = server["routes"].as_array().unwrap();
    let hashing_s: f64 = routes
        .iter()
        .map(|r| r["hash_ms"].as_f64().unwrap_or(0.0) * f(&r["count"]) / 1000.0)
        .sum();
    let other_ms = (f(&server["api_cpu_s"]) - hashing_s).max(0.0) * 1000.0 / f(&server["requests"]);
    let stretch = (1769.0 / memory_mb).max(1.0);
    let counted: f64 = routes.iter().map(|r| f(&r["count"])).sum();
    routes
        .iter()
        .map(|r| {
            let mean = f(&r["server_ms"]["mean"]);
            let cpu = (other_ms + r["hash_ms"].as_f64().unwrap_or(0.0)).min(mean);
            let ms = (mean - cpu) + cpu * stretch;
            f(&r["count"]) / counted * ms.ceil()
        })
        .sum()
}

#[test]
fn unmeasured_figures_are_journal_apis_measured_profile() {
    let p = profile();
    let server = &p["server"];
    let v = costcalc_json(&["report", "--requests-per-month", "1000000000"]);
    let w = &v["workload"];

    // Throughput: the requests the server counted over its CPU-seconds, planned at 60%.
    let per_vcpu = f(&server["requests"]) / f(&server["api_cpu_s"]) * 0.6;
    close(f(&w["throughput_rps_per_vcpu"]), per_vcpu, "req/s per vCPU");
    let count = f(&p["totals"]["count"]);
    close(
        f(&w["request_bytes"]),
        f(&p["totals"]["request_bytes"]) / count,
        "request bytes",
    );
    close(
        f(&w["response_bytes"]),
        f(&p["totals"]["response_bytes"]) / count,
        "response bytes",
    );

    // Lambda at 512 MB: 10^9 requests x billed ms x 0.5 GB.
    let gb_s = 1e9 * billed_ms(server, 512.0) / 1000.0 * 0.5;
    let lambda = v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "lambda")
        .unwrap();
    let duration = lambda["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"].as_str().unwrap().starts_with("Duration (arm64)"))
        .unwrap();
    close(f(&duration["quantity"]), gb_s, "Lambda GB-s");

    // EC2: the peak (the weekdays shape: 168 / 45 x the average of 10^9 over 730 h, 380.52 x
    // 3.7333 = 1,420.6 req/s) over a t4g.micro's 2 vCPUs.
    let peak = 1e9 / (730.0 * 3600.0) * 168.0 / 45.0;
    let instances = (peak / (2.0 * per_vcpu)).ceil();
    let ec2 = v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "ec2")
        .unwrap();
    let summary = ec2["summary"].as_str().unwrap();
    assert!(
        summary.starts_with(&format!("{instances} x t4g.micro")),
        "{summary}"
    );

    // Every one of these says where it came from: the profile, as a default.
    for i in v["inputs"].as_array().unwrap() {
        let figure = i["figure"].as_str().unwrap();
        if [
            "Requests per second per vCPU",
            "Duration per request",
            "Request body",
            "Response body",
        ]
        .contains(&figure)
        {
            assert_eq!(i["origin"]["kind"], "default", "{figure}");
            assert_eq!(
                i["origin"]["file"], "costcalc/profiles/journal-api.json",
                "{figure}"
            );
        }
    }
}

#[test]
fn a_measured_run_and_flags_replace_the_profile() {
    let summary = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/summary-v1.json");
    let v = costcalc_json(&[
        "report",
        "--from-loadgen",
        summary,
        "--throughput-per-vcpu",
        "250",
    ]);
    let kind = |figure: &str| {
        v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["figure"] == figure)
            .unwrap()["origin"]["kind"]
            .clone()
    };
    // The run measured the client's latency and the bytes; the flag gave the throughput.
    assert_eq!(kind("Duration per request"), "measured");
    assert_eq!(kind("Request body"), "measured");
    assert_eq!(kind("Requests per second per vCPU"), "flag");
    // The database CPU was not measured by this v1 run: the profile's stands in, as a default.
    assert_eq!(kind("Database CPU per request"), "default");
}
