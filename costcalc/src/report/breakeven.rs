//! What `breakeven` prints: the cheapest deployment by traffic range first, then every crossing
//! of every pair, then the totals at each decade; as a table, JSON or CSV.

use std::path::Path;

use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use serde_json::{Value, json};

use super::{PriceInfo, csv, title};
use crate::breakeven::{Analysis, Crossing, Point};
use crate::deployment::Kind;
use crate::money;

fn right(s: String) -> Cell {
    Cell::new(s).set_alignment(CellAlignment::Right)
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t
}

/// The pair of a crossing in `Kind::ALL` order.
fn pair(c: &Crossing) -> [Kind; 2] {
    let mut p = [c.cheaper_below, c.cheaper_above];
    p.sort_by_key(|k| Kind::ALL.iter().position(|x| x == k));
    p
}

pub fn table_text(
    info: &PriceInfo,
    peak: &str,
    a: &Analysis,
    decades: &[Point],
    chart: Option<&Path>,
) -> String {
    let mut s = format!("Break-even between deployments\n{}\n", info.line());
    s.push_str(&format!(
        "Exact over {} to {} requests/month: every size step, price tier and free allowance in the range \
         evaluated ({} breakpoints), every crossing found to the request.\n",
        money::quantity(a.from, 0),
        money::quantity(a.to, 0),
        a.breakpoints.len()
    ));
    s.push_str(&format!("Peak at each volume, scaled with it: {peak}.\n\n"));
    let mut t = table();
    t.set_header(vec!["Requests/month from", "to", "Cheapest"]);
    for span in &a.cheapest {
        t.add_row(vec![
            right(money::quantity(span.from_requests_per_month, 0)),
            right(money::quantity(span.to_requests_per_month, 0)),
            Cell::new(title(span.cheapest)),
        ]);
    }
    s.push_str(&format!("Cheapest deployment by traffic\n{t}\n\n"));
    if a.crossings.is_empty() {
        s.push_str(
            "No crossing in this range: the order of the three deployments does not change.\n\n",
        );
    } else {
        let mut t = table();
        t.set_header(vec![
            "Requests/month",
            "Becomes cheaper",
            "than",
            "Monthly there (USD)",
            "Cheapest changes",
        ]);
        for c in &a.crossings {
            t.add_row(vec![
                right(money::quantity(c.requests_per_month, 0)),
                Cell::new(title(c.cheaper_above)),
                Cell::new(title(c.cheaper_below)),
                right(format!(
                    "{} vs {}",
                    money::usd(c.cost_usd),
                    money::usd(c.other_cost_usd)
                )),
                Cell::new(if c.changes_cheapest { "yes" } else { "" }),
            ]);
        }
        s.push_str(&format!(
            "Every crossing ({}; \"yes\" where the cheapest of the three changes, otherwise two dearer options swap)\n{t}\n\n",
            a.crossings.len()
        ));
    }
    let mut t = table();
    t.set_header(vec![
        "Requests/month",
        "EC2 (USD)",
        "Fargate (USD)",
        "Lambda (USD)",
        "Cheapest",
    ]);
    for p in decades {
        let mut row = vec![right(money::quantity(p.requests_per_month, 0))];
        row.extend(p.totals.iter().map(|t| right(money::usd(*t))));
        row.push(Cell::new(title(p.cheapest())));
        t.add_row(row);
    }
    s.push_str(&format!("At each decade\n{t}\n"));
    if let Some(c) = chart {
        s.push_str(&format!("Chart written to {}\n", c.display()));
    }
    s
}

fn point_json(p: &Point) -> Value {
    json!({
        "requests_per_month": money::exact(p.requests_per_month),
        "ec2_usd": money::usd_plain(p.totals[0]),
        "fargate_usd": money::usd_plain(p.totals[1]),
        "lambda_usd": money::usd_plain(p.totals[2]),
        "cheapest": p.cheapest().as_str(),
    })
}

pub fn json_text(
    info: &PriceInfo,
    workload_source: &str,
    peak: &str,
    a: &Analysis,
    decades: &[Point],
    points: usize,
    chart: Option<&Path>,
) -> String {
    let v = json!({
        "region": info.region,
        "prices_as_of": info.as_of,
        "prices_origin": info.origin,
        "workload_source": workload_source,
        "peak_origin": peak,
        "from_requests_per_month": money::exact(a.from),
        "to_requests_per_month": money::exact(a.to),
        "breakpoints": a.breakpoints.len(),
        "points": points,
        "cheapest_by_traffic": a.cheapest.iter().map(|s| json!({
            "cheapest": s.cheapest.as_str(),
            "from_requests_per_month": money::exact(s.from_requests_per_month),
            "to_requests_per_month": money::exact(s.to_requests_per_month),
        })).collect::<Vec<_>>(),
        "crossings": a.crossings.iter().map(|c| json!({
            "between": pair(c).map(Kind::as_str),
            "requests_per_month": money::exact(c.requests_per_month),
            "cheaper_below": c.cheaper_below.as_str(),
            "cheaper_above": c.cheaper_above.as_str(),
            "cost_usd": money::usd_plain(c.cost_usd),
            "other_cost_usd": money::usd_plain(c.other_cost_usd),
            "changes_cheapest": c.changes_cheapest,
        })).collect::<Vec<_>>(),
        "decades": decades.iter().map(point_json).collect::<Vec<_>>(),
        "chart": chart.map(|p| p.display().to_string()),
    });
    serde_json::to_string_pretty(&v).expect("JSON values always serialize") + "\n"
}

/// The chart's points and every crossing, one row each, in order of traffic.
pub fn csv_text(info: &PriceInfo, a: &Analysis, points: &[Point]) -> String {
    let mut out = String::from(
        "region,prices_as_of,requests_per_month,ec2_usd,fargate_usd,lambda_usd,cheapest,event\n",
    );
    let at: Vec<Point> = a
        .crossings
        .iter()
        .map(|c| Point {
            requests_per_month: c.requests_per_month,
            totals: c.totals,
        })
        .collect();
    let mut rows: Vec<(&Point, String)> = points.iter().map(|p| (p, String::new())).collect();
    for (c, p) in a.crossings.iter().zip(&at) {
        rows.push((
            p,
            format!(
                "{} cheaper than {} from here",
                c.cheaper_above.as_str(),
                c.cheaper_below.as_str()
            ),
        ));
    }
    rows.sort_by_key(|(p, _)| p.requests_per_month);
    for (p, event) in rows {
        csv::row(
            &mut out,
            &[
                &info.region,
                &info.as_of,
                &money::exact(p.requests_per_month),
                &money::usd_plain(p.totals[0]),
                &money::usd_plain(p.totals[1]),
                &money::usd_plain(p.totals[2]),
                p.cheapest().as_str(),
                &event,
            ],
        );
    }
    out
}
