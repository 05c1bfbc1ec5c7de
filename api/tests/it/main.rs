//! The api crate's integration tests, one binary with a module per area. Most run on both
//! databases (SQLite, and PostgreSQL through TEST_DATABASE_URL); `faults` and `lambda_proxy` are
//! `#[ignore]`d here and run by scripts/test.d/55-faults.sh and 50-lambda.sh.

#[macro_use]
mod support;

mod auth;
mod binary;
mod deadlines;
mod entries;
mod faults;
mod lambda_events;
mod lambda_proxy;
mod meta;
mod metrics;
mod openapi_limits;
mod sessions;
