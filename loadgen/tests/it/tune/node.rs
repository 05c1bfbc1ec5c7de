//! `--function-cmd` with Node.js: a plain handler (tests/fixtures/lambda_node/index.mjs, no
//! framework) run as Lambda's Node.js runtime runs it, `node aws-lambda-ric/bin/index.mjs
//! index.handler`, with the runtime interface client scripts/test.d/20-cargo-test.sh builds from
//! npm (TUNE_NODE_RIC; pinned in scripts/requirements/lambda-node/, built by
//! scripts/lib/lambda-node.sh). Without the variable a test says why and returns, except under
//! CI=true, where it fails.

use std::path::PathBuf;

use serde_json::Value;

use super::{assert_no_group_left, tune};

const APP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lambda_node");

/// aws-lambda-ric's entry point, when there is one to test with.
fn ric() -> Option<PathBuf> {
    super::installed("TUNE_NODE_RIC")
}

/// Runs the handler through the client with `extra` flags; the exit code, the output and tune.json.
fn run(ric: &std::path::Path, extra: &[&str]) -> (Option<i32>, String, Value) {
    let out = tempfile::tempdir().unwrap();
    let cmd = format!("node {} index.handler", ric.display());
    let mut args = vec!["--function-cmd", &cmd, "--cwd", APP];
    args.extend_from_slice(extra);
    let (code, text, pid) = tune(&args, out.path());
    assert_no_group_left(pid);
    let file = std::fs::read_to_string(out.path().join("tune.json")).unwrap_or_default();
    (code, text, serde_json::from_str(&file).unwrap_or_default())
}

#[test]
fn tune_node_sweep_writes_consistent_figures() {
    let Some(ric) = ric() else { return };
    let extra = [
        "--memory",
        "256,1769",
        "--requests",
        "3",
        "--cold-starts",
        "2",
        "--timeout",
        "60s",
    ];
    let (code, text, file) = run(&ric, &extra);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        file["function"]
            .as_str()
            .unwrap()
            .ends_with("aws-lambda-ric/bin/index.mjs index.handler")
    );
    let sizes = file["sizes"].as_array().unwrap();
    assert_eq!(sizes.len(), 2, "{text}");
    for s in sizes {
        assert_eq!(s["usable"], true, "{s}");
        // Each start's INIT ends before its first answer, so every order statistic does too.
        let (init, cold) = (&s["init_ms"], &s["cold_start_ms"]);
        assert!(init["p50"].as_f64().unwrap() > 0.0, "{s}");
        assert!(
            init["p50"].as_f64().unwrap() <= cold["p50"].as_f64().unwrap(),
            "{s}"
        );
        // Node holds some memory, never more than the size's limit.
        let peak = s["max_memory_used_mb"].as_u64().unwrap();
        assert!(0 < peak && peak <= s["memory_mb"].as_u64().unwrap(), "{s}");
        let routes = s["routes"].as_array().unwrap();
        // The journal scenario's routes, each answered by the handler as the scenario expects.
        assert!(routes.len() >= 5, "{s}");
        for r in routes {
            assert!(r["count"].as_u64().unwrap() >= 3, "{r}");
            let d = &r["duration_ms"];
            assert!(
                d["p50"].as_f64().unwrap() <= d["p99"].as_f64().unwrap(),
                "{r}"
            );
            let billed = r["billed_ms_mean"].as_f64().unwrap();
            assert!(
                billed >= 1.0 && billed >= d["mean"].as_f64().unwrap(),
                "{r}"
            );
        }
    }
}

#[test]
fn tune_node_handler_that_throws_makes_the_size_unusable() {
    let Some(ric) = ric() else { return };
    let extra = [
        "--env",
        "FIXTURE_RAISE=1",
        "--memory",
        "1769",
        "--cold-starts",
        "1",
        "--timeout",
        "60s",
    ];
    let (code, text, file) = run(&ric, &extra);
    assert_eq!(code, Some(1), "{text}");
    let size = &file["sizes"][0];
    assert_eq!(size["usable"], false, "{text}");
    let reason = size["reason"].as_str().unwrap();
    // aws-lambda-ric posts the error to /error: the invocation error, with its message.
    assert!(reason.contains("invocation error"), "{reason}");
    assert!(reason.contains("the fixture throws on purpose"), "{reason}");
}
