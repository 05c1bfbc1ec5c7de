//! `--function-cmd`: a FastAPI app behind Mangum (tests/fixtures/lambda_python/app.py) run as
//! Lambda's Python runtime runs it, `python -m awslambdaric app.handler`, from the venv
//! scripts/test.d/20-cargo-test.sh makes (TUNE_PYTHON_VENV; pins in
//! scripts/requirements/lambda-python.txt). Without the variable a test says why and returns,
//! except under CI=true, where it fails.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{assert_no_group_left, layout, tune};
use crate::support::loadgen;

const APP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lambda_python");

/// The venv's python, when there is one to test with.
fn python() -> Option<PathBuf> {
    layout()?;
    match std::env::var_os("TUNE_PYTHON_VENV") {
        Some(v) => Some(PathBuf::from(v).join("bin/python")),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("TUNE_PYTHON_VENV is not set: scripts/test.d/20-cargo-test.sh sets it in CI")
        }
        None => {
            eprintln!(
                "skipped: TUNE_PYTHON_VENV is not set (scripts/test.d/20-cargo-test.sh makes it)"
            );
            None
        }
    }
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

/// No process whose command line holds `marker` is left.
fn assert_no_process_left(marker: &str) {
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        assert!(!text.contains(marker), "left running: {text}");
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
            assert_eq!(r["count"], 3, "{r}");
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
