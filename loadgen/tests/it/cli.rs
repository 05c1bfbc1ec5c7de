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

#[test]
fn bad_values() {
    let h = "http://127.0.0.1:9";
    fails_with(
        &["run", "--host", h, "--profile", "steady"],
        "profile 'steady' needs --duration",
    );
    fails_with(
        &[
            "run",
            "--host",
            h,
            "--profile",
            "steady",
            "--duration",
            "ten",
        ],
        "--duration: invalid duration 'ten'",
    );
    fails_with(
        &[
            "run",
            "--host",
            h,
            "--profile",
            "steady",
            "--duration",
            "5s",
            "--threshold",
            "p99<5",
        ],
        "invalid threshold 'p99<5'",
    );
    fails_with(
        &[
            "run",
            "--host",
            h,
            "--profile",
            "steady",
            "--duration",
            "5s",
            "--compress",
            "0",
        ],
        "--compress must be a number > 0",
    );
    fails_with(
        &[
            "run",
            "--host",
            h,
            "--profile",
            "steady",
            "--duration",
            "5s",
            "--mix",
            "bots=1",
        ],
        "unknown journey 'bots'",
    );
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
    let base = [
        "run",
        "--host",
        h,
        "--profile",
        "steady",
        "--duration",
        "5s",
    ];
    let with = |extra: &[&'static str], want: &str| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        fails_with(&args, want);
    };
    with(
        &["--session-requests", "0"],
        "invalid --session-requests '0': use N (every session N requests), geo:MEAN",
    );
    with(
        &["--session-requests", "geo:x"],
        "invalid --session-requests 'geo:x'",
    );
    with(
        &["--logout-share", "150"],
        "--logout-share must be a percent from 0 to 100, got 150",
    );
    with(
        &["--think-time", "soon"],
        "--think-time: invalid duration 'soon'",
    );
    with(
        &["--compress", "fast"],
        "--compress must be a number > 0 (1 = real time) or auto, got fast",
    );
    with(
        &["--compress", "auto", "--probe-step", "x"],
        "--probe-step: invalid duration 'x'",
    );
}
