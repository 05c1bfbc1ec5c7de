//! How far `loadgen tune`'s Lambda figures are from the native server's, for loadgen/README.md:
//! at each size, under the same cgroup quota, `journal-api serve` timed by an HTTP client on
//! loopback, then the same routes as Lambda invocations (event handed out to answer received).
//! Prints one line per size and route: native p50/mean, Lambda p50/mean. Needs root.
//!
//!   cargo run --release -p loadgen --example tune_native -- target/release/journal-api 256,1769 30

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use loadgen::stats::latency;
use loadgen::tune::cgroup::{Cgroup, Layout, Limits};
use loadgen::tune::event::{ROUTES, Route};
use loadgen::tune::function::FunctionSpec;
use loadgen::tune::sweep::{SweepConfig, measure_size};

const EMAIL: &str = "native@example.com";
const PASSWORD: &str = "loadgen tune password 1";

fn request(c: &reqwest::Client, base: &str, r: Route, token: &str) -> reqwest::RequestBuilder {
    match r {
        Route::Health => c.get(format!("{base}/health")),
        Route::List => c.get(format!("{base}/api/v1/entries?limit=20")).bearer_auth(token),
        Route::Create => c
            .post(format!("{base}/api/v1/entries"))
            .bearer_auth(token)
            .json(&serde_json::json!({"work": "timed the function", "struggle": "cgroup quotas", "intention": "pick a size"})),
        Route::Login => c
            .post(format!("{base}/api/v1/auth/login"))
            .form(&[("username", EMAIL), ("password", PASSWORD)]),
    }
}

/// Client-timed durations (ms) per route of `journal-api serve` inside `group`.
async fn native(
    function: &str,
    db: &str,
    group: &Cgroup,
    n: usize,
) -> anyhow::Result<Vec<Vec<f64>>> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut child = Command::new(function)
        .args(["serve", "--dev", "--addr", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", db)
        .env("AUTH_RATE_PER_MINUTE", "0")
        .env("FAILED_LOGINS_PER_MINUTE", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    group.add_pid(child.id())?;
    let result = async {
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            anyhow::ensure!(Instant::now() < deadline, "the server did not listen");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let base = format!("http://127.0.0.1:{port}");
        let c = reqwest::Client::new();
        // The account may exist from the previous size (same database): then it is a 409.
        let _ = c
            .post(format!("{base}/api/v1/auth/register"))
            .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
            .send()
            .await?;
        let login: serde_json::Value = request(&c, &base, Route::Login, "")
            .send()
            .await?
            .json()
            .await?;
        let token = login["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let mut warm = vec![Vec::new(); ROUTES.len()];
        for round in 0..=n {
            for (i, r) in ROUTES.iter().enumerate() {
                let t0 = Instant::now();
                let res = request(&c, &base, *r, &token).send().await?;
                let status = res.status();
                res.bytes().await?;
                let ms = t0.elapsed().as_secs_f64() * 1000.0;
                anyhow::ensure!(status.is_success(), "{} answered {status}", r.path());
                if round > 0 {
                    warm[i].push(ms);
                }
            }
        }
        Ok(warm)
    }
    .await;
    let _ = child.kill();
    let _ = child.wait();
    result
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [function, memory, n] = args.as_slice() else {
        anyhow::bail!("usage: tune_native FUNCTION MB,MB,... REQUESTS");
    };
    let sizes = loadgen::tune::parse_memory(memory)?;
    let n: usize = n.parse()?;
    let layout = Layout::detect()?;
    let dir = tempfile::tempdir()?;
    let db = format!("sqlite://{}/journal.db?mode=rwc", dir.path().display());
    let cfg = SweepConfig {
        function: FunctionSpec {
            path: std::path::absolute(function)?,
            name: "journal-api".into(),
            database_url: db.clone(),
            jwt_secret: "tune-native-example-secret-of-at-least-32-bytes".into(),
            log: dir.path().join("function.log"),
            journal_env: true,
            ..FunctionSpec::default()
        },
        requests: n,
        cold_starts: 0,
        timeout: Duration::from_secs(30),
        progress: false,
    };
    println!("MB    route   native p50  mean    lambda p50  mean    (ms; {n} requests each)");
    for mb in sizes {
        // The native server first: it applies the migrations the Lambda role expects.
        let group = Cgroup::create(
            &layout,
            &format!("tune-native-{}-{mb}", std::process::id()),
            Limits::for_memory_mb(mb),
        )?;
        let native = native(function, &db, &group, n).await?;
        drop(group);
        let lambda = measure_size(&layout, &cfg, mb).await?;
        anyhow::ensure!(lambda.usable, "{mb} MB: {:?}", lambda.reason);
        for ((r, ms), l) in ROUTES.iter().zip(&native).zip(&lambda.routes) {
            let d = latency(ms.to_vec());
            println!(
                "{mb:<5} {:<7} {:>10.2} {:>6.2} {:>11.2} {:>6.2}",
                r.name(),
                d.p50,
                d.mean,
                l.duration_ms.p50,
                l.duration_ms.mean
            );
        }
    }
    Ok(())
}
