//! Logging: tracing to stdout, text or JSON, filtered by `RUST_LOG`.
//!
//! The server's lines (one access-log line per request at `info`) leave the request path: each
//! is handed to a bounded queue that one thread writes to stdout in batches ([`log_queue`]);
//! what it could not write is counted in `/metrics` (`journal_log_lines_dropped_total`).
//! Lambda writes each line as it comes, since the process is frozen between invocations.

use std::io::IsTerminal;
use std::time::Duration;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::config::LogFormat;
use crate::log_queue::{self, LineQueue, QUEUE};

/// Where log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTarget {
    /// The server's logs: stdout, written off the request path ([`log_queue`]).
    StdoutQueued,
    /// Stdout, each line written before the event returns (Lambda).
    Stdout,
    /// For commands whose stdout is their result (`migrate` prints JSON).
    Stderr,
}

/// Installs the global subscriber (a second call is a no-op). An unparsable filter falls back
/// to `info` and says so on stderr.
pub fn init(format: LogFormat, filter: &str, target: LogTarget) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|e| {
        eprintln!("journal-api: RUST_LOG={filter:?} is invalid ({e}); logging at info");
        EnvFilter::new("info")
    });
    // Colours only for a person at a terminal, never into log files or collectors.
    let ansi = match target {
        LogTarget::Stdout | LogTarget::StdoutQueued => std::io::stdout().is_terminal(),
        LogTarget::Stderr => std::io::stderr().is_terminal(),
    };
    let queue = match target {
        LogTarget::StdoutQueued => queue_stdout(),
        _ => None,
    };
    crate::access_log::set_json(format == LogFormat::Json);
    let writer = Writer { target, queue };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(writer);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

fn queue_stdout() -> Option<LineQueue> {
    if let Some(q) = QUEUE.get() {
        return Some(q.clone());
    }
    match LineQueue::start(log_queue::QUEUE_BYTES, std::io::stdout()) {
        Ok(q) => Some(QUEUE.get_or_init(|| q).clone()),
        Err(e) => {
            eprintln!("journal-api: cannot start the log writer thread ({e}); logging in line");
            None
        }
    }
}

/// Writes out what is queued, waiting at most 2 s (a stdout that blocks must not hold the exit).
pub fn flush() {
    if let Some(q) = QUEUE.get()
        && !q.flush(Duration::from_secs(2))
    {
        eprintln!("journal-api: log lines still queued at exit were not written");
    }
}

/// The subscriber's writer: the queue when there is one, else the stream itself.
struct Writer {
    target: LogTarget,
    queue: Option<LineQueue>,
}

impl<'a> MakeWriter<'a> for Writer {
    type Writer = Out<'a>;
    fn make_writer(&'a self) -> Out<'a> {
        match (&self.queue, self.target) {
            (Some(q), _) => Out::Queued(q),
            (None, LogTarget::Stderr) => Out::Stderr(std::io::stderr()),
            (None, _) => Out::Stdout(std::io::stdout()),
        }
    }
}

/// Where one event goes. The formatter writes its whole line in one call, which becomes one
/// queued line.
enum Out<'a> {
    Queued(&'a LineQueue),
    Stdout(std::io::Stdout),
    Stderr(std::io::Stderr),
}

impl std::io::Write for Out<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Out::Queued(q) => {
                q.push(buf);
                Ok(buf.len())
            }
            Out::Stdout(s) => s.write(buf),
            Out::Stderr(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Out::Queued(_) => Ok(()),
            Out::Stdout(s) => s.flush(),
            Out::Stderr(s) => s.flush(),
        }
    }
}
