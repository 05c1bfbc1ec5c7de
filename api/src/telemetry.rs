//! Logging: tracing to stdout, text or JSON, filtered by `RUST_LOG`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Where log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTarget {
    /// The server's logs.
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
        LogTarget::Stdout => std::io::stdout().is_terminal(),
        LogTarget::Stderr => std::io::stderr().is_terminal(),
    };
    let writer = move || -> Box<dyn std::io::Write> {
        match target {
            LogTarget::Stdout => Box::new(std::io::stdout()),
            LogTarget::Stderr => Box::new(std::io::stderr()),
        }
    };
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
