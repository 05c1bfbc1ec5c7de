//! The function under test: one process per execution environment, started inside the size's
//! cgroup with the environment Lambda gives a runtime, and its own Runtime API. The process is
//! any program that speaks the Runtime API: a custom runtime binary (journal-api), or an
//! interpreter running a runtime interface client (`python -m awslambdaric app.handler`).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::tune::cgroup::Cgroup;
use crate::tune::runtime_api::{Answer, InvokeError, RuntimeApi};

/// The program, and the environment Lambda would give the function besides the Runtime API
/// address.
#[derive(Debug, Clone, Default)]
pub struct FunctionSpec {
    /// The executable, absolute (symbolic links kept: a venv's `bin/python` must stay one).
    pub path: PathBuf,
    /// Its arguments (`-m awslambdaric app.handler`); none for a custom runtime binary.
    pub args: Vec<String>,
    /// Its working directory (Lambda's task root, `LAMBDA_TASK_ROOT`); loadgen's own without one.
    pub cwd: Option<PathBuf>,
    /// Variables given by the user, set last (they win over the ones below).
    pub env: Vec<(String, String)>,
    /// journal-api's own variables (JWT_SECRET, no per-client rate limits): a function given by
    /// path is journal-api-like; one given as a command is not.
    pub journal_env: bool,
    pub name: String,
    /// DATABASE_URL; not set when empty.
    pub database_url: String,
    pub jwt_secret: String,
    /// stdout and stderr of every process, appended (the function's CloudWatch log).
    pub log: PathBuf,
}

impl FunctionSpec {
    /// The command line as tune.json and the progress line name it.
    pub fn describe(&self) -> String {
        let mut words = vec![self.path.display().to_string()];
        words.extend(self.args.iter().cloned());
        words.join(" ")
    }
}

/// Why an environment stopped answering; the size is unusable for that reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EnvError {
    #[error("{0}")]
    Invoke(#[from] InvokeError),
    #[error("the function exited ({0})")]
    Exited(String),
    /// The function answered with an HTTP status other than 2xx.
    #[error("{route} answered {status}: {body}")]
    Status {
        route: String,
        status: u16,
        body: String,
    },
    #[error("cannot start {path}: {reason}")]
    Spawn { path: String, reason: String },
}

/// A running function process; killed when dropped (its cgroup kills whatever is left).
pub struct Environment {
    child: tokio::process::Child,
    api: RuntimeApi,
    pub started: Instant,
}

impl FunctionSpec {
    /// Starts a process inside `group` (it joins the group before exec, so all of its init runs
    /// under the quota).
    pub async fn start(
        &self,
        memory_mb: u32,
        handler: &str,
        group: Option<&Cgroup>,
    ) -> Result<Environment, EnvError> {
        let spawn_err = |reason: String| EnvError::Spawn {
            path: self.path.display().to_string(),
            reason,
        };
        let api = RuntimeApi::start(&self.name)
            .await
            .map_err(|e| spawn_err(format!("no loopback port for the Runtime API: {e}")))?;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(|e| spawn_err(format!("cannot open {}: {e}", self.log.display())))?;
        let log2 = log.try_clone().map_err(|e| spawn_err(e.to_string()))?;
        let mut cmd = tokio::process::Command::new(&self.path);
        cmd.args(&self.args)
            .env_clear()
            .env("PATH", DEFAULT_PATH)
            .env("AWS_LAMBDA_RUNTIME_API", api.addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", &self.name)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory_mb.to_string())
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env(
                "AWS_LAMBDA_LOG_GROUP_NAME",
                format!("/aws/lambda/{}", self.name),
            )
            .env("AWS_LAMBDA_LOG_STREAM_NAME", format!("tune/{memory_mb}"))
            .env("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
            .env("TZ", ":UTC")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("_HANDLER", handler)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .kill_on_drop(true);
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir).env("LAMBDA_TASK_ROOT", dir);
        }
        if !self.database_url.is_empty() {
            cmd.env("DATABASE_URL", &self.database_url);
        }
        if self.journal_env {
            cmd.env("JWT_SECRET", &self.jwt_secret)
                // Every timed login comes from one client: the per-client limits would answer 429.
                .env("AUTH_RATE_PER_MINUTE", "0")
                .env("FAILED_LOGINS_PER_MINUTE", "0")
                .env("RUST_LOG", "warn");
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        let procs = group.map(Cgroup::procs_files).unwrap_or_default();
        // SAFETY: between fork and exec the closure only calls open, write and close (async-signal
        // safe) on paths allocated before the fork.
        unsafe {
            cmd.pre_exec(move || {
                for p in &procs {
                    let fd = libc::open(p.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
                    if fd < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    // "0": the writing process itself.
                    let n = libc::write(fd, b"0".as_ptr().cast(), 1);
                    libc::close(fd);
                    if n != 1 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        let started = Instant::now();
        let child = cmd.spawn().map_err(|e| spawn_err(e.to_string()))?;
        Ok(Environment {
            child,
            api,
            started,
        })
    }
}

/// The PATH a function gets unless `--env PATH=...` says otherwise.
pub const DEFAULT_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// Where `program` is: itself when it names a path (relative to `cwd`), else the first executable
/// of that name on `path_var`. None when there is none: the interpreter is missing.
pub fn resolve_program(program: &str, cwd: &Path, path_var: &str) -> Option<PathBuf> {
    if program.contains('/') {
        let p = cwd.join(program);
        return check_executable(&p)
            .is_ok()
            .then(|| std::path::absolute(&p).unwrap_or(p));
    }
    path_var
        .split(':')
        .filter(|d| !d.is_empty())
        .map(|d| cwd.join(d).join(program))
        .find(|p| check_executable(p).is_ok())
}

/// `path` is a file this process may execute.
pub fn check_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_file() || meta.permissions().mode() & 0o111 == 0 {
        return Err(format!("{} is not an executable file", path.display()));
    }
    Ok(())
}

impl Environment {
    /// Waits for the end of the init phase (the first poll of /next).
    pub async fn init_done(&mut self, timeout: Duration) -> Result<Instant, EnvError> {
        let poll = tokio::time::timeout(timeout, self.api.first_poll());
        tokio::select! {
            r = poll => Ok(r.unwrap_or(Err(InvokeError::Timeout(timeout)))?),
            s = self.child.wait() => Err(exited(s)),
        }
    }

    /// One invocation; a process that dies meanwhile ends it.
    pub async fn invoke(&mut self, event: Vec<u8>, timeout: Duration) -> Result<Answer, EnvError> {
        tokio::select! {
            r = self.api.invoke(event, timeout) => Ok(r?),
            s = self.child.wait() => Err(exited(s)),
        }
    }

    /// Stops the process and waits for it (Lambda's environment shutdown, without the grace).
    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
    }
}

fn exited(s: std::io::Result<std::process::ExitStatus>) -> EnvError {
    EnvError::Exited(match s {
        Ok(st) => st.to_string(),
        Err(e) => e.to_string(),
    })
}
