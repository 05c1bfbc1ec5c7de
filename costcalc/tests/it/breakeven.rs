//! `costcalc breakeven` through the real binary: exact crossings whatever --points says, the
//! cheapest deployment by range, and the JSON, CSV and SVG forms.
//!
//! Crossings and cheapest ranges are identical with 2 and 2,000 points; the ranges cover the sweep
//! with no gap and `report` agrees on both sides of each change; CSV rows and the chart's curves,
//! numbered crossings and cheapest strip are checked.

use serde_json::Value;

use crate::support::costcalc;

fn json(args: &[&str]) -> Value {
    let mut a = vec!["breakeven"];
    a.extend(args);
    a.extend(["--format", "json"]);
    let out = costcalc(&a);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn requests(v: &Value) -> u64 {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn crossings_are_the_same_whatever_the_points() {
    // The peak at 10 x the average, the shape these crossings were counted at.
    let few = json(&[
        "--defaults",
        "generic",
        "--peak-to-average",
        "10",
        "--points",
        "2",
    ]);
    let many = json(&[
        "--defaults",
        "generic",
        "--peak-to-average",
        "10",
        "--points",
        "2000",
    ]);
    assert_eq!(few["crossings"], many["crossings"]);
    assert_eq!(few["cheapest_by_traffic"], many["cheapest_by_traffic"]);
    let cs = few["crossings"].as_array().unwrap();
    // A 200-point sweep found 7 of these before; the pair around 32.85M was among those lost.
    assert!(cs.len() >= 12, "{cs:#?}");
    for c in cs {
        let pair = c["between"].as_array().unwrap();
        assert_eq!(pair.len(), 2);
        assert!(pair.contains(&c["cheaper_below"]) && pair.contains(&c["cheaper_above"]));
        assert_ne!(c["cheaper_below"], c["cheaper_above"]);
    }
}

#[test]
fn cheapest_ranges_cover_the_sweep_without_gaps_and_match_report() {
    // Without RDS Proxy, Lambda is the cheapest at low traffic and EC2 above.
    let v = json(&["--proxy", "off"]);
    let spans = v["cheapest_by_traffic"].as_array().unwrap();
    assert!(spans.len() >= 2, "{spans:#?}");
    assert_eq!(spans[0]["from_requests_per_month"], "1000");
    assert_eq!(
        spans.last().unwrap()["to_requests_per_month"],
        "10000000000"
    );
    for pair in spans.windows(2) {
        let end = requests(&pair[0]["to_requests_per_month"]);
        let start = requests(&pair[1]["from_requests_per_month"]);
        assert_eq!(end + 1, start, "{pair:?}");
        assert_ne!(pair[0]["cheapest"], pair[1]["cheapest"]);
        // `report` agrees on both sides of each change.
        for (r, who) in [(end, &pair[0]["cheapest"]), (start, &pair[1]["cheapest"])] {
            let r = r.to_string();
            let args = [
                "report",
                "--proxy",
                "off",
                "--requests-per-month",
                &r,
                "--format",
                "json",
            ];
            let out = costcalc(&args);
            let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(&rep["cheapest"], who, "report at {r}");
        }
    }
    let decades = v["decades"].as_array().unwrap();
    assert_eq!(decades.len(), 8, "10^3 .. 10^10");
    assert_eq!(decades[0]["requests_per_month"], "1000");
}

#[test]
fn csv_and_chart() {
    let dir = std::env::temp_dir().join(format!("costcalc-be-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("be.svg");
    let out = costcalc(&[
        "breakeven",
        "--points",
        "50",
        "--format",
        "csv",
        "--chart",
        svg.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "region,prices_as_of,requests_per_month,ec2_usd,fargate_usd,lambda_usd,cheapest,event"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let events = rows.iter().filter(|r| !r[7].is_empty()).count();
    let v = json(&[]);
    assert_eq!(events, v["crossings"].as_array().unwrap().len());
    assert!(rows.len() >= 50 + events);
    let counts: Vec<u64> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
    assert!(
        counts.windows(2).all(|w| w[0] <= w[1]),
        "rows in order of traffic"
    );
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(chart.matches("<polyline").count(), 3);
    let headline = v["crossings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["changes_cheapest"] == true)
        .count();
    assert_eq!(chart.matches("cheapest from here</text>").count(), headline);
    // The chart also marks where each deployment is the cheapest.
    assert!(chart.contains("cheapest from 1,000 to"), "{chart:.300}");
}
