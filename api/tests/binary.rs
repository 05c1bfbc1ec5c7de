//! The real `journal-api` binary: startup errors, `--dev`, `migrate`, JSON logs, and graceful
//! shutdown on SIGTERM with a request in flight. Talks HTTP over real loopback sockets.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::time::timeout;

const BIN: &str = env!("CARGO_BIN_EXE_journal-api");
const SECRET: &str = "binary-test-secret-binary-test-secret-0123";

/// A command with a clean environment: only what the test sets reaches the binary.
fn journal_api(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

async fn output(mut cmd: Command) -> (Option<i32>, String, String) {
    let out = timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("the binary finished within 60 s")
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
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
    let pg = common::fresh_postgres_url().await;
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
            serde_json::json!({"applied": [], "pending_before": 0}),
            "{url}: nothing left to apply"
        );
    }
    assert!(dir.path().join("journal.db").exists());
}

/// A running server whose stdout (logs) is collected.
struct Server {
    child: Child,
    addr: SocketAddr,
    logs: Arc<Mutex<Vec<String>>>,
    /// Copies stdout into `logs` until EOF.
    reader: tokio::task::JoinHandle<()>,
    stderr: String,
}

impl Server {
    async fn start(mut cmd: Command) -> Server {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let addr = timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                logs.lock().unwrap().push(line.clone());
                if line.contains("listening") {
                    return parse_addr(&line);
                }
            }
            panic!(
                "the server exited before listening: {:?}",
                logs.lock().unwrap()
            );
        })
        .await
        .expect("the server listens within 60 s");
        let sink = logs.clone();
        let reader = tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                sink.lock().unwrap().push(line);
            }
        });
        let mut stderr = String::new();
        let mut err = child.stderr.take().unwrap();
        // stderr carries only startup notices; read what is there without waiting for EOF.
        let mut buf = [0u8; 4096];
        if let Ok(Ok(n)) = timeout(Duration::from_millis(200), err.read(&mut buf)).await {
            stderr = String::from_utf8_lossy(&buf[..n]).into_owned();
        }
        Server {
            child,
            addr,
            logs,
            reader,
            stderr,
        }
    }

    /// Waits (up to 60 s) for a log line containing `needle`.
    async fn wait_log(&self, needle: &str) {
        let started = std::time::Instant::now();
        while !self.logs.lock().unwrap().iter().any(|l| l.contains(needle)) {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no log line with {needle:?} within 60 s: {:#?}",
                self.logs.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn sigterm(&self) {
        self.signal(libc::SIGTERM);
    }

    fn signal(&self, sig: libc::c_int) {
        let pid = self.child.id().expect("running") as libc::pid_t;
        // SAFETY: sending a signal to our own child process.
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
    }

    async fn exit_code(&mut self) -> Option<i32> {
        timeout(Duration::from_secs(40), self.child.wait())
            .await
            .expect("the server exits within 40 s of SIGTERM (grace 20 s)")
            .unwrap()
            .code()
    }

    /// Every line the server wrote, once it has exited: waits for stdout's EOF, since the last
    /// lines may still be in the pipe when `wait()` returns.
    async fn logs_to_the_end(&mut self) -> Vec<String> {
        timeout(Duration::from_secs(30), &mut self.reader)
            .await
            .expect("stdout closes within 30 s of the exit")
            .unwrap();
        self.logs.lock().unwrap().clone()
    }
}

/// `addr=127.0.0.1:1234` (text logs) or `"addr":"127.0.0.1:1234"` (JSON logs).
fn parse_addr(line: &str) -> SocketAddr {
    let rest = line
        .split("addr=")
        .nth(1)
        .or_else(|| line.split("\"addr\":\"").nth(1))
        .unwrap_or_else(|| panic!("no addr in {line:?}"));
    let end = rest
        .find(|c: char| c == '"' || c.is_whitespace())
        .unwrap_or(rest.len());
    rest[..end]
        .parse()
        .unwrap_or_else(|e| panic!("{e}: {line:?}"))
}

/// One HTTP/1.1 request on a fresh connection; returns (status, body).
async fn http(addr: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    read_response(&mut s).await
}

async fn read_response(s: &mut TcpStream) -> (u16, String) {
    let mut buf = Vec::new();
    timeout(Duration::from_secs(60), s.read_to_end(&mut buf))
        .await
        .expect("response within 60 s")
        .unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn dev_mode_uses_an_ephemeral_secret_and_the_default_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = journal_api(dir.path());
    cmd.args(["serve", "--dev", "--addr", "127.0.0.1:0"]);
    let mut server = Server::start(cmd).await;
    assert!(
        server.stderr.contains("ephemeral"),
        "stderr: {:?}",
        server.stderr
    );
    assert_eq!(
        http(server.addr, "GET", "/health", "").await,
        (200, r#"{"status":"healthy"}"#.into())
    );
    let (status, body) = http(
        server.addr,
        "POST",
        "/api/v1/auth/register",
        r#"{"email":"dev@example.com","password":"development"}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
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
    let mut server = Server::start(cmd).await;
    assert_eq!(
        http(server.addr, "GET", "/health", "").await,
        (200, r#"{"status":"healthy"}"#.into())
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
    let mut server = Server::start(cmd).await;
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
    let (status, body) = read_response(&mut slow).await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
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
