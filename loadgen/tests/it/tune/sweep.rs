//! Sweeps of real functions: consistent figures, unusable sizes (timeout, OOM kill), Ctrl-C.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{assert_no_group_left, layout, route, tune};
use crate::support::{journal_api_bin, loadgen};

/// What holds of every usable size of a sweep, however busy the machine.
fn assert_size_consistent(s: &Value, requests: u64) {
    assert_eq!(s["usable"], true, "{s}");
    let cold = &s["cold_start_ms"];
    let init = &s["init_ms"];
    // Each start's init ends before its first answer, so every order statistic does too.
    assert!(
        init["p50"].as_f64().unwrap() <= cold["p50"].as_f64().unwrap(),
        "{s}"
    );
    assert!(
        cold["p50"].as_f64().unwrap() <= cold["p99"].as_f64().unwrap(),
        "{s}"
    );
    // Max Memory Used: something, and never past the size's limit.
    let peak = s["max_memory_used_mb"].as_u64().unwrap();
    assert!(0 < peak && peak <= s["memory_mb"].as_u64().unwrap(), "{s}");
    for (method, path) in [
        ("GET", "/health"),
        ("GET", "/api/v1/entries"),
        ("POST", "/api/v1/entries"),
        ("POST", "/api/v1/auth/login"),
    ] {
        let r = route(s, path, method);
        assert_eq!(r["count"], requests, "{r}");
        let d = &r["duration_ms"];
        let (p50, p90, p99, mean) = (
            d["p50"].as_f64().unwrap(),
            d["p90"].as_f64().unwrap(),
            d["p99"].as_f64().unwrap(),
            d["mean"].as_f64().unwrap(),
        );
        assert!(0.0 < p50 && p50 <= p90 && p90 <= p99, "{r}");
        // Billing rounds each invocation up to the next millisecond.
        assert!(r["billed_ms_mean"].as_f64().unwrap() >= mean, "{r}");
        assert!(r["billed_ms_mean"].as_f64().unwrap() >= 1.0, "{r}");
    }
}

#[test]
fn tune_sweep_of_journal_api_writes_consistent_figures() {
    if layout().is_none() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let api = journal_api_bin();
    let (code, text, pid) = tune(
        &[
            "--function",
            api.to_str().unwrap(),
            "--memory",
            "256,1769",
            "--requests",
            "5",
            "--cold-starts",
            "2",
        ],
        out.path(),
    );
    assert_eq!(code, Some(0), "{text}");
    assert_no_group_left(pid);
    assert!(
        text.contains("emulated on this machine's processor"),
        "{text}"
    );
    // The table has no cost and no pick: the end says how costcalc prices the sweep and picks
    // the size, and that command works on the file.
    let tune_json = out.path().join("tune.json");
    let command = format!(
        "costcalc report --lambda-tune {} --lambda-memory-mb auto",
        tune_json.display()
    );
    assert!(text.contains(&command), "{text}");
    assert!(!text.contains("pick: ") && !text.contains('$'), "{text}");
    // A busy machine may leave no size within costcalc's default p99 target: then it says so.
    match super::costcalc_pick(&tune_json, &[]) {
        Ok(mb) => assert!(["256", "1769"].contains(&mb.as_str()), "picked {mb}"),
        Err(e) => assert!(e.contains("--p99-slo"), "{e}"),
    }
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("tune.json")).unwrap())
            .unwrap();
    assert_eq!(file["schema"], "deploycost.loadgen.tune/v1.1");
    let sizes = file["sizes"].as_array().unwrap();
    assert_eq!(
        sizes
            .iter()
            .map(|s| s["memory_mb"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [256, 1769]
    );
    for s in sizes {
        assert_size_consistent(s, 5);
    }
    // The login's password hash is CPU work: 256 MB has 256/1769 of a core, 6.9x less CPU than
    // 1769 MB, so it cannot be faster there unless contention slowed 1769 MB by more than 6.9x.
    let login = |i: usize| {
        route(&sizes[i], "/api/v1/auth/login", "POST")["duration_ms"]["p50"]
            .as_f64()
            .unwrap()
    };
    assert!(
        login(0) >= login(1),
        "login p50 {} ms at 256 MB < {} ms at 1769 MB",
        login(0),
        login(1)
    );
}

#[test]
fn tune_too_short_a_timeout_makes_a_size_unusable_and_the_sweep_goes_on() {
    if layout().is_none() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let api = journal_api_bin();
    // 128 MB gets 1.45 ms of CPU per 20 ms: the sign-up's password hash (well over 10 ms of CPU
    // on any processor) cannot finish within 100 ms there.
    let (code, text, pid) = tune(
        &[
            "--function",
            api.to_str().unwrap(),
            "--memory",
            "128,1769",
            "--requests",
            "1",
            "--cold-starts",
            "1",
            "--timeout",
            "100ms",
        ],
        out.path(),
    );
    assert_no_group_left(pid);
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("tune.json")).unwrap())
            .unwrap();
    let sizes = file["sizes"].as_array().unwrap();
    assert_eq!(sizes.len(), 2, "the sweep went on after 128 MB: {text}");
    assert_eq!(sizes[0]["usable"], false, "{text}");
    assert!(!sizes[0]["reason"].as_str().unwrap().is_empty());
    assert!(text.contains("128 MB unusable: "), "{text}");
    // 1769 MB may or may not make it in 100 ms on a busy machine; the status says which.
    let any_usable = sizes.iter().any(|s| s["usable"] == true);
    assert_eq!(code, Some(if any_usable { 0 } else { 1 }), "{text}");
}

#[test]
fn tune_ctrl_c_keeps_the_sizes_measured_and_leaves_no_group() {
    if layout().is_none() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let api = journal_api_bin();
    let mut child = loadgen()
        .args([
            "tune",
            "--function",
            api.to_str().unwrap(),
            "--memory",
            "1769,3008,10240",
        ])
        .args(["--requests", "50", "--cold-starts", "1", "--quiet", "--out"])
        .arg(out.path())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let file = out.path().join("tune.json");
    let sizes = || -> usize {
        std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .map_or(0, |v| v["sizes"].as_array().map_or(0, Vec::len))
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while sizes() == 0 {
        assert!(Instant::now() < deadline, "no size measured in 60 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: kill has no memory preconditions; the pid is our own child's.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_no_group_left(child.id());
    // The size measured before the signal is kept; 50 rounds with a login each (>= 10 ms of CPU)
    // take at least half a second a size, so the sweep was cut before the last one.
    let n = sizes();
    assert!((1..3).contains(&n), "{n} sizes");
}

/// A function that answers the migrate invocation, then needs more memory than its size at init.
const GREEDY: &str = r#"#!/bin/sh
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation"
if [ "$_HANDLER" = migrate ]; then
  id=$(curl -s -D - -o /dev/null "$api/next" | tr -d '\r' | awk -F': ' 'tolower($1) == "lambda-runtime-aws-request-id" {print $2}')
  curl -s -X POST -d '{}' "$api/$id/response" >/dev/null
  exec sleep 60
fi
# tail keeps a line until it ends: 300 MB without a newline stay in memory.
head -c 300000000 /dev/zero | tail -n 1 >/dev/null
exit 1
"#;

#[test]
fn tune_an_out_of_memory_kill_makes_the_size_unusable() {
    if layout().is_none() {
        return;
    }
    if !Path::new("/usr/bin/curl").exists() {
        eprintln!("skipped: the greedy function needs /usr/bin/curl");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let greedy = dir.path().join("greedy");
    std::fs::write(&greedy, GREEDY).unwrap();
    std::fs::set_permissions(&greedy, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let (code, text, pid) = tune(
        &[
            "--function",
            greedy.to_str().unwrap(),
            "--memory",
            "128",
            "--cold-starts",
            "1",
        ],
        dir.path(),
    );
    assert_no_group_left(pid);
    assert_eq!(code, Some(1), "{text}");
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("tune.json")).unwrap())
            .unwrap();
    let size = &file["sizes"][0];
    assert_eq!(size["usable"], false, "{text}");
    // The OOM kill, not the exit it caused, is the reason.
    assert_eq!(
        size["reason"],
        "killed by the out-of-memory killer at 128 MB"
    );
    assert!(text.contains("no memory size was usable"), "{text}");
}
