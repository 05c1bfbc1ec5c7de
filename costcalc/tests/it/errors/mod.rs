//! Bad input: a non-zero exit, a message naming the flag or file and what was expected, no panic.
//! [`files`]: the files named on the command line; [`bounds`]: numbers and configurations out of
//! range. Here: unknown names, bad numbers, and that only the figures nobody supplied are called
//! assumed.
//!
//! Unknown instance types and regions list the known ones; negative, non-numeric and too-large
//! numbers name the flag; only unsupplied figures are called "(assumed)" (here). Every input that
//! once overflowed (exit 101) is refused in one line, and impossible configurations list the valid
//! choices ([`bounds`]); missing or malformed files name the path, and `costcalc prices` loads back
//! through `--prices` ([`files`]).

mod bounds;
mod files;

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
