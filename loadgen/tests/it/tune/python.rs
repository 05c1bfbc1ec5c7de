//! `--function-cmd`: a FastAPI app behind Mangum (tests/fixtures/lambda_python/app.py) run as
//! Lambda's Python runtime runs it, `python -m awslambdaric app.handler`, from the venv
//! scripts/test.d/20-cargo-test.sh makes (TUNE_PYTHON_VENV; pins in
//! scripts/requirements/lambda-python.txt). Without the variable a test says why and returns,
//! except under CI=true, where it fails.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{assert_no_group_left, tune};
use crate::support::loadgen;

pub const APP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lambda_python");

/// The venv's python, when there is one to test with.
pub fn python() -> Option<PathBuf> {
    Some(super::installed("TUNE_PYTHON_VENV")?.join("bin/python"))
}

/// The flags that run the app; `extra` go after (more `--env`, `--memory`, ...).
fn app_args(python: &std::path::Path, marker: &str, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "--function-cmd",
        // The marker is an argument awslambdaric ignores: it finds the processes afterwards.
        &format!("{} -m awslambdaric app.handler {marker}", python.display()),
        "--cwd",
        APP,
        // No __pycache__ in the source tree.
        "--env",
        "PYTHONDONTWRITEBYTECODE=1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn run(args: &[String], out: &std::path::Path) -> (Option<i32>, String, Value) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, text, pid) = tune(&args, out);
    assert_no_group_left(pid);
    let file = std::fs::read_to_string(out.join("tune.json")).unwrap_or_default();
    (code, text, serde_json::from_str(&file).unwrap_or_default())
}

/// No process whose command line holds `marker` is left. A process SIGKILLed as loadgen exits
/// (one forked an instant before Ctrl-C) may take a moment to vanish: it gets 5 s to.
fn assert_no_process_left(marker: &str) {
    let left = || {
        std::fs::read_dir("/proc").unwrap().flatten().find_map(|e| {
            let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            text.contains(marker).then_some(text)
        })
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while let Some(text) = left() {
        assert!(Instant::now() < deadline, "left running: {text}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn marker(name: &str) -> String {
    format!("tune-test-{name}-{}", std::process::id())
}

#[test]
fn tune_python_sweep_writes_consistent_figures() {
    let Some(py) = python() else { return };
    let out = tempfile::tempdir().unwrap();
    let m = marker("sweep");
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
    let (code, text, file) = run(&app_args(&py, &m, &extra), out.path());
    assert_eq!(code, Some(0), "{text}");
    assert_no_process_left(&m);
    assert!(text.contains("max MiB"), "{text}");
    assert!(
        file["function"]
            .as_str()
            .unwrap()
            .contains("-m awslambdaric app.handler")
    );
    for s in file["sizes"].as_array().unwrap() {
        assert_eq!(s["usable"], true, "{s}");
        // Each start's INIT ends before its first answer, so every order statistic does too.
        let (init, cold) = (&s["init_ms"], &s["cold_start_ms"]);
        assert!(
            init["p50"].as_f64().unwrap() <= cold["p50"].as_f64().unwrap(),
            "{s}"
        );
        assert!(init["p50"].as_f64().unwrap() > 0.0, "{s}");
        // The interpreter and FastAPI hold some memory, never more than the size's limit.
        let peak = s["max_memory_used_mb"].as_u64().unwrap();
        assert!(0 < peak && peak <= s["memory_mb"].as_u64().unwrap(), "{s}");
        let routes = s["routes"].as_array().unwrap();
        assert!(!routes.is_empty(), "{s}");
        for r in routes {
            // Three timed sessions of each journey: a route shared or repeated has more.
            assert!(r["count"].as_u64().unwrap() >= 3, "{r}");
            let billed = r["billed_ms_mean"].as_f64().unwrap();
            assert!(
                billed >= 1.0 && billed >= r["duration_ms"]["mean"].as_f64().unwrap(),
                "{r}"
            );
        }
    }
}

#[test]
fn tune_python_handler_that_raises_makes_the_size_unusable() {
    let Some(py) = python() else { return };
    let out = tempfile::tempdir().unwrap();
    let m = marker("raise");
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
    let (code, text, file) = run(&app_args(&py, &m, &extra), out.path());
    assert_eq!(code, Some(1), "{text}");
    assert_no_process_left(&m);
    let size = &file["sizes"][0];
    assert_eq!(size["usable"], false, "{text}");
    let reason = size["reason"].as_str().unwrap();
    // awslambdaric reports the exception on /error: the invocation error, with its message.
    assert!(reason.contains("invocation error"), "{reason}");
    assert!(reason.contains("the fixture raises on purpose"), "{reason}");
}

#[test]
fn tune_python_allocating_past_128_mb_is_an_out_of_memory_kill() {
    let Some(py) = python() else { return };
    let out = tempfile::tempdir().unwrap();
    let m = marker("oom");
    // 200 MiB of bytes on top of the interpreter's ~30 MiB: past 128 MB whatever the page cache.
    let extra = [
        "--env",
        "FIXTURE_ALLOCATE_MB=200",
        "--memory",
        "128",
        "--cold-starts",
        "1",
        "--timeout",
        "120s",
    ];
    let (code, text, file) = run(&app_args(&py, &m, &extra), out.path());
    assert_eq!(code, Some(1), "{text}");
    assert_no_process_left(&m);
    let size = &file["sizes"][0];
    assert_eq!(
        size["reason"], "killed by the out-of-memory killer at 128 MB",
        "{text}"
    );
    // The peak is the limit the kernel enforced, give or take its rounding to pages.
    assert!(
        size["max_memory_used_mb"].as_u64().unwrap() <= 128,
        "{size}"
    );
}

#[test]
fn tune_a_command_that_never_polls_is_unusable_after_the_timeout() {
    let Some(py) = python() else { return };
    let out = tempfile::tempdir().unwrap();
    let m = marker("sleeper");
    let cmd = format!("{} -c 'import time; time.sleep(600)' {m}", py.display());
    let args: Vec<String> = [
        "--function-cmd",
        &cmd,
        "--memory",
        "1769",
        "--timeout",
        "2s",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (code, text, file) = run(&args, out.path());
    assert_eq!(code, Some(1), "{text}");
    assert_no_process_left(&m);
    assert_eq!(file["sizes"][0]["usable"], false, "{text}");
    assert_eq!(file["sizes"][0]["reason"], "no answer within 2s", "{text}");
}

#[test]
fn tune_python_ctrl_c_leaves_no_process_and_no_group() {
    let Some(py) = python() else { return };
    let out = tempfile::tempdir().unwrap();
    let m = marker("ctrl-c");
    let args = app_args(&py, &m, &["--memory", "512", "--quiet", "--out"]);
    let mut child = loadgen()
        .arg("tune")
        .args(&args)
        .arg(out.path())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Interrupt while the interpreter is running (its INIT takes a second or more at 512 MB).
    let deadline = Instant::now() + Duration::from_secs(60);
    let running = || {
        std::fs::read_dir("/proc").unwrap().flatten().any(|e| {
            let c = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            let c = String::from_utf8_lossy(&c);
            // The function, not loadgen (whose own arguments hold the marker too).
            c.contains(&m) && !c.contains("--function-cmd")
        })
    };
    while !running() {
        assert!(Instant::now() < deadline, "the function never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: kill has no memory preconditions; the pid is our own child's.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_no_group_left(child.id());
    assert_no_process_left(&m);
}

/// A scenario of its own: a fresh account signs up through the function, its token is captured
/// and carried by the timed requests, which are the only routes timed.
const NOTES: &str = r#"
[sessions.fresh]
account = "new"
auth_header = "Authorization: Bearer {token}"
[[sessions.fresh.sign_in]]
method = "POST"
path = "/api/v1/auth/register"
json = { email = "{account.email}", password = "{account.password}" }
save = { token = "/access_token" }

[journeys.note]
weight = 1
session = "fresh"
[[journeys.note.steps]]
method = "POST"
path = "/api/v1/entries"
json = { work = "{words:2..4}", struggle = "none", intention = "{words:2..4}" }
expect = [201]
save = { id = "/id" }
[[journeys.note.steps]]
method = "GET"
path = "/api/v1/entries/{id}"
route = "/api/v1/entries/{id}"
expect = [200]
"#;

#[test]
fn tune_python_scenario_signs_in_through_the_function() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.toml");
    std::fs::write(&file, NOTES).unwrap();
    let m = marker("scenario");
    let extra = [
        "--scenario",
        file.to_str().unwrap(),
        "--memory",
        "1769",
        "--requests",
        "2",
        "--cold-starts",
        "1",
        "--timeout",
        "60s",
    ];
    let (code, text, tune_json) = run(&app_args(&py, &m, &extra), dir.path());
    assert_eq!(code, Some(0), "{text}");
    let size = &tune_json["sizes"][0];
    let routes: Vec<(String, u64)> = size["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                format!(
                    "{} {}",
                    r["method"].as_str().unwrap(),
                    r["route"].as_str().unwrap()
                ),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    // Two timed sessions: two sign-ups, and each step once a session (a cycle of the journey).
    let want = [
        ("POST /api/v1/auth/register", 2),
        ("POST /api/v1/entries", 2),
        ("GET /api/v1/entries/{id}", 2),
    ];
    let want: Vec<(String, u64)> = want.iter().map(|(r, n)| (r.to_string(), *n)).collect();
    assert_eq!(routes, want, "{text}");
    assert!(
        tune_json["scenario"]
            .as_str()
            .unwrap()
            .ends_with("notes.toml")
    );
    // A scenario with a mistake is refused before anything runs, at its line and column.
    std::fs::write(
        &file,
        "[journeys.x]\nweight = 1\nsteps = [{ method = \"GET\", path = \"/{nope}\" }]\n",
    )
    .unwrap();
    let args = app_args(&py, &m, &["--scenario", file.to_str().unwrap()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, text, _) = tune(&args, dir.path());
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("notes.toml:3:"), "{text}");
}
