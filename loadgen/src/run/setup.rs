//! The setup phase: accounts registered (and one entry seeded each) before the clock starts, so
//! argon2 hashing on registration is measured apart from the traffic.

use crate::plan::journey::Account;
use crate::summary::Sample;
use anyhow::{Context, anyhow, bail};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the setup phase left: the accounts (sorted by address), the access token each got on
/// registration, when, and the registrations measured.
pub struct Registered {
    pub accounts: Vec<Account>,
    pub tokens: Vec<String>,
    pub at: Instant,
    pub samples: Vec<Sample>,
}

/// Registers `n` accounts (four at a time) and seeds one entry each, so readers always have
/// something to read. Fails with the server's answer when the target refuses.
pub async fn setup(
    host: &str,
    n: usize,
    tag: &str,
    password: &str,
    timeout_s: u64,
) -> anyhow::Result<Registered> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout_s))
        .build()?;
    let base = host.trim_end_matches('/').to_string();
    let sem = Arc::new(tokio::sync::Semaphore::new(4));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let (client, base, sem) = (client.clone(), base.clone(), sem.clone());
        let account = Account {
            email: format!("{tag}-s{i}@loadgen.example.com"),
            password: password.to_string(),
        };
        set.spawn(async move {
            let _permit = sem.acquire_owned().await?;
            register_one(&client, &base, account).await
        });
    }
    let mut done = Vec::new();
    let mut samples = Vec::new();
    while let Some(r) = set.join_next().await {
        let (a, token, s) = r.context("setup task")??;
        done.push((a, token));
        samples.push(s);
    }
    done.sort_by(|a, b| a.0.email.cmp(&b.0.email));
    let (accounts, tokens) = done.into_iter().unzip();
    Ok(Registered {
        accounts,
        tokens,
        at: Instant::now(),
        samples,
    })
}

/// Registers one account and seeds it one entry; returns it with its token and the timing of the
/// registration.
async fn register_one(
    client: &reqwest::Client,
    base: &str,
    account: Account,
) -> anyhow::Result<(Account, String, Sample)> {
    let body =
        serde_json::json!({"email": account.email, "password": account.password}).to_string();
    let sent = Instant::now();
    let r = client
        .post(format!("{base}/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .map_err(|e| anyhow!("setup: POST {base}/api/v1/auth/register failed: {e}"))?;
    let status = r.status();
    let read = crate::body::read(r).await;
    if !read.complete {
        bail!(
            "setup: POST {base}/api/v1/auth/register: the answer was cut short after {} bytes (does {base} speak the journal API?)",
            read.len
        );
    }
    let (bytes, body_len) = (read.kept, read.len);
    let sample = Sample {
        method: "POST",
        route: "/api/v1/auth/register",
        status: status.as_u16(),
        ok: status.is_success(),
        due_wall_s: 0.0,
        sent_wall_s: 0.0,
        latency_ms: sent.elapsed().as_secs_f64() * 1000.0,
        request_bytes: body.len() as u64,
        response_bytes: body_len,
    };
    let text = String::from_utf8_lossy(&bytes);
    if !status.is_success() {
        bail!(
            "setup: registering a user failed: POST /api/v1/auth/register answered {status}: {} (does {base} speak the journal API?)",
            text.chars().take(200).collect::<String>()
        );
    }
    let token = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v["access_token"].as_str().map(String::from))
        .ok_or_else(|| anyhow!("setup: the register answer has no access_token: {text}"))?;
    let entry = serde_json::json!({
        "work": "set up the load test",
        "struggle": "none yet",
        "intention": "read this entry back"
    });
    let r = client
        .post(format!("{base}/api/v1/entries"))
        .bearer_auth(&token)
        .json(&entry)
        .send()
        .await?;
    if !r.status().is_success() {
        bail!(
            "setup: seeding an entry failed: POST /api/v1/entries answered {}",
            r.status()
        );
    }
    Ok((account, token, sample))
}
