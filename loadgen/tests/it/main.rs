//! loadgen's integration tests, one binary: bad input on the command line, and end-to-end runs
//! against the real journal-api on loopback, and `loadgen tune` (cgroup CPU quotas, a sweep).

mod cli;
mod e2e;
mod support;
mod tune;
