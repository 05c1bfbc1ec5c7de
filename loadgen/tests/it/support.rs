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
    /// `http://127.0.0.1:<port>/metrics` when started with metrics (METRICS_ADDR).
    pub metrics_url: Option<String>,
    child: Child,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

impl Server {
    /// On SQLite, no metrics.
    pub fn start() -> Server {
        Server::start_with(None, false)
    }

    /// On `database_url` (SQLite in a temp dir when `None`), with METRICS_ADDR on a loopback
    /// port of its own when `metrics`.
    pub fn start_with(database_url: Option<&str>, metrics: bool) -> Server {
        let bin = journal_api_bin();
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
        let db = database_url.map_or_else(
            || format!("sqlite://{}/journal.db", dir.path().display()),
            str::to_string,
        );
        let mut cmd = Command::new(&bin);
        cmd.args(["serve", "--dev", "--addr", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", db)
            .env("RUST_LOG", "warn")
            // These tests check loadgen's accounting, not the API's overload shedding (the api
            // crate's fault suite does): on a busy machine logins should wait, not be refused
            // with 503 by a full hashing queue or a request deadline.
            .env("PASSWORD_QUEUE_PER_CORE", "100000")
            .env("REQUEST_TIMEOUT_SECONDS", "300")
            .stdout(Stdio::null())
            .stderr(log);
        let metrics_url = metrics.then(|| {
            let addr = format!("127.0.0.1:{}", free_port());
            cmd.env("METRICS_ADDR", &addr);
            format!("http://{addr}/metrics")
        });
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let server = Server {
            url: format!("http://127.0.0.1:{port}"),
            metrics_url,
            child,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let listens = |addr: &str| std::net::TcpStream::connect(addr).is_ok();
            let metrics_addr = server.metrics_url.as_deref().map(|u| {
                u.trim_start_matches("http://")
                    .trim_end_matches("/metrics")
                    .to_string()
            });
            if listens(&format!("127.0.0.1:{port}")) && metrics_addr.is_none_or(|a| listens(&a)) {
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

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server and reaps it (so its PID leaves /proc at once).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One end-to-end run at a time: side by side on a 2-core machine they starve each other into
/// 503s. nextest runs each test in a process of its own and serializes them with the test group
/// in .config/nextest.toml; this lock does it for `cargo test`, which runs them as threads.
pub fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A test that failed while holding it poisoned it; the next one may still run.
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn loadgen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_loadgen"))
}

/// costcalc, to check what it makes of loadgen's files: the debug binary beside journal-api,
/// else `cargo run -p costcalc`.
pub fn costcalc() -> Command {
    let bin = journal_api_bin().with_file_name("costcalc");
    if bin.is_file() {
        Command::new(bin)
    } else {
        let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        c.args(["run", "-q", "-p", "costcalc", "--"]);
        c
    }
}
