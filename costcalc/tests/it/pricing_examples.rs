//! P1..P9 of costcalc/docs/pricing-examples.md, reproduced to the cent through the real
//! binary's JSON. Expected figures are AWS's (or infracost's), not computed by costcalc.

use crate::support::{costcalc_json, line_cost, total};

#[test]
fn p1_lambda_x86_free_tier() {
    // 3M x 0.120 s x 1.5 GB = 540,000 GB-s - 400,000 free = 140,000 x 0.0000166667 = 2.333338
    // (3M - 1M free) x 0.20/M = 0.40
    let v = costcalc_json(&[
        "lambda",
        "--requests",
        "3000000",
        "--duration-ms",
        "120",
        "--memory-mb",
        "1536",
        "--arch",
        "x86_64",
        "--free-tier",
    ]);
    assert_eq!(line_cost(&v, "Duration"), "2.33");
    assert_eq!(line_cost(&v, "Requests"), "0.40");
    assert_eq!(total(&v), "2.73");
    assert_eq!(v["region"], "us-east-1");
}

#[test]
fn p2_lambda_x86_no_free_tier() {
    // 7.44M x 2 s x 1 GB = 14,880,000 GB-s x 0.0000166667 = 248.000496; 7.44 x 0.20 = 1.488
    let v = costcalc_json(&[
        "lambda",
        "--arch",
        "x86_64",
        "--requests",
        "7440000",
        "--duration-ms",
        "2000",
        "--memory-mb",
        "1024",
    ]);
    assert_eq!(line_cost(&v, "Duration"), "248.00");
    assert_eq!(line_cost(&v, "Requests"), "1.49");
    assert_eq!(total(&v), "249.49");
}

#[test]
fn p3_lambda_duration_tiers() {
    // 9e9 x 1.024 s x 1 GB = 9.216e9 GB-s: 6e9 x 0.0000166667 + 3.216e9 x 0.000015
    let v = costcalc_json(&[
        "lambda",
        "--arch",
        "x86_64",
        "--requests",
        "9000000000",
        "--duration-ms",
        "1024",
        "--memory-mb",
        "1024",
    ]);
    assert_eq!(line_cost(&v, "Duration (x86_64), tier 1"), "100000.20");
    assert_eq!(line_cost(&v, "Duration (x86_64), tier 2"), "48240.00");
    assert_eq!(line_cost(&v, "Requests"), "1800.00");
}

#[test]
fn p4_fargate_seconds_per_day_per_line_rounding() {
    // 5 tasks x 600 s x 30 days = 25 task-hours: vCPU 25 x 0.04048 = 1.012; memory 25 x 2 x
    // 0.004445 = 0.22225; storage 25 x 10 x 0.000111 = 0.02775. AWS rounds each line and adds
    // them (1.01 + 0.22 + 0.03); the exact total 1.262 rounds to the same 1.26.
    let v = costcalc_json(&[
        "fargate",
        "--arch",
        "x86_64",
        "--tasks",
        "5",
        "--vcpu",
        "1",
        "--memory-gb",
        "2",
        "--storage-gb",
        "30",
        "--seconds-per-day",
        "600",
        "--days",
        "30",
    ]);
    assert_eq!(line_cost(&v, "vCPU"), "1.01");
    assert_eq!(line_cost(&v, "Memory"), "0.22");
    assert_eq!(line_cost(&v, "Ephemeral storage"), "0.03");
    assert_eq!(total(&v), "1.26");
    let sum_of_rounded: rust_decimal::Decimal = v["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["cost_usd"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(sum_of_rounded.to_string(), "1.26");
}

#[test]
fn p5_fargate_month() {
    let v = costcalc_json(&[
        "fargate",
        "--arch",
        "x86_64",
        "--tasks",
        "1",
        "--vcpu",
        "1",
        "--memory-gb",
        "2",
        "--hours",
        "730",
    ]);
    assert_eq!(line_cost(&v, "vCPU"), "29.55");
    assert_eq!(line_cost(&v, "Memory"), "6.49");
}

#[test]
fn p6_api_gateway_rest_with_transfer() {
    // 5M x 3.50/M = 17.50; 5M x 3 KB = 15,360,000,000 B = 14.305 GB x 0.09 = 1.2875
    let v = costcalc_json(&[
        "apigw",
        "--requests",
        "5000000",
        "--api",
        "rest",
        "--response-kb",
        "3",
    ]);
    assert_eq!(line_cost(&v, "REST API requests"), "17.50");
    assert_eq!(line_cost(&v, "Out to internet"), "1.29");
    assert_eq!(total(&v), "18.79");
}

#[test]
fn p7_rds_proxy_minimum() {
    let v = costcalc_json(&["rds-proxy", "--vcpus", "1", "--hours", "720"]);
    assert_eq!(total(&v), "21.60");
    let v = costcalc_json(&["rds-proxy", "--vcpus", "1", "--hours-per-month", "720"]);
    assert_eq!(total(&v), "21.60");
    let v = costcalc_json(&["rds-proxy", "--vcpus", "1"]);
    assert_eq!(total(&v), "21.90");
}

#[test]
fn p8_nat_gateway() {
    let v = costcalc_json(&["nat", "--processed-gb", "100"]);
    assert_eq!(line_cost(&v, "NAT Gateway hours"), "32.85");
    assert_eq!(line_cost(&v, "Data processed"), "4.50");
}

#[test]
fn p9_public_ipv4() {
    let v = costcalc_json(&["ipv4", "--addresses", "1"]);
    assert_eq!(total(&v), "3.65");
    assert_eq!(v["prices_as_of"].as_str().unwrap().len(), 10);
}

#[test]
fn measured_durations_round_up_each_invocation() {
    // Two invocations of 1.2 ms and one of 3 ms bill 2 + 2 + 3 = 7 ms, a mean of 7/3 ms; scaled to
    // 3,000,000 requests: 7,000 s x 1 GB = 7,000 GB-s x 0.0000166667 = 0.1166669 -> 0.12.
    // (With the mean duration 1.8 ms -> 2 ms, it would be 6,000 GB-s = 0.10.)
    let dir = std::env::temp_dir().join(format!("costcalc-durations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("durations.txt");
    std::fs::write(&f, "# ms\n1.2\n1.2\n3\n").unwrap();
    let v = costcalc_json(&[
        "lambda",
        "--arch",
        "x86_64",
        "--requests",
        "3000000",
        "--durations-file",
        f.to_str().unwrap(),
        "--memory-mb",
        "1024",
    ]);
    let d = v["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"].as_str().unwrap().starts_with("Duration"))
        .unwrap();
    assert_eq!(d["quantity"], "7000");
    assert_eq!(d["cost_usd"], "0.12");
    std::fs::write(&f, "1.2\nfast\n").unwrap();
    let out = crate::support::costcalc(&[
        "lambda",
        "--arch",
        "x86_64",
        "--requests",
        "1",
        "--durations-file",
        f.to_str().unwrap(),
        "--memory-mb",
        "1024",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("durations.txt") && err.contains("line 2"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
