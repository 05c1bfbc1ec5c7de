//! The real `journal-api` binary, and a minimal HTTP/1.1 client over loopback.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::time::timeout;

const BIN: &str = env!("CARGO_BIN_EXE_journal-api");
pub const SECRET: &str = "faults-test-secret-faults-test-secret-0123";

/// The binary with a clean environment plus `env`.
pub fn journal_api(env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("JWT_SECRET", SECRET)
        // tower_http at debug logs "started processing request": the tests wait for it.
        .env("RUST_LOG", "info,tower_http=debug")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub logs: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// `serve --addr 127.0.0.1:0` with `env`; waits for "listening".
    pub async fn start(env: &[(&str, &str)], extra_args: &[&str]) -> Server {
        let mut cmd = journal_api(env);
        cmd.args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra_args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child = cmd.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let addr = timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                logs.lock().unwrap().push(line.clone());
                if let Some(rest) = line
                    .split("addr=")
                    .nth(1)
                    .filter(|_| line.contains("listening"))
                {
                    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                    return rest[..end].parse().unwrap();
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
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                sink.lock().unwrap().push(line);
            }
        });
        Server { child, addr, logs }
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
