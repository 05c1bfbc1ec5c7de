//! The edges of `loadgen merge`: reading the shards' summaries, writing the merged one.

use super::bounds::{self, MAX_FILE_BYTES};
use super::{Input, MergeError};
use crate::summary::Summary;
use costcalc::strict_json::Refused;
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
/// [`MAX_FILE_BYTES`], its lists within [`bounds::MAX_LEN`] (refused while parsing), its schema,
/// numbers and counts within [`super::bounds`].
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
    let value = read_bounded(&file, &name)?;
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

/// The JSON of a regular file of at most [`MAX_FILE_BYTES`], parsed as it is read: a list past
/// its bound ends the read there, so a 64 MiB shard of endpoints is never held whole.
fn read_bounded(file: &Path, name: &str) -> Result<serde_json::Value, MergeError> {
    use std::io::Read as _;
    let fail = |reason: String| MergeError::Read {
        file: name.to_string(),
        reason,
    };
    let too_big = || {
        fail(format!(
            "larger than {} MiB: not a shard's summary.json",
            MAX_FILE_BYTES >> 20
        ))
    };
    // Checked before opening: opening a FIFO would wait for a writer.
    let meta = std::fs::metadata(file).map_err(|e| fail(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(fail(
            "not a regular file: pass a summary.json or its folder".into(),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let f = std::fs::File::open(file).map_err(|e| fail(format!("cannot read: {e}")))?;
    let mut taken = f.take(MAX_FILE_BYTES + 1);
    let parsed = parse(std::io::BufReader::new(&mut taken), name);
    // A file that grew past the bound since its size was read: cut, whatever the parse said.
    if taken.limit() == 0 {
        return Err(too_big());
    }
    parsed
}

/// One shard's JSON from `reader`, read no further than the entry past a list's bound.
fn parse(reader: impl std::io::Read, name: &str) -> Result<serde_json::Value, MergeError> {
    costcalc::strict_json::read_bounded(reader, &bounds::MAX_LEN).map_err(|e| match e {
        Refused::TooLong { field, most } => MergeError::Invalid {
            file: name.to_string(),
            field,
            reason: format!(
                "has more than {most} entries, the most loadgen merge reads: check that it is the right file"
            ),
        },
        Refused::Json(e) => MergeError::Read {
            file: name.to_string(),
            reason: format!("not a loadgen summary.json: {e}"),
        },
    })
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
    use super::{MergeError, expand, parse};

    /// `{"endpoints": [{}, {}, ...` without end, that fails once `cap` bytes are served.
    struct Capped {
        served: usize,
        cap: usize,
    }

    impl std::io::Read for Capped {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            const HEAD: &[u8] = br#"{"endpoints": ["#;
            if self.served >= self.cap {
                return Err(std::io::Error::other("read past the cap"));
            }
            let n = buf.len().min(self.cap - self.served);
            for b in &mut buf[..n] {
                *b = match self.served.checked_sub(HEAD.len()) {
                    None => HEAD[self.served],
                    Some(i) => b"{}, "[i % 4],
                };
                self.served += 1;
            }
            Ok(n)
        }
    }

    #[test]
    fn an_endless_endpoints_list_is_refused_after_the_entry_past_its_bound() {
        let most = super::bounds::ENDPOINTS;
        // 10,001 entries of 4 bytes, the opening and one BufReader buffer (8 KiB) read ahead.
        let needed = 15 + (most + 1) * 4 + 8192;
        let mut r = Capped {
            served: 0,
            cap: 1 << 20,
        };
        let e = parse(std::io::BufReader::new(&mut r), "s0.json").unwrap_err();
        assert_eq!(
            e,
            MergeError::Invalid {
                file: "s0.json".into(),
                field: "endpoints".into(),
                reason: format!(
                    "has more than {most} entries, the most loadgen merge reads: check that it is the right file"
                ),
            }
        );
        assert!(r.served <= needed, "read {} bytes", r.served);
        // A cap below what the refusal needs is hit instead: the bound is what stopped it.
        let mut r = Capped {
            served: 0,
            cap: 1000,
        };
        let e = parse(std::io::BufReader::new(&mut r), "s0.json").unwrap_err();
        assert!(e.to_string().contains("read past the cap"), "{e}");
    }

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
