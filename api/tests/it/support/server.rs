//! The real `journal-api` binary over loopback: a clean command, a running server whose logs are
//! collected, and a minimal HTTP/1.1 client.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::time::timeout;

const BIN: &str = env!("CARGO_BIN_EXE_journal-api");
pub const SECRET: &str = "server-test-secret-server-test-secret-0123";

/// The binary with a clean environment: only what the test sets reaches it.
pub fn clean_command() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// A clean command with a JWT secret, request logs (tower_http at debug logs "started processing
/// request" inside the request's span, which exists at debug only: tests wait for it) and `env`.
pub fn journal_api(env: &[(&str, &str)]) -> Command {
    let mut cmd = clean_command();
    cmd.env("JWT_SECRET", SECRET)
        .env("RUST_LOG", "info,tower_http=debug,journal_api::app=debug");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Runs a command to its end (within 60 s): (exit code, stdout, stderr).
pub async fn output(mut cmd: Command) -> (Option<i32>, String, String) {
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

/// A running server whose stdout (logs) is collected.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub logs: Arc<Mutex<Vec<String>>>,
    /// Copies stdout into `logs` until EOF.
    reader: tokio::task::JoinHandle<()>,
    /// The startup notices on stderr, when the command piped it; empty otherwise.
    pub stderr: String,
}

impl Server {
    /// `serve --addr 127.0.0.1:0` with `env` (see [`journal_api`]); stderr is inherited.
    pub async fn start(env: &[(&str, &str)], extra_args: &[&str]) -> Server {
        let mut cmd = journal_api(env);
        cmd.args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra_args)
            .stderr(Stdio::inherit());
        Server::spawn(cmd).await
    }

    /// Spawns `cmd` (a `serve`) and waits for its "listening" line; when the caller piped stderr,
    /// what the server wrote there at startup ends up in `stderr`.
    pub async fn spawn(mut cmd: Command) -> Server {
        cmd.stdout(Stdio::piped());
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
        if let Some(mut err) = child.stderr.take() {
            // stderr carries only startup notices; read what is there without waiting for EOF.
            let mut buf = [0u8; 4096];
            if let Ok(Ok(n)) = timeout(Duration::from_millis(200), err.read(&mut buf)).await {
                stderr = String::from_utf8_lossy(&buf[..n]).into_owned();
            }
        }
        Server {
            child,
            addr,
            logs,
            reader,
            stderr,
        }
    }

    pub fn sigterm(&self) {
        self.signal(libc::SIGTERM);
    }

    pub fn signal(&self, sig: libc::c_int) {
        let pid = self.child.id().expect("running") as libc::pid_t;
        // SAFETY: signalling our own child.
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
    }

    pub fn logged(&self, needle: &str) -> bool {
        self.count(needle) > 0
    }

    /// How many log lines contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.logs
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(needle))
            .count()
    }

    /// Waits (up to 60 s) for a log line containing `needle`.
    pub async fn wait_log(&self, needle: &str) {
        self.wait_for_count(needle, 1, Duration::from_secs(60))
            .await;
    }

    /// Waits (up to `limit`) until `n` log lines contain `needle`.
    pub async fn wait_for_count(&self, needle: &str, n: usize, limit: Duration) {
        let start = Instant::now();
        while self.count(needle) < n {
            assert!(
                start.elapsed() < limit,
                "no log line with {needle:?} within {limit:?}: {:#?}",
                self.logs.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn exit_code(&mut self) -> Option<i32> {
        timeout(Duration::from_secs(40), self.child.wait())
            .await
            .expect("the server exits within 40 s of SIGTERM (grace 20 s)")
            .unwrap()
            .code()
    }

    /// Every line the server wrote, once it has exited: waits for stdout's EOF, since the last
    /// lines may still be in the pipe when `wait()` returns.
    pub async fn logs_to_the_end(&mut self) -> Vec<String> {
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

/// A response: status, lower-cased headers, body.
#[derive(Debug, Clone)]
pub struct Res {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Res {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {} {:?}", self.status, self.body))
    }
}

/// Writes one request (`Connection: close`) and reads the answer within `limit`.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&serde_json::Value>,
    limit: Duration,
) -> Res {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    read_response(&mut s, limit).await
}

pub async fn read_response(s: &mut TcpStream, limit: Duration) -> Res {
    let mut buf = Vec::new();
    timeout(limit, s.read_to_end(&mut buf))
        .await
        .unwrap_or_else(|_| panic!("no complete response within {limit:?}"))
        .unwrap();
    parse(&buf)
}

pub fn parse(buf: &[u8]) -> Res {
    let text = String::from_utf8_lossy(buf).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Res {
        status,
        headers,
        body: body.to_string(),
    }
}

/// Registers `email` and returns (access, refresh).
pub async fn register(addr: SocketAddr, email: &str) -> (String, String) {
    let body = serde_json::json!({"email": email, "password": "correct horse battery"});
    let r = request(
        addr,
        "POST",
        "/api/v1/auth/register",
        None,
        Some(&body),
        LONG,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    (
        v["access_token"].as_str().unwrap().to_string(),
        v["refresh_token"].as_str().unwrap().to_string(),
    )
}

/// A bound for answers that involve no fault: generous, a loaded machine only makes it slower.
pub const LONG: Duration = Duration::from_secs(60);
