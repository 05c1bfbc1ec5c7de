//! `journal-api`: parse the command line, run it, turn errors into a message and exit code 1.

use std::process::ExitCode;

use clap::Parser;
use journal_api::cli::{Cli, run};

fn main() -> ExitCode {
    // On AWS Lambda the Runtime API drives the binary, not the command line (src/lambda.rs).
    let result = if journal_api::lambda::is_lambda() {
        journal_api::lambda::run()
    } else {
        run(Cli::parse())
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("journal-api: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
