//! loadgen's integration tests, one binary: bad input on the command line, end-to-end runs
//! against the real journal-api on loopback, the server side of a run (its metrics and
//! processes, on a throwaway PostgreSQL cluster), and `loadgen tune` (cgroup CPU quotas, a sweep
//! of the real function).
//!
//! Profiles, timeline, send-or-drop (every arrival sent once or dropped once), journeys, sessions,
//! summary and thresholds are pure-function unit tests beside the code, as are the session rules
//! (sign in once, cycle, refresh 60 s before expiry on either clock, re-login after a 401, logout),
//! the pool, the overload verdict and the probe's rules; the Prometheus parser, the histogram
//! percentiles, the `/proc` parsing and tree sums and the server block's arithmetic, with
//! hand-worked figures; the K/N filter, `--start-at` parsing, histogram recording and encoding, the
//! exact merge (the merged histograms equal one histogram of every sample, bucket for bucket), the
//! plan check, the idle gaps' intersection, the interval width (each of the ladder divides the
//! next; ten-second histograms equal their ten seconds added; histograms of 1 s and 5 s add up
//! exactly at 5 s) and the lining up of shards without a common start (one started 3.2 s later
//! lands 3 s later, second for second, in the timeline and the interval histograms); and for
//! `loadgen tune`, the quota arithmetic, the v1 and v2 cgroup files on plain directories,
//! percentiles and billing, events, route weights, and the Runtime API driven by reqwest as
//! lambda_runtime drives it (the duration covers the handler's work, `/error`, a silent function's
//! timeout, `/init/error`, extension registration). The key layout, content types and the `batch/N`
//! index of the AWS Batch flags are unit tests too.
//!
//! The tests assert only what holds however loaded the machine is: a busy CI machine makes them
//! slower, never red. Whether a rate goes through *without drops* is a capacity claim, measured by
//! `scripts/bench-loadgen` (a debug server on a machine at load average 4 dropped 394 of the e2e
//! steady run's 2,000 arrivals). The end-to-end runs take turns (a nextest test group in
//! `.config/nextest.toml`, and a lock in `support.rs` for `cargo test`): side by side on two cores
//! they starved each other into 503s. They find the server binary through `JOURNAL_API_BIN`,
//! `$CARGO_TARGET_DIR/debug/journal-api`, the test's own target folder or
//! `target/debug/journal-api`, and fail with "build it first: cargo build -p api" when it is
//! missing.

mod batch;
mod cli;
mod docs;
mod e2e;
mod hostile;
mod openapi;
mod profile_from_logs;
mod profile_mix;
mod scenario;
mod scenario_run;
mod server;
mod shards;
mod support;
mod tune;
