//! `costcalc report` and `breakeven` through the real binary. Every expected figure is worked
//! by hand in the comments from the unit prices in costcalc/docs/pricing-examples.md.
//!
//! - [`basics`]: the side-project report with every named line item checked against arithmetic
//!   worked in the comments (independently of costcalc), NAT on, free tier, Multi-AZ/REST options,
//!   sizing at 10^9 requests, the workload file, `--from-loadgen`, every output format naming the
//!   snapshot.
//! - [`breakeven`]: the NAT hint priced from the snapshot and the month, the marginal cost per
//!   million.
//! - [`database`]: connections and CPU credits.
//! - [`databases`]: `report --compare-databases`, each deployment on each database.
//! - [`aurora`]: `--db aurora-serverless`, auto-pause and its refusals.
//! - [`aurora_provisioned`]: `--db aurora`, its I/O, and Serverless v2's max_connections.
//! - [`measured`]: overloaded runs, deciding defaults and a measured server.
//! - [`html`]: the HTML report.

mod aurora;
mod aurora_provisioned;
mod basics;
mod breakeven;
mod database;
mod databases;
mod html;
mod measured;

use serde_json::Value;

pub(crate) fn deployment<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no {name} deployment"))
}

/// Rounded cost of the one line item of `d` whose name contains `part`.
pub(crate) fn cost(d: &Value, part: &str) -> String {
    let items: Vec<_> = d["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["name"].as_str().unwrap().contains(part))
        .collect();
    assert_eq!(
        items.len(),
        1,
        "one line item containing {part:?} in {}: {:#?}",
        d["name"],
        d["line_items"]
    );
    items[0]["cost_usd"].as_str().unwrap().to_string()
}

pub(super) fn services(d: &Value) -> Vec<String> {
    d["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["service"].as_str().unwrap().to_string())
        .collect()
}
