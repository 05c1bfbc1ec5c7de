//! What drives a run (`loadgen run`): the goose attack that plays a [`crate::plan`] against the
//! target and records what happened for [`crate::summary`].
//!
//! Pure: [`pool`] (the sessions between two requests), [`chunked_log`] (what the users record).
//! Edges: [`play`] (preflight, setup phase, the attack, the reports), [`worker`] (what each
//! goose user runs), [`setup`] (accounts registered before the clock), [`probe`] (`--compress
//! auto`'s capacity probe, itself short runs), [`progress`] (lines on stderr while it runs),
//! [`due`] (sleeping until an arrival is due), [`body`] (reading a response no further than
//! needed), `outputs` (summary.json and the accounts).

pub mod chunked_log;
pub mod due;
mod outputs;
pub mod play;
pub mod pool;
pub mod probe;
pub mod progress;
pub mod setup;
pub mod stop;
pub mod worker;

pub use outputs::profile_info;
pub use play::{RunConfig, preflight, run, users_needed};
