//! loadgen: open-model load generator for the journal API (see README.md).
//!
//! Pure parts: [`profile`] (rate curves), [`timeline`] (seeded arrivals), [`dispatch`] (which
//! arrival a user sends next, which are dropped as too late), [`journey`] (what each request of a
//! user journey is), [`session`] (sign in once, refresh, log out), [`summary`] (summary.json
//! v1.4), [`overload`] (did the target keep up), [`threshold`] (pass/fail rules).
//! [`chunked_log`] and [`pool`] are what the users share during the run; [`server`] measures the
//! server side of a run (metrics scrapes, /proc sampling) and builds its summary block.
//! Edges: [`run`] drives goose against the target (each user runs [`worker`]) and writes the
//! reports; [`setup`] registers the accounts first; [`progress`] reports while it runs;
//! [`upload`] copies the outputs to S3 after it (`--upload`, AWS Batch shards).
//! [`tune`] is `loadgen tune`: the journal API as a Lambda function at each memory size's CPU share.

/// `println!` that ignores a closed stdout (`loadgen run ... | head`) instead of panicking.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `eprintln!` that ignores a closed stderr.
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

pub mod chunked_log;
pub mod cli;
pub mod dispatch;
pub mod due;
pub mod hdr;
pub mod journey;
pub mod merge;
pub mod overload;
pub mod pool;
pub mod probe;
pub mod profile;
pub mod progress;
pub mod run;
pub mod scenario;
pub mod server;
pub mod session;
pub mod setup;
pub mod shard;
pub mod summary;
pub mod text;
pub mod threshold;
pub mod timeline;
pub mod tune;
pub mod upload;
pub mod worker;
