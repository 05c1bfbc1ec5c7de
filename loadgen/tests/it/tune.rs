//! `loadgen tune`: the cgroup quota really stretches CPU work, a sweep of the real journal-api
//! writes consistent figures and cleans up, and bad input fails with one line.
//!
//! These need root and a cgroup cpu controller (CI has both); without them a test says why and
//! returns, except the no-root test, which needs a non-root uid to switch to.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use loadgen::tune::cgroup::{Cgroup, CgroupError, Layout, Limits, PERIOD_US};
use serde_json::Value;

use crate::support::{journal_api_bin, loadgen};

fn layout() -> Option<Layout> {
    match Layout::detect() {
        Ok(l) => Some(l),
        Err(e @ (CgroupError::NotRoot(_) | CgroupError::NoCpuController(_))) => {
            eprintln!("skipped: {e}");
            None
        }
        Err(e) => panic!("{e}"),
    }
}

/// A shell spinning in a busy loop, moved into `group`; killed when dropped.
struct Spinner(Child);

impl Spinner {
    fn start(group: &Cgroup) -> Spinner {
        let child = Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .spawn()
            .expect("sh");
        let s = Spinner(child);
        group.add_pid(s.0.id()).expect("join the cgroup");
        s
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Wall time until the group has used `cpu` of CPU time.
fn wall_for_cpu(group: &Cgroup, cpu: Duration) -> (Duration, u64) {
    let start = Instant::now();
    let spinner = Spinner::start(group);
    loop {
        let used = group.cpu_stat().unwrap().usage_us;
        if used >= cpu.as_micros() as u64 {
            drop(spinner);
            return (start.elapsed(), used);
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no progress");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn tune_quota_of_a_quarter_cpu_makes_cpu_work_take_four_times_as_long() {
    let Some(layout) = layout() else { return };
    let pid = std::process::id();
    // An idle core gives the unthrottled loop its 0.2 s of CPU in about 0.2 s of wall time.
    let free = Cgroup::create(
        &layout,
        &format!("loadgen-it-free-{pid}"),
        Limits::with_cpu(2 * PERIOD_US, 64),
    )
    .unwrap();
    let (free_wall, free_used) = wall_for_cpu(&free, Duration::from_millis(200));
    let idle = free_wall.as_secs_f64() <= free_used as f64 / 1e6 * 1.1;
    drop(free);

    let quarter = PERIOD_US / 4;
    let group = Cgroup::create(
        &layout,
        &format!("loadgen-it-quarter-{pid}"),
        Limits::with_cpu(quarter, 64),
    )
    .unwrap();
    let (wall, used) = wall_for_cpu(&group, Duration::from_millis(400));
    let stat = group.cpu_stat().unwrap();
    let ratio = wall.as_secs_f64() / (used as f64 / 1e6);
    // The quota makes this true on any machine, busy or not: at most a quarter of each period
    // (plus the first period's slice) is spent, so wall >= 4 x CPU, less a 15% margin for the
    // polling.
    assert!(
        ratio >= 4.0 * 0.85,
        "wall {wall:?} for {used} us of CPU: {ratio:.2}x"
    );
    // What caps the stretch is the kernel's accounting, which contention does not change: never
    // more than the quota per elapsed period.
    assert!(stat.nr_periods > 0 && stat.nr_throttled > 0, "{stat:?}");
    assert!(
        stat.usage_us as f64 <= stat.nr_periods as f64 * quarter as f64 * 1.15,
        "{stat:?}: more than {quarter} us per period"
    );
    // A wall-time upper bound only holds when nothing else competes for the core, which the
    // unthrottled run measured just before.
    if idle {
        assert!(ratio <= 4.6, "idle machine, yet {ratio:.2}x");
    } else {
        eprintln!(
            "busy machine (unthrottled {free_wall:?} for {free_used} us): upper bound not checked"
        );
    }
}

fn tune(args: &[&str], out: &Path) -> (Option<i32>, String, u32) {
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

fn route<'a>(size: &'a Value, path: &str, method: &str) -> &'a Value {
    size["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["route"] == path && r["method"] == method)
        .unwrap_or_else(|| panic!("{method} {path} missing in {size}"))
}

/// No group of the run `pid` is left in any hierarchy.
fn assert_no_group_left(pid: u32) {
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
    assert!(text.contains("pick: "), "{text}");
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("tune.json")).unwrap())
            .unwrap();
    assert_eq!(file["schema"], "deploycost.loadgen.tune/v1");
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

fn fails_with(args: &[&str], code: i32, want: &str) {
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

#[test]
fn tune_bad_flags_fail_with_one_line() {
    let api = journal_api_bin();
    let api = api.to_str().unwrap();
    for (memory, want) in [
        ("100", "100 MB is outside"),
        ("20000", "20000 MB is outside"),
        ("abc", "--memory: \"abc\" is not a whole number"),
        ("256,1.5", "\"1.5\" is not"),
        (",", "--memory: no size given"),
    ] {
        fails_with(&["--function", api, "--memory", memory], 1, want);
    }
    fails_with(&["--function", api, "--timeout", "soon"], 1, "--timeout");
    fails_with(&["--function", api, "--requests", "0"], 1, "--requests");
    fails_with(
        &["--function", api, "--prices", "/nonexistent/prices.toml"],
        1,
        "--prices /nonexistent/prices.toml: No such file",
    );
    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(bad.path(), "[lambda]\n").unwrap();
    let bad = bad.path().to_str().unwrap();
    fails_with(
        &["--function", api, "--prices", bad],
        1,
        "lambda.requests.usd",
    );
}

#[test]
fn tune_a_function_that_is_not_one_fails_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("not-executable");
    std::fs::write(&plain, "#!/bin/sh\n").unwrap();
    fails_with(
        &["--function", plain.to_str().unwrap()],
        1,
        "is not an executable file",
    );
    fails_with(
        &["--function", "/nonexistent/journal-api"],
        1,
        "--function: /nonexistent/journal-api",
    );
    if layout().is_none() {
        return;
    }
    // /bin/sleep without an operand exits at once, before any Runtime API call.
    fails_with(
        &["--function", "/bin/sleep", "--timeout", "1s"],
        1,
        "the function exited",
    );
    // A process that never polls the Runtime API: given up on after the migrate timeout (10 s).
    let silent = dir.path().join("silent");
    std::fs::write(&silent, "#!/bin/sh\nexec sleep 60\n").unwrap();
    std::fs::set_permissions(&silent, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    fails_with(
        &["--function", silent.to_str().unwrap(), "--timeout", "1s"],
        1,
        "no answer within 10s",
    );
}

#[test]
fn tune_without_root_exits_2() {
    if unsafe_geteuid() != 0 || !Path::new("/usr/bin/setpriv").exists() {
        eprintln!("skipped: needs root and setpriv to switch to uid 65534");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        out.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let api = journal_api_bin();
    let res = Command::new("/usr/bin/setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_loadgen"))
        .args(["tune", "--function", api.to_str().unwrap(), "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{stderr}");
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert_eq!(
        last,
        "loadgen: error: loadgen tune needs root to create cgroups (running as uid 65534): run it as root"
    );
}

fn unsafe_geteuid() -> u32 {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() }
}
