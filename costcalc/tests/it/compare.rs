//! `report --compare`: two implementations of the journal API side by side. The fixtures
//! (tests/data/compare/) are hand-made, not measurements: one steady profile of 1,000 requests
//! over 100 s (80% GET /api/v1/entries, 20% POST), 100 B in and 400 B out per request, 0.5 s of
//! database CPU; "rust" spends 2 CPU-seconds on the 1,000 requests, "python" 20. Their sweeps
//! bill, at 512 MB, rust 3 ms (list) and 5 ms (create), python 40 and 60 ms.
//!
//! Priced at 100,000,000 requests a month with a 100 req/s peak (bundled us-east-1 prices):
//!
//! EC2, rust: 1,000 / 2 s = 500 req/s per vCPU, planned at 60% = 300; the 100 req/s peak needs
//!   0.33 vCPU: one t4g.micro, 730 h x $0.0084 = 6.132, 8 GB gp3 x $0.08 = 0.64, one IPv4
//!   730 h x $0.005 = 3.65, db.t4g.micro 730 h x $0.016 = 11.68, 20 GB RDS gp3 x $0.115 = 2.30;
//!   logs 1e8 x 200 B = 18.6265 GB (2^30 B): ingested x $0.50 = 9.3132, stored x $0.03 = 0.5588;
//!   out 1e8 x 400 B = 37.2529 GB x $0.09 = 3.3528. Total 37.6268 -> $37.63.
//! EC2, python: 1,000 / 20 s = 50 req/s per vCPU, planned 30: the peak needs 3.33 vCPU, two
//!   t4g.micro (2 vCPU each) = 12.264, 16 GB gp3 = 1.28, two IPv4 = 7.30, and an ALB in front of
//!   two: 16.425 + 1,111.11 LCU-h x $0.008 = 8.8889, its two IPv4 = 7.30. The average
//!   38.05175 req/s at 50 per vCPU is 0.761 vCPU of 4 = 19.03%, above the 10% baseline:
//!   (0.1903 - 0.10) x 4 x 730 = 263.5556 vCPU-h x $0.04 = 10.5422 of CPU credits. Database, logs
//!   and transfer as rust's. Total 91.2049 -> $91.20; the difference 53.5781 -> $53.58, 2.42x.
//! Fargate: rust's peak needs 100 / (300 x 0.25) = 1.33 -> 2 tasks of 0.25 vCPU; python's
//!   100 / (30 x 0.25) = 13.33 -> 14, whose 14 x 10 pooled connections pass db.t4g.micro's 112:
//!   db.t4g.small. The difference: 12 tasks x 730 h x (0.25 x $0.03238 + 0.5 x $0.00356) = 86.505,
//!   their 12 IPv4 x 730 h x $0.005 = 43.80, the class 730 h x ($0.032 - $0.016) = 11.68:
//!   141.985 -> $141.99 (rust 81.5362 -> $81.54, python 223.5212 -> $223.52).
//! Lambda at 512 MB over the run's 80/20 mix: rust 0.8 x 3 + 0.2 x 5 = 3.4 ms, 1e8 x 0.0034 s x
//!   0.5 GB = 170,000 GB-s x $0.0000133334 = 2.266678; python 0.8 x 40 + 0.2 x 60 = 44 ms,
//!   2,200,000 GB-s = 29.33348. All else the same: the difference 27.066802 -> $27.07.

use crate::support::{costcalc, costcalc_json};
use serde_json::Value;

macro_rules! data {
    ($f:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/compare/", $f)
    };
}
const RUST: &str = concat!("rust=", data!("rust.json"), ",", data!("rust-tune.json"));
const PYTHON: &str = concat!(
    "python=",
    data!("python.json"),
    ",",
    data!("python-tune.json")
);
const AT_1E8: [&str; 4] = ["--requests-per-month", "1e8", "--peak-rps", "100"];

fn compare(extra: &[&str]) -> Vec<String> {
    let mut a = vec![
        "report".to_string(),
        "--compare".into(),
        RUST.into(),
        PYTHON.into(),
    ];
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn json(extra: &[&str]) -> Value {
    let a = compare(extra);
    costcalc_json(&a.iter().map(String::as_str).collect::<Vec<_>>())
}

fn output(extra: &[&str]) -> (bool, String, String) {
    let a = compare(extra);
    let out = costcalc(&a.iter().map(String::as_str).collect::<Vec<_>>());
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn row<'v>(v: &'v Value, deployment: &str) -> &'v Value {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["deployment"] == deployment)
        .unwrap()
}

fn totals(r: &Value) -> Vec<String> {
    r["totals_usd"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["total_usd"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn totals_side_by_side_as_worked_in_the_header() {
    let v = json(&AT_1E8);
    let ec2 = row(&v, "ec2");
    assert_eq!(totals(ec2), ["37.63", "91.20"]);
    assert_eq!(ec2["difference_usd"], "53.58");
    assert_eq!(ec2["ratio"], "2.42");
    assert_eq!(ec2["cheapest_implementation"], "rust");
    let fargate = row(&v, "fargate");
    assert_eq!(totals(fargate), ["81.54", "223.52"]);
    assert_eq!(fargate["difference_usd_exact"], "141.985");
    let lambda = row(&v, "lambda");
    assert_eq!(lambda["difference_usd_exact"], "27.066802");
    // Each implementation's cheapest deployment: EC2 for both, so the same difference as EC2's.
    let best = row(&v, "cheapest");
    assert_eq!(totals(best), ["37.63", "91.20"]);
    for i in v["implementations"].as_array().unwrap() {
        assert_eq!(i["cheapest"], "ec2");
        assert_eq!(i["report"]["lambda_sweep"].as_array().unwrap().len(), 3);
    }
    assert_eq!(v["requests_per_month"], "100000000");
    // python's Fargate needed a larger database: said, under its name.
    let warnings = v["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().starts_with(
        "python: ECS Fargate: 140 connections at the peak exceed the 112 db.t4g.micro allows"
    )));
}

#[test]
fn the_measured_volume_when_none_is_given() {
    // 1,000 scheduled arrivals over the profile's 100 s: 10 req/s x 730 h x 3,600 s = 26,280,000.
    let v = json(&[]);
    assert_eq!(v["requests_per_month"], "26280000");
    // At a 10 req/s peak one t4g.micro holds either (30 req/s per vCPU x 2 vCPU = 60): EC2 costs
    // the same, Lambda does not (1 - 0.34 / 4.4 of the duration line: see the header's figures).
    assert_eq!(row(&v, "ec2")["difference_usd"], "0.00");
    assert_eq!(row(&v, "lambda")["cheapest_implementation"], "rust");
}

#[test]
fn every_format_shows_the_same_figures() {
    let (ok, text, _) = output(&AT_1E8);
    assert!(ok);
    assert!(text.starts_with("2 implementations compared at 100,000,000 requests/month\n"));
    assert!(text.contains("$91.20 (EC2)"), "{text}");
    assert!(text.contains(
        "On EC2 rust costs least: $53.58 a month less than python, which costs 2.42 times as much."
    ));
    assert!(text.contains("44 ms billed at 512 MB"));
    let (_, md, _) = output(&[&AT_1E8[..], &["--format", "md"]].concat());
    assert!(
        md.contains("| EC2 | $37.63 | $91.20 | $53.58 | 2.42x | rust |"),
        "{md}"
    );
    assert!(md.contains("| ECS Fargate: what runs | 2 x 0.25 vCPU"));
    let (_, csv, _) = output(&[&AT_1E8[..], &["--format", "csv"]].concat());
    let lines: Vec<&str> = csv.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        lines.len(),
        1 + 4 * 2,
        "a header, 4 rows x 2 implementations"
    );
    assert!(csv.starts_with("# warning: python: ECS Fargate: 140 connections"));
    assert!(lines.contains(
        &"us-east-1,2026-11-01,100000000,lambda,python,215.71,215.71429431865692138672,ec2,no,27.066802"
    ));
}

#[test]
fn html_has_a_chart_per_deployment_and_the_sweeps_side_by_side() {
    let (ok, html, _) = output(&[&AT_1E8[..], &["--format", "html"]].concat());
    assert!(ok);
    assert!(html.starts_with("<!doctype html>"));
    for forbidden in ["<script", "src=", "<link", "url(", "@import"] {
        assert!(!html.contains(forbidden), "{forbidden} in the page");
    }
    assert_eq!(
        html.matches("http").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
    for id in [
        "answer",
        "deployments",
        "chart-ec2",
        "chart-fargate",
        "chart-lambda",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    let sweeps = &html[html.find("id=\"lambda-sweeps\"").unwrap()..];
    assert_eq!(
        sweeps.matches("<svg").count(),
        2,
        "one sweep per implementation"
    );
    assert_eq!(html.matches("<svg").count(), 5, "3 deployments + 2 sweeps");
    // Each chart has a line and the compared traffic's dot per implementation.
    assert_eq!(html.matches("<polyline").count(), 6);
    assert!(html.contains("<title>python: $91.20 at 100,000,000 requests</title>"));
    assert!(html.contains("<td class=\"num\">$223.52</td>"));
}

fn refused(args: &[&str]) -> String {
    let mut a = vec!["report", "--compare"];
    a.extend(args);
    let out = costcalc(&a);
    assert!(!out.status.success(), "{a:?} was priced");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn what_cannot_be_compared_is_refused_with_the_reason() {
    let diurnal = concat!(
        "rust=",
        data!("rust-diurnal.json"),
        ",",
        data!("rust-tune.json")
    );
    let e = refused(&[diurnal, PYTHON]);
    assert!(e.contains("ran different traffic: profile diurnal over 100.0 s against profile steady over 100.0 s"), "{e}");

    let double = concat!(
        "python=",
        data!("python-double.json"),
        ",",
        data!("python-tune.json")
    );
    let e = refused(&[RUST, double]);
    assert!(
        e.contains("26,280,000 and 52,560,000 requests a month"),
        "{e}"
    );
    assert!(e.contains("give --requests-per-month"), "{e}");
    // The volume given once prices both at it.
    let out = costcalc(&[
        "report",
        "--compare",
        RUST,
        double,
        "--requests-per-month",
        "5e6",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let e = refused(&[RUST, concat!("python=", data!("python.json"))]);
    assert!(e.contains("rust has a Lambda memory sweep"), "{e}");

    let overloaded = concat!(
        "python=",
        data!("python-overloaded.json"),
        ",",
        data!("python-tune.json")
    );
    let e = refused(&[RUST, overloaded]);
    assert!(
        e.contains("python-overloaded.json") && e.contains("--allow-overloaded"),
        "{e}"
    );
    let out = costcalc(&[
        "report",
        "--compare",
        RUST,
        overloaded,
        "--allow-overloaded",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("WARNING: python: The loadgen run did not keep up"),
        "{text}"
    );

    let e = refused(&[RUST, RUST]);
    assert!(e.contains("\"rust\" names two implementations"), "{e}");
    // A value that is not NAME=SUMMARY[,TUNE] is a usage error: clap's, exit 2.
    let out = costcalc(&["report", "--compare", RUST, "python"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(
        e.lines()
            .next()
            .unwrap()
            .contains("\"python\": expected NAME=SUMMARY[,TUNE]"),
        "{e}"
    );
}

#[test]
fn two_to_eight_implementations() {
    let out = costcalc(&["report", "--compare", RUST]);
    assert_eq!(out.status.code(), Some(2));
    let nine: Vec<String> = (0..9)
        .map(|i| format!("r{i}={}", data!("rust.json")))
        .collect();
    let mut a = vec!["report", "--compare"];
    a.extend(nine.iter().map(String::as_str));
    assert_eq!(costcalc(&a).status.code(), Some(2));
    let out = costcalc(&[
        "report",
        "--compare",
        RUST,
        PYTHON,
        "--from-loadgen",
        data!("rust.json"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--compare replaces --from-loadgen"
    );
}
