//! The database's connections and the burstable instances' CPU credits.

use super::{cost, deployment};
use crate::support::costcalc_json;

/// Every instance or task pools its connections: when they outgrow the database's max_connections
/// (RDS's formula from the class's memory), the class is sized up, or, when given, kept and the
/// remedy priced.
#[test]
fn connections_beyond_max_connections_size_the_database_or_say_so() {
    // 100M requests a month, peak (given as 10 x the average) 380.5 req/s: 16 Fargate tasks x 10
    // = 160 > 112 (db.t4g.micro), which db.t4g.small (2 GiB: 2,147,483,648 / 9,531,392 = 225)
    // holds.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "100000000",
        "--peak-to-average",
        "10",
    ]);
    let f = deployment(&v, "fargate");
    assert!(
        f["summary"].as_str().unwrap().contains("db.t4g.small"),
        "{}",
        f["summary"]
    );
    assert_eq!(cost(f, "PostgreSQL db.t4g.small"), "23.36"); // 730 x 0.032
    let note = f["notes"][0].as_str().unwrap();
    assert!(
        note.contains("160 connections at the peak exceed the 112 db.t4g.micro allows"),
        "{note}"
    );
    assert!(
        v["warnings"]
            .to_string()
            .contains("ECS Fargate: 160 connections")
    );
    // EC2: 2 x t4g.micro x 10 = 20 connections: the micro holds them.
    assert!(
        deployment(&v, "ec2")["notes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Given by flag, the class stays and the remedy is priced: (0.032 - 0.016) x 730 = $11.68.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "100000000",
        // The peak as worked: 10 x the average, 380.5 req/s (2 instances, 16 tasks).
        "--peak-to-average",
        "10",
        "--db-instance-class",
        "db.t4g.micro",
    ]);
    let f = deployment(&v, "fargate");
    assert!(f["summary"].as_str().unwrap().contains("db.t4g.micro"));
    assert!(
        f["notes"][0]
            .as_str()
            .unwrap()
            .contains("db.t4g.small would hold it, for $11.68 more")
    );
    // A smaller pool fits the micro: 16 x 5 = 80.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "100000000",
        "--db-pool-size",
        "5",
    ]);
    assert!(
        deployment(&v, "fargate")["notes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// Burstable instances above their baseline on average bill surplus CPU credits (unlimited mode,
/// the default for T3 and T4g).
#[test]
fn burstable_instances_above_baseline_bill_cpu_credits() {
    // 262,800,000 requests a month = 100 req/s on average, peak 120: one t4g.micro (2 vCPUs x 100
    // req/s) serves it. At 100 req/s per vCPU planned at 60%, a request takes 6 ms of CPU: 100 x
    // 0.006 / 2 vCPUs = 30% per vCPU, 20 points over the t4g.micro's 10% baseline:
    // 0.2 x 2 vCPUs x 730 h = 292 vCPU-hours x $0.04 = $11.68.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "262800000",
        "--peak-rps",
        "120",
    ]);
    let e = deployment(&v, "ec2");
    assert_eq!(
        cost(e, "CPU credits: t4g.micro at 30% average, baseline 10%"),
        "11.68"
    );
    // Traffic with a 10x peak leaves the instances under their baseline: no credits.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "262800000",
        "--peak-to-average",
        "10",
    ]);
    let items = deployment(&v, "ec2")["line_items"].to_string();
    assert!(!items.contains("CPU credits"), "{items}");
}

/// A total priced on a database its own sizing calls too small is marked incomplete in every
/// format and is never the cheapest.
#[test]
fn a_total_on_a_database_too_small_is_incomplete_and_never_the_answer() {
    // 100M requests a month with 100 connections pooled per machine on a given db.t4g.micro
    // (112 connections): EC2's 2 x 100 = 200 and Fargate's 16 x 100 = 1,600 exceed it; Lambda
    // behind RDS Proxy opens none. EC2 ($94.48) would be the cheapest; it is incomplete, so
    // Lambda ($266.86) is the answer.
    let args = [
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "100000000",
        // The peak as worked: 10 x the average, 380.5 req/s (2 instances, 16 tasks).
        "--peak-to-average",
        "10",
        "--db-instance-class",
        "db.t4g.micro",
        "--db-pool-size",
        "100",
    ];
    let v = costcalc_json(&args);
    assert_eq!(deployment(&v, "ec2")["incomplete"], true);
    assert_eq!(deployment(&v, "ec2")["total_usd"], "94.48");
    assert_eq!(deployment(&v, "fargate")["incomplete"], true);
    assert_eq!(deployment(&v, "lambda")["incomplete"], false);
    assert_eq!(v["cheapest"], "lambda");
    assert!(
        v["warnings"]
            .to_string()
            .contains("EC2: the total ($94.48) is incomplete")
    );
    for format in ["table", "md", "csv", "html"] {
        let mut a = args.to_vec();
        a.extend(["--format", format]);
        let out = crate::support::costcalc(&a);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.matches("INCOMPLETE").count() >= 2, "{format}: {text}");
    }
    let html = String::from_utf8(
        crate::support::costcalc(&[&args[..], &["--format", "html"]].concat()).stdout,
    )
    .unwrap();
    assert!(
        html.contains("<strong>Lambda</strong> is the cheapest complete total"),
        "{html}"
    );
}

#[test]
fn a_given_database_cpu_per_request_sizes_the_class() {
    // 10^9 requests a month: 380.5175 req/s on average, the default peak (weekdays shape) 168 / 45
    // x that = 1,420.599 req/s, x 2 ms = 2.8412 vCPUs / 0.6 target utilization = 4.74 vCPUs: more
    // than a db.t4g.xlarge's 4, so db.t4g.2xlarge (8).
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "1000000000",
        "--db-cpu-ms-per-request",
        "2",
    ]);
    let e = deployment(&v, "ec2");
    assert!(
        e["summary"].as_str().unwrap().ends_with("db.t4g.2xlarge"),
        "{}",
        e["summary"]
    );
    assert!(v["warnings"].to_string().contains("needs 4.74 vCPUs"));
    let out = crate::support::costcalc(&["report", "--db-cpu-ms-per-request", "1000000"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        "error: --db-cpu-ms-per-request: expected 0 to 900,000 ms, got 1000000"
    );
}
