//! Bad input: a non-zero exit, a message naming the flag or file and what was expected, no panic.

use crate::support::costcalc;

fn fails(args: &[&str], code: i32, needles: &[&str]) {
    let out = costcalc(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "costcalc {args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "costcalc {args:?}: {n:?} not in {err}");
    }
    assert!(out.stdout.is_empty(), "nothing on stdout on error");
}

fn temp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("costcalc-err-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn unknown_instance_type_and_region_list_the_known_ones() {
    fails(
        &["ec2", "--instance-type", "t9.huge"],
        1,
        &["--instance-type", "t9.huge", "t4g.micro", "m7g.large"],
    );
    fails(
        &["report", "--instance-type", "t9.huge"],
        1,
        &["--instance-type", "t4g.micro"],
    );
    fails(
        &["rds", "--instance-class", "db.x9"],
        1,
        &["--instance-class", "db.t4g.micro"],
    );
    fails(
        &["report", "--db-instance-class", "db.x9"],
        1,
        &["--db-instance-class", "db.t4g.micro"],
    );
    fails(
        &["report", "--region", "eu-west-1"],
        1,
        &["--region", "eu-west-1", "us-east-1", "--prices"],
    );
}

#[test]
fn negative_and_non_numeric_numbers_name_the_flag() {
    fails(
        &[
            "lambda",
            "--requests=-5",
            "--duration-ms",
            "1",
            "--memory-mb",
            "128",
        ],
        2,
        &["--requests", ">= 0"],
    );
    fails(
        &[
            "lambda",
            "--requests",
            "lots",
            "--duration-ms",
            "1",
            "--memory-mb",
            "128",
        ],
        2,
        &["--requests", "expected a number"],
    );
    fails(
        &[
            "lambda",
            "--requests",
            "1",
            "--duration-ms",
            "1",
            "--memory-mb",
            "64",
        ],
        1,
        &["--memory-mb", "128"],
    );
    fails(
        &["report", "--requests-per-month", "-1"],
        2,
        &["--requests-per-month"],
    );
    fails(
        &["report", "--hours-per-month", "0"],
        2,
        &["--hours-per-month", "> 0"],
    );
    fails(
        &["fargate", "--tasks", "1", "--vcpu", "1", "--memory-gb", "2"],
        2,
        &["--hours", "--seconds-per-day"],
    );
    fails(
        &[
            "fargate",
            "--tasks",
            "1",
            "--vcpu",
            "1",
            "--memory-gb",
            "2",
            "--hours",
            "1",
            "--spot",
            "--arch",
            "arm64",
        ],
        1,
        &["--spot", "x86_64"],
    );
}

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

/// Inputs that once overflowed the decimal arithmetic (exit 101, a backtrace) now get one line
/// naming the flag and the bound.
#[test]
fn numbers_beyond_the_engines_limits_are_refused_not_panicked_on() {
    fails(
        &["report", "--requests-per-month", "1e26"],
        1,
        &["--requests-per-month", "too large"],
    );
    fails(&["breakeven", "--to", "1e26"], 1, &["--to", "too large"]);
    fails(
        &[
            "lambda",
            "--requests",
            "1e27",
            "--duration-ms",
            "100",
            "--memory-mb",
            "512",
        ],
        1,
        &["--requests", "too large"],
    );
    fails(
        &["ec2", "--instance-type", "t4g.micro", "--count", "1e27"],
        1,
        &["--count", "too large"],
    );
    fails(
        &[
            "report",
            "--throughput-per-vcpu",
            "1e-20",
            "--requests-per-month",
            "1e15",
        ],
        1,
        &["--throughput-per-vcpu", "0.0003"],
    );
    // A throughput within bounds that would still need millions of machines.
    fails(
        &[
            "report",
            "--throughput-per-vcpu",
            "0.001",
            "--requests-per-month",
            "1e15",
        ],
        1,
        &["--throughput-per-vcpu", "more than 1,000,000"],
    );
    fails(
        &["report", "--requests-per-month", "1e30"],
        2,
        &["--requests-per-month", "too large"],
    );
    fails(
        &["breakeven", "--points", "100000"],
        1,
        &["--points", "2 to 2,000"],
    );
}

#[test]
fn impossible_configurations_list_the_valid_choices() {
    fails(
        &[
            "fargate",
            "--tasks",
            "1",
            "--vcpu",
            "0.25",
            "--memory-gb",
            "4",
            "--hours",
            "730",
        ],
        1,
        &[
            "--memory-gb",
            "0.25 vCPU: 0.5, 1, 2 GB",
            "16 vCPU: 32-120 GB",
        ],
    );
    fails(
        &["report", "--fargate-vcpu", "3"],
        1,
        &["--fargate-vcpu", "not a Fargate task size"],
    );
    fails(
        &[
            "fargate",
            "--tasks",
            "1.5",
            "--vcpu",
            "1",
            "--memory-gb",
            "2",
            "--hours",
            "730",
        ],
        1,
        &["--tasks", "whole number"],
    );
    fails(
        &[
            "fargate",
            "--tasks",
            "1",
            "--vcpu",
            "1",
            "--memory-gb",
            "2",
            "--seconds-per-day",
            "90000",
            "--days",
            "30",
        ],
        1,
        &["--seconds-per-day", "86,400"],
    );
    fails(
        &["report", "--hours-per-month", "800"],
        1,
        &["--hours-per-month", "744"],
    );
    fails(
        &[
            "report",
            "--peak-rps",
            "0.001",
            "--requests-per-month",
            "1e9",
        ],
        1,
        &["--peak-rps", "below the month's average"],
    );
    fails(
        &["report", "--duration-ms", "0"],
        1,
        &["--duration-ms", "at least 1 ms"],
    );
    fails(
        &[
            "lambda",
            "--requests",
            "1",
            "--duration-ms",
            "0",
            "--memory-mb",
            "128",
        ],
        1,
        &["--duration-ms", "at least 1 ms"],
    );
    fails(&["report", "--alb-azs", "1"], 1, &["--alb-azs", "2 to 6"]);
    fails(
        &["report", "--lambda-memory-mb", "512.5"],
        1,
        &["--lambda-memory-mb", "whole number"],
    );
}

#[test]
fn only_figures_nobody_supplied_are_called_assumed() {
    let json = |args: &[&str]| -> serde_json::Value {
        let mut a = vec!["report"];
        a.extend(args);
        a.extend(["--format", "json"]);
        serde_json::from_slice(&costcalc(&a).stdout).unwrap()
    };
    let origin = |v: &serde_json::Value, figure: &str| {
        v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["figure"] == figure)
            .unwrap()["origin"]["kind"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let v = json(&["--throughput-per-vcpu", "250"]);
    assert_eq!(origin(&v, "Requests per second per vCPU"), "flag");
    assert_eq!(origin(&v, "Requests per month"), "default");
    let text = v["assumptions"].to_string();
    assert!(!text.contains("250 req/s (assumed"), "{text}");
    let v = json(&["--defaults", "generic"]);
    assert!(v["assumptions"].to_string().contains("100 req/s (assumed"));
    // By default the figures nobody gave are journal-api's measured profile: still defaults, and
    // named as the profile, never as a guess.
    let v = json(&[]);
    assert_eq!(origin(&v, "Requests per second per vCPU"), "default");
    let text = v["assumptions"].to_string();
    assert!(
        text.contains("req/s (journal-api's measured profile"),
        "{text}"
    );
    assert!(!text.contains("req/s (assumed"), "{text}");
    let summary = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/summary-v1.json");
    let v = json(&["--from-loadgen", summary]);
    assert_eq!(origin(&v, "Requests per month"), "measured");
    assert_eq!(origin(&v, "Peak rate"), "measured");
    assert_eq!(origin(&v, "Requests per second per vCPU"), "default");
    assert!(
        v["assumptions"]
            .to_string()
            .contains("client-observed latency")
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
