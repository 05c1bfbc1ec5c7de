//! The server side of a run (`loadgen run --server-metrics/--server-pid/--db-pid`): what the API
//! and its database spent while loadgen played the schedule, for summary.json's `server` block.
//!
//! Pure: [`prometheus`] (the text format), [`metrics`] (journal-api's families of one scrape),
//! [`histogram`] (percentiles from buckets), [`block`] (the block from what was recorded).
//! Edges: [`scrape`] (HTTP), [`proc`] (/proc; its parsing and tree walk are pure), [`watch`]
//! (the tasks that sample during the run).

pub mod block;
pub mod histogram;
pub mod metrics;
pub mod proc;
pub mod prometheus;
pub mod scrape;
pub mod watch;

pub use crate::summary::server::ServerBlock;
pub use watch::{Armed, ServerOptions, Watch, WatchError, check};
