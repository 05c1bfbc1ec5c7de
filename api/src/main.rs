//! `journal-api`: parse the command line, run it, turn errors into a message and exit code 1.

use std::process::ExitCode;

use clap::Parser;
use journal_api::cli::{Cli, run};

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("journal-api: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
