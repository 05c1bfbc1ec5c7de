//! `loadgen run` against hostile servers (an endless body, a server that never answers) and with
//! out-of-range flags.

use super::{MEMORY_LIMIT, limited, refused};
use crate::support::loadgen;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Reads one request (headers and a content-length body); its request line, empty at the end
/// of the stream.
fn read_request(s: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut b) {
            Ok(0) | Err(_) => return String::new(),
            Ok(_) => head.push(b[0]),
        }
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    let _ = s.read_exact(&mut body);
    head.lines().next().unwrap_or_default().to_string()
}

/// What the journal API's setup needs (the preflight, a registration with its token, a seeded
/// entry), answered on a connection then closed; `None` for the requests of the run itself.
fn setup_answer(line: &str) -> Option<&'static str> {
    let body = if line.contains("/api/v1/auth/register") {
        "{\"access_token\":\"t\"}"
    } else if line.contains("/api/v1/entries") || line.starts_with("get / ") {
        ""
    } else {
        return None;
    };
    Some(match body {
        "" => "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        _ => {
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 20\r\nconnection: close\r\n\r\n{\"access_token\":\"t\"}"
        }
    })
}

/// What the server does with the requests of the run.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// A body declared 10 GB long, zeros until the client hangs up.
    Endless,
    /// Never an answer.
    Silent,
    /// The connection closed without an answer.
    HangUp,
}

/// A loopback server that plays the journal API's setup, then answers the run's requests as
/// `mode` says. Returns its URL and the number of run requests it has read.
fn server(mode: Mode) -> (String, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let held = Arc::new(Mutex::new(Vec::new()));
    let count = seen.clone();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let (count, held) = (count.clone(), held.clone());
            std::thread::spawn(move || {
                let mut s = s;
                let line = read_request(&mut s);
                if let Some(answer) = setup_answer(&line) {
                    let _ = s.write_all(answer.as_bytes());
                    return;
                }
                count.fetch_add(1, Ordering::SeqCst);
                match mode {
                    Mode::Silent => return held.lock().unwrap().push(s),
                    Mode::HangUp => return,
                    Mode::Endless => {}
                }
                let head = "HTTP/1.1 200 OK\r\ncontent-length: 10000000000\r\n\r\n";
                if s.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let zeros = vec![0u8; 64 << 10];
                while s.write_all(&zeros).is_ok() {}
            });
        }
    });
    (url, seen)
}

fn run_args(url: &str, out: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "run",
        "--host",
        url,
        "--profile",
        "steady",
        "--mix",
        "newcomer=0,writer=0,reader=0,health=1",
        "--quiet",
        "--out",
    ]
    .map(String::from)
    .to_vec();
    a.push(out.display().to_string());
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

/// The highest resident set of `pid` so far, in kB (0 once it is gone).
fn vm_hwm_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn an_endless_body_is_counted_not_buffered() {
    let (url, seen) = server(Mode::Endless);
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = loadgen();
    cmd.args(run_args(
        &url,
        dir.path(),
        &["--duration", "3s", "--rate-scale", "0.5", "--timeout", "60"],
    ))
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    let mut child = limited(cmd).spawn().unwrap();
    let pid = child.id();
    let mut hwm = 0;
    let status = loop {
        hwm = hwm.max(vm_hwm_kb(pid));
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(seen.load(Ordering::SeqCst) >= 1);
    eprintln!("loadgen VmHWM {hwm} kB");
    assert!(hwm < 300 * 1024, "VmHWM {hwm} kB, limit {MEMORY_LIMIT}");
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    // Each body is read to the bound, then counted as cut short (a transport error).
    let t = &s["totals"];
    assert!(t["count"].as_u64().unwrap() >= 1, "{t}");
    assert_eq!(t["transport_errors"], t["count"], "{t}");
    assert!(t["response_bytes"].as_u64().unwrap() >= t["count"].as_u64().unwrap() * (64 << 20));
}

#[test]
fn an_endless_metrics_page_is_refused_in_one_line() {
    // The endless server answers GET /metrics with a 10 GB page, as it answers the run.
    let (url, _) = server(Mode::Endless);
    let dir = tempfile::tempdir().unwrap();
    let metrics = format!("{url}/metrics");
    let mut cmd = loadgen();
    cmd.args(run_args(
        &url,
        dir.path(),
        &["--duration", "3s", "--server-metrics", &metrics],
    ));
    let out = limited(cmd).output().unwrap();
    let stderr = refused(&out, "an endless metrics page");
    assert!(
        stderr.contains("the page is larger than 8388608 bytes"),
        "{stderr}"
    );
}

#[test]
fn a_rate_or_duration_beyond_the_bounds_is_one_line() {
    let (url, _) = server(Mode::Silent);
    let dir = tempfile::tempdir().unwrap();
    for (extra, want) in [
        (
            &["--duration", "10s", "--rate-scale", "1e12"][..],
            "the peak rate is",
        ),
        (&["--duration", "100000000d"][..], "the run's length is"),
        (
            &["--duration", "300d", "--rate-scale", "100"][..],
            "planned arrivals",
        ),
    ] {
        let mut cmd = loadgen();
        cmd.args(run_args(&url, dir.path(), extra));
        let out = limited(cmd).output().unwrap();
        let stderr = refused(&out, want);
        assert!(stderr.contains(want), "{extra:?}: {stderr}");
    }
}

#[test]
fn sigterm_cancels_requests_a_server_never_answers() {
    let (url, seen) = server(Mode::Silent);
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = loadgen();
    cmd.args(run_args(
        &url,
        dir.path(),
        &["--duration", "60s", "--timeout", "60"],
    ))
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    let mut child = limited(cmd).spawn().unwrap();
    let waited = Instant::now();
    while seen.load(Ordering::SeqCst) < 2 {
        assert!(
            waited.elapsed() < Duration::from_secs(120),
            "no request reached the server"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let signalled = Instant::now();
    // Every request the server has read is held unanswered: each is in flight at the signal.
    let in_flight = seen.load(Ordering::SeqCst) as u64;
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        // Far below the 60 s request timeout (and ECS's 30 s): a property, not a benchmark.
        assert!(
            signalled.elapsed() < Duration::from_secs(20),
            "still running 20 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.code().is_some(), "{status:?}: {stderr}");
    // --quiet: no line per failed request.
    assert!(stderr.lines().count() < 10, "{stderr}");
    // The requests the stop cut short are counted as cancelled, among the failures (transport
    // errors), not passed off as answered nor lost.
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("summary.json")).expect("summary.json after SIGTERM"),
    )
    .unwrap();
    let a = &summary["arrivals"];
    let cancelled = a["cancelled"].as_u64().unwrap();
    assert!(cancelled >= in_flight, "{in_flight} in flight: {a}");
    assert!(cancelled <= a["failed"].as_u64().unwrap(), "{a}");
    assert!(
        cancelled <= summary["totals"]["transport_errors"].as_u64().unwrap(),
        "{summary}"
    );
}

#[test]
fn quiet_says_nothing_per_failed_request() {
    let (url, seen) = server(Mode::HangUp);
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = loadgen();
    cmd.args(run_args(&url, dir.path(), &["--duration", "2s"]));
    let out = limited(cmd).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(seen.load(Ordering::SeqCst) >= 5, "{stderr}");
    assert!(stderr.lines().count() < 5, "{stderr}");
    // goose logs its warnings to stdout; the run's own result is a few lines.
    assert!(!stdout.contains("WARN"), "{stdout}");
}
