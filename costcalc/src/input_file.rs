//! The one way costcalc reads an input file: a regular file only (a FIFO would block, a device
//! like /dev/zero never ends), and no larger than a stated size per kind of file, so a wrong or
//! hostile path is refused in one line before it takes memory or time.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// The kinds of file costcalc reads, each with its size bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A price snapshot (`--prices`; the bundled one is under 64 KB).
    Prices,
    /// A loadgen summary.json (a long run with every endpoint is a few hundred KB).
    Summary,
    /// A `loadgen tune` tune.json.
    Tune,
    /// A workload TOML file.
    Workload,
    /// One duration per line (`--durations-file`).
    Durations,
    /// `aws cloudwatch get-metric-data` output (`--metrics-file`).
    Metrics,
    /// AWS Price List output: `aws pricing get-products` or a Savings Plans region file.
    PriceList,
}

impl Kind {
    /// The largest file of this kind costcalc reads, in bytes.
    pub fn max_bytes(self) -> u64 {
        const MIB: u64 = 1024 * 1024;
        match self {
            Kind::Prices | Kind::Workload => 4 * MIB,
            Kind::Summary | Kind::Tune => 16 * MIB,
            Kind::Durations | Kind::Metrics => 64 * MIB,
            Kind::PriceList => 256 * MIB,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::Prices => "a price snapshot",
            Kind::Summary => "a loadgen summary",
            Kind::Tune => "a tune.json",
            Kind::Workload => "a workload file",
            Kind::Durations => "a durations file",
            Kind::Metrics => "a metrics file",
            Kind::PriceList => "a Price List file",
        }
    }
}

/// Read `path` as UTF-8 text after checking that it is a regular file within `kind`'s size.
pub fn read(path: &Path, kind: Kind) -> Result<String> {
    let refuse = |m: String| Error::file(path.display().to_string(), m);
    let io = |source: std::io::Error| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    // Stat before opening: opening a FIFO for reading blocks until a writer appears.
    let meta = std::fs::metadata(path).map_err(io)?;
    check(&meta, kind).map_err(refuse)?;
    let file = std::fs::File::open(path).map_err(io)?;
    // The path may have been replaced between the stat and the open: check what was opened.
    let meta = file.metadata().map_err(io)?;
    check(&meta, kind).map_err(refuse)?;
    let max = kind.max_bytes();
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Never more than the bound, even if the file grows while being read.
    file.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(refuse(too_big(kind)));
    }
    String::from_utf8(bytes).map_err(|e| {
        refuse(format!(
            "is not UTF-8 text (invalid byte at offset {}); give {} (text)",
            e.utf8_error().valid_up_to(),
            kind.what()
        ))
    })
}

fn check(meta: &std::fs::Metadata, kind: Kind) -> std::result::Result<(), String> {
    let ft = meta.file_type();
    if !ft.is_file() {
        let is = if ft.is_dir() {
            "a directory"
        } else {
            "not a regular file (a pipe, socket or device)"
        };
        return Err(format!(
            "is {is}; give the path of {} saved as a regular file",
            kind.what()
        ));
    }
    if meta.len() > kind.max_bytes() {
        return Err(format!("is {} bytes: {}", meta.len(), too_big(kind)));
    }
    Ok(())
}

fn too_big(kind: Kind) -> String {
    format!(
        "larger than the {} MiB {} can be; check that it is the right file",
        kind.max_bytes() / (1024 * 1024),
        kind.what()
    )
}

/// Text from a file that is shown to the user (a profile name, a reason): control characters,
/// line breaks included, become spaces, so it stays on its line and sends no terminal escape.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A TOML parse error on one line: "line L, column C: what" (the toml crate's own text spans
/// several lines, with a snippet of the file).
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let what = e.message().replace(['\n', '\r'], " ");
    match e.span() {
        Some(span) => {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            format!("line {line}, column {column}: {what}")
        }
        None => what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_directory_and_a_device() {
        let e = read(Path::new("/"), Kind::Summary).unwrap_err().to_string();
        assert!(e.contains("is a directory"), "{e}");
        let e = read(Path::new("/dev/zero"), Kind::Summary)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn refuses_a_file_over_its_bound_without_reading_it() {
        let dir = std::env::temp_dir().join(format!("costcalc-input-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("big.toml");
        let f = std::fs::File::create(&p).unwrap();
        // Sparse: no disk used, and read() must refuse it from the size alone.
        f.set_len(Kind::Workload.max_bytes() + 1).unwrap();
        let e = read(&p, Kind::Workload).unwrap_err().to_string();
        assert!(e.contains("larger than the 4 MiB a workload file"), "{e}");
        std::fs::write(&p, b"ok").unwrap();
        assert_eq!(read(&p, Kind::Workload).unwrap(), "ok");
        std::fs::write(&p, b"\xff").unwrap();
        let e = read(&p, Kind::Workload).unwrap_err().to_string();
        assert!(e.contains("not UTF-8"), "{e}");
        let text = "a = 1\na = 2\n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        assert_eq!(toml_error(text, &e), "line 2, column 1: duplicate key");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
