//! Data files: a CSV file whose rows are handed out one per session, never shared (a user can
//! only sign in once at a time), and the bounded reading of every file a scenario names.

use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A scenario file may be at most this long.
pub const MAX_SCENARIO_BYTES: u64 = 1 << 20;
/// A CSV data file may be at most this long.
pub const MAX_DATA_BYTES: u64 = 16 << 20;
pub const MAX_COLUMNS: usize = 256;

/// Reads a whole text file of at most `limit` bytes. Refuses what is not a regular file before
/// opening it (a FIFO would block the open, a device could be endless).
pub fn read_bounded(path: &Path, limit: u64) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > limit {
        return Err(format!(
            "{} bytes, more than the limit of {limit}",
            meta.len()
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("more than the limit of {limit} bytes"));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".into())
}

/// A CSV data set: its header row and its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct DataSet {
    pub name: String,
    /// Where it was read from (relative paths are against the scenario file's folder).
    pub file: PathBuf,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Wrap around when every row has been handed out, instead of failing.
    pub cycle: bool,
}

/// Every row has been handed out once and the data set does not cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exhausted {
    pub data: String,
    pub rows: usize,
}

impl DataSet {
    /// Parses CSV text (RFC 4180: commas, `"` quoting with `""` inside, LF or CRLF); the first
    /// row names the columns. Errors name the line.
    pub fn parse(name: &str, text: &str, cycle: bool, file: PathBuf) -> Result<DataSet, String> {
        let mut records = records(text)?.into_iter();
        let (_, columns) = records
            .next()
            .ok_or("empty: the first row names the columns")?;
        if columns.len() > MAX_COLUMNS || columns.iter().any(|c| c.trim().is_empty()) {
            return Err(format!(
                "line 1: the header needs 1 to {MAX_COLUMNS} non-empty column names"
            ));
        }
        let mut rows = Vec::new();
        for (line, r) in records {
            if r.len() != columns.len() {
                return Err(format!(
                    "line {line}: {} fields, the header has {}",
                    r.len(),
                    columns.len()
                ));
            }
            rows.push(r);
        }
        if rows.is_empty() {
            return Err("no rows under the header".into());
        }
        Ok(DataSet {
            name: name.to_string(),
            file,
            columns: columns.into_iter().map(|c| c.trim().to_string()).collect(),
            rows,
            cycle,
        })
    }

    /// The row of the session numbered `n` (0, 1, ... in the order sessions start).
    pub fn row(&self, n: usize) -> Result<&[String], Exhausted> {
        let i = if self.cycle { n % self.rows.len() } else { n };
        self.rows.get(i).map(Vec::as_slice).ok_or(Exhausted {
            data: self.name.clone(),
            rows: self.rows.len(),
        })
    }

    /// The row as template values: `csv.NAME.COLUMN` = the field.
    pub fn values(&self, row: &[String]) -> Vec<(String, Value)> {
        self.columns
            .iter()
            .zip(row)
            .map(|(c, v)| (format!("csv.{}.{c}", self.name), Value::String(v.clone())))
            .collect()
    }
}

/// Records with the line each starts on (1-based); blank lines are skipped.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut out = Vec::new();
    let (mut line, mut start_line) = (1usize, 1usize);
    let (mut field, mut rec) = (String::new(), Vec::new());
    let (mut quoted, mut was_quoted) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                line += usize::from(c == '\n');
                field.push(c);
            }
            (false, '"') if field.is_empty() && !was_quoted => (quoted, was_quoted) = (true, true),
            (false, '"') => return Err(format!("line {line}: a '\"' inside an unquoted field")),
            (false, ',') => {
                rec.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                rec.push(std::mem::take(&mut field));
                if !(rec.len() == 1 && rec[0].is_empty() && !was_quoted) {
                    out.push((start_line, std::mem::take(&mut rec)));
                }
                rec.clear();
                was_quoted = false;
                line += 1;
                start_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(format!("line {start_line}: a quoted field is not closed"));
    }
    if !field.is_empty() || !rec.is_empty() || was_quoted {
        rec.push(field);
        out.push((start_line, rec));
    }
    Ok(out)
}
