//! The HTTP edge: GET the metrics URL and read it as journal-api's Prometheus text.

use super::metrics::Snapshot;
use super::prometheus;
use std::time::Duration;

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
            .timeout(Duration::from_secs(5))
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
        let body = res
            .text()
            .await
            .map_err(|e| ScrapeError::Unreachable(root_cause(&e)))?;
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
