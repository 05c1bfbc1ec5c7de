//! The edges of `loadgen merge`: reading the shards' summaries, writing the merged one.

use super::bounds::{self, MAX_FILE_BYTES};
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

/// Reads one shard's summary (a folder stands for its summary.json): a regular file of at most
/// [`MAX_FILE_BYTES`], its schema, numbers and counts within [`super::bounds`].
pub fn read(path: &Path) -> Result<Input, MergeError> {
    let file = if path.is_dir() {
        path.join("summary.json")
    } else {
        path.to_path_buf()
    };
    let name = file.display().to_string();
    let fail = |reason: String| MergeError::Read {
        file: name.clone(),
        reason,
    };
    let text = read_bounded(&file).map_err(&fail)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| fail(format!("not a loadgen summary.json: {e}")))?;
    if let Some(schema) = value.get("schema").and_then(|s| s.as_str()) {
        bounds::schema(&name, schema)?;
    }
    bounds::numbers(&name, &value)?;
    let summary: Summary = serde_json::from_value(value)
        .map_err(|e| fail(format!("not a loadgen summary.json: {e}")))?;
    Ok(Input {
        file: name,
        summary,
    })
}

/// The text of a regular file of at most [`MAX_FILE_BYTES`], read no further.
fn read_bounded(file: &Path) -> Result<String, String> {
    use std::io::Read as _;
    // Checked before opening: opening a FIFO would wait for a writer.
    let meta = std::fs::metadata(file).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file: pass a summary.json or its folder".into());
    }
    let f = std::fs::File::open(file).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "larger than {} MiB: not a shard's summary.json",
            MAX_FILE_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text: not a loadgen summary.json".into())
}

/// Refuses an `--out` folder that is an input's folder (a folder given, or a summary.json's) or
/// lies inside one (its summary.json would overwrite a shard's, or a later merge of that folder would pick it up).
pub fn check_out(out: &Path, inputs: &[PathBuf]) -> Result<(), MergeError> {
    let out_abs = absolute(out);
    for input in inputs {
        let dir = if input.is_dir() {
            input.clone()
        } else if input.file_name().is_some_and(|n| n == "summary.json") {
            // A shard's own folder.
            input.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            // A file under another name: the merged summary.json cannot be it.
            continue;
        };
        if out_abs.starts_with(absolute(&dir)) {
            return Err(MergeError::OutOverlapsInput {
                out: out.display().to_string(),
                input: input.display().to_string(),
            });
        }
    }
    Ok(())
}

/// `p` made absolute and resolved as far as it exists (symlinks, `..`), the rest appended.
fn absolute(p: &Path) -> PathBuf {
    let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut existing = p.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            return rest.into_iter().rev().fold(c, |acc, part| acc.join(part));
        }
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return p,
        }
    }
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
