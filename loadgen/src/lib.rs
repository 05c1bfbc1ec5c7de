//! loadgen: open-model load generator for an HTTP API described by a scenario (journeys as data;
//! journal-api's by default, see README.md).
//!
//! The layers, each depending only on the ones above it:
//! - [`stats`]: samples and nearest-rank percentiles, the leaf; [`body`]: reading an HTTP body
//!   no further than a stated size, another leaf.
//! - [`summary`]: summary.json (v1.7), every type it contains, and its pure figures (HDR
//!   histograms, overload windows and verdict, thresholds).
//! - [`plan`]: pure and seeded, what a run will send (profile, timeline, shard, dispatch,
//!   journeys, sessions).
//! - [`server`]: the server side of a run (metrics scrapes, /proc sampling) and its block.
//! - [`run`]: drives goose against the target (workers, setup, the `--compress auto` probe,
//!   progress) and writes the summary.
//! - [`openapi`]: a starter scenario from an OpenAPI document, pure text to text (below
//!   [`scenario`], whose limits it keeps).
//! - [`merge`]: adds up the summaries of a sharded run; [`tune`]: the journal API as a Lambda
//!   function at each memory size's CPU share; [`upload`]: copies the outputs to S3.
//! - [`cli`]: the commands, their flags, their errors and exit codes; the only user of clap.

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

pub mod body;
pub mod cli;
pub mod merge;
pub mod openapi;
pub mod plan;
pub mod run;
pub mod scenario;
pub mod server;
pub mod stats;
pub mod summary;
pub mod tune;
pub mod upload;
