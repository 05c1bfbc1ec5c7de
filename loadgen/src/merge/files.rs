//! The edges of `loadgen merge`: reading the shards' summaries, writing the merged one.

use super::{AlignMethod, Input, MergeError, late_shards, merge};
use crate::summary::Summary;
use std::path::{Path, PathBuf};

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

/// The summaries `path` names: itself (a file), its summary.json (a folder with one), or the
/// summary.json of each of its subfolders that has one, in name order (a folder of shards).
pub fn expand(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() || path.join("summary.json").is_file() {
        return vec![path.to_path_buf()];
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("summary.json"))
        .filter(|f| f.is_file())
        .collect();
    found.sort();
    if found.is_empty() {
        // Read as a folder, so the error names its missing summary.json.
        found.push(path.to_path_buf());
    }
    found
}

/// Reads one shard's summary (a folder stands for its summary.json).
pub fn read(path: &Path) -> Result<Input, MergeError> {
    let file = if path.is_dir() {
        path.join("summary.json")
    } else {
        path.to_path_buf()
    };
    let name = file.display().to_string();
    let text = std::fs::read_to_string(&file).map_err(|e| MergeError::Read {
        file: name.clone(),
        reason: format!("cannot read: {e}"),
    })?;
    let summary: Summary = serde_json::from_str(&text).map_err(|e| MergeError::Read {
        file: name.clone(),
        reason: format!("not a loadgen summary.json: {e}"),
    })?;
    Ok(Input {
        file: name,
        summary,
    })
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
            errln!("loadgen: merge: {}", format!("{e:#}").replace('\n', " "));
            1
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

fn run(args: &MergeArgs) -> anyhow::Result<Summary> {
    let inputs = args
        .inputs
        .iter()
        .flat_map(|p| expand(p))
        .map(|p| read(&p))
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
    std::fs::create_dir_all(&args.out)
        .map_err(|e| anyhow::anyhow!("cannot create --out {}: {e}", args.out.display()))?;
    let path = args.out.join("summary.json");
    let text = serde_json::to_string_pretty(&merged)?;
    std::fs::write(&path, text + "\n")
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn a_folder_of_shard_folders_stands_for_their_summaries() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for k in [1, 0] {
            let shard = root.join(format!("shard-{k}"));
            std::fs::create_dir_all(&shard).unwrap();
            std::fs::write(shard.join("summary.json"), "{}").unwrap();
        }
        // A folder without a summary is no shard.
        std::fs::create_dir_all(root.join("logs")).unwrap();
        assert_eq!(
            expand(root),
            [
                root.join("shard-0/summary.json"),
                root.join("shard-1/summary.json")
            ]
        );
        // A shard's own folder, or its file, stands for itself.
        assert_eq!(expand(&root.join("shard-1")), [root.join("shard-1")]);
        let file = root.join("shard-0/summary.json");
        assert_eq!(expand(&file), vec![file.clone()]);
        // Nothing to expand: the folder itself, so the error names its missing summary.json.
        assert_eq!(expand(&root.join("logs")), [root.join("logs")]);
    }
}
