//! `breakeven` and the marginal figures: crossings, the chart, the NAT hint.

use super::deployment;
use crate::support::costcalc_json;

#[test]
fn breakeven_finds_crossings_and_draws_them() {
    let dir = std::env::temp_dir().join(format!("costcalc-be-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let chart = dir.join("be.svg");
    let v = costcalc_json(&[
        "breakeven",
        "--points",
        "60",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    let cs = v["crossings"].as_array().unwrap();
    assert!(!cs.is_empty());
    // Lambda is cheaper than Fargate for the side project and dearer at 1e10 requests: they cross.
    let lf = cs
        .iter()
        .find(|c| c["between"] == serde_json::json!(["fargate", "lambda"]))
        .expect("fargate/lambda crossing");
    assert_eq!(lf["cheaper_below"], "lambda");
    let n: f64 = lf["requests_per_month"].as_str().unwrap().parse().unwrap();
    assert!(n > 1e3 && n < 1e10);
    // At that request count Fargate is cheaper, by the report's own figures.
    let at = costcalc_json(&[
        "report",
        "--requests-per-month",
        lf["requests_per_month"].as_str().unwrap(),
    ]);
    let total = |name: &str| {
        deployment(&at, name)["total_usd_exact"]
            .as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap()
    };
    assert!(total("fargate") < total("lambda"));
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("us-east-1") && svg.contains("<polyline") && svg.contains("<circle"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The NAT Gateway hint prices the snapshot's rates over the report's month, and the summary
/// shows what the next million requests would add beside the average per million.
#[test]
fn nat_hint_and_marginal_cost_come_from_the_prices() {
    let v = costcalc_json(&["report", "--hours-per-month", "720"]);
    let text = v["assumptions"].to_string();
    // 720 h x $0.045 = $32.40; its Elastic IP 720 h x $0.005 = $3.60.
    assert!(
        text.contains("+$32.40 for 720 hours") && text.contains("+$3.60"),
        "{text}"
    );
    let lambda = v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "lambda")
        .unwrap();
    // At 10,000 requests the average per million is dominated by fixed costs; the next million
    // costs its requests, duration, API Gateway calls, logs and transfer only.
    let avg: f64 = lambda["cost_per_million_requests_usd"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let next: f64 = lambda["next_million_requests_usd"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(avg > 1000.0 && next > 0.5 && next < 5.0, "{avg} {next}");
}
