//! Missing, malformed and mismatched files name the path; a snapshot file can add a rate.

use super::{fails, temp};
use crate::support::costcalc;

#[test]
fn missing_and_malformed_files_name_the_path() {
    fails(
        &["report", "--workload", "/nonexistent/w.toml"],
        1,
        &["/nonexistent/w.toml"],
    );
    let bad = temp("bad.toml", "requests_per_month = \n");
    fails(
        &["report", "--workload", bad.to_str().unwrap()],
        1,
        &["bad.toml", "workload file"],
    );
    let typo = temp("typo.toml", "request_per_month = 5\n");
    fails(
        &["report", "--workload", typo.to_str().unwrap()],
        1,
        &["typo.toml", "request_per_month"],
    );
    let v2 = temp("v2.json", "{\"schema\": \"deploycost.loadgen.summary/v2\"}");
    fails(
        &["report", "--from-loadgen", v2.to_str().unwrap()],
        1,
        &["v2.json", "major version 2"],
    );
    fails(
        &["report", "--from-loadgen", "/nonexistent/summary.json"],
        1,
        &["/nonexistent/summary.json"],
    );
    let junk = temp("junk.json", "not json");
    fails(
        &["report", "--from-loadgen", junk.to_str().unwrap()],
        1,
        &["junk.json", "not valid JSON"],
    );
    let prices = temp(
        "prices.toml",
        "schema = \"deploycost.prices/v1\"\nregion = \"us-east-1\"\n",
    );
    fails(
        &["report", "--prices", prices.to_str().unwrap()],
        1,
        &["prices.toml", "snapshot"],
    );
    fails(
        &[
            "breakeven",
            "--points",
            "5",
            "--chart",
            "/nonexistent/dir/c.svg",
        ],
        1,
        &["/nonexistent/dir/c.svg"],
    );
}

#[test]
fn a_printed_snapshot_loads_back_with_prices() {
    // `costcalc prices` prints the format `--prices` reads: the round trip gives the same bill.
    let out = costcalc(&["prices"]);
    assert!(out.status.success());
    let file = temp("snapshot.toml", &String::from_utf8(out.stdout).unwrap());
    let a = costcalc(&["report", "--format", "json"]);
    let b = costcalc(&[
        "report",
        "--format",
        "json",
        "--prices",
        file.to_str().unwrap(),
    ]);
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&a.stdout).unwrap(),
        serde_json::from_slice(&b.stdout).unwrap(),
    );
    assert_eq!(a["deployments"], b["deployments"]);
    assert_eq!(b["prices_origin"], file.to_str().unwrap());
    fails(
        &[
            "report",
            "--prices",
            file.to_str().unwrap(),
            "--region",
            "eu-west-1",
        ],
        1,
        &["--region", "does not match"],
    );
}

/// AWS runs ARM64 tasks on Fargate Spot; the bundled snapshot has no ARM Spot rate (the Price
/// List publishes none), so Spot on arm64 is refused with the way out, and priced once a snapshot
/// file carries the rate.
#[test]
fn fargate_spot_on_arm64_is_priced_when_the_snapshot_has_the_rate() {
    let task = [
        "fargate",
        "--tasks",
        "2",
        "--vcpu",
        "1",
        "--memory-gb",
        "2",
        "--hours",
        "730",
        "--spot",
    ];
    fails(
        &task,
        1,
        &["--spot", "no ARM64 Spot rate", "fargate.spot_arm64"],
    );
    let bundled = String::from_utf8(costcalc(&["prices"]).stdout).unwrap();
    // Illustrative rates for the test (not AWS's): 0.01 per vCPU-hour, 0.001 per GB-hour.
    let with_arm_spot = bundled
        + "\n[fargate.spot_arm64.vcpu]\nusd = \"0.01\"\nunit = \"vCPU-hour\"\nusage_type = \"USE1-SpotUsage-Fargate-ARM-vCPU-Hours:perCPU\"\nsource = \"test\"\n\
           \n[fargate.spot_arm64.memory]\nusd = \"0.001\"\nunit = \"GB-hour\"\nusage_type = \"USE1-SpotUsage-Fargate-ARM-GB-Hours\"\nsource = \"test\"\n";
    let file = temp("arm-spot.toml", &with_arm_spot);
    let mut args = task.to_vec();
    args.extend(["--prices", file.to_str().unwrap(), "--format", "json"]);
    let out = costcalc(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // 2 tasks x 730 h x (1 vCPU x 0.01 + 2 GB x 0.001) = 14.60 + 2.92 = 17.52
    assert_eq!(v["total_usd"], "17.52");
}
