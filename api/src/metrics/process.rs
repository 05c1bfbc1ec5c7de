//! Metrics read at scrape time: the process's CPU time and resident memory (from
//! `/proc/self/stat`) and the database pool's connections (through [`PoolStats`], which the
//! database module implements: the metrics know nothing of the pool types).

use std::fmt;

use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;

/// CPU and memory of a process, as `/proc/<pid>/stat` reports them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcStat {
    /// User + system CPU time, seconds.
    pub cpu_seconds: f64,
    /// Resident set size, bytes.
    pub rss_bytes: u64,
}

/// Parses a `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may hold
/// spaces and parentheses itself, so fields are counted from the last `)`.
pub fn parse_stat(line: &str, ticks_per_second: u64, page_size: u64) -> Option<ProcStat> {
    let rest = &line[line.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state): utime is field 14, stime 15, rss (pages) 24.
    let field = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
    let ticks = field(14)? + field(15)?;
    Some(ProcStat {
        cpu_seconds: ticks as f64 / ticks_per_second.max(1) as f64,
        rss_bytes: field(24)? * page_size,
    })
}

/// This process's CPU time and RSS; `None` where there is no `/proc` (not Linux).
pub fn read_self() -> Option<ProcStat> {
    let line = std::fs::read_to_string("/proc/self/stat").ok()?;
    // SAFETY: sysconf only reads system constants.
    let (ticks, page) = unsafe {
        (
            libc::sysconf(libc::_SC_CLK_TCK),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    parse_stat(&line, u64::try_from(ticks).ok()?, u64::try_from(page).ok()?)
}

/// A connection pool's size, read at each scrape.
pub trait PoolStats: fmt::Debug + Send + Sync + 'static {
    /// Open connections (idle or in use), and how many of them are idle.
    fn open_and_idle(&self) -> (u32, usize);
}

/// Encodes the process and pool metrics at each scrape.
#[derive(Debug)]
pub struct Collector {
    pub pool: Box<dyn PoolStats>,
}

impl prometheus_client::collector::Collector for Collector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> fmt::Result {
        if let Some(stat) = read_self() {
            let m = encoder.encode_descriptor(
                "process_cpu_seconds",
                "Total user and system CPU time spent in seconds",
                None,
                MetricType::Counter,
            )?;
            ConstCounter::new(stat.cpu_seconds).encode(m)?;
            let m = encoder.encode_descriptor(
                "process_resident_memory_bytes",
                "Resident memory size in bytes",
                None,
                MetricType::Gauge,
            )?;
            ConstGauge::new(i64::try_from(stat.rss_bytes).unwrap_or(i64::MAX)).encode(m)?;
        }
        let (size, idle) = self.pool.open_and_idle();
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        let mut m = encoder.encode_descriptor(
            "journal_db_pool_connections",
            "Open database connections of the pool, in use by a request or idle",
            None,
            MetricType::Gauge,
        )?;
        for (state, value) in [("in_use", i64::from(size) - idle), ("idle", idle)] {
            ConstGauge::new(value.max(0)).encode(m.encode_family(&[("state", state)])?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_are_read_from_after_the_command_name() {
        // A command name with a space and a parenthesis; utime 250, stime 50, rss 2048 pages.
        let line = "4242 (journal api) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 50 0 0 20 0 \
                    5 0 123 104857600 2048 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1";
        let s = parse_stat(line, 100, 4096).unwrap();
        assert_eq!(s.cpu_seconds, 3.0);
        assert_eq!(s.rss_bytes, 2048 * 4096);
        assert_eq!(parse_stat("4242 (cut) S 1", 100, 4096), None);
        assert_eq!(parse_stat("no parenthesis", 100, 4096), None);
    }

    #[test]
    fn this_process_is_read() {
        let s = read_self().expect("/proc/self/stat");
        assert!(s.rss_bytes > 0);
        assert!(s.cpu_seconds >= 0.0);
    }
}
