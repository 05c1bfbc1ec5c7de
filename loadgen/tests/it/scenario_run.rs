//! `loadgen run --scenario FILE`, the real binary: a bad scenario is refused at FILE:LINE:COLUMN
//! with exit 2 before any traffic; a capture that finds nothing is a counted failure with its
//! reason in summary.json, against a real journal-api.

use crate::cli::closed_port;
use crate::support::{Server, loadgen, one_at_a_time};
use serde_json::Value;

/// Two health probes whose answer (`{"status": "healthy"}`) has no `/nope`, and at its root an
/// object where one value is wanted: every request of each fails, for its own reason.
const CAPTURES: &str = r#"[journeys.probe]
weight = 1
session_requests = 1
steps = [{ method = "GET", path = "/health", route = "health-nope", save = { x = "/nope" } }]

[journeys.whole]
weight = 1
session_requests = 1
steps = [{ method = "GET", path = "/health", route = "health-whole", save = { x = "" } }]
"#;

fn run(host: &str, scenario: &std::path::Path, out: &std::path::Path) -> std::process::Output {
    run_with(host, scenario, out, &[])
}

/// 5 s of steady traffic (10 req/s, times `more`'s --rate-scale) from `scenario`.
fn run_with(
    host: &str,
    scenario: &std::path::Path,
    out: &std::path::Path,
    more: &[&str],
) -> std::process::Output {
    loadgen()
        .args(["run", "--host", host, "--profile", "steady", "--duration"])
        .args(["5s", "--quiet", "--scenario"])
        .arg(scenario)
        .args(more)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// The run's summary.json; the run must have succeeded.
fn summary(res: &std::process::Output, out: &std::path::Path) -> Value {
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn a_bad_scenario_is_refused_at_its_line_and_column_before_any_traffic() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens at the host: a run that got past the check would fail on it instead.
    let host = closed_port();
    let cases = [
        // An unknown variable: line 3, where `{idd}` starts.
        (
            "unknown.toml",
            "[journeys.a]\nweight = 1\nsteps = [{ method = \"GET\", path = \"/x/{idd}\" }]\n",
            "unknown.toml:3:39: unknown variable '{idd}'",
        ),
        // TOML syntax: the unclosed array at line 2.
        (
            "syntax.toml",
            "[journeys.a]\nweight = [1\n",
            "syntax.toml:2:",
        ),
        // A bad pointer (no leading '/').
        (
            "pointer.toml",
            "[journeys.a]\nweight = 1\nsteps = [{ method = \"GET\", path = \"/x\", save = { a = \"id\" } }]\n",
            "pointer.toml:3:",
        ),
    ];
    for (name, text, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = dir.path().join(format!("{name}.out"));
        let res = run(&host, &path, &out);
        let stderr = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(2), "{name}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(want), "{name}: want {want:?} in {stderr}");
        assert!(!out.join("summary.json").exists());
    }
    let missing = dir.path().join("missing.toml");
    let res = run(&host, &missing, &dir.path().join("m.out"));
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(&format!("{}:1:1: ", missing.display())),
        "{stderr}"
    );
}

#[test]
fn a_capture_that_finds_nothing_is_a_failure_counted_by_route_and_reason() {
    let _turn = one_at_a_time();
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("captures.toml");
    std::fs::write(&path, CAPTURES).unwrap();
    let out = dir.path().join("out");
    let s = summary(&run(&server.url, &path, &out), &out);
    assert_eq!(s["schema"], "deploycost.loadgen.summary/v1.7");
    // The scenario it played, by the file's stem and its text's hash (what costcalc names the
    // API by, and what `loadgen merge` compares).
    let sha: String = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(CAPTURES.as_bytes());
        d.iter().map(|b| format!("{b:02x}")).collect()
    };
    assert_eq!(
        s["scenario"],
        serde_json::json!({"name": "captures", "source": "file", "sha256": sha})
    );
    let endpoint = |route: &str| {
        let e = s["endpoints"].as_array().unwrap().iter();
        e.clone()
            .find(|e| e["route"] == route)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let reasons = s["failure_reasons"].as_array().expect("failure_reasons");
    // Each answer was a 200 (expected), yet every request failed for its capture, and the
    // summary says why, per route: the two counts agree, request for request.
    let mut total = 0;
    for (route, why) in [
        ("health-nope", "cannot save 'x': not_found"),
        ("health-whole", "cannot save 'x': not_a_value"),
    ] {
        let e = endpoint(route);
        let count = e["count"].as_u64().unwrap_or(0);
        assert!(count > 0, "{route} sent nothing: {s}");
        assert_eq!(e["failures"].as_u64(), Some(count), "{route}");
        assert_eq!(e["status_codes"]["200"].as_u64(), Some(count), "{route}");
        let r: Vec<&Value> = reasons.iter().filter(|r| r["route"] == route).collect();
        assert_eq!(r.len(), 1, "{route}: {reasons:?}");
        assert_eq!(r[0]["reason"].as_str(), Some(why), "{r:?}");
        assert_eq!(
            (r[0]["method"].as_str(), r[0]["count"].as_u64()),
            (Some("GET"), Some(count))
        );
        total += count;
    }
    assert_eq!(s["totals"]["failures"].as_u64(), Some(total));
}

/// scripts/compare-peer's scenario against a real journal-api: each reader reads the entry its
/// pool account seeded in the setup (`seeded_id`, a setup save a pool session starts with), so
/// no read can race a writer's delete. Were the saved id not handed to the sessions, every read
/// would be skipped (none sent); were it another account's entry, the read would be a 404.
#[test]
fn the_compare_scenarios_readers_read_their_accounts_seeded_entry() {
    let _turn = one_at_a_time();
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let scenario = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/examples/fastapi-journal.toml");
    let out = dir.path().join("out");
    // A 1 s think time: sessions send their next step within the 5 s.
    let more = ["--rate-scale", "3", "--think-time", "1s"];
    let res = run_with(&server.url, &scenario, &out, &more);
    let s = summary(&res, &out);
    assert_eq!(s["scenario"]["name"], "fastapi-journal");
    assert_eq!(s["scenario"]["source"], "file");
    let read = s["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["method"] == "GET" && e["route"] == "/api/v1/entries/{id}")
        .cloned()
        .unwrap_or(Value::Null);
    let count = read["count"].as_u64().unwrap_or(0);
    assert!(count > 0, "no read was sent: {s}");
    assert_eq!(
        read["status_codes"],
        serde_json::json!({"200": count}),
        "{read}"
    );
}
