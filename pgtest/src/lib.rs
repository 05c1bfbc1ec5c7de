//! A throwaway PostgreSQL cluster that a test owns, so it may restart it, freeze it (SIGSTOP) or
//! read its processes without disturbing anything else; and a PgBouncer in front of it. Loopback
//! only, sockets in the cluster's own temp dir, stopped on drop. Dev-only: the api's fault suite
//! and loadgen's server-side tests use it (TEST_DATABASE_URL cannot serve there: a server
//! elsewhere gives neither its processes nor a restart).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `initdb`/`pg_ctl`, from the PATH or Debian's versioned directory.
fn pg_bin(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    if let Some(p) = on_path {
        return p;
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!("{name} not found: these tests need PostgreSQL server binaries (apt-get install postgresql)")
    })
}

fn is_root() -> bool {
    // SAFETY: getuid has no preconditions.
    unsafe { libc::getuid() == 0 }
}

/// Runs a command as the cluster owner ("postgres" when we are root: initdb refuses root).
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// Runs `cmd` to completion; a failure panics with its output (a test cannot go on without it).
fn run(mut cmd: Command, what: &str) {
    let out = cmd.stdin(Stdio::null()).output().expect(what);
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running cluster; stopped (and thawed first) on drop.
pub struct Cluster {
    dir: tempfile::TempDir,
    pub port: u16,
}

impl Cluster {
    /// initdb in a temp dir, then `pg_ctl start` on a free loopback port.
    pub fn start() -> Cluster {
        let dir = tempfile::Builder::new().prefix("pgtest").tempdir().unwrap();
        if is_root() {
            let mut c = Command::new("chown");
            c.arg("postgres").arg(dir.path());
            run(
                c,
                "chown postgres (is there a postgres user? scripts/lib/pg.sh creates one)",
            );
        }
        let mut initdb = as_owner(&pg_bin("initdb"));
        initdb.arg("-D").arg(dir.path().join("data")).args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]);
        run(initdb, "initdb");
        let cluster = Cluster {
            dir,
            port: free_port(),
        };
        cluster.pg_ctl("start");
        cluster
    }

    fn pg_ctl(&self, action: &str) {
        let d = self.dir.path();
        let mut c = as_owner(&pg_bin("pg_ctl"));
        c.arg("-D")
            .arg(d.join("data"))
            .arg("-l")
            .arg(d.join("server.log"));
        c.args(["-w", "-t", "60", "-m", "fast", "-o"]);
        c.arg(format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c synchronous_commit=off \
             -c max_connections=200",
            self.port,
            d.display()
        ));
        c.arg(action);
        run(c, &format!("pg_ctl {action}"));
    }

    /// `postgres://postgres@127.0.0.1:<port>/<db>`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// `pg_ctl -m fast restart`: every backend is told to exit (57P01), then the server is back.
    pub fn restart(&self) {
        self.pg_ctl("restart");
    }

    /// The postmaster's PID, from the first line of postmaster.pid.
    pub fn postmaster_pid(&self) -> u32 {
        let text = std::fs::read_to_string(self.dir.path().join("data/postmaster.pid"))
            .expect("postmaster.pid");
        text.lines().next().unwrap().trim().parse().unwrap()
    }

    fn pids(&self) -> Vec<i32> {
        let main = self.postmaster_pid() as i32;
        let children = std::fs::read_to_string(format!("/proc/{main}/task/{main}/children"))
            .unwrap_or_default();
        let mut pids = vec![main];
        pids.extend(
            children
                .split_whitespace()
                .filter_map(|p| p.parse::<i32>().ok()),
        );
        pids
    }

    fn signal_all(&self, sig: libc::c_int) {
        for pid in self.pids() {
            // SAFETY: signalling processes of our own cluster.
            unsafe { libc::kill(pid, sig) };
        }
    }

    /// The database hangs: SIGSTOP to the postmaster and its children.
    pub fn freeze(&self) {
        self.signal_all(libc::SIGSTOP);
    }

    pub fn thaw(&self) {
        self.signal_all(libc::SIGCONT);
    }

    pub fn create_db(&self, name: &str) {
        let mut c = Command::new(pg_bin("psql"));
        c.arg(self.url("postgres"))
            .args(["-q", "-c"])
            .arg(format!("CREATE DATABASE {name}"));
        run(c, "CREATE DATABASE");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.thaw();
        let mut c = as_owner(&pg_bin("pg_ctl"));
        c.arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"]);
        let _ = c.stdin(Stdio::null()).output();
    }
}

/// PgBouncer (transaction pooling, as RDS Proxy would be) in front of a cluster, with one server
/// connection as in scripts/test.d/50-lambda.sh: with more, sqlx's unnamed statements (Parse +
/// Sync, then Bind + Execute + Sync) can land on two server connections and fail ("unnamed
/// prepared statement does not exist"), a limitation of its own that this suite does not test.
pub struct Bouncer {
    child: std::process::Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Bouncer {
    pub fn start(pg_port: u16) -> Bouncer {
        let dir = tempfile::Builder::new()
            .prefix("pgtest-bouncer")
            .tempdir()
            .unwrap();
        let port = free_port();
        let ini = dir.path().join("pgbouncer.ini");
        std::fs::write(
            &ini,
            format!(
                "[databases]\n* = host=127.0.0.1 port={pg_port} user=postgres\n[pgbouncer]\n\
                 listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
                 auth_type = any\npool_mode = transaction\ndefault_pool_size = 1\n\
                 max_client_conn = 200\nquery_wait_timeout = 15\n\
                 ignore_startup_parameters = extra_float_digits,options\n"
            ),
        )
        .unwrap();
        if is_root() {
            run(
                {
                    let mut c = Command::new("chown");
                    c.arg("-R").arg("postgres").arg(dir.path());
                    c
                },
                "chown",
            );
        }
        let bin = std::env::var("FAULTS_PGBOUNCER").unwrap_or_else(|_| "pgbouncer".into());
        let child = as_owner(Path::new(&bin))
            .arg(&ini)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {bin}: {e} (scripts/test.d/55-faults.sh installs PgBouncer)")
            });
        let start = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed().as_secs() < 30,
                "PgBouncer did not listen within 30 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Bouncer {
            child,
            port,
            _dir: dir,
        }
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        // runuser forwards SIGTERM to PgBouncer.
        // SAFETY: signalling our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}
