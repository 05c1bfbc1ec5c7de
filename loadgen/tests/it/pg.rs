//! A throwaway PostgreSQL cluster for the tests that measure the database's processes: loopback
//! only, sockets in its own temp dir, stopped on drop. (TEST_DATABASE_URL cannot serve here: the
//! test needs the postmaster's PID, which a server elsewhere does not give.)

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
        panic!("{name} not found: the server-side tests need PostgreSQL server binaries (apt-get install postgresql)")
    })
}

fn is_root() -> bool {
    // SAFETY: getuid has no preconditions.
    unsafe { libc::getuid() == 0 }
}

/// A command as the cluster owner ("postgres" when we are root: initdb refuses root).
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut cmd: Command, what: &str) {
    let out = cmd.stdin(Stdio::null()).output().expect(what);
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub struct Cluster {
    dir: tempfile::TempDir,
    pub port: u16,
}

impl Cluster {
    pub fn start() -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("loadgen-pg")
            .tempdir()
            .unwrap();
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
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut c = as_owner(&pg_bin("pg_ctl"));
        c.arg("-D")
            .arg(dir.path().join("data"))
            .arg("-l")
            .arg(dir.path().join("server.log"))
            .args(["-w", "-t", "60", "-o"])
            .arg(format!(
                "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c synchronous_commit=off",
                dir.path().display()
            ))
            .arg("start");
        run(c, "pg_ctl start");
        Cluster { dir, port }
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The postmaster's PID, from the first line of postmaster.pid.
    pub fn postmaster_pid(&self) -> u32 {
        let text = std::fs::read_to_string(self.dir.path().join("data/postmaster.pid"))
            .expect("postmaster.pid");
        text.lines().next().unwrap().trim().parse().unwrap()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let mut c = as_owner(&pg_bin("pg_ctl"));
        c.arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"]);
        let _ = c.stdin(Stdio::null()).output();
    }
}
