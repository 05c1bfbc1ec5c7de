//! A real journal-api on a loopback port for the end-to-end tests, stopped when dropped.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// JOURNAL_API_BIN, else $CARGO_TARGET_DIR/debug/journal-api, else beside this test's own
/// target folder, else <workspace>/target/debug/journal-api.
pub fn journal_api_bin() -> PathBuf {
    let mut tried = Vec::new();
    if let Some(p) = std::env::var_os("JOURNAL_API_BIN") {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "JOURNAL_API_BIN={} is not a file: build it first: cargo build -p api",
            p.display()
        );
        return p;
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        tried.push(PathBuf::from(dir).join("debug/journal-api"));
    }
    // target/debug/deps/<test> -> target/debug/journal-api
    if let Ok(exe) = std::env::current_exe()
        && let Some(debug) = exe.parent().and_then(|d| d.parent())
    {
        tried.push(debug.join("journal-api"));
    }
    tried.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/debug/journal-api"));
    for p in &tried {
        if p.is_file() {
            return p.clone();
        }
    }
    panic!(
        "journal-api binary not found (looked at JOURNAL_API_BIN and {tried:?}): build it first: cargo build -p api"
    );
}

pub struct Server {
    pub url: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Server {
    pub fn start() -> Server {
        let bin = journal_api_bin();
        let dir = tempfile::tempdir().expect("tempdir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
        let child = Command::new(&bin)
            .args(["serve", "--dev", "--addr", &format!("127.0.0.1:{port}")])
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/journal.db", dir.path().display()),
            )
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let server = Server {
            url: format!("http://127.0.0.1:{port}"),
            child,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "journal-api did not listen on port {port} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn loadgen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_loadgen"))
}
