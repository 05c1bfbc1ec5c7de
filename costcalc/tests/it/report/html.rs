//! The HTML report.

use super::deployment;
use crate::support::{costcalc, costcalc_json};

/// The HTML report: one self-contained page (no script, nothing fetched), the answer first, each
/// section present when its input is, and the figures of the other formats.
#[test]
fn html_report_is_self_contained_and_complete() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/summary-v1.1-server.json"
    );
    let out = costcalc(&["report", "--from-loadgen", path, "--format", "html"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8(out.stdout).unwrap();
    let json = costcalc_json(&["report", "--defaults", "generic", "--from-loadgen", path]);
    assert!(html.starts_with("<!doctype html>"));
    for forbidden in ["<script", "src=", "<link", "url(", "@import"] {
        assert!(!html.contains(forbidden), "{forbidden} in the page");
    }
    // Only the SVG namespace, which names and fetches nothing, looks like an address.
    let addresses = html.matches("http").count();
    assert_eq!(
        addresses,
        html.matches("http://www.w3.org/2000/svg").count()
    );
    for id in [
        "answer",
        "breakdown",
        "breakeven",
        "run",
        "latency",
        "traffic",
        "inputs",
        "assumptions",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section {id}");
    }
    // The answer names the cheapest with its total, as the JSON does.
    let cheapest = json["cheapest"].as_str().unwrap();
    let total = deployment(&json, cheapest)["total_usd"].as_str().unwrap();
    let answer = &html[html.find("class=\"answer\"").unwrap()..];
    assert!(
        answer[..400].contains(&format!("${total}")),
        "{}",
        &answer[..400]
    );
    // Every deployment's line items and totals, the measured traffic marked on the chart.
    for d in json["deployments"].as_array().unwrap() {
        assert!(html.contains(&format!("${}", d["total_usd"].as_str().unwrap())));
    }
    assert!(html.contains("this workload: 262,800,000 req/mo"));
    assert!(html.contains("GET /api/v1/entries/{id}"));
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "break-even, latency, traffic"
    );
    // A report without a run has no run section, and says nothing it does not know.
    let out = costcalc(&["report", "--format", "html"]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(!html.contains("id=\"run\"") && html.contains("id=\"breakeven\""));
}
