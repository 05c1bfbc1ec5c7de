//! loadgen: open-model load generator for the journal API (see README.md).
//!
//! Pure parts: [`profile`] (rate curves), [`timeline`] (seeded arrivals), [`journey`] (what each
//! request of a user journey is), [`summary`] (summary.json v1), [`threshold`] (pass/fail rules).
//! [`record`] is what the users append to during the run.
//! Edges: [`run`] drives goose against the target and writes the reports.

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

pub mod cli;
pub mod journey;
pub mod profile;
pub mod record;
pub mod run;
pub mod summary;
pub mod threshold;
pub mod timeline;
