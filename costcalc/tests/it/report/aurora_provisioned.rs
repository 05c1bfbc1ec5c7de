//! `report --db aurora`: a provisioned Aurora class, its storage and I/O (Standard against
//! I/O-Optimized), and Aurora Serverless v2's max_connections warning for Lambda without the proxy.

use super::{cost, deployment};
use crate::support::costcalc_json;

fn report(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["report", "--defaults", "generic", "--db", "aurora"];
    args.extend(extra);
    costcalc_json(&args)
}

#[test]
fn aurora_provisioned_bills_its_class_storage_and_io() {
    // 10,000 requests: db.t4g.medium (the smallest Aurora PostgreSQL class) 730 h x $0.073 =
    // $53.29; storage 20 GB x $0.10 = $2.00; I/O 10,000 x 2 (assumed) = 20,000 = 0.02 M x $0.20
    // = $0.004 -> $0.00.
    let v = report(&["--requests-per-month", "10000"]);
    let e = deployment(&v, "ec2");
    assert_eq!(cost(e, "PostgreSQL db.t4g.medium x1"), "53.29");
    assert_eq!(cost(e, "storage 20 GB (Standard"), "2.00");
    assert_eq!(cost(e, "I/O requests (Standard)"), "0.00");
    assert!(
        e["summary"]
            .as_str()
            .unwrap()
            .ends_with("+ Aurora db.t4g.medium")
    );
    assert!(
        v["assumptions"]
            .to_string()
            .contains("Aurora I/O: 2 I/O requests per API request (assumed")
    );
    // Lambda behind RDS Proxy: 2 vCPUs (the proxy's minimum) x 730 h x $0.015 = $21.90.
    assert_eq!(
        cost(deployment(&v, "lambda"), "Proxy for a 2-vCPU target"),
        "21.90"
    );
    // 100M requests at 10 I/Os each: 10^9 I/Os = 1,000 M x $0.20 = $200.00 on Standard.
    // I/O-Optimized: db.t4g.medium at $0.095 x 730 = $69.35, storage 20 x $0.225 = $4.50, no I/O.
    // Standard's cluster: 53.29 + 2.00 + 200.00 = $255.29; I/O-Optimized's $73.85.
    let io = [
        "--requests-per-month",
        "100000000",
        "--db-io-per-request",
        "10",
    ];
    let v = report(&io);
    let f = deployment(&v, "fargate");
    assert_eq!(cost(f, "I/O requests (Standard)"), "200.00");
    assert!(
        v["assumptions"]
            .to_string()
            .contains("10 I/O requests per API request (given by --db-io-per-request")
    );
    let v = report(&[&io[..], &["--aurora-storage", "io-optimized"]].concat());
    let f = deployment(&v, "fargate");
    assert_eq!(
        cost(f, "PostgreSQL db.t4g.medium x1 (I/O-Optimized"),
        "69.35"
    );
    assert_eq!(cost(f, "storage 20 GB (I/O-Optimized"), "4.50");
    assert!(!f["line_items"].to_string().contains("I/O requests"));
}

#[test]
fn aurora_provisioned_classes_size_up_with_connections() {
    // 100M requests, pool of 100: 16 Fargate tasks x 100 = 1,600 connections > db.t4g.medium's
    // 450 and db.t4g.large's 901; db.r6g.large (16 GiB: 1,802) holds them: 730 x $0.26 = $189.80.
    // The peak is pinned at 10 x the average (380.5 req/s: 16 tasks at 25 req/s), as worked.
    let v = report(&[
        "--requests-per-month",
        "100000000",
        "--peak-to-average",
        "10",
        "--db-pool-size",
        "100",
    ]);
    let f = deployment(&v, "fargate");
    assert_eq!(cost(f, "PostgreSQL db.r6g.large x1"), "189.80");
    assert!(
        f["notes"][0]
            .as_str()
            .unwrap()
            .contains("1,600 connections at the peak exceed the 450 Aurora db.t4g.medium allows: sized up to db.r6g.large")
    );
    assert_eq!(f["incomplete"], false);
}

#[test]
fn lambda_on_auto_pause_is_warned_past_max_connections() {
    // Without the proxy each Lambda environment holds a connection. 10^9 requests a month at a
    // 10 x peak (given): 3,805.18 req/s x 0.1 s (generic duration, billed 100 ms) = 381
    // environments. Aurora Serverless v2 0-1 ACU allows 189 (AWS's value at a 1 ACU maximum).
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "1000000000",
        "--peak-to-average",
        "10",
        "--db",
        "aurora-serverless",
        "--acu-min",
        "0",
        "--acu-max",
        "1",
    ]);
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains(
            "Lambda: 381 connections at the peak exceed Aurora Serverless v2's max_connections at 1 ACU maximum (189, capped at 2,000"
        ),
        "{warnings}"
    );
}
