//! `loadgen tune`'s flags, their checks, and what it prints.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use rand::Rng;

use super::exit::{EXIT_ERROR, EXIT_INTERRUPTED, EXIT_NO_CGROUP, EXIT_NO_INTERPRETER};
use crate::plan::profile::parse_duration;
use crate::tune::function::{DEFAULT_PATH, FunctionSpec, check_executable, resolve_program};
use crate::tune::sweep::SweepConfig;
use crate::tune::{DEFAULT_MEMORY, MemoryError, TuneConfig, TuneError, parse_memory, table};

#[derive(Args, Debug)]
#[command(
    after_help = "Needs root and a writable cgroup cpu controller (cgroup v2, or the v1 cpu, cpuacct and memory hierarchies). The CPU share is emulated on this machine's processor. Exit status: 0 at least one size usable; 1 bad input, a function whose migrate invocation fails, or no usable size; 2 not root, no cgroup cpu controller, or --function-cmd's program not found; 130 Ctrl-C (tune.json keeps the sizes measured). See loadgen/README.md, \"Lambda memory tuning\"."
)]
pub struct TuneArgs {
    /// The function: a Lambda custom runtime binary speaking the journal API [default:
    /// journal-api beside loadgen's own executable; build it with `cargo build --release -p api`]
    #[arg(long, value_name = "PATH", conflicts_with = "function_cmd")]
    pub function: Option<PathBuf>,
    /// The function as a command line, split as a shell would (quotes, backslashes) and run
    /// without one, e.g. 'python -m awslambdaric app.handler' (any runtime interface client).
    /// Unlike --function, no migrate invocation and no journal-api variables
    #[arg(long, value_name = "'CMD ARGS'")]
    pub function_cmd: Option<String>,
    /// The function's working directory (Lambda's task root) [default: this one]
    #[arg(long, value_name = "DIR")]
    pub cwd: Option<PathBuf>,
    /// A variable for the function (repeatable); set last, so it wins over loadgen's own
    #[arg(long = "env", value_name = "K=V")]
    pub env: Vec<String>,
    /// DATABASE_URL for the function [default: a SQLite file in a temporary folder]; PostgreSQL
    /// figures need a postgres:// URL
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Memory sizes in MB, whole numbers from 128 to 10240
    #[arg(long, value_name = "MB,MB,...", default_value = DEFAULT_MEMORY)]
    pub memory: String,
    /// Timed warm requests per route and size
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub requests: usize,
    /// Cold starts timed per size (the process is killed and started again each time)
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub cold_starts: usize,
    /// Longest an invocation (or an init) may take before the size is marked unusable
    /// (API Gateway's limit is 30s)
    #[arg(long, value_name = "D", default_value = "30s")]
    pub timeout: String,
    /// Gone: costcalc prices the sweep (kept hidden to say so in one line)
    #[arg(long, value_name = "FILE", hide = true)]
    pub prices: Option<String>,
    /// Gone: costcalc picks the size (kept hidden to say so in one line)
    #[arg(long, value_name = "MS", hide = true)]
    pub p99_slo: Option<String>,
    /// Folder for tune.json and function.log (the function's output)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// No progress lines on stderr
    #[arg(long, short)]
    pub quiet: bool,
}

/// What is wrong with `loadgen tune`'s flags, in the words of the flag.
#[derive(Debug, thiserror::Error)]
pub enum TuneArgsError {
    #[error("--memory: {0}")]
    Memory(#[from] MemoryError),
    #[error("--timeout: {0:?} is not a duration such as 30s or 500ms")]
    Timeout(String),
    #[error("--requests must be at least 1")]
    NoRequests,
    /// No --function and no journal-api beside loadgen.
    #[error("{0}")]
    NoDefaultFunction(String),
    #[error("--function: {0}")]
    Function(String),
    #[error("--function-cmd: {0}")]
    FunctionCmd(String),
    /// The command's program is not on the function's PATH, or not executable.
    #[error("--function-cmd: {0}")]
    NoInterpreter(String),
    #[error("--cwd: {0}")]
    Cwd(String),
    #[error("--env: {0:?} is not NAME=VALUE")]
    Env(String),
    /// --prices or --p99-slo: costcalc's now; the command to run instead.
    #[error("loadgen tune no longer prices or picks: run {0}")]
    Moved(String),
    #[error("no temporary folder for the SQLite database: {0}")]
    TempDir(std::io::Error),
}

fn default_function() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate loadgen itself: {e}"))?;
    let path = exe.with_file_name("journal-api");
    if !path.is_file() {
        return Err(format!(
            "no journal-api beside loadgen ({}): build it with `cargo build --release -p api`, or pass --function PATH",
            path.display()
        ));
    }
    Ok(path)
}

fn random_secret() -> String {
    let mut rng = rand::rng();
    (0..48)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

impl TuneArgs {
    /// Every check of the flags; creates nothing.
    pub fn to_config(&self) -> Result<TuneConfig, TuneArgsError> {
        let memory = parse_memory(&self.memory)?;
        let timeout = parse_duration(&self.timeout)
            .ok()
            .filter(|s| *s > 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| TuneArgsError::Timeout(self.timeout.clone()))?;
        if self.prices.is_some() || self.p99_slo.is_some() {
            return Err(TuneArgsError::Moved(costcalc_command(
                &self.out.join("tune.json"),
                self.p99_slo.as_deref(),
            )));
        }
        if self.requests == 0 {
            return Err(TuneArgsError::NoRequests);
        }
        let function = self.function_spec()?;
        // journal-api (a binary given by path) migrates through its own `migrate` role and gets
        // a temporary SQLite file without --database-url; a command gets neither.
        let migrate = self.function_cmd.is_none();
        let user_url = self.database_url.as_deref().or_else(|| {
            let given = function.env.iter().rev().find(|(k, _)| k == "DATABASE_URL");
            given.map(|(_, v)| v.as_str())
        });
        let database = match user_url {
            Some(url) => url.split(':').next().unwrap_or("").to_string(),
            // Filled in by `temporary_database` once the cgroup check has passed.
            None if migrate => "sqlite (temporary file)".to_string(),
            None => "none given".to_string(),
        };
        let cfg = TuneConfig {
            sweep: SweepConfig {
                function,
                requests: self.requests,
                cold_starts: self.cold_starts,
                timeout,
                progress: !self.quiet,
            },
            memory,
            out: self.out.clone(),
            database,
            migrate,
        };
        Ok(cfg)
    }

    /// The program, its arguments, directory and variables; checks that the program exists.
    fn function_spec(&self) -> Result<FunctionSpec, TuneArgsError> {
        let env = self
            .env
            .iter()
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
                _ => Err(TuneArgsError::Env(kv.clone())),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cwd = match &self.cwd {
            Some(d) if !d.is_dir() => {
                return Err(TuneArgsError::Cwd(format!(
                    "{} is not a folder",
                    d.display()
                )));
            }
            Some(d) => Some(std::path::absolute(d).unwrap_or(d.clone())),
            None => None,
        };
        let (path, args) = match &self.function_cmd {
            Some(line) => split_command(line, cwd.as_deref(), &env)?,
            None => {
                let path = match &self.function {
                    Some(p) => p.clone(),
                    None => default_function().map_err(TuneArgsError::NoDefaultFunction)?,
                };
                check_executable(&path).map_err(TuneArgsError::Function)?;
                (std::path::absolute(&path).unwrap_or(path), Vec::new())
            }
        };
        let database_url = self.database_url.clone().unwrap_or_default();
        Ok(FunctionSpec {
            name: path
                .file_name()
                .map_or("function".into(), |n| n.to_string_lossy().into_owned()),
            path,
            args,
            cwd,
            env,
            journal_env: self.function_cmd.is_none(),
            database_url,
            jwt_secret: random_secret(),
            log: self.out.join("function.log"),
        })
    }
}

/// `--function-cmd`'s words, the first resolved on the function's PATH (`--env PATH=` or
/// [`DEFAULT_PATH`]) as exec would.
fn split_command(
    line: &str,
    cwd: Option<&std::path::Path>,
    env: &[(String, String)],
) -> Result<(PathBuf, Vec<String>), TuneArgsError> {
    let words = shlex::split(line)
        .ok_or_else(|| TuneArgsError::FunctionCmd(format!("{line:?} has an unclosed quote")))?;
    let Some((program, args)) = words.split_first() else {
        return Err(TuneArgsError::FunctionCmd("the command is empty".into()));
    };
    let path_var = env
        .iter()
        .rev()
        .find(|(k, _)| k == "PATH")
        .map_or(DEFAULT_PATH, |(_, v)| v.as_str());
    let here = std::env::current_dir().unwrap_or_default();
    let dir = cwd.unwrap_or(&here);
    let path = resolve_program(program, dir, path_var).ok_or_else(|| {
        TuneArgsError::NoInterpreter(if program.contains('/') {
            format!("{program} is not an executable file (from {})", dir.display())
        } else {
            format!(
                "{program} is not on the function's PATH ({path_var}); give its full path or --env PATH=..."
            )
        })
    })?;
    Ok((path, args.to_vec()))
}

/// Without --database-url: a SQLite file in a temporary folder (removed when dropped).
fn temporary_database(cfg: &mut TuneConfig) -> Result<Option<tempfile::TempDir>, TuneArgsError> {
    if !cfg.database.starts_with("sqlite (temporary") {
        return Ok(None);
    }
    let dir = tempfile::tempdir().map_err(TuneArgsError::TempDir)?;
    cfg.sweep.function.database_url =
        format!("sqlite://{}/journal.db?mode=rwc", dir.path().display());
    Ok(Some(dir))
}

/// Runs `loadgen tune`; returns the exit status.
pub async fn main(args: &TuneArgs) -> i32 {
    let mut cfg = match args.to_config() {
        Ok(c) => c,
        Err(e) => {
            errln!("loadgen: error: {e}");
            return match e {
                TuneArgsError::NoInterpreter(_) => EXIT_NO_INTERPRETER,
                _ => EXIT_ERROR,
            };
        }
    };
    // Before anything is printed: no root or no cpu controller is one line and exit 2.
    if let Err(e) = crate::tune::cgroup::Layout::detect() {
        errln!("loadgen: error: {e}");
        return if e.is_unavailable() {
            EXIT_NO_CGROUP
        } else {
            EXIT_ERROR
        };
    }
    let _tmp = match temporary_database(&mut cfg) {
        Ok(t) => t,
        Err(e) => {
            errln!("loadgen: error: {e}");
            return EXIT_ERROR;
        }
    };
    let progress = cfg.sweep.progress;
    if progress {
        errln!(
            "loadgen tune: {} at {} MB, {} warm requests per route, {} cold starts per size",
            cfg.sweep.function.describe(),
            cfg.memory
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            cfg.sweep.requests,
            cfg.sweep.cold_starts
        );
    }
    let result = crate::tune::run(&cfg, |s| {
        if progress {
            match &s.reason {
                None => errln!("loadgen tune: {} MB measured", s.memory_mb),
                Some(r) => errln!("loadgen tune: {} MB unusable: {r}", s.memory_mb),
            }
        }
    })
    .await;
    let outcome = match result {
        Ok(o) => o,
        Err(TuneError::Cgroup(e)) if e.is_unavailable() => {
            errln!("loadgen: error: {e}");
            return EXIT_NO_CGROUP;
        }
        Err(e) => {
            errln!("loadgen: error: {}", e.to_string().replace('\n', " "));
            return EXIT_ERROR;
        }
    };
    report(&cfg, &outcome)
}

/// The costcalc command that prices a tune.json and picks its size.
pub fn costcalc_command(tune_json: &std::path::Path, p99_slo: Option<&str>) -> String {
    let slo = p99_slo.map_or(String::new(), |ms| format!(" --p99-slo {ms}"));
    format!(
        "costcalc report --lambda-tune {} --lambda-memory-mb auto{slo}",
        tune_json.display()
    )
}

fn report(cfg: &TuneConfig, o: &crate::tune::Outcome) -> i32 {
    outln!("{}", o.file.emulation);
    outln!(
        "durations in ms, p50/p99; cold = process start to the first answer (INIT + first invoke); INIT = process start to the first poll; billed = mean billed ms per request"
    );
    outln!("{}", table::render(&o.file.sizes).trim_end());
    outln!("tune.json: {}", o.path.display());
    outln!(
        "to price each size and pick one, run: {}",
        costcalc_command(&o.path, None)
    );
    if o.interrupted {
        errln!("loadgen tune: interrupted; tune.json holds the sizes measured so far");
        return EXIT_INTERRUPTED;
    }
    if !o.file.sizes.iter().any(|s| s.usable) {
        errln!(
            "loadgen: error: no memory size was usable (first reason: {}); see {}",
            o.file
                .sizes
                .first()
                .and_then(|s| s.reason.clone())
                .unwrap_or_default(),
            cfg.out.join("function.log").display()
        );
        return EXIT_ERROR;
    }
    0
}
