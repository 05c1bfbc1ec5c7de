//! `loadgen merge`: its arguments, the merge of the files they name, and what it prints.

use super::exit::EXIT_ERROR;
use crate::merge::{AlignMethod, MergeError, files, late_shards, merge};
use crate::summary::Summary;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The shards' summary.json files, the --out folders that hold them, or a folder of such
    /// folders (shard-0/, shard-1/, ... as `scripts/loadgen-distributed` downloads them)
    #[arg(value_name = "SUMMARY|DIR", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Folder for the merged summary.json
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `loadgen merge`: returns the process exit status.
pub fn main(args: &MergeArgs) -> i32 {
    match run(args) {
        Ok(s) => {
            outln!(
                "loadgen: merged {} shards: {} sent, {} dropped of {} scheduled; latency ms p50 {:.1} p90 {:.1} p99 {:.1} max {:.1}; summary in {}",
                s.merged_shards.unwrap_or(0),
                s.arrivals.sent,
                s.arrivals.dropped,
                s.arrivals.scheduled,
                s.totals.latency_ms.p50,
                s.totals.latency_ms.p90,
                s.totals.latency_ms.p99,
                s.totals.latency_ms.max,
                args.out.join("summary.json").display()
            );
            if let Some((second, p99)) = worst_second(&s) {
                let width = s.histograms.as_ref().map_or(1, |h| h.interval_s);
                let at = if width == 1 {
                    format!("at second {second}")
                } else {
                    format!("in the {width} s from second {second}")
                };
                outln!(
                    "loadgen: merged p99 over time (from the interval histograms): highest {p99:.1} ms, {at}"
                );
            }
            if let Some(a) = s
                .alignment
                .as_ref()
                .filter(|a| a.method == AlignMethod::WallClock)
            {
                outln!(
                    "loadgen: the shards had no common --start-at: their seconds are lined up by each one's started_at (as far apart as {:.1} s), as well as the machines' clocks agree; counts and percentiles over the run do not depend on it",
                    a.largest_s()
                );
            }
            0
        }
        Err(e) => {
            errln!("loadgen: merge: {}", e.to_string().replace('\n', " "));
            EXIT_ERROR
        }
    }
}

/// The second with the highest p99 of the merged interval histograms.
fn worst_second(s: &Summary) -> Option<(u64, f64)> {
    let r = s.histograms.as_ref()?.decode().ok()?;
    crate::summary::hdr::per_interval(&r)
        .into_iter()
        .map(|x| (x.second, x.latency_ms.p99))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

fn run(args: &MergeArgs) -> Result<Summary, MergeError> {
    let paths: Vec<_> = args.inputs.iter().flat_map(|p| files::expand(p)).collect();
    files::check_out(&args.out, &paths)?;
    files::check_out(&args.out, &args.inputs)?;
    let inputs = paths
        .iter()
        .map(|p| files::read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let late = late_shards(&inputs);
    let merged = merge(inputs)?;
    // Said here, where every shard's summary is read, for a merge by hand as for
    // scripts/loadgen-distributed's.
    for l in late {
        errln!(
            "loadgen: warning: shard {}/{} was ready {:.1}s after --start-at: its arrivals due before then count as dropped; give the shards more time before the start (scripts/loadgen-distributed: --start-in)",
            l.index,
            l.count,
            l.late_s
        );
    }
    files::write(&args.out, &merged)?;
    Ok(merged)
}
