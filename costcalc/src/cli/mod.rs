//! The command line: parses flags into the engine's types, calls the engine, renders. Only this
//! module knows flag names (`flags`); `run` returns the text to print.

mod breakeven;
mod compare;
mod database;
pub mod flags;
mod lambda_memory;
pub mod logs;
mod metrics;
mod price_args;
mod prices;
mod purchase;
mod report;
pub mod scenario;
mod service;
pub mod values;

use clap::{Parser, Subcommand, ValueEnum};

pub use breakeven::BreakevenArgs;
pub use metrics::MetricsArgs;
pub use price_args::{PriceArgs, load_prices};
pub use prices::{PricesArgs, PricesCommand};
pub use report::ReportArgs;
pub use scenario::{Scenario, ScenarioArgs, scenario};

use crate::error::Result;
use service::{
    AlbArgs, ApigwArgs, Ec2Args, FargateArgs, FargateTasksArgs, Ipv4Args, LambdaArgs, LogsArgs,
    NatArgs, RdsArgs, RdsProxyArgs, TransferArgs,
};

#[derive(Debug, Parser)]
#[command(
    name = "costcalc",
    version,
    about = "Exact monthly AWS cost of an API on EC2, ECS Fargate and Lambda",
    long_about = "Exact monthly AWS cost of an API on EC2, ECS Fargate and Lambda, every line item \
shown, from a dated price snapshot bundled in the binary (no AWS account needed).\n\n\
With an AWS account: `costcalc prices fetch` writes today's list prices for any region (pricing:GetProducts) \
and `costcalc report --from-cloudwatch` prices what the API really served (cloudwatch:GetMetricData); \
both also read AWS CLI output offline (--price-list-file, --metrics-file).\n\n\
Start with `costcalc report`. Data sizes are binary (1 KB = 1,024 B, 1 GB = 2^30 B); money is exact \
and rounded half-up to cents only for display.",
    after_help = "Examples:
  costcalc report                                   the side project (10,000 requests a month)
  costcalc report --requests-per-month 50e6 --throughput-per-vcpu 800
  costcalc report --from-loadgen reports/day/summary.json --format md
  costcalc breakeven --chart breakeven.svg          where the cheapest deployment changes
  costcalc lambda --requests 3e6 --duration-ms 120 --memory-mb 512"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Monthly cost of the three deployments (EC2, Fargate, Lambda) for one workload
    Report(ReportArgs),
    /// Where the cheapest deployment changes as monthly traffic grows (exact crossings, optional SVG chart)
    Breakeven(BreakevenArgs),
    /// AWS Lambda: requests, GB-s duration (tiered), ephemeral storage, provisioned concurrency
    Lambda(LambdaArgs),
    /// Amazon API Gateway: REST or HTTP API requests (tiered, HTTP metered per 512 KB) + response transfer
    Apigw(ApigwArgs),
    /// AWS Fargate: vCPU and memory hours, storage above 20 GB, per second with a 1-minute minimum
    Fargate(FargateArgs),
    /// AWS Fargate task runs of one size, each its own length (the shards of a load test): per
    /// second with a 1-minute minimum each, priced exactly
    FargateTasks(FargateTasksArgs),
    /// Amazon EC2: on-demand Linux instance hours, EBS gp3, public IPv4
    Ec2(Ec2Args),
    /// Amazon RDS for PostgreSQL: instance hours (single-AZ or Multi-AZ) and gp3 storage
    Rds(RdsArgs),
    /// Amazon RDS Proxy: vCPU-hours of the target instance, 2 vCPU minimum
    RdsProxy(RdsProxyArgs),
    /// Application Load Balancer: hours + LCU-hours on the highest of four dimensions
    Alb(AlbArgs),
    /// NAT Gateway: hours + GB processed
    Nat(NatArgs),
    /// Public IPv4 addresses (in use or idle)
    Ipv4(Ipv4Args),
    /// CloudWatch Logs: GB ingested + GB-month stored
    Logs(LogsArgs),
    /// Data transfer out to the internet (tiered; 100 GB free with --free-tier)
    Transfer(TransferArgs),
    /// Price snapshots: print the one in use (TOML, the format --prices reads); fetch live prices, show, diff
    Prices(PricesArgs),
}

/// Output of the per-service commands.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Switch {
    On,
    Off,
}

impl Switch {
    fn on(self) -> bool {
        self == Switch::On
    }
}

/// Parse the command line. Negative numbers are taken as values (so `--requests -5` gets "expected
/// a number >= 0" rather than "unexpected argument").
pub fn parse<I, T>(args: I) -> std::result::Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let cmd = Cli::command().mut_subcommands(|s| s.allow_negative_numbers(true));
    let matches = cmd.try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

/// Run a parsed command and produce the output text.
pub fn run(cli: Cli) -> Result<String> {
    match cli.command {
        Command::Report(a) => report::run(&a),
        Command::Breakeven(a) => breakeven::run(&a),
        Command::Lambda(a) => a.run(),
        Command::Apigw(a) => a.run(),
        Command::Fargate(a) => a.run(),
        Command::FargateTasks(a) => a.run(),
        Command::Ec2(a) => a.run(),
        Command::Rds(a) => a.run(),
        Command::RdsProxy(a) => a.run(),
        Command::Alb(a) => a.run(),
        Command::Nat(a) => a.run(),
        Command::Ipv4(a) => a.run(),
        Command::Logs(a) => a.run(),
        Command::Transfer(a) => a.run(),
        Command::Prices(a) => prices::run(&a),
    }
}
