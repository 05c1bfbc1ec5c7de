//! The HTTP edge: GET the metrics URL and read it as journal-api's Prometheus text. A scrape
//! takes at most [`SCRAPE_TIMEOUT`] and reads at most [`MAX_PAGE_BYTES`], so a broken or hostile
//! endpoint (an endless body, a 10 GB Content-Length) is a failed scrape, not a buffered one.

use super::metrics::Snapshot;
use super::prometheus;
use std::time::Duration;

/// The largest metrics page read: journal-api's is about 25 KB, so this leaves room for many
/// routes and histograms while bounding what one scrape can make loadgen hold.
pub const MAX_PAGE_BYTES: u64 = 8 << 20;
/// The longest one scrape may take, from connecting to the page's last byte.
pub const SCRAPE_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a scrape gave no figures.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ScrapeError {
    #[error("not an http:// or https:// URL")]
    BadUrl,
    #[error("does not answer: {0}")]
    Unreachable(String),
    #[error("not Prometheus text (got HTTP {status}, {content_type})")]
    Status { status: u16, content_type: String },
    #[error("not Prometheus text (got {content_type}: {detail})")]
    NotText {
        content_type: String,
        detail: String,
    },
    #[error("Prometheus text, but not journal-api's (no journal_* metrics)")]
    NotJournalApi,
    #[error("the page is larger than {limit} bytes (is this a Prometheus metrics endpoint?)")]
    TooLarge { limit: u64 },
}

pub struct Scraper {
    client: reqwest::Client,
    url: reqwest::Url,
}

impl Scraper {
    pub fn new(url: &str) -> Result<Scraper, ScrapeError> {
        let url = reqwest::Url::parse(url).map_err(|_| ScrapeError::BadUrl)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ScrapeError::BadUrl);
        }
        let client = reqwest::Client::builder()
            .timeout(SCRAPE_TIMEOUT)
            .build()
            .map_err(|e| ScrapeError::Unreachable(e.to_string()))?;
        Ok(Scraper { client, url })
    }

    pub async fn scrape(&self) -> Result<Snapshot, ScrapeError> {
        let res = self
            .client
            .get(self.url.clone())
            .send()
            .await
            .map_err(|e| ScrapeError::Unreachable(root_cause(&e)))?;
        let status = res.status().as_u16();
        let content_type = res
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type")
            .to_string();
        if !res.status().is_success() {
            return Err(ScrapeError::Status {
                status,
                content_type,
            });
        }
        let body = read_page(res).await?;
        let e = prometheus::parse(&body).map_err(|e| ScrapeError::NotText {
            content_type: content_type.clone(),
            detail: e.to_string(),
        })?;
        if !Snapshot::is_journal_api(&e) {
            return Err(ScrapeError::NotJournalApi);
        }
        Ok(Snapshot::from_exposition(&e))
    }
}

/// The page as text, refused unread when its declared length is over [`MAX_PAGE_BYTES`] and
/// refused as soon as what arrives runs past it.
async fn read_page(res: reqwest::Response) -> Result<String, ScrapeError> {
    let too_large = ScrapeError::TooLarge {
        limit: MAX_PAGE_BYTES,
    };
    if res.content_length().is_some_and(|n| n > MAX_PAGE_BYTES) {
        return Err(too_large);
    }
    // The page is kept whole: it is parsed, so the keep limit is the read limit.
    let read = crate::body::read_within(res, MAX_PAGE_BYTES as usize, MAX_PAGE_BYTES).await;
    if read.over(MAX_PAGE_BYTES) {
        return Err(too_large);
    }
    if let Some(e) = &read.error {
        return Err(ScrapeError::Unreachable(root_cause(e)));
    }
    Ok(String::from_utf8_lossy(&read.kept).into_owned())
}

/// The innermost cause: "Connection refused (os error 111)" rather than "error sending request".
fn root_cause(e: &reqwest::Error) -> String {
    let mut cause = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        cause = s.to_string();
        src = s.source();
    }
    cause
}

#[cfg(test)]
#[path = "scrape_tests.rs"]
mod tests;
