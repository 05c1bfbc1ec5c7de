//! Runs the real `costcalc` binary, as a user would.
#![allow(dead_code)]

use std::process::{Command, Output};

use serde_json::Value;

pub fn costcalc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_costcalc"))
        .args(args)
        .output()
        .expect("run the costcalc binary")
}

/// Run with `--format json` appended; the run must succeed.
pub fn costcalc_json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let out = costcalc(&a);
    assert!(
        out.status.success(),
        "costcalc {a:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("costcalc printed JSON")
}

/// The rounded cost of the one line item whose name starts with `prefix`.
pub fn line_cost(v: &Value, prefix: &str) -> String {
    let items = v["line_items"].as_array().expect("line_items");
    let found: Vec<_> = items
        .iter()
        .filter(|i| i["name"].as_str().unwrap().starts_with(prefix))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "exactly one line item starting with {prefix:?} in {items:#?}"
    );
    found[0]["cost_usd"].as_str().unwrap().to_string()
}

pub fn total(v: &Value) -> String {
    v["total_usd"].as_str().unwrap().to_string()
}
