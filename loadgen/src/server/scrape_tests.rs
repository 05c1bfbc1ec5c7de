//! Scrapes of loopback endpoints that never stop sending or declare a huge page: each is a
//! failed scrape naming the size, read no further than the bound.

use super::*;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::mpsc;

/// A loopback endpoint that answers one GET with `head`, then zeros-like comment lines until
/// the client hangs up. Returns its URL and, once the client hung up, the body bytes it wrote.
fn endless(head: &'static str) -> (String, mpsc::Receiver<u64>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/metrics", l.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut req = [0u8; 4096];
        let _ = s.read(&mut req);
        let _ = s.write_all(head.as_bytes());
        let line = b"# journal_padding a comment line of a page that never ends\n".repeat(1024);
        let mut sent = 0u64;
        while s.write_all(&line).is_ok() {
            sent += line.len() as u64;
        }
        let _ = tx.send(sent);
    });
    (url, rx)
}

async fn scrape(url: &str) -> Result<Snapshot, ScrapeError> {
    Scraper::new(url).unwrap().scrape().await
}

/// What the client read: no more than the bound and what the two sockets' buffers hold. Waits
/// off the runtime, which must stay free to close the dropped connection.
async fn assert_read_bounded(rx: mpsc::Receiver<u64>) {
    // Not a speed claim: a minute only turns a client that never hangs up into a failure.
    let sent = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(60)))
        .await
        .unwrap()
        .expect("loadgen hung up on the endless page");
    assert!(
        sent < MAX_PAGE_BYTES + (32 << 20),
        "the endpoint wrote {sent} bytes before loadgen hung up"
    );
}

#[tokio::test]
async fn an_endless_page_is_a_failed_scrape() {
    let (url, rx) =
        endless("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n");
    let err = scrape(&url).await.unwrap_err();
    assert_eq!(
        err,
        ScrapeError::TooLarge {
            limit: MAX_PAGE_BYTES
        }
    );
    assert!(
        err.to_string().contains("larger than 8388608 bytes"),
        "{err}"
    );
    assert_read_bounded(rx).await;
}

#[tokio::test]
async fn an_endless_chunked_page_is_a_failed_scrape() {
    let (url, rx) = endless(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n1000000\r\n",
    );
    let err = scrape(&url).await.unwrap_err();
    // A 16 MiB chunk never finished: refused on size, or the stream's framing breaks first.
    assert!(
        matches!(
            err,
            ScrapeError::TooLarge { .. } | ScrapeError::Unreachable(_)
        ),
        "{err:?}"
    );
    assert_read_bounded(rx).await;
}

#[tokio::test]
async fn a_huge_declared_length_is_refused_unread() {
    let (url, rx) = endless(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 10000000000\r\n\r\n",
    );
    let err = scrape(&url).await.unwrap_err();
    assert_eq!(
        err,
        ScrapeError::TooLarge {
            limit: MAX_PAGE_BYTES
        }
    );
    assert_read_bounded(rx).await;
}
