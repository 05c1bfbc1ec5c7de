//! Test support for the AWS paths: a real HTTP/1.1 server on 127.0.0.1 that the real SDK clients
//! reach through `AWS_ENDPOINT_URL` (or an endpoint override), answering in each API's wire
//! protocol: the Price List Query API in awsJson1.1 (filtering and paging the products of
//! `tests/data/aws/pricing/*.json`), CloudWatch in Smithy RPC v2 CBOR (replaying the pages of
//! `tests/data/aws/cloudwatch/*.json`). Every request is recorded for the tests to inspect.
//! Bounded: each connection times out after 10 s, the server stops when dropped.
//! [`server`] is the HTTP server, [`pricing`] and [`cloudwatch`] the two APIs it plays.

#![allow(dead_code)]

mod cloudwatch;
mod pricing;
mod server;

// What the test modules name; the rest is used within these modules.
pub use cloudwatch::{cloudwatch_server, epoch, split_pages};
pub use pricing::{PricingScript, pricing_server};
pub use server::Server;

use std::path::PathBuf;

pub fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/aws")
        .join(path)
}

pub fn pricing_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data("pricing"))
        .expect("tests/data/aws/pricing")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

/// Environment for running the binary against `url` with fake static credentials, and never
/// anything but loopback (instance metadata off, no profile files).
pub fn aws_env(url: &str, home: &std::path::Path) -> Vec<(String, String)> {
    [
        ("AWS_ENDPOINT_URL", url),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_MAX_ATTEMPTS", "3"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .chain([
        (
            "AWS_CONFIG_FILE".into(),
            home.join("none-config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            home.join("none-credentials").display().to_string(),
        ),
        ("HOME".into(), home.display().to_string()),
    ])
    .collect()
}

pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("costcalc-aws-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
