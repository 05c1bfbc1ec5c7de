//! loadgen: open-model load generator for the journal API (see README.md).
//!
//! Pure parts: [`profile`] (rate curves), [`timeline`] (seeded arrivals), [`journey`] (what each
//! request of a user journey is), [`summary`] (summary.json v1), [`threshold`] (pass/fail rules).
//! Edges: [`run`] drives goose against the target and writes the reports.

pub mod cli;
pub mod journey;
pub mod profile;
pub mod run;
pub mod summary;
pub mod threshold;
pub mod timeline;
