//! Which files a read takes: each file given, and every file under each folder given (walked in
//! name order, hidden entries skipped, symlinks followed: they are how synced log trees are
//! pointed at). Each file and folder is known by its canonical path, so that one reached twice
//! (`a.log ./a.log`, a folder and a file in it, a symlink loop) is refused rather than counted
//! twice, and so that an output (a profile written from the logs) is refused when it would
//! overwrite a log or land in a folder read.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Most files one read takes (an ALB writes one per node every 5 minutes: 62 days of 12 nodes
/// is 214,272).
pub const MAX_FILES: usize = 1_000_000;
/// The file an ALB writes when access logging is enabled ("Enable AccessLog for ELB: ..."): not
/// a log, skipped inside a folder (a file given by name is still read).
pub const ELB_TEST_FILE: &str = "ELBAccessLogTestFile";

/// The files to read, in order, and what the walk skipped.
#[derive(Debug, Default)]
pub struct Listed {
    pub files: Vec<PathBuf>,
    /// `ELBAccessLogTestFile`s skipped inside folders.
    pub elb_test_files: u64,
    /// Canonical path of each file and folder -> where its spelling is kept (paths are not
    /// stored twice: a million files' names are already a few hundred MB).
    seen: HashMap<PathBuf, Seen>,
    /// Canonical folders walked, in walk order (the folders given come before theirs).
    dirs: Vec<(PathBuf, String)>,
}

#[derive(Debug, Clone, Copy)]
enum Seen {
    /// A file, and whether it was reached by walking a folder.
    File(usize, bool),
    Dir(usize),
}

impl Listed {
    fn spelling(&self, s: Seen) -> String {
        match s {
            Seen::File(i, _) => self.files[i].display().to_string(),
            Seen::Dir(i) => self.dirs[i].1.clone(),
        }
    }

    /// Add `path`, a folder or a file (`walked`: found in a folder); one reached before is an
    /// error naming both spellings.
    fn add(&mut self, path: &Path, dir: bool, walked: bool) -> Result<()> {
        let canonical = canonical(path)?;
        let spelling = path.display().to_string();
        if let Some(&before) = self.seen.get(&canonical) {
            let also = match (self.spelling(before), before) {
                (b, _) if b != spelling => format!(" (also as {b})"),
                (_, Seen::File(_, w)) if w != walked => {
                    " (as a file and inside a folder given)".to_string()
                }
                _ => String::new(),
            };
            return Err(Error::file(
                spelling,
                format!("is given twice{also}: give each log once"),
            ));
        }
        let seen = if dir {
            self.dirs.push((canonical.clone(), spelling));
            Seen::Dir(self.dirs.len() - 1)
        } else {
            self.files.push(path.to_path_buf());
            Seen::File(self.files.len() - 1, walked)
        };
        self.seen.insert(canonical, seen);
        Ok(())
    }

    /// The log read, or the folder read, that writing `output` would overwrite or write into.
    fn clash(&self, output: &Path) -> Option<String> {
        // The output need not exist yet: its folder's canonical path and its name.
        let canonical = std::fs::canonicalize(output).ok().or_else(|| {
            let parent = output.parent().filter(|p| !p.as_os_str().is_empty());
            let dir = std::fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()?;
            Some(dir.join(output.file_name()?))
        })?;
        if let Some(&Seen::File(i, _)) = self.seen.get(&canonical) {
            return Some(format!(
                "is one of the logs read ({})",
                self.files[i].display()
            ));
        }
        let (_, dir) = self.dirs.iter().find(|(d, _)| canonical.starts_with(d))?;
        Some(format!(
            "is inside the logs folder read ({dir}), where the next read would take it as a log"
        ))
    }
}

fn canonical(path: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Refuse outputs that would overwrite a log read or be written into a folder read: `outputs`
/// are (the flag that names it, the file it writes). Call before anything is written.
pub fn check_outputs(listed: &Listed, outputs: &[(&str, &Path)]) -> Result<()> {
    for (flag, path) in outputs {
        if let Some(why) = listed.clash(path) {
            return Err(Error::flag(
                *flag,
                format!("{} {why}: write it outside the logs", path.display()),
            ));
        }
    }
    Ok(())
}

/// The files to read: each file given, and every file under each folder given, in name order.
pub fn list(paths: &[PathBuf]) -> Result<Listed> {
    let mut out = Listed::default();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| Error::Read {
            path: p.clone(),
            source,
        })?;
        if meta.is_dir() {
            let before = out.files.len();
            walk(p, &mut out)?;
            if out.files.len() == before {
                return Err(Error::file(
                    p.display().to_string(),
                    "no log files in this folder",
                ));
            }
        } else if meta.is_file() {
            out.add(p, false, false)?;
        } else {
            return Err(Error::file(
                p.display().to_string(),
                "is not a regular file or a folder (a pipe, socket or device); give log files or their folder",
            ));
        }
        if out.files.len() > MAX_FILES {
            return Err(Error::file(
                p.display().to_string(),
                format!("more than {MAX_FILES} files: give a shorter window's folder"),
            ));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Listed) -> Result<()> {
    out.add(dir, true, true)?;
    let io = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<io::Result<Vec<_>>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        // Through symlinks: a broken one is an error naming it, not a silent skip.
        let meta = std::fs::metadata(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(&path, out)?;
        } else if meta.is_file() && name == ELB_TEST_FILE {
            out.elb_test_files += 1;
        } else if meta.is_file() {
            out.add(&path, false, true)?;
        }
        if out.files.len() > MAX_FILES {
            return Ok(());
        }
    }
    Ok(())
}
