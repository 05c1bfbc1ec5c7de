//! The files a run wrote under --out, as paths relative to it, in name order.

use super::UploadError;
use std::path::{Path, PathBuf};

/// Every regular file under `dir`, recursively, relative to it and sorted.
pub fn under(dir: &Path) -> Result<Vec<PathBuf>, UploadError> {
    let mut found = Vec::new();
    walk(dir, Path::new(""), &mut found)?;
    found.sort();
    Ok(found)
}

fn walk(root: &Path, rel: &Path, found: &mut Vec<PathBuf>) -> Result<(), UploadError> {
    let dir = root.join(rel);
    let read_err = |e: std::io::Error| UploadError::Read {
        path: dir.display().to_string(),
        error: e.to_string(),
    };
    for entry in std::fs::read_dir(&dir).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let kind = entry.file_type().map_err(read_err)?;
        let child = rel.join(entry.file_name());
        if kind.is_dir() {
            walk(root, &child, found)?;
        } else if kind.is_file() {
            found.push(child);
        }
    }
    Ok(())
}
