//! loadgen's integration tests, one binary: bad input on the command line, end-to-end runs
//! against the real journal-api on loopback, and the server side of a run (its metrics and
//! processes, on a throwaway PostgreSQL cluster).

mod cli;
mod e2e;
mod pg;
mod server;
mod support;
