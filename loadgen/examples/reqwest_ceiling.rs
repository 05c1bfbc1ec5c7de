//! The ceiling of any load generator built on reqwest, for `scripts/bench-loadgen`: C tasks
//! send GET requests back to back (closed loop, no goose, no schedule, no metrics) through one
//! shared client, for S seconds. Prints `requests seconds`.
//!
//!   cargo run --release -p loadgen --example reqwest_ceiling -- http://127.0.0.1:8080/health 64 10
//!
//! Loopback targets only: it sends as fast as it can.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

// The same allocator as loadgen, so the two are compared like for like.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, concurrency, seconds] = args.as_slice() else {
        anyhow::bail!("usage: reqwest_ceiling URL CONCURRENCY SECONDS");
    };
    let url = reqwest::Url::parse(url)?;
    let host = url.host_str().unwrap_or("");
    let loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    anyhow::ensure!(loopback, "{url}: loopback targets only");
    let concurrency: usize = concurrency.parse()?;
    let end = Instant::now() + Duration::from_secs_f64(seconds.parse()?);

    let client = reqwest::Client::new();
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, done, url) = (client.clone(), done.clone(), url.clone());
            tokio::spawn(async move {
                while Instant::now() < end {
                    let response = client.get(url.clone()).send().await?;
                    response.bytes().await?;
                    done.fetch_add(1, Relaxed);
                }
                anyhow::Ok(())
            })
        })
        .collect();
    for t in tasks {
        t.await??;
    }
    println!(
        "{} {:.3}",
        done.load(Relaxed),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
