//! The command line, the only user of clap: one file per command ([`run`], [`tune`], [`merge`],
//! [`scenario`], [`scenario_try`], [`scenario_init`] and [`profile`]),
//! each with its arguments, their checks, its entry point and what it prints; the exit statuses
//! in [`exit`].

pub mod exit;
pub mod merge;
pub mod profile;
mod profile_mix;
pub mod run;
mod run_args;
pub mod scenario;
pub mod scenario_init;
pub mod scenario_try;
pub mod tune;

use clap::{Parser, Subcommand};

pub use exit::{EXIT_INTERRUPTED, EXIT_THRESHOLD};

#[derive(Parser, Debug)]
#[command(
    name = "loadgen",
    version,
    about = "Open-model load generator for the journal API: variable traffic, time compression, summary.json for costcalc",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per process: the size of the larger variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Play a traffic profile against a journal API and write reports and summary.json
    Run(run::RunArgs),
    /// Time the journal API as a Lambda function at each memory size's CPU share (a cgroup CPU
    /// quota), write tune.json and print what was measured; costcalc prices it and picks the size
    Tune(crate::cli::tune::TuneArgs),
    /// Add up the summaries of every shard of one plan (`run --shard K/N`) into one summary.json
    /// of a single run's schema: counts summed, percentiles from the merged HDR histograms
    Merge(merge::MergeArgs),
    /// Scenario files (journeys as data): check one at line:column, or try each journey once
    /// against a live server
    Scenario(scenario::ScenarioArgs),
    /// Profile files: `from-logs` writes one from access logs (the rate per minute over the
    /// logged window) with the logs' route shares beside it
    Profile(profile::ProfileArgs),
}

/// Runs the command; returns the process exit status.
pub async fn main_with(cli: Cli) -> i32 {
    match cli.command {
        Command::Run(args) => run::main(&args).await,
        Command::Tune(args) => crate::cli::tune::main(&args).await,
        Command::Merge(args) => merge::main(&args),
        Command::Scenario(args) => scenario::main(&args).await,
        Command::Profile(args) => profile::main(&args),
    }
}
