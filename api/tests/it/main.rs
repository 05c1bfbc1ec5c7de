//! The api crate's integration tests, one binary with a module per area. Most run on both
//! databases (SQLite, and PostgreSQL through TEST_DATABASE_URL); `faults` and `lambda_proxy` are
//! `#[ignore]`d here and run by scripts/test.d/55-faults.sh and 50-lambda.sh.
//!
//! - `auth/`, `entries.rs`, `meta.rs`: every route's success and error cases and the security list,
//!   driving the real router; each test runs twice, on a fresh SQLite file and on a fresh
//!   PostgreSQL database (a PostgreSQL test without `TEST_DATABASE_URL` fails and says to run
//!   `scripts/test`).
//! - `openapi_limits.rs`: the served `/openapi.json`'s limits against the validation's constants.
//! - `binary.rs`, `metrics.rs`: the real binary.
//! - `sessions.rs`, `deadlines.rs`: races, rotation, and bounded time against a database that never
//!   answers.
//! - `lambda_events/`, `lambda_proxy.rs`: the Lambda runtime path, and the statement cache behind a
//!   transaction-mode pooler.
//! - `faults/`: the real binary against a PostgreSQL cluster each test owns.
//!
//! Time bounds in these tests are the documented contracts plus a margin; anything that used to
//! wait a fixed time for something to happen (a request in flight, the listener closing) waits for
//! the event itself (a log line, the accept queue), so a loaded machine makes the run slower, not
//! red. Stage 30 (`scripts/test.d/30-schemathesis.sh`) fuzzes a live `serve --dev` on SQLite and on
//! PostgreSQL with schemathesis 4 and every check (`api/schemathesis.toml`): no 5xx, every response
//! as documented.

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
