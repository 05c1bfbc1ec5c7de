//! `costcalc fargate-tasks`: the shards of a load test on AWS Batch priced from the bundled
//! snapshot, against figures worked by hand; refusals name the flag.

use crate::support::{costcalc, costcalc_json};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::str::FromStr;

fn exact(v: &serde_json::Value, field: &str) -> Decimal {
    Decimal::from_str(v[field].as_str().expect(field)).expect("a decimal")
}

#[test]
fn three_arm_shards_cost_their_billed_seconds() {
    let v = costcalc_json(&[
        "fargate-tasks",
        "--vcpu",
        "1",
        "--memory-gib",
        "2",
        "--arch",
        "arm64",
        "--seconds",
        "612",
        "--seconds",
        "579",
        "--seconds",
        "30",
    ]);
    // Billed 612 + 579 + 60 (30 s is billed as the 60 s minimum) = 1,251 s = 0.3475 task-hours.
    // us-east-1 snapshot, Linux/ARM: 0.03238 per vCPU-hour, 0.00356 per GB-hour.
    // vCPU: 0.3475 x 1 x 0.03238 = 0.01125205; memory: 0.3475 x 2 x 0.00356 = 0.0024742.
    assert_eq!(
        exact(&v, "total_usd_exact"),
        dec!(0.01125205) + dec!(0.0024742)
    );
    let items = v["line_items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{items:#?}");
    assert_eq!(items[0]["cost_usd_exact"], "0.01125205");
    assert_eq!(items[1]["quantity"], "0.695");
    assert_eq!(v["prices_as_of"], "2026-11-01");
    assert_eq!(v["region"], "us-east-1");
}

#[test]
fn the_table_says_the_price_date_region_and_exact_total() {
    let out = costcalc(&[
        "fargate-tasks",
        "--vcpu",
        "0.5",
        "--memory-gib",
        "1",
        "--arch",
        "x86_64",
        "--spot",
        "--seconds",
        "3600",
        "7200",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // 3 task-hours of Spot x86_64: 3 x 0.5 x 0.01334053 + 3 x 1 x 0.00146489 = 0.020010795 +
    // 0.00439467 = 0.024405465.
    for want in [
        "Fargate tasks: 2 runs of 0.5 vCPU / 1 GiB (x86_64, Spot)",
        "as of 2026-11-01",
        "us-east-1",
        "Billed: 10,800 task-seconds = 3 task-hours",
        "Total: 0.024405 USD (exact 0.024405465; $0.02 in cents)",
    ] {
        assert!(text.contains(want), "want {want:?} in:\n{text}");
    }
}

fn refused(args: &[&str], needles: &[&str]) {
    let out = costcalc(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    for n in needles {
        assert!(err.contains(n), "want {n:?} in {err}");
    }
}

#[test]
fn prices_the_snapshot_lacks_and_impossible_sizes_are_refused() {
    // The bundled snapshot has no ARM64 Spot rate: an error, never a guess.
    refused(
        &[
            "fargate-tasks",
            "--vcpu",
            "1",
            "--memory-gib",
            "2",
            "--arch",
            "arm64",
            "--spot",
            "--seconds",
            "60",
        ],
        &["--spot", "no ARM64 Spot rate"],
    );
    refused(
        &[
            "fargate-tasks",
            "--vcpu",
            "1",
            "--memory-gib",
            "0.5",
            "--arch",
            "arm64",
            "--seconds",
            "60",
        ],
        &["--memory-gib", "1 vCPU: 2-8 GB"],
    );
    refused(
        &[
            "fargate-tasks",
            "--vcpu",
            "1",
            "--memory-gib",
            "2",
            "--arch",
            "arm64",
            "--seconds",
            "2e9",
        ],
        &["--seconds"],
    );
    let out = costcalc(&[
        "fargate-tasks",
        "--vcpu",
        "1",
        "--memory-gib",
        "2",
        "--arch",
        "arm64",
    ]);
    assert_eq!(out.status.code(), Some(2), "no --seconds is a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--seconds"));
}
