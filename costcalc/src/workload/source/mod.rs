//! Where a workload's figures come from, one module each: a TOML workload file, a loadgen run's
//! `summary.json`, a Lambda memory sweep (`tune.json`), CloudWatch's metrics (read by `aws`) and
//! journal-api's reference profile. Each turns its input into a `Workload` (or the part of one it
//! measures), saying where each figure came from.

pub mod cloudwatch;
pub mod file;
pub mod loadgen;
pub mod logs;
pub mod reference;
pub mod tune;
