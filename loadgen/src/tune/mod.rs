//! `loadgen tune`: Lambda memory tuning without an AWS account.
//!
//! Lambda gives a function CPU in proportion to its memory (1,769 MB = one vCPU). Each size runs
//! the function in a cgroup whose CPU quota is that share of one of this machine's cores
//! ([`cgroup`]), as a Lambda custom runtime driven by a Runtime API of our own on loopback
//! ([`runtime_api`], [`function`]), so that a duration is exactly what Lambda bills: event handed
//! out to answer received. [`sweep`] measures a size; [`measure`], [`table`] and [`event`] are
//! pure; [`schema`] writes tune.json. tune measures; costcalc prices tune.json and picks the size
//! (`costcalc report --lambda-tune tune.json --lambda-memory-mb auto`).

pub mod cgroup;
pub mod event;
pub mod function;
pub mod measure;
pub mod runtime_api;
pub mod schema;
pub mod sweep;
pub mod table;

use std::path::PathBuf;
use std::time::Duration;

use cgroup::{CgroupError, Layout};
use function::EnvError;
use schema::{SizeReport, TuneFile};
use sweep::SweepConfig;

pub const MIN_MB: u32 = 128;
pub const MAX_MB: u32 = 10240;
/// `--memory` default: Lambda's smallest size, the one-vCPU size (1,769 MB) and around them.
pub const DEFAULT_MEMORY: &str = "128,256,512,1024,1769,3008";

/// The least time the unthrottled migrate invocation gets (a PostgreSQL schema takes a while
/// more than one API request).
pub const MIGRATE_TIMEOUT: Duration = Duration::from_secs(10);

/// A memory size list that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemoryError {
    #[error("{0:?} is not a whole number of MB (e.g. {DEFAULT_MEMORY})")]
    NotANumber(String),
    #[error("{0} MB is outside Lambda's sizes, {MIN_MB} to {MAX_MB} MB")]
    OutOfRange(u32),
    #[error("no size given (e.g. {DEFAULT_MEMORY})")]
    Empty,
}

/// `128,256,...`: whole MB from 128 to 10240, each once, ascending.
pub fn parse_memory(text: &str) -> Result<Vec<u32>, MemoryError> {
    let mut sizes = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mb: u32 = part
            .parse()
            .map_err(|_| MemoryError::NotANumber(part.to_string()))?;
        if !(MIN_MB..=MAX_MB).contains(&mb) {
            return Err(MemoryError::OutOfRange(mb));
        }
        sizes.push(mb);
    }
    if sizes.is_empty() {
        return Err(MemoryError::Empty);
    }
    sizes.sort_unstable();
    sizes.dedup();
    Ok(sizes)
}

#[derive(Debug, thiserror::Error)]
pub enum TuneError {
    #[error(transparent)]
    Cgroup(#[from] CgroupError),
    /// The migrate invocation before the sweep failed: the function is not journal-api-like.
    #[error("applying migrations through the function (_HANDLER=migrate) failed: {0}")]
    Migrate(EnvError),
    #[error("cannot write tune.json in {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone)]
pub struct TuneConfig {
    pub sweep: SweepConfig,
    pub memory: Vec<u32>,
    pub out: PathBuf,
    /// What the database is, for the file ("sqlite (temporary file)", "postgres").
    pub database: String,
    /// Apply journal-api's migrations through its `migrate` role first (a custom runtime binary
    /// given by path); a function given as a command gets no such invocation.
    pub migrate: bool,
}

pub struct Outcome {
    pub file: TuneFile,
    pub path: PathBuf,
    /// The sizes that were not measured because of Ctrl-C or SIGTERM.
    pub interrupted: bool,
}

/// Ctrl-C and SIGTERM, listened to from the start of the sweep to its end: a signal that arrives
/// between two sizes is kept until the next wait, not lost.
struct Shutdown {
    interrupt: Option<tokio::signal::unix::Signal>,
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Shutdown {
    fn listen() -> Shutdown {
        use tokio::signal::unix::{SignalKind, signal};
        Shutdown {
            interrupt: signal(SignalKind::interrupt()).ok(),
            terminate: signal(SignalKind::terminate()).ok(),
        }
    }

    async fn wait(&mut self) {
        async fn recv(s: &mut Option<tokio::signal::unix::Signal>) {
            match s {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            _ = recv(&mut self.interrupt) => {}
            _ = recv(&mut self.terminate) => {}
        }
    }
}

/// Applies the database migrations once, unthrottled, through the function's `migrate` role
/// (journal-api's Lambda handler `migrate`): the `api` role expects a migrated database.
async fn migrate(cfg: &SweepConfig) -> Result<(), EnvError> {
    let mut env = cfg.function.start(MAX_MB, "migrate", None).await?;
    let timeout = cfg.timeout.max(MIGRATE_TIMEOUT);
    let result = async {
        env.init_done(timeout).await?;
        env.invoke(b"{}".to_vec(), timeout).await
    }
    .await;
    env.stop().await;
    result.map(|_| ())
}

fn emulation(layout: &Layout, cpu_model: &str) -> String {
    let version = match layout {
        Layout::V2 { .. } => "cgroup v2 cpu.max",
        Layout::V1 { .. } => "cgroup v1 cpu.cfs_quota_us",
    };
    format!(
        "CPU share emulated on this machine's processor ({cpu_model}) with a {version} quota of \
         MB/1769 of one core per {} us period, memory limited to MB MiB; one request at a time",
        cgroup::PERIOD_US
    )
}

/// Runs the sweep, writing tune.json after each size so that an interruption loses nothing
/// measured; `on_size` sees each size as it completes.
pub async fn run(
    cfg: &TuneConfig,
    mut on_size: impl FnMut(&SizeReport),
) -> Result<Outcome, TuneError> {
    let mut shutdown = Shutdown::listen();
    let layout = Layout::detect()?;
    let machine = schema::machine();
    let mut file = TuneFile {
        schema: schema::SCHEMA,
        emulation: emulation(&layout, &machine.cpu_model),
        machine,
        date: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        function: cfg.sweep.function.describe(),
        database: cfg.database.clone(),
        sizes: Vec::new(),
    };
    let write = |file: &TuneFile| {
        schema::write(&cfg.out, file).map_err(|source| TuneError::Write {
            path: cfg.out.clone(),
            source,
        })
    };
    let mut path = write(&file)?;
    if cfg.migrate {
        tokio::select! {
            r = migrate(&cfg.sweep) => r.map_err(TuneError::Migrate)?,
            _ = shutdown.wait() => return Ok(Outcome { file, path, interrupted: true }),
        }
    }
    for mb in &cfg.memory {
        let size = tokio::select! {
            r = sweep::measure_size(&layout, &cfg.sweep, *mb) => r?,
            // Dropping the sweep kills the function and removes its cgroup (their Drop guards).
            _ = shutdown.wait() => return Ok(Outcome { file, path, interrupted: true }),
        };
        on_size(&size);
        file.sizes.push(size);
        path = write(&file)?;
    }
    Ok(Outcome {
        file,
        path,
        interrupted: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sizes_are_whole_mb_within_lambdas_range() {
        assert_eq!(parse_memory("1769, 128,128").unwrap(), vec![128, 1769]);
        assert_eq!(
            parse_memory(DEFAULT_MEMORY).unwrap(),
            vec![128, 256, 512, 1024, 1769, 3008]
        );
        assert_eq!(parse_memory("100"), Err(MemoryError::OutOfRange(100)));
        assert_eq!(parse_memory("20000"), Err(MemoryError::OutOfRange(20000)));
        assert_eq!(parse_memory("10241"), Err(MemoryError::OutOfRange(10241)));
        assert_eq!(
            parse_memory("128,abc"),
            Err(MemoryError::NotANumber("abc".into()))
        );
        assert_eq!(
            parse_memory("1.5"),
            Err(MemoryError::NotANumber("1.5".into()))
        );
        assert_eq!(parse_memory(" , "), Err(MemoryError::Empty));
        assert!(
            MemoryError::OutOfRange(100)
                .to_string()
                .contains("128 to 10240")
        );
    }
}
