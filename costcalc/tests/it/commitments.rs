//! Savings Plans, RDS Reserved Instances and Spot through the real binary. The bundled snapshot
//! has no commitment rates (none could be sourced), so asking for one is an error naming them;
//! the arithmetic runs on the test fixture tests/data/commitment-rates.toml, whose rates are MADE
//! UP (not AWS prices), appended to the bundled snapshot.
//!
//! A commitment with the bundled snapshot is refused naming every missing rate and the flag. On the
//! fixture's made-up rates: on-demand and committed totals side by side to the cent (the plan's
//! hourly commitment, an all-upfront year = rate x 8,760, the RDS Reserved Instance's upfront /
//! 8,760, break-even utilisation), `--compare-commitments` (each plan's EC2 total = on-demand minus
//! 730 x (0.0084 minus its rate)), a plan's rate on usage it does not cover refused at load, EC2
//! Spot at the given discount, the per-service commands, and the Lambda/EC2 crossing moving under a
//! plan with `report` agreeing on both sides.

use std::path::PathBuf;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{costcalc, costcalc_json};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A `--prices` file: the bundled snapshot and the fixture's made-up rates.
fn fixture() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("costcalc-commit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/prices/us-east-1.toml")).unwrap()
        + &std::fs::read_to_string(format!("{root}/tests/data/commitment-rates.toml")).unwrap();
    let p = dir.join("with-rates.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn exact(v: &Value) -> Decimal {
    d(v.as_str()
        .unwrap_or_else(|| panic!("a decimal string, got {v}")))
}

fn deployment<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .unwrap()
}

fn fails(args: &[&str], code: i32, needles: &[&str]) {
    let out = costcalc(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "costcalc {args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "costcalc {args:?}: {n:?} not in {err}");
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn the_bundled_snapshot_refuses_a_commitment_naming_every_missing_rate() {
    fails(
        &["report", "--commitment", "compute-sp"],
        1,
        &[
            "--commitment",
            "ec2.t4g.micro, fargate.arm64.vcpu, fargate.arm64.memory, lambda.arm64.duration",
            "--prices FILE",
            "[savings_plans]",
            "--savings-plans-file",
        ],
    );
    fails(
        &[
            "breakeven",
            "--rds-reserved",
            "--term",
            "3y",
            "--payment",
            "all",
        ],
        1,
        &[
            "--rds-reserved",
            "3-year all upfront",
            "rds.db.t4g.micro.single_az",
        ],
    );
    let out = costcalc(&["report", "--commitment", "ec2-instance-sp"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("ec2.t4g.micro") && !err.contains("fargate"),
        "{err}"
    );
}

#[test]
fn on_demand_and_committed_side_by_side_to_the_cent() {
    let f = fixture();
    let f = f.to_str().unwrap();
    let plain = costcalc_json(&["report", "--prices", f]);
    let v = costcalc_json(&[
        "report",
        "--prices",
        f,
        "--commitment",
        "compute-sp",
        "--payment",
        "all",
        "--rds-reserved",
    ]);
    let ec2 = deployment(&v, "ec2");
    let c = &ec2["committed"];
    assert_eq!(
        exact(&c["on_demand_usd"]),
        exact(&deployment(&plain, "ec2")["total_usd_exact"])
    );
    // Fixture: t4g.micro $0.0084 on-demand, $0.0055 Compute SP 1y all upfront; db.t4g.micro
    // $0.016 on-demand, $87.60 all upfront for a year = 87.60 / 8,760 = $0.01 an hour.
    let sp = &c["savings_plan"];
    assert_eq!(exact(&sp["per_hour"]), d("0.0055"));
    // All upfront: the year's commitment, 0.0055 x 8,760 = $48.18, paid once.
    assert_eq!(exact(&sp["upfront_usd"]), d("48.18"));
    assert_eq!(exact(&sp["month_usd"]), d("730") * d("0.0055"));
    let ri = &c["rds_reserved"];
    assert_eq!(exact(&ri["per_hour"]), d("0.01"));
    assert_eq!(exact(&ri["month_usd"]), d("7.30"));
    let saving = exact(&c["on_demand_usd"]) - exact(&ec2["total_usd_exact"]);
    assert_eq!(
        saving,
        d("730") * (d("0.0084") - d("0.0055")) + d("11.68") - d("7.30")
    );
    // Break-even utilisation: (4.015 + 7.30) / (6.132 + 11.68), printed to 20 decimal places.
    let u = ((d("4.015") + d("7.30")) / (d("6.132") + d("11.68"))).round_dp(20);
    assert_eq!(exact(&ec2["breakeven_utilisation"]), u);
    // Every output states the options and where their rates came from.
    let purchase = v["purchase"].as_array().unwrap();
    assert!(
        purchase[0].as_str().unwrap().contains("TEST FIXTURE"),
        "{purchase:?}"
    );
    let out = costcalc(&["report", "--prices", f, "--commitment", "compute-sp"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "bought as: Compute Savings Plan, 1-year, no upfront",
        "On-demand and with the purchase options",
        "Break-even utilisation",
        "amortised",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
}

#[test]
fn compare_commitments_lists_each_deployment_under_five_choices() {
    let f = fixture();
    let f = f.to_str().unwrap();
    let plain = costcalc_json(&["report", "--prices", f]);
    let v = costcalc_json(&["report", "--prices", f, "--compare-commitments"]);
    let c = &v["comparison"];
    let choices = c["choices"].as_array().unwrap();
    let labels: Vec<&str> = choices
        .iter()
        .map(|x| x["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "none (on-demand)",
            "compute-sp 1-year no upfront",
            "compute-sp 1-year all upfront",
            "compute-sp 3-year no upfront",
            "compute-sp 3-year all upfront"
        ]
    );
    let ec2_od = exact(&deployment(&plain, "ec2")["total_usd_exact"]);
    assert_eq!(exact(&choices[0]["totals"][0]), ec2_od);
    // One t4g.micro for 730 h at the fixture's rates: 0.0060, 0.0055, 0.0042, 0.0038.
    for (i, rate) in ["0.0060", "0.0055", "0.0042", "0.0038"].iter().enumerate() {
        let ec2 = exact(&choices[i + 1]["totals"][0]);
        assert_eq!(
            ec2_od - ec2,
            d("730") * (d("0.0084") - d(rate)),
            "{}",
            labels[i + 1]
        );
    }
    let all: Vec<Decimal> = choices
        .iter()
        .flat_map(|x| x["totals"].as_array().unwrap().iter().map(exact))
        .collect();
    assert_eq!(exact(&c["cheapest_usd"]), *all.iter().min().unwrap());
    let md = String::from_utf8(
        costcalc(&[
            "report",
            "--prices",
            f,
            "--compare-commitments",
            "--format",
            "md",
        ])
        .stdout,
    )
    .unwrap();
    assert!(
        md.contains("## Commitments compared") && md.contains("Cheapest overall"),
        "{md}"
    );
}

#[test]
fn a_rate_on_usage_its_plan_does_not_cover_is_refused() {
    let root = env!("CARGO_MANIFEST_DIR");
    let bundled = std::fs::read_to_string(format!("{root}/prices/us-east-1.toml")).unwrap();
    let dir = std::env::temp_dir().join(format!("costcalc-commit-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (plan, usage, needle) in [
        (
            "ec2-instance-sp",
            "fargate.arm64.vcpu",
            "EC2 Instance Savings Plan does not cover",
        ),
        (
            "compute-sp",
            "rds.db.t4g.micro.single_az",
            "Compute Savings Plan does not cover",
        ),
    ] {
        let text = format!(
            "{bundled}\n[savings_plans]\nsource = \"test\"\nrates = [\n  {{ plan = \"{plan}\", \
             term = \"1y\", payment = \"no\", usage = \"{usage}\", usd = \"0.01\", usage_type = \"x\" }},\n]\n"
        );
        let p = dir.join(format!("{plan}.toml"));
        std::fs::write(&p, text).unwrap();
        fails(
            &["report", "--prices", p.to_str().unwrap()],
            1,
            &[needle, usage],
        );
    }
}

#[test]
fn ec2_spot_is_the_discount_given_and_needs_spot() {
    fails(&["report", "--spot-discount", "0.7"], 2, &["--spot"]);
    fails(
        &[
            "report",
            "--spot",
            "--fargate-arch",
            "x86_64",
            "--spot-discount",
            "1.5",
        ],
        1,
        &["--spot-discount", "at most 0.99"],
    );
    let v = costcalc_json(&[
        "report",
        "--spot",
        "--fargate-arch",
        "x86_64",
        "--spot-discount",
        "0.7",
    ]);
    let ec2 = deployment(&v, "ec2");
    let spot = ec2["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| {
            l["name"]
                .as_str()
                .unwrap()
                .contains("Spot (70% off on-demand, assumed)")
        })
        .unwrap();
    // 730 h x $0.0084 x (1 - 0.7).
    assert_eq!(
        exact(&spot["cost_usd_exact"]),
        d("730") * d("0.0084") * d("0.3")
    );
    assert!(v["assumptions"].to_string().contains("EC2 Spot at 70% off"));
}

#[test]
fn break_even_moves_under_a_commitment_and_report_agrees() {
    let f = fixture();
    let f = f.to_str().unwrap();
    let first_ec2 = |extra: &[&str]| {
        let mut a = vec!["breakeven", "--ha", "--prices", f];
        a.extend(extra);
        let v = costcalc_json(&a);
        let spans = v["cheapest_by_traffic"].as_array().unwrap().clone();
        let s = spans.iter().find(|s| s["cheapest"] == "ec2").unwrap();
        s["from_requests_per_month"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    let on_demand = first_ec2(&[]);
    let plan = [
        "--commitment",
        "compute-sp",
        "--term",
        "3y",
        "--payment",
        "all",
    ];
    let committed = first_ec2(&plan);
    // The fixture's plan takes 55% off the instances (0.0084 -> 0.0038) but 19% off Lambda
    // duration (0.0000133334 -> 0.0000108) and nothing off its requests or API Gateway: EC2 with
    // high availability overtakes Lambda at less traffic.
    assert!(committed < on_demand, "{committed} vs {on_demand}");
    for (r, who) in [(committed - 1, "lambda"), (committed, "ec2")] {
        let r = r.to_string();
        let mut a = vec!["report", "--ha", "--prices", f, "--requests-per-month", &r];
        a.extend(plan);
        assert_eq!(costcalc_json(&a)["cheapest"], who, "report at {r}");
    }
}

#[test]
fn the_service_commands_take_the_same_purchase_options() {
    let f = fixture();
    let f = f.to_str().unwrap();
    // EC2: one t4g.micro at the fixture's 3y all-upfront rate $0.0038 instead of $0.0084.
    let v = costcalc_json(&[
        "ec2",
        "--instance-type",
        "t4g.micro",
        "--prices",
        f,
        "--commitment",
        "compute-sp",
        "--term",
        "3y",
        "--payment",
        "all",
    ]);
    let c = &v["committed"];
    assert_eq!(
        exact(&c["on_demand_usd"]) - exact(&v["total_usd_exact"]),
        d("730") * (d("0.0084") - d("0.0038"))
    );
    // All upfront over 3 years: 0.0038 x 26,280 = $99.864, paid once.
    assert_eq!(exact(&c["savings_plan"]["upfront_usd"]), d("99.864"));
    // RDS: the fixture's $87.60 a year all upfront is $0.01 an hour: 730 x 0.01 = $7.30.
    let v = costcalc_json(&[
        "rds",
        "--instance-class",
        "db.t4g.micro",
        "--prices",
        f,
        "--reserved",
        "--payment",
        "all",
    ]);
    assert_eq!(
        exact(&v["committed"]["rds_reserved"]["month_usd"]),
        d("7.30")
    );
    assert_eq!(
        exact(&v["committed"]["on_demand_usd"]) - exact(&v["total_usd_exact"]),
        d("11.68") - d("7.30")
    );
    // EC2 Spot needs no rate: the discount is the user's.
    let v = costcalc_json(&[
        "ec2",
        "--instance-type",
        "t4g.micro",
        "--spot-discount",
        "0.7",
    ]);
    assert_eq!(
        exact(&v["committed"]["on_demand_usd"]) - exact(&v["total_usd_exact"]),
        d("730") * d("0.0084") * d("0.7")
    );
    // The bundled snapshot has no rates: the error names them and the flag.
    fails(
        &[
            "fargate",
            "--tasks",
            "1",
            "--vcpu",
            "0.25",
            "--memory-gb",
            "0.5",
            "--hours",
            "730",
            "--commitment",
            "compute-sp",
        ],
        1,
        &["--commitment", "fargate.arm64.vcpu, fargate.arm64.memory"],
    );
    fails(
        &["rds", "--instance-class", "db.t4g.micro", "--rds-reserved"],
        1,
        &["--reserved", "rds.db.t4g.micro.single_az"],
    );
}
