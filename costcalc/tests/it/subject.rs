//! Which API a report names: journal-api's wording (its title, its argon2 logins) for what
//! describes journal-api, and the input's own name for anything else (the `--compare` NAME, the
//! memory sweep's scenario or command), never journal-api's internals for a foreign API. The
//! inputs are the hand-made compare fixtures (tests/data/compare/); the sweeps below are
//! python-tune.json with a `function` and `scenario` added, as `loadgen tune` writes them.

use crate::support::{costcalc, costcalc_json};
use serde_json::Value;

macro_rules! data {
    ($f:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/compare/", $f)
    };
}

const ARGON2: &str = "enough for argon2 logins";

/// The Lambda line of a report's assumptions.
fn lambda_line(report: &Value) -> String {
    report["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .find(|a| a.starts_with("Lambda: "))
        .unwrap()
}

#[test]
fn compare_names_each_implementation_and_only_journal_api_claims_argon2() {
    let v = costcalc_json(&[
        "report",
        "--compare",
        concat!(
            "fastapi=",
            data!("python.json"),
            ",",
            data!("python-tune.json")
        ),
        concat!(
            "journal-api=",
            data!("rust.json"),
            ",",
            data!("rust-tune.json")
        ),
    ]);
    let imps = v["implementations"].as_array().unwrap();
    let fastapi = lambda_line(&imps[0]["report"]);
    assert!(!fastapi.contains("argon2"), "{fastapi}");
    assert!(fastapi.contains("1,769 MB buys one vCPU"), "{fastapi}");
    assert!(lambda_line(&imps[1]["report"]).contains(ARGON2));
}

/// A copy of python-tune.json naming `function` and `scenario`, in a file of its own.
fn sweep(name: &str, function: &str, scenario: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(data!("python-tune.json")).unwrap();
    let mut t: Value = serde_json::from_str(&text).unwrap();
    t["function"] = function.into();
    t["scenario"] = scenario.into();
    let path = std::env::temp_dir().join(format!(
        "costcalc-subject-{name}-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, serde_json::to_string(&t).unwrap()).unwrap();
    path
}

fn markdown(tune: Option<&std::path::Path>) -> String {
    let mut args = vec![
        "report",
        "--from-loadgen",
        data!("python.json"),
        "--format",
        "md",
    ];
    if let Some(t) = tune {
        args.extend(["--lambda-tune", t.to_str().unwrap()]);
    }
    let out = costcalc(&args);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

#[test]
fn a_single_report_names_the_api_its_sweep_ran() {
    // No sweep: nothing names another API, so journal-api's wording stays.
    let md = markdown(None);
    assert!(
        md.starts_with("# Monthly cost of the journal API at "),
        "{md}"
    );
    assert!(md.contains(ARGON2), "{md}");

    // journal-api's own binary on the embedded scenario: still journal-api.
    let own = sweep(
        "own",
        "target/release/journal-api",
        "journal.toml (embedded)",
    );
    let md = markdown(Some(&own));
    assert!(
        md.starts_with("# Monthly cost of the journal API at "),
        "{md}"
    );
    assert!(md.contains(ARGON2), "{md}");

    // The runtime interface client on the embedded scenario: named by its command.
    let ric = sweep(
        "ric",
        "/srv/x/.venv/bin/python -m awslambdaric fastapi_lambda.api",
        "journal.toml (embedded)",
    );
    let md = markdown(Some(&ric));
    assert!(
        md.starts_with("# Monthly cost of `python -m awslambdaric fastapi_lambda.api` at "),
        "{md}"
    );
    assert!(!md.contains("argon2"), "{md}");

    // A scenario file of its own: named by the file's stem.
    let own_scenario = sweep("scenario", "node index.js", "scenarios/express-notes.toml");
    let md = markdown(Some(&own_scenario));
    assert!(
        md.starts_with("# Monthly cost of express-notes at "),
        "{md}"
    );
    assert!(!md.contains("argon2"), "{md}");
    for p in [own, ric, own_scenario] {
        let _ = std::fs::remove_file(p);
    }
}
