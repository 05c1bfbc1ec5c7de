//! `run --upload s3://BUCKET/PREFIX`: every file the run wrote under --out, copied to S3 after the
//! run (an AWS Batch child leaves nothing behind but what it uploaded).
//!
//! Pure here: the destination's parsing, the key layout and the content types; [`files`] lists
//! the outputs, [`s3`] is the one edge that talks to AWS, behind [`Store`].

pub mod files;
pub mod s3;

use std::path::Path;

/// Where the outputs go: a bucket and a key prefix (no leading or trailing slash; may be empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    pub bucket: String,
    pub prefix: String,
}

/// Why an upload failed; the local files are kept either way.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("expected s3://BUCKET/PREFIX (e.g. s3://my-bucket/runs/42), got '{0}'")]
    Url(String),
    #[error("cannot read {path}: {error}")]
    Read { path: String, error: String },
    #[error("upload of s3://{bucket}/{key} failed: {error}")]
    Put {
        bucket: String,
        key: String,
        error: String,
    },
    #[error("no AWS region for the upload: set AWS_REGION (or a profile's region)")]
    NoRegion,
}

impl std::str::FromStr for Destination {
    type Err = UploadError;
    fn from_str(text: &str) -> Result<Destination, UploadError> {
        let bad = || UploadError::Url(text.to_string());
        let rest = text.trim().strip_prefix("s3://").ok_or_else(bad)?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        // S3's bucket names: 3 to 63 of lowercase letters, digits, dots and hyphens.
        let valid = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !valid {
            return Err(bad());
        }
        Ok(Destination {
            bucket: bucket.to_string(),
            prefix: prefix.trim_matches('/').to_string(),
        })
    }
}

impl Destination {
    /// The key of `relative` (a path under --out): `PREFIX/shard-K/<relative>` for shard K,
    /// `PREFIX/<relative>` for a run that is not a shard. Always '/'-separated.
    pub fn key(&self, shard: Option<u32>, relative: &Path) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.prefix.is_empty() {
            parts.push(self.prefix.clone());
        }
        if let Some(k) = shard {
            parts.push(format!("shard-{k}"));
        }
        parts.extend(
            relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        );
        parts.join("/")
    }
}

/// The Content-Type an output is served with (the HTML report opens in a browser from S3).
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => "application/json",
        Some("html") => "text/html; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("md") => "text/markdown; charset=utf-8",
        Some("txt" | "log") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Somewhere objects can be put: S3 ([`s3::S3Store`]), or a map in the tests.
pub trait Store {
    fn put(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &'static str,
    ) -> impl std::future::Future<Output = Result<(), String>> + Send;
}

/// Uploads every file under `out` (in name order); returns the keys written. Stops at the first
/// failure, naming the key.
pub async fn upload<S: Store>(
    store: &S,
    dest: &Destination,
    shard: Option<u32>,
    out: &Path,
) -> Result<Vec<String>, UploadError> {
    let mut keys = Vec::new();
    for relative in files::under(out)? {
        let path = out.join(&relative);
        let body = std::fs::read(&path).map_err(|e| UploadError::Read {
            path: path.display().to_string(),
            error: e.to_string(),
        })?;
        let key = dest.key(shard, &relative);
        store
            .put(&key, body, content_type(&relative))
            .await
            .map_err(|error| UploadError::Put {
                bucket: dest.bucket.clone(),
                key: key.clone(),
                error,
            })?;
        keys.push(key);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests;
