//! The reference journal API (see README.md): one axum router over PostgreSQL or SQLite, served
//! natively (`journal-api serve`), as a migration task (`journal-api migrate`), or on AWS Lambda.

pub mod access_log;
pub mod app;
pub mod auth;
pub mod body;
pub mod cli;
pub mod config;
pub mod conn;
pub mod current;
pub mod db;
pub mod deadline;
pub mod edge;
pub mod error;
pub mod headers;
pub mod lambda;
pub mod limits;
pub mod log_queue;
pub mod metrics;
pub mod openapi;
pub mod redact;
pub mod routes;
pub mod server;
pub mod state;
pub mod telemetry;
pub mod validate;
