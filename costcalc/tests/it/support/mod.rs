//! Helpers the test modules share: running the real `costcalc` binary as a user would (`run`,
//! `costcalc`, `costcalc_json`), reading its JSON, and the AWS fixtures and stand-in servers (`aws`).

pub mod aws;

use std::process::{Command, Output};

use serde_json::Value;

/// Run the costcalc binary with no AWS settings from this environment, plus `env`.
pub fn run(args: &[&str], env: &[(String, String)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_costcalc"));
    c.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            c.env_remove(k);
        }
    }
    c.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    c.output().expect("run the costcalc binary")
}

pub fn costcalc(args: &[&str]) -> Output {
    run(args, &[])
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
