//! The I/O of access logs: the files [`super::files`] lists (folders walked recursively, in name
//! order, hidden entries skipped, symlinks followed, each file once), plain or gzip (by the
//! file's first bytes, not its name), read line by line through a fixed buffer so that no file
//! is ever held whole. A line longer than `MAX_LINE` is a bad line, skipped without being
//! stored. A final line without its newline that does not parse is counted as truncated (a file
//! cut while written), not as bad; so is a gzip stream that ends early.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use super::aggregate::Aggregate;
use super::detect::{detect, is_comment};
use super::files::Listed;
use super::route::Templates;
use super::{FORMATS, Format, apigw, cloudfront};
use crate::calendar::iso;
use crate::error::{Error, Result};

/// Longest line read (64 KiB): an ALB line with a long URL and user agent is a few KB.
pub const MAX_LINE: usize = 64 * 1024;
/// More than this share of unreadable lines (per cent) is an error unless allowed.
pub const BAD_PERCENT: u64 = 1;
/// Bad and truncated lines quoted.
const QUOTED: usize = 3;
/// Characters of a line quoted.
const QUOTE_CHARS: usize = 160;

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Auto,
    Fixed(Format),
}

#[derive(Debug, Clone)]
pub struct Options {
    pub format: Choice,
    pub templates: Templates,
    pub allow_bad_lines: bool,
}

/// A line quoted in the report: where it was, and its first characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    pub file: String,
    pub line: u64,
    pub text: String,
}

/// What was read.
#[derive(Debug, Default)]
pub struct Logs {
    pub aggregate: Aggregate,
    /// The paths as given.
    pub given: Vec<String>,
    pub files: u64,
    /// Request lines read, per format.
    pub formats: BTreeMap<Format, u64>,
    /// Uncompressed bytes read.
    pub bytes: u64,
    /// Lines that were meant to be requests: read, bad and truncated.
    pub lines: u64,
    pub bad: u64,
    pub bad_quoted: Vec<Quoted>,
    pub truncated: u64,
    pub truncated_quoted: Vec<Quoted>,
    /// `ELBAccessLogTestFile`s skipped inside folders.
    pub elb_test_files: u64,
}

impl Logs {
    /// The formats read, by name ("an ALB access log").
    pub fn format_names(&self) -> String {
        let names: Vec<&str> = self.formats.keys().map(|f| f.name()).collect();
        names.join(", ")
    }
}

/// Read the files `listed` lists from `paths` ([`super::files::list`]) into one aggregate. Listing
/// comes first so that outputs can be checked against the logs before anything is read or
/// written ([`super::files::check_outputs`]).
pub fn read(paths: &[PathBuf], listed: &Listed, o: &Options) -> Result<Logs> {
    let mut logs = Logs {
        given: paths.iter().map(|p| p.display().to_string()).collect(),
        elb_test_files: listed.elb_test_files,
        ..Logs::default()
    };
    for path in &listed.files {
        read_file(path, o, &mut logs)?;
        logs.files += 1;
    }
    check(&logs, o)?;
    Ok(logs)
}

/// Too many bad lines, or none read at all, is an error naming where.
fn check(logs: &Logs, o: &Options) -> Result<()> {
    if logs.bad * 100 > logs.lines * BAD_PERCENT && !o.allow_bad_lines {
        let first = &logs.bad_quoted[0];
        let what = match o.format {
            Choice::Fixed(f) => f.name().to_string(),
            Choice::Auto => logs.format_names(),
        };
        return Err(Error::file(
            format!("{}:{}", first.file, first.line),
            format!(
                "{} of {} lines ({}%) could not be read as {what}, more than {BAD_PERCENT}%; this \
                 one reads {:?}. --allow-bad-lines prices the lines that could be read",
                logs.bad,
                logs.lines,
                percent(logs.bad, logs.lines),
                first.text
            ),
        ));
    }
    if logs.aggregate.requests == 0 {
        return Err(Error::file(
            logs.given.join(" "),
            "no request could be read from these logs",
        ));
    }
    Ok(())
}

/// `n` of `of` in per cent, to 2 places.
pub fn percent(n: u64, of: u64) -> String {
    if of == 0 {
        return "0".into();
    }
    let hundredths = (u128::from(n) * 10_000 / u128::from(of)) as u64;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// A reader of the file's text: through gzip when it starts with gzip's magic bytes.
fn open(path: &Path) -> io::Result<Box<dyn BufRead>> {
    let mut raw = BufReader::with_capacity(256 * 1024, File::open(path)?);
    let head = raw.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            256 * 1024,
            MultiGzDecoder::new(raw),
        )))
    } else {
        Ok(Box::new(raw))
    }
}

enum Next {
    Eof,
    /// A line in the buffer; `complete` when it ended with a newline.
    Line {
        complete: bool,
    },
    TooLong,
}

/// The next line into `buf` (without its newline), never more than `MAX_LINE` bytes kept.
fn next_line(r: &mut dyn BufRead, buf: &mut Vec<u8>) -> io::Result<Next> {
    buf.clear();
    let mut too_long = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(match (too_long, buf.is_empty()) {
                (true, _) => Next::TooLong,
                (false, true) => Next::Eof,
                (false, false) => Next::Line { complete: false },
            });
        }
        let (take, used, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (i, i + 1, true),
            None => (avail.len(), avail.len(), false),
        };
        if buf.len() + take > MAX_LINE {
            too_long = true;
        } else if !too_long {
            buf.extend_from_slice(&avail[..take]);
        }
        r.consume(used);
        if done {
            return Ok(if too_long {
                Next::TooLong
            } else {
                Next::Line { complete: true }
            });
        }
    }
}

fn quote(file: &str, line: u64, text: &str) -> Quoted {
    Quoted {
        file: file.to_string(),
        line,
        text: text.chars().take(QUOTE_CHARS).collect(),
    }
}

/// A line that did not read: bad, or truncated when it is a final line without its newline.
fn unreadable(logs: &mut Logs, complete: bool, q: Quoted) {
    let (count, quoted) = if complete {
        (&mut logs.bad, &mut logs.bad_quoted)
    } else {
        (&mut logs.truncated, &mut logs.truncated_quoted)
    };
    *count += 1;
    if quoted.len() < QUOTED {
        quoted.push(q);
    }
}

/// Read one file into `logs`.
fn read_file(path: &Path, o: &Options, logs: &mut Logs) -> Result<()> {
    let name = path.display().to_string();
    let io = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut r = open(path).map_err(io)?;
    let mut format = match o.format {
        Choice::Fixed(f) => Some(f),
        Choice::Auto => None,
    };
    let mut first_data = true;
    let (mut buf, mut route) = (Vec::with_capacity(4096), String::new());
    let mut n: u64 = 0;
    loop {
        let next = match next_line(&mut *r, &mut buf) {
            Ok(next) => next,
            // A gzip stream cut short (a file copied while written): what came before counts.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                logs.truncated += 1;
                if logs.truncated_quoted.len() < QUOTED {
                    logs.truncated_quoted
                        .push(quote(&name, n + 1, "(the gzip stream ends here)"));
                }
                return Ok(());
            }
            Err(e) => return Err(io(e)),
        };
        n += 1;
        let complete = match next {
            Next::Eof => return Ok(()),
            Next::TooLong => {
                logs.lines += 1;
                logs.bad += 1;
                if logs.bad_quoted.len() < QUOTED {
                    let t = format!("(a line over {} KiB)", MAX_LINE / 1024);
                    logs.bad_quoted.push(quote(&name, n, &t));
                }
                continue;
            }
            Next::Line { complete } => complete,
        };
        logs.bytes += buf.len() as u64 + u64::from(complete);
        let text = String::from_utf8_lossy(&buf);
        let line = text.strip_suffix('\r').unwrap_or(&text);
        if is_comment(line) {
            if let Some(why) = cloudfront::other_fields(line) {
                return Err(Error::file(format!("{name}:{n}"), why));
            }
            continue;
        }
        logs.lines += 1;
        if first_data {
            first_data = false;
            format = Some(first_format(&name, line, format)?);
        }
        let f = format.unwrap_or(Format::Alb);
        let Some(rec) = f.parse(line) else {
            unreadable(logs, complete, quote(&name, n, line));
            continue;
        };
        o.templates
            .route(&rec.method, &rec.path, rec.route_key.as_deref(), &mut route);
        logs.aggregate.add(&rec, &route).map_err(|t| {
            Error::file(
                format!("{name}:{n}"),
                format!(
                    "the logs would span {} to {}, more than {} days: give at most {} days of logs",
                    iso(t.first_s),
                    iso(t.last_s),
                    super::aggregate::MAX_WINDOW_S / 86400,
                    super::aggregate::MAX_WINDOW_S / 86400
                ),
            )
        })?;
        *logs.formats.entry(f).or_default() += 1;
    }
}

/// The format of a file, from its first request line: the one asked for, when the line reads
/// as it (a line of another known format is an error naming that format), or the one detected.
fn first_format(name: &str, line: &str, asked: Option<Format>) -> Result<Format> {
    let seen = detect(line);
    // API Gateway's XML and CSV examples (no format reads them): what to set instead.
    if let (None, Some(why)) = (seen, apigw::unsupported(line)) {
        return Err(Error::file(name, why));
    }
    match (asked, seen) {
        (Some(a), _) if a.parse(line).is_some() => Ok(a),
        (Some(a), Some(s)) => Err(Error::file(
            name,
            format!(
                "looks like {}, not {}: give --log-format {} (or auto)",
                s.name(),
                a.name(),
                s.id()
            ),
        )),
        // Unknown first line under a given format: counted as a bad line by the caller.
        (Some(a), None) => Ok(a),
        (None, Some(s)) => Ok(s),
        (None, None) => Err(Error::file(
            name,
            format!(
                "the first line is not an access log costcalc reads ({}): {:?}",
                FORMATS.map(Format::id).join(", "),
                line.chars().take(QUOTE_CHARS).collect::<String>()
            ),
        )),
    }
}
