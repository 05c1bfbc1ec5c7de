//! The server side of a run against the real journal-api: what its metrics count agrees with what
//! loadgen sent, the CPU it records agrees with /proc, and bad sources fail before any traffic.
//!
//! A run with `--server-metrics` against the real API finds `server.requests` equal to the requests
//! sent and each route's count equal to the endpoint's; a login-heavy run on a throwaway PostgreSQL
//! cluster (started by the test: it needs the postmaster's PID, so `TEST_DATABASE_URL` cannot
//! serve) records API CPU within 10% of what `/proc` says over the run, read by the test through
//! `/proc/PID/task/*/children` (another walk than loadgen's), and database CPU within 10% plus 5
//! clock ticks (a tenth of the API's CPU, summed over a dozen processes each rounded to a tick); a
//! metrics URL on the public port, on a closed port, or a PID that does not exist fails before any
//! traffic with one line; an API killed mid-run leaves a summary with both warnings and what was
//! measured until then.

use crate::cli::{closed_port, fails_with};
use crate::support::{Server, loadgen};
use pgtest::Cluster;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn run(args: &[&str], out: &Path) -> (Output, Value) {
    let res = loadgen()
        .arg("run")
        .args(args)
        .arg("--quiet")
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(0), "{args:?}: {stderr}");
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json written");
    (
        res,
        serde_json::from_str(&text).expect("summary.json is JSON"),
    )
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn the_server_counts_exactly_what_loadgen_sent_route_by_route() {
    let _turn = crate::support::one_at_a_time();
    let server = Server::start_with(None, true);
    let metrics = server.metrics_url.clone().unwrap();
    let out = tempfile::tempdir().unwrap();
    // 10 req/s x 2 for 8 s: 160 requests of the default mix.
    let (_, s) = run(
        &[
            "--host",
            &server.url,
            "--profile",
            "steady",
            "--duration",
            "8s",
            "--rate-scale",
            "2",
            "--server-metrics",
            &metrics,
        ],
        out.path(),
    );
    let v = &s["server"];
    let sent = s["arrivals"]["sent"].as_u64().unwrap();
    assert_eq!(sent, 160, "{s}");
    assert_eq!(v["requests_sent"].as_u64(), Some(sent));
    // Setup and the preflight fall before the baseline, the last response before the final
    // scrape: the server's count over the window is exactly what was sent.
    assert_eq!(f(&v["requests"]), sent as f64, "{v}");
    assert_eq!(v["sources"]["requests"], "metrics");
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0, "{v}");
    let routes = v["routes"].as_array().unwrap();
    let endpoints = s["endpoints"].as_array().unwrap();
    assert_eq!(routes.len(), endpoints.len(), "{routes:?}");
    for e in endpoints {
        let r = routes
            .iter()
            .find(|r| r["method"] == e["method"] && r["route"] == e["route"])
            .unwrap_or_else(|| panic!("no server route for {e}"));
        assert_eq!(f(&r["count"]), f(&e["count"]), "{r}");
        let ms = &r["server_ms"];
        assert!(f(&ms["mean"]) > 0.0, "{r}");
        assert!(
            f(&ms["p50"]) <= f(&ms["p90"]) && f(&ms["p90"]) <= f(&ms["p99"]),
            "{r}"
        );
    }
    assert!(f(&v["api_cpu_s"]) > 0.0, "{v}");
    assert!((f(&v["window_s"]) - f(&s["wall_seconds"])).abs() < 1e-9);
    assert_eq!(s["schema"], "deploycost.loadgen.summary/v1.7");
    // RUST_LOG=warn: the API wrote no access line, and its journal_log_bytes_total family says
    // so: a measured 0 bytes per request, not an absent figure.
    assert_eq!(f(&v["log_bytes_per_request"]), 0.0, "{v}");
}

/// CPU seconds of `pid` and every descendant now, read independently of loadgen's walk: through
/// /proc/PID/task/*/children, each process's utime + stime + cutime + cstime.
fn tree_cpu_s(pid: u32) -> f64 {
    // SAFETY: sysconf has no preconditions.
    let tck = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let mut ticks = 0u64;
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue; // exited meanwhile: its time is in its parent's cutime once reaped
        };
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<u64> = after_name
            .split_whitespace()
            .map(|x| x.parse().unwrap_or(0))
            .collect();
        // utime, stime, cutime, cstime are fields 14 to 17, counted from the pid as 1.
        ticks += fields[11..15].iter().sum::<u64>();
        for task in std::fs::read_dir(format!("/proc/{p}/task"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            todo.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
    }
    ticks as f64 / tck
}

#[test]
fn the_cpu_recorded_for_the_api_and_postgresql_agrees_with_proc() {
    let _turn = crate::support::one_at_a_time();
    let pg = Cluster::start();
    let server = Server::start_with(Some(&pg.url("postgres")), true);
    let (api_pid, db_pid) = (server.pid(), pg.postmaster_pid());
    let out = tempfile::tempdir().unwrap();
    let before = (tree_cpu_s(api_pid), tree_cpu_s(db_pid));
    // Login-heavy: every session signs in (an argon2id hash, tens of ms of CPU) for one request,
    // and the think time is short so that few sessions are already signed in at the start.
    // 10 req/s x 3 for 15 s: 450 requests, about 200 of them logins, some 4 CPU-seconds.
    let (_, s) = run(
        &[
            "--host",
            &server.url,
            "--profile",
            "steady",
            "--duration",
            "15s",
            "--rate-scale",
            "3",
            "--mix",
            "writer=1,reader=1",
            "--session-requests",
            "1",
            "--logout-share",
            "0",
            "--think-time",
            "1s",
            "--accounts",
            "1",
            "--server-metrics",
            server.metrics_url.as_deref().unwrap(),
            "--server-pid",
            &api_pid.to_string(),
            "--db-pid",
            &db_pid.to_string(),
        ],
        out.path(),
    );
    let after = (tree_cpu_s(api_pid), tree_cpu_s(db_pid));
    let v = &s["server"];
    let (api, db) = (f(&v["api_cpu_s"]), f(&v["db_cpu_s"]));
    let (api_proc, db_proc) = (after.0 - before.0, after.1 - before.1);
    eprintln!("api {api} vs /proc {api_proc}; db {db} vs /proc {db_proc}");
    assert_eq!(v["sources"]["api_cpu"], "proc");
    assert_eq!(v["sources"]["db_pid"].as_u64(), Some(db_pid as u64));
    assert!(
        api_proc > 1.0,
        "the run must cost the API some CPU-seconds: {api_proc}"
    );
    assert!(
        (api - api_proc).abs() <= 0.1 * api_proc,
        "api {api} vs /proc {api_proc}"
    );
    // The database's CPU is a tenth of the API's, summed over a dozen processes whose times
    // /proc gives in whole clock ticks (10 ms), each rounded down: 10% plus 5 ticks.
    // SAFETY: sysconf has no preconditions.
    let tick = 1.0 / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    assert!(db > 0.0 && db_proc > 0.0, "db {db} vs /proc {db_proc}");
    assert!(
        (db - db_proc).abs() <= 0.1 * db_proc + 5.0 * tick,
        "db {db} vs /proc {db_proc}"
    );
    assert!(
        v["sources"]["db_processes_max"].as_u64().unwrap() >= 2,
        "{v}"
    );
    assert!(v["peak_rss_bytes"]["db"].as_u64().unwrap() > 0);
    assert!(v["peak_rss_bytes"]["api"].as_u64().unwrap() > 0);
    let timeline = v["cpu_timeline"].as_array().unwrap();
    let summed: f64 = timeline.iter().map(|p| f(&p["api_cpu_s"])).sum();
    assert!(
        (summed - api).abs() < 1e-6,
        "the timeline adds up: {summed} vs {api}"
    );
}

const RUN: [&str; 6] = ["run", "--profile", "steady", "--duration", "5s", "--host"];

#[test]
fn a_metrics_url_that_is_not_the_metrics_endpoint_fails_before_any_traffic() {
    let server = Server::start_with(None, true);
    let public = format!("{}/metrics", server.url);
    let args = |url: &str| -> Vec<String> {
        let mut a: Vec<String> = RUN.iter().map(|s| s.to_string()).collect();
        a.extend([server.url.clone(), "--server-metrics".into(), url.into()]);
        a
    };
    let hint = "pass the API's METRICS_ADDR endpoint, e.g. http://127.0.0.1:9464/metrics";
    // The public port answers /metrics with a JSON 404; its root answers JSON, not metrics.
    let a = args(&public);
    fails_with(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &format!(
            "--server-metrics {public}: not Prometheus text (got HTTP 404, application/json): {hint}"
        ),
    );
    let root = format!("{}/", server.url);
    let a = args(&root);
    fails_with(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &format!("--server-metrics {root}: not Prometheus text (got application/json: line 1"),
    );
    let closed = format!("{}/metrics", closed_port());
    let a = args(&closed);
    fails_with(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &format!("--server-metrics {closed}: does not answer"),
    );
    // No traffic: the server saw the checks of its public port, never the setup's sign-ups.
    let text = get(server.metrics_url.as_deref().unwrap());
    assert!(text.contains("journal_db_pool_connections"), "{text}");
    assert!(!text.contains("/api/v1/auth/register"), "{text}");
}

/// A plain HTTP/1.0 GET of a loopback URL: the body.
fn get(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, path) = rest.split_at(rest.find('/').unwrap());
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    write!(conn, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut text = String::new();
    conn.read_to_string(&mut text).unwrap();
    text.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or(text)
}

#[test]
fn a_pid_that_does_not_exist_fails_before_any_traffic() {
    // PIDs never exceed pid_max (at most 2^22): this one cannot exist.
    let host = closed_port();
    let mut a: Vec<&str> = RUN.to_vec();
    a.extend([host.as_str(), "--server-pid", "99999999"]);
    fails_with(
        &a,
        "--server-pid 99999999: no such process: pass the PID of the running journal-api",
    );
    let mut a: Vec<&str> = RUN.to_vec();
    a.extend([
        host.as_str(),
        "--server-metrics",
        "http://127.0.0.1:9/metrics",
        "--db-pid",
        "99999999",
    ]);
    fails_with(&a, "--db-pid 99999999: no such process");
}

#[test]
fn an_api_that_dies_mid_run_leaves_a_summary_with_warnings_and_the_figures_so_far() {
    let _turn = crate::support::one_at_a_time();
    let mut server = Server::start_with(None, true);
    let (pid, metrics) = (server.pid(), server.metrics_url.clone().unwrap());
    let out = tempfile::tempdir().unwrap();
    let child = loadgen()
        .args([
            "run",
            "--host",
            &server.url,
            "--profile",
            "steady",
            "--duration",
            "12s",
            "--accounts",
            "2",
            "--server-metrics",
            &metrics,
            "--server-pid",
            &pid.to_string(),
            "--quiet",
            "--timeout",
            "2",
        ])
        .arg("--out")
        .arg(out.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the schedule plays (the API has listed entries: the setup only creates them) and a
    // scrape or two went by, kill the API under it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !get(&metrics).contains("method=\"GET\",route=\"/api/v1/entries\"") {
        assert!(
            std::time::Instant::now() < deadline,
            "no session request within 60 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_secs(4));
    server.kill();
    let res = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    // Failed requests do not fail the run (no --threshold); no panic.
    assert_eq!(res.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&format!("loadgen: warning: the API process {pid} exited")),
        "{stderr}"
    );
    let text = std::fs::read_to_string(out.path().join("summary.json")).expect("summary written");
    let s: Value = serde_json::from_str(&text).unwrap();
    let v = &s["server"];
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with(&format!("the API process {pid} exited"))),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with(&format!("{metrics} stopped answering"))),
        "{warnings:?}"
    );
    // What was measured before the API died is kept: requests it counted, CPU it spent.
    assert!(f(&v["requests"]) > 0.0 && f(&v["api_cpu_s"]) > 0.0, "{v}");
    assert!(
        f(&v["requests"]) < s["arrivals"]["sent"].as_u64().unwrap() as f64,
        "{v}"
    );
    assert!(!v["routes"].as_array().unwrap().is_empty());
}
