//! tune.json, schema `deploycost.loadgen.tune/v1.1` (v1.1 added `max_memory_used_mb`; a v1
//! reader ignores it): what costcalc reads
//! (costcalc/src/workload/source/tune.rs, `report --lambda-tune`); documented field by
//! field in docs/tune-json.md. Fields costcalc does not know are
//! ignored by it and kept for people (`init_ms`, `p90`, `mean`, `emulation`).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::stats::Latency;
use crate::tune::measure::Spread;

pub const SCHEMA: &str = "deploycost.loadgen.tune/v1.1";

#[derive(Debug, Clone, Serialize)]
pub struct TuneFile {
    pub schema: &'static str,
    pub machine: Machine,
    /// YYYY-MM-DD (UTC) of the run.
    pub date: String,
    /// The function's command line (a custom runtime binary, or an interpreter and its
    /// arguments).
    pub function: String,
    /// How a memory size's CPU was emulated, for whoever reads the figures.
    pub emulation: String,
    pub database: String,
    pub sizes: Vec<SizeReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpu_model: String,
    pub cores: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SizeReport {
    pub memory_mb: u32,
    pub usable: bool,
    pub reason: Option<String>,
    /// CPUs' worth of quota per wall second.
    pub cpus: f64,
    /// Process start to the first answer (INIT plus the first invocation).
    pub cold_start_ms: Option<Spread>,
    /// Process start to the first poll of /next (INIT alone).
    pub init_ms: Option<Spread>,
    /// The cgroup's peak memory over the size's whole run, MiB rounded up (v1.1): Lambda's
    /// REPORT line's "Max Memory Used"; null when the kernel keeps no peak.
    pub max_memory_used_mb: Option<u64>,
    pub routes: Vec<RouteReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteReport {
    pub method: &'static str,
    pub route: &'static str,
    pub count: usize,
    pub duration_ms: Latency,
    /// Mean of each invocation's duration rounded up to 1 ms.
    pub billed_ms_mean: f64,
}

/// Bytes as whole MiB, rounded up: Lambda's "Max Memory Used: 31 MB" counts MiB.
pub fn mib_ceil(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

/// Writes `DIR/tune.json` (through a temporary file, so a reader never sees half of it).
pub fn write(dir: &Path, file: &TuneFile) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("tune.json");
    let tmp = dir.join(".tune.json.tmp");
    let text = serde_json::to_string_pretty(file).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text + "\n")?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// The processor's model name from /proc/cpuinfo ("unknown" when there is none).
pub fn cpu_model(cpuinfo: &str) -> String {
    cpuinfo
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == "model name").then(|| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

pub fn machine() -> Machine {
    Machine {
        cpu_model: cpu_model(&std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default()),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_name_is_the_first_one() {
        let info =
            "processor\t: 0\nmodel name\t: AMD EPYC\nprocessor\t: 1\nmodel name\t: AMD EPYC\n";
        assert_eq!(cpu_model(info), "AMD EPYC");
        assert_eq!(cpu_model(""), "unknown");
    }

    #[test]
    fn peak_bytes_round_up_to_whole_mib() {
        assert_eq!(mib_ceil(0), 0);
        assert_eq!(mib_ceil(1), 1);
        assert_eq!(mib_ceil(1 << 20), 1);
        // 31 MiB and one byte: Lambda would not print 31.
        assert_eq!(mib_ceil((31 << 20) + 1), 32);
    }

    #[test]
    fn the_file_has_costcalcs_fields() {
        let f = TuneFile {
            schema: SCHEMA,
            machine: Machine {
                cpu_model: "x".into(),
                cores: 2,
            },
            date: "2026-11-29".into(),
            function: "journal-api".into(),
            emulation: "cgroup".into(),
            database: "sqlite".into(),
            sizes: vec![SizeReport {
                memory_mb: 256,
                usable: true,
                reason: None,
                cpus: 0.145,
                cold_start_ms: Some(Spread {
                    p50: 10.0,
                    p99: 12.0,
                    mean: 11.0,
                }),
                init_ms: None,
                max_memory_used_mb: Some(41),
                routes: vec![RouteReport {
                    method: "GET",
                    route: "/health",
                    count: 3,
                    duration_ms: Latency::default(),
                    billed_ms_mean: 1.0,
                }],
            }],
        };
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["schema"], "deploycost.loadgen.tune/v1.1");
        assert_eq!(v["sizes"][0]["max_memory_used_mb"], 41);
        let s = &v["sizes"][0];
        assert_eq!(s["cold_start_ms"]["p99"], 12.0);
        assert_eq!(s["routes"][0]["duration_ms"]["p50"], 0.0);
        assert_eq!(s["routes"][0]["billed_ms_mean"], 1.0);
        assert_eq!(s["memory_mb"], 256);
    }
}
