//! Reading a response body no further than a run needs: its length (summary.json's bytes) and,
//! for the few answers a session reads (a login's token), its first bytes. A server that sends
//! an endless body, or declares 10 GB, costs loadgen neither memory nor an endless read.

/// The bytes of a body kept for the session to read (a token answer is a few hundred).
pub const MAX_KEPT_BYTES: usize = 256 << 10;
/// The bytes of a body counted before loadgen stops reading it and counts it as cut short.
pub const MAX_READ_BYTES: u64 = 64 << 20;

/// What was read of one body.
#[derive(Debug, Default)]
pub struct Read {
    /// Its first [`MAX_KEPT_BYTES`].
    pub kept: Vec<u8>,
    /// Its length as far as it was read.
    pub len: u64,
    /// Whether it was read to its end (not cut short by the server or by [`MAX_READ_BYTES`]).
    pub complete: bool,
}

/// Reads `r`'s body chunk by chunk, keeping the first bytes and counting the rest.
pub async fn read(mut r: reqwest::Response) -> Read {
    let mut out = Read::default();
    loop {
        match r.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_KEPT_BYTES.saturating_sub(out.kept.len());
                out.kept.extend_from_slice(&chunk[..room.min(chunk.len())]);
                out.len += chunk.len() as u64;
                if out.len > MAX_READ_BYTES {
                    return out;
                }
            }
            Ok(None) => {
                out.complete = true;
                return out;
            }
            Err(_) => return out,
        }
    }
}
