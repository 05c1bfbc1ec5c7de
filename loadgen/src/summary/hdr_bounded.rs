//! Decoding a stored histogram with bounds: it comes from a file (a shard's summary from S3),
//! so its declared sizes, value range and count are checked before allocating what they claim.

use super::{HdrError, SIGNIFICANT_DIGITS};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::Deserializer;

/// The most a histogram may inflate to: 3 significant digits up to [`MAX_VALUE_US`] take at
/// most about 300 KB; a header declaring more is hostile or corrupt, refused before allocating.
pub const MAX_INFLATED_BYTES: u64 = 1 << 20;
/// The largest value a stored histogram may track (about 12.7 days in microseconds).
pub const MAX_VALUE_US: u64 = 1 << 40;
/// The most requests one stored histogram may count: ten thousand shards of it still add up
/// below what HDR's serializer can write (i64::MAX).
pub const MAX_COUNT: u64 = 100_000_000_000_000;

/// The most counters the histograms of one summary may hold in memory (8 bytes each, 2 GiB):
/// an hour of one-second histograms of latencies up to a second takes about 120 million.
pub const MAX_COUNTERS: usize = 1 << 28;

const V2_COOKIE: u32 = 0x1c84_9303 | 0x10;
const V2_COMPRESSED_COOKIE: u32 = 0x1c84_9304 | 0x10;
const V2_HEADER: usize = 40;

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The inflated V2 form of a V2 + deflate histogram, read no further than
/// [`MAX_INFLATED_BYTES`], its header checked against what loadgen writes.
fn inflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    if be32(bytes, 0) != Some(V2_COMPRESSED_COOKIE) {
        return Err("not V2 + deflate".into());
    }
    let len = be32(bytes, 4).ok_or("truncated header")? as usize;
    let deflated = bytes.get(8..8 + len).ok_or("truncated payload")?;
    let mut inflated = Vec::new();
    flate2::read::ZlibDecoder::new(deflated)
        .take(MAX_INFLATED_BYTES + 1)
        .read_to_end(&mut inflated)
        .map_err(|e| format!("deflate: {e}"))?;
    if inflated.len() as u64 > MAX_INFLATED_BYTES {
        return Err(format!("inflates beyond {MAX_INFLATED_BYTES} bytes"));
    }
    if be32(&inflated, 0) != Some(V2_COOKIE) {
        return Err("not an HDR V2 payload".into());
    }
    let payload = be32(&inflated, 4).ok_or("truncated header")? as usize;
    if payload > inflated.len().saturating_sub(V2_HEADER) {
        return Err(format!(
            "header declares {payload} bytes of counts, {} present",
            inflated.len().saturating_sub(V2_HEADER)
        ));
    }
    if be32(&inflated, 12) != Some(u32::from(SIGNIFICANT_DIGITS)) {
        return Err(format!("not {SIGNIFICANT_DIGITS} significant digits"));
    }
    let high = be64(&inflated, 24).ok_or("truncated header")?;
    if high > MAX_VALUE_US {
        return Err(format!(
            "tracks values up to {high} us, more than {MAX_VALUE_US}"
        ));
    }
    Ok(inflated)
}

/// Decodes one stored histogram, bounded: its declared and inflated size, its value range and
/// its count are checked before (or instead of) allocating what they claim.
pub fn decode(text: &str, what: &str) -> Result<Histogram<u64>, HdrError> {
    let fail = |reason: String| HdrError::Decode {
        what: what.to_string(),
        reason,
    };
    let bytes = STANDARD.decode(text.trim()).map_err(|_| HdrError::Base64 {
        what: what.to_string(),
    })?;
    let inflated = inflate(&bytes).map_err(fail)?;
    let h: Histogram<u64> = Deserializer::new()
        .deserialize(&mut std::io::Cursor::new(inflated))
        .map_err(|e| fail(e.to_string()))?;
    if h.len() > MAX_COUNT {
        return Err(fail(format!(
            "counts {} requests, more than {MAX_COUNT}",
            h.len()
        )));
    }
    Ok(h)
}
