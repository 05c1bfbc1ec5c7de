//! The real `journal-api` binary: startup errors, `--dev`, `migrate`, JSON logs, and graceful
//! shutdown on SIGTERM with a request in flight. Talks HTTP over real loopback sockets.
//!
//! Covered: startup errors, `--dev`, `migrate` on both databases, JSON logs with request ids,
//! SIGTERM with a request in flight (it finishes; new connections are refused; exit 0).

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::process::Command;

use crate::support::server::{LONG, SECRET, Server, clean_command, output, read_response, request};

/// A clean command (only what the test sets reaches the binary) run in `dir`.
fn journal_api(dir: &Path) -> Command {
    let mut cmd = clean_command();
    cmd.current_dir(dir);
    cmd
}

/// Starts a `serve` command, keeping its startup notices on stderr.
async fn serve(mut cmd: Command) -> Server {
    cmd.stderr(Stdio::piped());
    Server::spawn(cmd).await
}

#[tokio::test]
async fn refuses_to_start_without_a_jwt_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = journal_api(dir.path());
    cmd.args(["serve", "--addr", "127.0.0.1:0"]);
    let (code, _, stderr) = output(cmd).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("JWT_SECRET is not set"), "{stderr}");
    assert!(stderr.contains("--dev"), "{stderr}");
    assert!(
        !dir.path().join("journal.db").exists(),
        "nothing is created before config is valid"
    );

    let mut cmd = journal_api(dir.path());
    cmd.args(["serve"]).env("JWT_SECRET", "too-short");
    let (code, _, stderr) = output(cmd).await;
    assert_eq!(code, Some(1));
    assert!(stderr.contains("at least 32 bytes"), "{stderr}");
}

#[tokio::test]
async fn bad_configuration_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    for (var, value, says) in [
        ("DATABASE_URL", "mysql://localhost/j", "is not supported"),
        ("PORT", "eighty", "PORT=\"eighty\" is invalid"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT"),
    ] {
        let mut cmd = journal_api(dir.path());
        cmd.args(["serve", "--addr", "127.0.0.1:0"])
            .env("JWT_SECRET", SECRET)
            .env(var, value);
        let (code, _, stderr) = output(cmd).await;
        assert_eq!(code, Some(1), "{var}: {stderr}");
        assert!(stderr.contains(says), "{var}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let mut cmd = journal_api(dir.path());
    cmd.args(["serve", "--addr", "not-an-address"]);
    let (code, _, stderr) = output(cmd).await;
    assert_eq!(code, Some(2), "clap usage error: {stderr}");
}

#[tokio::test]
async fn migrate_reports_what_it_applied_on_both_databases() {
    let dir = tempfile::tempdir().unwrap();
    let pg = crate::support::fresh_postgres_url().await;
    for url in ["sqlite://journal.db".to_string(), pg] {
        let run = || {
            // Migrating signs no token: no JWT_SECRET needed.
            let mut cmd = journal_api(dir.path());
            cmd.arg("migrate").env("DATABASE_URL", &url);
            output(cmd)
        };
        let (code, stdout, stderr) = run().await;
        assert_eq!(code, Some(0), "{url}: {stderr}");
        let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        assert_eq!(report["pending_before"], 2, "{url}");
        assert_eq!(report["applied"][0], "20261127000001_initial", "{url}");
        assert_eq!(report["applied"][1], "20261129000001_sessions", "{url}");
        let (code, stdout, _) = run().await;
        assert_eq!(code, Some(0));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(stdout.trim()).unwrap(),
            json!({"applied": [], "pending_before": 0}),
            "{url}: nothing left to apply"
        );
    }
    assert!(dir.path().join("journal.db").exists());
}

#[tokio::test]
async fn dev_mode_uses_an_ephemeral_secret_and_the_default_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = journal_api(dir.path());
    cmd.args(["serve", "--dev", "--addr", "127.0.0.1:0"]);
    let mut server = serve(cmd).await;
    assert!(
        server.stderr.contains("ephemeral"),
        "stderr: {:?}",
        server.stderr
    );
    let health = request(server.addr, "GET", "/health", None, None, LONG).await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (200, r#"{"status":"healthy"}"#)
    );
    let body = json!({"email": "dev@example.com", "password": "development"});
    let r = request(
        server.addr,
        "POST",
        "/api/v1/auth/register",
        None,
        Some(&body),
        LONG,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        dir.path().join("journal.db").exists(),
        "default DATABASE_URL is ./journal.db"
    );
    server.sigterm();
    assert_eq!(server.exit_code().await, Some(0));
}

#[tokio::test]
async fn sigterm_lets_the_in_flight_request_finish_and_refuses_new_ones() {
    in_flight_request_survives(libc::SIGTERM).await;
}

/// Ctrl-C in a terminal (and `docker stop` on some setups) sends SIGINT: the same graceful path.
#[tokio::test]
async fn sigint_lets_the_in_flight_request_finish_and_refuses_new_ones() {
    in_flight_request_survives(libc::SIGINT).await;
}

#[tokio::test]
async fn no_migrate_serves_without_touching_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = journal_api(dir.path());
    cmd.args(["serve", "--dev", "--no-migrate", "--addr", "127.0.0.1:0"]);
    let mut server = serve(cmd).await;
    let health = request(server.addr, "GET", "/health", None, None, LONG).await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (200, r#"{"status":"healthy"}"#)
    );
    server.sigterm();
    assert_eq!(server.exit_code().await, Some(0));

    // The migration that plain `serve` would have applied is still pending.
    let mut migrate = journal_api(dir.path());
    migrate.arg("migrate").env("JWT_SECRET", SECRET);
    let (code, stdout, stderr) = output(migrate).await;
    assert_eq!(code, Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        report["pending_before"], 2,
        "serve --no-migrate applied migrations"
    );
}

async fn in_flight_request_survives(sig: libc::c_int) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = journal_api(dir.path());
    cmd.args(["serve", "--addr", "127.0.0.1:0"])
        .env("JWT_SECRET", SECRET)
        .env("DATABASE_URL", "sqlite://graceful.db")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info,tower_http=debug");
    let mut server = serve(cmd).await;
    assert!(
        server.stderr.is_empty(),
        "no --dev notice: {:?}",
        server.stderr
    );

    // A request whose body is still arriving when SIGTERM comes: it is in flight.
    let body = r#"{"email":"slow@example.com","password":"patience please"}"#;
    let (head, tail) = body.split_at(10);
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    let req = format!(
        "POST /api/v1/auth/register HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{head}",
        body.len()
    );
    slow.write_all(req.as_bytes()).await.unwrap();
    // In flight once the router has it (tower_http logs that at debug): no sleep that a loaded
    // machine could outlast.
    server.wait_log("started processing request").await;

    server.signal(sig);
    server.wait_log("shutting down").await;
    // The listener closes right after that line; poll rather than race it.
    let started = std::time::Instant::now();
    while TcpStream::connect(server.addr).await.is_ok() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "new connections still accepted 30 s after signal {sig}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "exited with a request in flight (signal {sig})"
    );

    slow.write_all(tail.as_bytes()).await.unwrap();
    let r = read_response(&mut slow, LONG).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["token_type"], "bearer");
    assert_eq!(server.exit_code().await, Some(0));

    // JSON logs: one object per line, the request logged with its request id.
    let logs = server.logs_to_the_end().await;
    let parsed: Vec<serde_json::Value> = logs
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let done = parsed
        .iter()
        .find(|v| v["span"]["path"] == "/api/v1/auth/register" && v["status"] == 200)
        .unwrap_or_else(|| panic!("no access log of the register request: {logs:#?}"));
    assert!(
        !done["span"]["id"].as_str().unwrap_or("").is_empty(),
        "{done}"
    );
    assert!(
        logs.iter().any(|l| l.contains("shutting down")),
        "{logs:#?}"
    );
    assert!(logs.iter().any(|l| l.contains("stopped")), "{logs:#?}");
}

/// The default text access log (`RUST_LOG=info`): one line per request with what its readers rely
/// on (request id, method, path, status, latency), written off the request path yet written, the
/// last line too; and the log writer's counts in `/metrics`: every line written, none dropped.
#[tokio::test]
async fn text_access_log_has_a_line_per_request_and_counts_in_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = journal_api(dir.path());
    cmd.args(["serve", "--addr", "127.0.0.1:0"])
        .env("JWT_SECRET", SECRET)
        .env("DATABASE_URL", "sqlite://access.db")
        .env("METRICS_ADDR", "127.0.0.1:0");
    let mut server = serve(cmd).await;
    for _ in 0..20 {
        let r = request(server.addr, "GET", "/health", None, None, LONG).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = request(server.addr, "GET", "/no-such-page", None, None, LONG).await;
    assert_eq!(r.status, 404, "{}", r.body);
    server
        .wait_for_count("finished processing request", 21, LONG)
        .await;
    let logs = server.logs.lock().unwrap().clone();
    let access: Vec<&String> = logs
        .iter()
        .filter(|l| l.contains("finished processing request"))
        .collect();
    assert_eq!(access.len(), 21, "{logs:#?}");
    let health = access
        .iter()
        .filter(|l| l.contains("path=/health}"))
        .count();
    assert_eq!(health, 20, "{logs:#?}");
    for line in &access {
        for part in [
            " INFO request{id=",
            " method=GET path=/",
            "latency=",
            " ms status=",
        ] {
            assert!(line.contains(part), "no {part:?} in {line}");
        }
    }
    assert!(
        access
            .iter()
            .any(|l| l.contains("path=/no-such-page}") && l.ends_with("status=404")),
        "{access:#?}"
    );

    let line = logs
        .iter()
        .find(|l| l.contains("metrics listening"))
        .unwrap();
    let rest = line.split("addr=").nth(1).expect("addr= in the line");
    let maddr: std::net::SocketAddr = rest.split_whitespace().next().unwrap().parse().unwrap();
    let value = |body: &str, name: &str| -> f64 {
        body.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in:\n{body}"))
    };
    // The writer counts a batch just after writing it: a scrape may come between the two.
    let started = std::time::Instant::now();
    let body = loop {
        let r = request(maddr, "GET", "/metrics", None, None, LONG).await;
        assert_eq!(r.status, 200);
        if value(&r.body, "journal_log_lines_written_total") >= 21.0 || started.elapsed() > LONG {
            break r.body;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(
        value(&body, "journal_log_lines_written_total") >= 21.0,
        "{body}"
    );
    assert!(
        value(&body, "journal_log_bytes_written_total") >= 21.0 * 80.0,
        "{body}"
    );
    assert_eq!(
        value(&body, "journal_log_lines_dropped_total"),
        0.0,
        "{body}"
    );

    server.sigterm();
    assert_eq!(server.exit_code().await, Some(0));
    let logs = server.logs_to_the_end().await;
    assert!(
        logs.last().is_some_and(|l| l.contains("stopped")),
        "the last line is written before the exit: {logs:#?}"
    );
}
