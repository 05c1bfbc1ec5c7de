//! `report --compare-databases`: every deployment on each database, in every format.

use crate::support::{costcalc, costcalc_json};
use rust_decimal::Decimal;
use std::str::FromStr;

fn exact(v: &serde_json::Value, db: usize, name: &str) -> Decimal {
    let d = v["databases"]["databases"][db]["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap();
    Decimal::from_str(d["total_usd_exact"].as_str().unwrap()).unwrap()
}

#[test]
fn each_deployment_is_priced_on_each_database() {
    let args = [
        "report",
        "--defaults",
        "generic",
        "--traffic",
        "weekdays",
        "--compare-databases",
    ];
    let v = costcalc_json(&args);
    let dbs = v["databases"]["databases"].as_array().unwrap();
    let labels: Vec<&str> = dbs.iter().map(|d| d["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        [
            "RDS db.t4g.micro",
            "Aurora Serverless v2 0.5-4 ACU",
            "Aurora Serverless v2 0-4 ACU (auto-pause)",
            "Aurora provisioned"
        ]
    );
    // The same EC2 on Aurora provisioned instead of RDS: db.t4g.medium 730 x 0.073 = 53.29,
    // storage 20 x 0.10 = 2.00, I/O 20,000 x 0.20 / 10^6 = 0.004, against RDS db.t4g.micro
    // 730 x 0.016 = 11.68 and gp3 20 x 0.115 = 2.30: 55.294 - 13.98 = 41.314 more.
    assert_eq!(
        exact(&v, 3, "ec2") - exact(&v, 0, "ec2"),
        Decimal::new(41314, 3)
    );
    // Serverless v2 at 0.5 ACU all month instead: 0.5 x 730 x 0.12 = 43.80 + 2.00 + 0.004 =
    // 45.804, 31.824 more than RDS; Lambda adds RDS Proxy's 8-ACU minimum, 8 x 730 x 0.015 =
    // 87.60, instead of 2 vCPUs x 730 x 0.015 = 21.90.
    assert_eq!(
        exact(&v, 1, "ec2") - exact(&v, 0, "ec2"),
        Decimal::new(31824, 3)
    );
    assert_eq!(
        exact(&v, 1, "lambda") - exact(&v, 0, "lambda"),
        Decimal::new(31824, 3) + Decimal::new(8760, 2) - Decimal::new(2190, 2)
    );
    // Auto-pause: Lambda goes without the proxy and is the cheapest there; EC2 elsewhere.
    assert_eq!(dbs[0]["cheapest"], "ec2");
    assert_eq!(dbs[2]["cheapest"], "lambda");
    assert!(dbs[2]["why"].as_str().unwrap().contains("resumes a month"));
    let verdict = v["databases"]["verdict"].as_str().unwrap();
    assert!(
        verdict.contains("The database changes which deployment is the cheapest"),
        "{verdict}"
    );
    for format in ["table", "md", "csv", "html"] {
        let out = costcalc(&[&args[..], &["--format", format]].concat());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("Aurora Serverless v2 0-4 ACU (auto-pause)")
                && text.contains("Aurora provisioned"),
            "{format}: {text}"
        );
    }
}
