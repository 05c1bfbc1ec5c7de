//! Reading an HTTP body no further than its reader needs. A run needs a response's length
//! (summary.json's bytes) and, for the few answers a session reads (a login's token), its first
//! bytes; a metrics scrape needs the whole page, up to a size. A server that sends an endless
//! body, or declares 10 GB, costs loadgen neither memory nor an endless read.

/// The bytes of a run's response kept for the session to read (a token answer is a few hundred).
pub const MAX_KEPT_BYTES: usize = 256 << 10;
/// The bytes of a run's response counted before loadgen stops reading it and counts it as cut
/// short.
pub const MAX_READ_BYTES: u64 = 64 << 20;

/// What was read of one body.
#[derive(Debug, Default)]
pub struct Read {
    /// Its first bytes, as many as the reader asked to keep.
    pub kept: Vec<u8>,
    /// Its length as far as it was read.
    pub len: u64,
    /// Whether it was read to its end (not cut short by the server or by the read limit).
    pub complete: bool,
    /// Why the server cut it short (a timeout, a reset), if it did.
    pub error: Option<reqwest::Error>,
}

impl Read {
    /// Whether reading stopped because the body ran past the read limit.
    pub fn over(&self, max_read: u64) -> bool {
        self.len > max_read
    }
}

/// Reads a run's response: its first [`MAX_KEPT_BYTES`], counting up to [`MAX_READ_BYTES`].
pub async fn read(r: reqwest::Response) -> Read {
    read_within(r, MAX_KEPT_BYTES, MAX_READ_BYTES).await
}

/// Reads `r`'s body chunk by chunk, keeping its first `keep` bytes and counting the rest; stops
/// at the first chunk that takes the count past `max_read` (one chunk, not the body, is the most
/// it reads beyond the limit).
pub async fn read_within(mut r: reqwest::Response, keep: usize, max_read: u64) -> Read {
    let mut out = Read::default();
    loop {
        match r.chunk().await {
            Ok(Some(chunk)) => {
                let room = keep.saturating_sub(out.kept.len());
                out.kept.extend_from_slice(&chunk[..room.min(chunk.len())]);
                out.len += chunk.len() as u64;
                if out.over(max_read) {
                    return out;
                }
            }
            Ok(None) => {
                out.complete = true;
                return out;
            }
            Err(e) => {
                out.error = Some(e);
                return out;
            }
        }
    }
}
