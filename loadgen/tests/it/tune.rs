//! `loadgen tune`: the cgroup quota really stretches CPU work, a sweep of the real journal-api
//! writes consistent figures and cleans up, and bad input fails with one line.
//!
//! These need root and a cgroup cpu controller (CI has both); without them a test says why and
//! returns, except the no-root test, which needs a non-root uid to switch to. Areas: [`quota`], [`sweep`], [`bad_input`], and
//! [`pick`] (what costcalc makes of a tune.json loadgen wrote).
//!
//! What they prove: a busy loop under a quota of a quarter CPU takes at least 4 x 0.85 times its
//! CPU time in wall time, always (the quota guarantees it), while the upper bound is checked
//! through the group's accounting, which contention does not change (CPU used <= quota x periods x
//! 1.15), and in wall time (<= 4.6x) only when an unthrottled run just before found a core idle; a
//! 256/1769 MB sweep of the real journal-api (`--requests 5 --cold-starts 2`) writes a tune.json
//! where both sizes are usable, every route has at least its 5 requests (the journal scenario
//! plays 5 timed sessions of each journey), p50 <= p90 <= p99, billed >= mean,
//! init p50 <= cold start p50, and the login is no faster at 256 MB than at 1769 MB (6.9x less CPU:
//! only contention slowing 1769 MB by more than that could break it), and no cgroup is left; a 100
//! ms `--timeout` makes 128 MB unusable (its sign-up hash needs over 10 ms of CPU at 1.45 ms per 20
//! ms) and the sweep goes on to 1769 MB; a function that fills 300 MB at init is reported as killed
//! by the out-of-memory killer at 128 MB (the group's `oom_kill` count, not the exit it causes);
//! Ctrl-C exits 130 keeping the sizes measured, with no cgroup left; bad `--memory`, a
//! non-executable or missing `--function`, `/bin/sleep` (exits at once) and a script that never
//! calls the Runtime API fail with one line and exit 1; under `setpriv --reuid=65534` it exits 2
//! saying it needs root; costcalc, not loadgen, prices the sweep and picks the size.

mod bad_input;
mod formats;
mod node;
mod pick;
mod python;
mod quota;
mod sweep;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use loadgen::tune::cgroup::{CgroupError, Layout};
use serde_json::Value;

use crate::support::{costcalc, loadgen};

pub fn layout() -> Option<Layout> {
    match Layout::detect() {
        Ok(l) => Some(l),
        Err(e @ (CgroupError::NotRoot(_) | CgroupError::NoCpuController(_))) => {
            eprintln!("skipped: {e}");
            None
        }
        Err(e) => panic!("{e}"),
    }
}

/// The path in `var`, which scripts/test.d/20-cargo-test.sh sets to a runtime it installed, when
/// the machine can tune at all. Without it a test says why and returns, except under CI=true,
/// where it fails: CI always installs the runtimes.
pub fn installed(var: &str) -> Option<std::path::PathBuf> {
    layout()?;
    match std::env::var_os(var) {
        Some(v) => Some(v.into()),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{var} is not set: scripts/test.d/20-cargo-test.sh sets it in CI")
        }
        None => {
            eprintln!("skipped: {var} is not set (scripts/test.d/20-cargo-test.sh makes it)");
            None
        }
    }
}

pub fn tune(args: &[&str], out: &Path) -> (Option<i32>, String, u32) {
    let child = loadgen()
        .arg("tune")
        .args(args)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let res = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
    (res.status.code(), text, pid)
}

pub fn route<'a>(size: &'a Value, path: &str, method: &str) -> &'a Value {
    size["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["route"] == path && r["method"] == method)
        .unwrap_or_else(|| panic!("{method} {path} missing in {size}"))
}

/// No group of the run `pid` is left in any hierarchy.
pub fn assert_no_group_left(pid: u32) {
    let prefix = format!("deploycost-tune-{pid}-");
    for dir in [
        "/sys/fs/cgroup",
        "/sys/fs/cgroup/cpu",
        "/sys/fs/cgroup/cpuacct",
        "/sys/fs/cgroup/memory",
    ] {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with(&prefix), "{dir}/{name} left behind");
        }
    }
}

pub fn fails_with(args: &[&str], code: i32, want: &str) {
    let out = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (got, text, _) = tune(args, out.path());
    assert_eq!(got, Some(code), "{args:?}: {text}");
    let last = text.trim_end().lines().last().unwrap_or_default();
    assert!(last.starts_with("loadgen: error: "), "{args:?}: {text}");
    assert!(last.contains(want), "{args:?}: want {want:?} in {text}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{args:?} took {:?}",
        started.elapsed()
    );
}

/// `costcalc report --lambda-tune FILE --lambda-memory-mb auto EXTRA...`: the size costcalc
/// picks (MB, as it prints it), or its error when no size meets `--p99-slo`.
pub fn costcalc_pick(tune_json: &Path, extra: &[&str]) -> Result<String, String> {
    let out = costcalc()
        .args(["report", "--format", "json", "--lambda-tune"])
        .arg(tune_json)
        .args(["--lambda-memory-mb", "auto"])
        .args(extra)
        .output()
        .expect("run costcalc");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.code() == Some(1) {
        return Err(stderr);
    }
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).expect("costcalc JSON");
    let lambda = v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "lambda")
        .expect("a lambda deployment");
    let summary = lambda["summary"].as_str().unwrap();
    Ok(summary.split(' ').next().unwrap().to_string())
}
