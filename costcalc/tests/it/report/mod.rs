//! `costcalc report` and `breakeven` through the real binary. Every expected figure is worked
//! by hand in the comments from the unit prices in costcalc/docs/pricing-examples.md.

mod basics;
mod breakeven;
mod database;
mod html;
mod measured;

use serde_json::Value;

pub(super) fn deployment<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no {name} deployment"))
}

/// Rounded cost of the one line item of `d` whose name contains `part`.
pub(super) fn cost(d: &Value, part: &str) -> String {
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
