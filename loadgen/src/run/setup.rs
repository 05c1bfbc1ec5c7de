//! The setup phase: the scenario's `[setup]` steps played once for each account of the pool
//! before the clock starts (journal-api: register, seed one entry), so argon2 hashing on
//! registration is measured apart from the traffic.

use crate::plan::journey::Account;
use crate::scenario::{RenderedBody, Response, Scenario, Values, apply};
use crate::summary::Sample;
use anyhow::{Context, anyhow, bail};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the setup phase left: the accounts (sorted by address), each one's values after its
/// setup (`account.*` and what the steps saved, such as its token), when, and the first step's
/// requests measured.
pub struct Registered {
    pub accounts: Vec<Account>,
    pub saved: Vec<Values>,
    pub at: Instant,
    pub samples: Vec<Sample>,
}

/// An account's values as templates read them: `base` (the environment) and `account.*`.
pub fn account_values(base: &Values, a: &Account) -> Values {
    let mut v = base.clone();
    v.insert("account.email".into(), Value::String(a.email.clone()));
    v.insert("account.password".into(), Value::String(a.password.clone()));
    v
}

/// Plays the setup steps for `n` accounts (four at a time). Fails with the server's answer when
/// the target refuses a step.
pub async fn setup(
    host: &str,
    scenario: &'static Scenario,
    n: usize,
    (tag, password): (&str, &str),
    base: &Values,
    timeout_s: u64,
) -> anyhow::Result<Registered> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout_s))
        .build()?;
    let host = host.trim_end_matches('/').to_string();
    let sem = Arc::new(tokio::sync::Semaphore::new(4));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let (client, host, sem) = (client.clone(), host.clone(), sem.clone());
        let account = Account {
            email: format!("{tag}-s{i}@loadgen.example.com"),
            password: password.to_string(),
        };
        let values = account_values(base, &account);
        set.spawn(async move {
            let _permit = sem.acquire_owned().await?;
            let rng = ChaCha8Rng::seed_from_u64(i as u64);
            let (values, sample) = set_up_one(&client, &host, scenario, values, rng).await?;
            anyhow::Ok((account, values, sample))
        });
    }
    let mut done = Vec::new();
    let mut samples = Vec::new();
    while let Some(r) = set.join_next().await {
        let (a, values, s) = r.context("setup task")??;
        done.push((a, values));
        samples.extend(s);
    }
    done.sort_by(|a, b| a.0.email.cmp(&b.0.email));
    let (accounts, saved) = done.into_iter().unzip();
    Ok(Registered {
        accounts,
        saved,
        at: Instant::now(),
        samples,
    })
}

/// Plays every setup step for one account; returns its values with the saves, and the timing
/// of its first step.
async fn set_up_one(
    client: &reqwest::Client,
    host: &str,
    scenario: &'static Scenario,
    mut values: Values,
    mut rng: ChaCha8Rng,
) -> anyhow::Result<(Values, Option<Sample>)> {
    let mut first = None;
    let headers_wanted = scenario.captures_headers();
    for (i, step) in scenario.setup.iter().enumerate() {
        let what = format!("setup: {} {}", step.method, step.route);
        let req = step
            .render(&mut rng, &values, None)
            .map_err(|m| anyhow!("{what}: no value for '{{{}}}'", m.0))?;
        let method = reqwest::Method::from_bytes(req.method.as_bytes())?;
        let mut rb = client.request(method, format!("{host}{}", req.path));
        for (k, v) in &req.headers {
            rb = rb.header(k, v);
        }
        let request_bytes = match req.body {
            RenderedBody::None => 0,
            RenderedBody::Json(b) => {
                let n = b.len();
                rb = rb.header("content-type", "application/json").body(b);
                n
            }
            RenderedBody::Form(b) => {
                let n = b.len();
                rb = rb
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(b);
                n
            }
        };
        let sent = Instant::now();
        let r = rb
            .send()
            .await
            .map_err(|e| anyhow!("{what} ({host}{}) failed: {e}", req.path))?;
        let status = r.status().as_u16();
        let headers = if headers_wanted {
            crate::run::worker::header_list(r.headers())
        } else {
            Vec::new()
        };
        let read = crate::body::read(r).await;
        if !read.complete {
            bail!(
                "{what}: the answer was cut short after {} bytes (does {host} speak the API the scenario describes?)",
                read.len
            );
        }
        let ok = step.expects(status);
        if i == 0 {
            first = Some(Sample {
                method: step.method.as_str(),
                route: step.route.as_str(),
                status,
                ok,
                due_wall_s: 0.0,
                sent_wall_s: 0.0,
                latency_ms: sent.elapsed().as_secs_f64() * 1000.0,
                request_bytes: request_bytes as u64,
                response_bytes: read.len,
            });
        }
        let text = String::from_utf8_lossy(&read.kept);
        if !ok {
            bail!(
                "{what} answered {status}: {} (does {host} speak the API the scenario describes?)",
                text.chars().take(200).collect::<String>()
            );
        }
        let resp = Response {
            status,
            headers: &headers,
            body: &read.kept,
        };
        let saved = apply(&step.save, &resp).map_err(|f| {
            anyhow!(
                "{what}: cannot save '{}': {}; the answer: {}",
                f.name,
                f.reason.as_str(),
                text.chars().take(200).collect::<String>()
            )
        })?;
        saved.unset.iter().for_each(|n| drop(values.remove(n)));
        values.extend(saved.values);
    }
    Ok((values, first))
}
