//! The edges of `loadgen merge`: reading the shards' summaries, writing the merged one.

use super::{Input, MergeError};
use crate::summary::Summary;
use std::path::{Path, PathBuf};

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

/// Writes the merged summary as `DIR/summary.json`, creating `DIR`.
pub fn write(dir: &Path, merged: &Summary) -> Result<PathBuf, MergeError> {
    let fail = |path: &Path, e: &dyn std::fmt::Display| MergeError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, &e))?;
    let path = dir.join("summary.json");
    let text = serde_json::to_string_pretty(merged).map_err(|e| fail(&path, &e))?;
    std::fs::write(&path, text + "\n").map_err(|e| fail(&path, &e))?;
    Ok(path)
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
