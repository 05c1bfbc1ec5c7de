//! loadgen's integration tests, one binary: bad input on the command line, end-to-end runs
//! against the real journal-api on loopback, the server side of a run (its metrics and
//! processes, on a throwaway PostgreSQL cluster), and `loadgen tune` (cgroup CPU quotas, a sweep
//! of the real function).

mod batch;
mod cli;
mod e2e;
mod server;
mod shards;
mod support;
mod tune;
