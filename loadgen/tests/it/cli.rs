//! Bad input: one clear line on stderr and a non-zero exit, before any traffic is sent.

use crate::support::loadgen;

pub fn fails_with(args: &[&str], want: &str) {
    let out = tempfile::tempdir().unwrap();
    let res = loadgen()
        .args(args)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("loadgen: error: "), "{stderr}");
    assert!(stderr.contains(want), "{args:?}: want {want:?} in {stderr}");
    assert!(!out.path().join("summary.json").exists());
}

/// A loopback port with nothing listening.
pub fn closed_port() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

#[test]
fn unknown_profile() {
    fails_with(
        &[
            "run",
            "--host",
            "http://127.0.0.1:9",
            "--profile",
            "stedy",
            "--duration",
            "10s",
        ],
        "unknown profile 'stedy': use one of steady, ramp, spike, diurnal, side-project",
    );
}

#[test]
fn malformed_profile_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, "[[segment]]\nduration = \"10m\"\nfrom = 1\n").unwrap();
    fails_with(
        &[
            "run",
            "--host",
            "http://127.0.0.1:9",
            "--profile",
            p.to_str().unwrap(),
        ],
        "segment 1: give either rate, or both from and to",
    );
}

#[test]
fn unreachable_host() {
    let host = closed_port();
    fails_with(
        &[
            "run",
            "--host",
            &host,
            "--profile",
            "steady",
            "--duration",
            "5s",
        ],
        &format!("cannot reach {host}"),
    );
}

/// The closed port the bad-input runs name; they fail before connecting.
const HOST: &str = "http://127.0.0.1:9";

/// `loadgen run` of 5 s of the steady profile plus `extra` fails with `want`.
fn steady_run_fails_with(extra: &[&str], want: &str) {
    let mut args = vec![
        "run",
        "--host",
        HOST,
        "--profile",
        "steady",
        "--duration",
        "5s",
    ];
    args.extend_from_slice(extra);
    fails_with(&args, want);
}

#[test]
fn a_missing_or_bad_duration() {
    fails_with(
        &["run", "--host", HOST, "--profile", "steady"],
        "profile 'steady' needs --duration",
    );
    fails_with(
        &[
            "run",
            "--host",
            HOST,
            "--profile",
            "steady",
            "--duration",
            "ten",
        ],
        "--duration: invalid duration 'ten'",
    );
}

#[test]
fn a_host_without_a_scheme() {
    fails_with(
        &[
            "run",
            "--host",
            "localhost:8080",
            "--profile",
            "steady",
            "--duration",
            "5s",
        ],
        "the scheme must be http or https",
    );
}

#[test]
fn bad_threshold_compress_and_mix_values() {
    steady_run_fails_with(&["--threshold", "p99<5"], "invalid threshold 'p99<5'");
    steady_run_fails_with(&["--compress", "0"], "--compress must be a number > 0");
    steady_run_fails_with(
        &["--compress", "fast"],
        "--compress must be a number > 0 (1 = real time) or auto, got fast",
    );
    steady_run_fails_with(
        &["--compress", "auto", "--probe-step", "x"],
        "--probe-step: invalid duration 'x'",
    );
    steady_run_fails_with(&["--mix", "bots=1"], "unknown journey 'bots'");
}

#[test]
fn bad_session_values() {
    steady_run_fails_with(
        &["--session-requests", "0"],
        "invalid --session-requests '0': use N (every session N requests), geo:MEAN",
    );
    steady_run_fails_with(
        &["--session-requests", "geo:x"],
        "invalid --session-requests 'geo:x'",
    );
    steady_run_fails_with(
        &["--logout-share", "150"],
        "--logout-share must be a percent from 0 to 100, got 150",
    );
    steady_run_fails_with(
        &["--think-time", "soon"],
        "--think-time: invalid duration 'soon'",
    );
}
