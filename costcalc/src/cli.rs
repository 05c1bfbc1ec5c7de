//! The command line: parses flags, loads prices and workloads, calls the pure models, renders.
//! `run` returns the text to print; only `breakeven --chart` writes a file.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::breakeven;
use crate::deployment::{self, Kind, Options};
use crate::error::{Error, Result};
use crate::loadgen_summary;
use crate::money;
use crate::prices::{self, PriceSnapshot};
use crate::pricing::{self, LineItem, alb, apigw, ec2, fargate, lambda, lambda::Arch, rds};
use crate::report::{self, Bill, PriceInfo, Report};
use crate::workload::{self, Workload};

#[derive(Debug, Parser)]
#[command(
    name = "costcalc",
    version,
    about = "Exact monthly AWS cost of the journal API on EC2, ECS Fargate and Lambda",
    long_about = "Exact monthly AWS cost of the journal API on EC2, ECS Fargate and Lambda, every line item \
shown, from a dated price snapshot bundled in the binary (no AWS account needed).\n\n\
With an AWS account: `costcalc prices fetch` writes today's list prices for any region (pricing:GetProducts) \
and `costcalc report --from-cloudwatch` prices what the API really served (cloudwatch:GetMetricData); \
both also read AWS CLI output offline (--price-list-file, --metrics-file).\n\n\
Start with `costcalc report`. Data sizes are binary (1 KB = 1,024 B, 1 GB = 2^30 B); money is exact \
and rounded half-up to cents only for display."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Monthly cost of the three deployments (EC2, Fargate, Lambda) for one workload
    Report(ReportArgs),
    /// Where the cheapest deployment changes as monthly traffic grows (log sweep, optional SVG chart)
    Breakeven(BreakevenArgs),
    /// AWS Lambda: requests, GB-s duration (tiered), ephemeral storage, provisioned concurrency
    Lambda(LambdaArgs),
    /// Amazon API Gateway: REST or HTTP API requests (tiered, HTTP metered per 512 KB) + response transfer
    Apigw(ApigwArgs),
    /// AWS Fargate: vCPU and memory hours, storage above 20 GB, per second with a 1-minute minimum
    Fargate(FargateArgs),
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

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
    Md,
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

/// Where prices come from and how long a month is: shared by every command.
#[derive(Debug, Args)]
pub struct PriceArgs {
    /// Region of the price snapshot [default: us-east-1, or the --prices file's region]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Price snapshot file (TOML: what `costcalc prices` prints or `costcalc prices fetch` writes) instead of the bundled one
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// Hours in the month (AWS's calculator uses 730)
    #[arg(long, value_name = "H", default_value = "730", value_parser = positive)]
    pub hours_per_month: Decimal,
    /// Apply the always-free allowances (Lambda 1M requests + 400,000 GB-s, 100 GB out, 5 GB logs)
    #[arg(long)]
    pub free_tier: bool,
}

#[derive(Debug, Args)]
pub struct Common {
    #[command(flatten)]
    pub prices: PriceArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

impl Common {
    fn hours(&self, h: Option<Decimal>) -> Decimal {
        h.unwrap_or(self.prices.hours_per_month)
    }
}

#[derive(Debug, Args)]
pub struct LambdaArgs {
    /// Invocations per month
    #[arg(long, value_name = "N", value_parser = nonneg)]
    pub requests: Decimal,
    /// Duration of each invocation, ms (billed rounded up to 1 ms)
    #[arg(long, value_name = "D", value_parser = nonneg, required_unless_present = "durations_file")]
    pub duration_ms: Option<Decimal>,
    /// Measured per-invocation durations, one number of ms per line (e.g. `@billedDuration`
    /// or `@duration` from REPORT lines): each is rounded up to 1 ms, and the sample's billed
    /// time per invocation is scaled to --requests
    #[arg(long, value_name = "FILE", conflicts_with = "duration_ms")]
    pub durations_file: Option<PathBuf>,
    /// Configured memory, MB (128 to 10,240)
    #[arg(long, value_name = "M", value_parser = positive)]
    pub memory_mb: Decimal,
    #[arg(long, value_enum, default_value = "x86_64")]
    pub arch: Arch,
    /// Configured ephemeral storage, MB (512 to 10,240; above 512 is billed)
    #[arg(long, value_name = "E", default_value = "512", value_parser = nonneg)]
    pub ephemeral_mb: Decimal,
    /// Provisioned concurrency kept warm all month (invocations then billed at its duration rate)
    #[arg(long, value_name = "N", default_value = "0", value_parser = nonneg)]
    pub provisioned_concurrency: Decimal,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct ApigwArgs {
    /// API calls per month
    #[arg(long, value_name = "N", value_parser = nonneg)]
    pub requests: Decimal,
    #[arg(long, value_enum, default_value = "http")]
    pub api: apigw::ApiKind,
    /// Request body per call, KB (1,024 B)
    #[arg(long, value_name = "K", default_value = "0", value_parser = nonneg)]
    pub payload_kb: Decimal,
    /// Response body per call, KB (1,024 B); also billed as data transfer out
    #[arg(long, value_name = "K", default_value = "0", value_parser = nonneg)]
    pub response_kb: Decimal,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("runtime").required(true).args(["hours", "seconds_per_day"])))]
pub struct FargateArgs {
    #[arg(long, value_name = "N", value_parser = nonneg)]
    pub tasks: Decimal,
    /// vCPU per task (0.25, 0.5, 1, 2, 4, 8, 16)
    #[arg(long, value_name = "V", value_parser = positive)]
    pub vcpu: Decimal,
    /// Memory per task, GB
    #[arg(long, value_name = "G", value_parser = positive)]
    pub memory_gb: Decimal,
    /// Ephemeral storage per task, GB (20 included)
    #[arg(long, value_name = "S", default_value = "20", value_parser = nonneg)]
    pub storage_gb: Decimal,
    #[arg(long, value_enum, default_value = "x86_64")]
    pub arch: Arch,
    /// Fargate Spot (Linux/x86_64; the snapshot's observed Spot rate)
    #[arg(long)]
    pub spot: bool,
    /// Hours each task runs in the month
    #[arg(long, value_name = "H", value_parser = nonneg, conflicts_with_all = ["seconds_per_day", "days"])]
    pub hours: Option<Decimal>,
    /// Seconds each task runs per day (with --days; each run billed at least 60 s)
    #[arg(long, value_name = "S", value_parser = nonneg, requires = "days")]
    pub seconds_per_day: Option<Decimal>,
    /// Days in the month the tasks run (with --seconds-per-day)
    #[arg(long, value_name = "D", value_parser = nonneg, requires = "seconds_per_day")]
    pub days: Option<Decimal>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct Ec2Args {
    #[arg(long, value_name = "T")]
    pub instance_type: String,
    #[arg(long, value_name = "N", default_value = "1", value_parser = nonneg)]
    pub count: Decimal,
    /// Hours each instance runs [default: --hours-per-month]
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    /// gp3 volume per instance, GB
    #[arg(long, value_name = "G", default_value = "8", value_parser = nonneg)]
    pub ebs_gb: Decimal,
    /// Public IPv4 addresses per instance
    #[arg(long, value_name = "N", default_value = "1", value_parser = nonneg)]
    pub public_ipv4: Decimal,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct RdsArgs {
    #[arg(long, value_name = "C")]
    pub instance_class: String,
    #[arg(long)]
    pub multi_az: bool,
    #[arg(long, value_name = "S", default_value = "20", value_parser = nonneg)]
    pub storage_gb: Decimal,
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct RdsProxyArgs {
    /// vCPUs of the target database instance
    #[arg(long, value_name = "N", value_parser = nonneg)]
    pub vcpus: Decimal,
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct AlbArgs {
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    #[arg(long, value_name = "X", value_parser = nonneg)]
    pub new_connections_per_sec: Decimal,
    /// How long each connection stays open, seconds
    #[arg(long, value_name = "T", value_parser = nonneg)]
    pub connection_duration_sec: Decimal,
    #[arg(long, value_name = "R", value_parser = nonneg)]
    pub requests_per_sec: Decimal,
    /// KB (1,024 B) per second processed, both directions
    #[arg(long, value_name = "B", value_parser = nonneg)]
    pub processed_kb_per_sec: Decimal,
    /// Listener rules evaluated per request (first 10 free)
    #[arg(long, value_name = "N", value_parser = nonneg)]
    pub rules: Decimal,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct NatArgs {
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    #[arg(long, value_name = "G", value_parser = nonneg)]
    pub processed_gb: Decimal,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct Ipv4Args {
    #[arg(long, value_name = "N", value_parser = nonneg)]
    pub addresses: Decimal,
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    #[arg(long, value_name = "G", value_parser = nonneg)]
    pub ingest_gb: Decimal,
    /// GB-month stored [default: 0]
    #[arg(long, value_name = "S", default_value = "0", value_parser = nonneg)]
    pub stored_gb: Decimal,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct TransferArgs {
    #[arg(long, value_name = "G", value_parser = nonneg)]
    pub out_gb: Decimal,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct PricesArgs {
    #[command(flatten)]
    pub prices: PriceArgs,
    /// Without a subcommand: print the snapshot in use as TOML
    #[command(subcommand)]
    pub action: Option<crate::aws::cli::PricesCommand>,
}

/// Workload and deployment choices: shared by `report` and `breakeven`.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    #[command(flatten)]
    pub prices: PriceArgs,

    #[command(flatten)]
    pub aws: crate::aws::cli::MetricsArgs,

    /// Requests per month (overrides the workload file or loadgen figure)
    #[arg(long, value_name = "N", value_parser = nonneg, help_heading = "Workload")]
    pub requests_per_month: Option<Decimal>,
    /// Workload file (TOML; see README "Workload file")
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "from_loadgen",
        help_heading = "Workload"
    )]
    pub workload: Option<PathBuf>,
    /// loadgen summary.json: measured rate, latency, bytes and peak
    #[arg(long, value_name = "FILE", help_heading = "Workload")]
    pub from_loadgen: Option<PathBuf>,
    /// Mean time per request inside the function, ms [default: 100]
    #[arg(long, value_name = "MS", value_parser = nonneg, help_heading = "Workload")]
    pub duration_ms: Option<Decimal>,
    /// Mean request body, bytes [default: 256]
    #[arg(long, value_name = "B", value_parser = nonneg, help_heading = "Workload")]
    pub request_bytes: Option<Decimal>,
    /// Mean response body, bytes [default: 2048]
    #[arg(long, value_name = "B", value_parser = nonneg, help_heading = "Workload")]
    pub response_bytes: Option<Decimal>,
    /// Peak requests per second [default: 10 x the average]
    #[arg(long, value_name = "R", value_parser = nonneg, help_heading = "Workload")]
    pub peak_rps: Option<Decimal>,
    /// Requests per second one vCPU sustains (sizes EC2 and Fargate) [default: 100]
    #[arg(long, value_name = "R", value_parser = positive, help_heading = "Workload")]
    pub throughput_per_vcpu: Option<Decimal>,
    /// Application log bytes per request [default: 200]
    #[arg(long, value_name = "B", value_parser = nonneg, help_heading = "Workload")]
    pub log_bytes_per_request: Option<Decimal>,

    /// At least 2 EC2 instances / Fargate tasks
    #[arg(long, help_heading = "Deployments")]
    pub ha: bool,
    #[arg(
        long,
        value_enum,
        default_value = "arm64",
        help_heading = "Deployments"
    )]
    pub lambda_arch: Arch,
    #[arg(long, value_name = "MB", default_value = "512", value_parser = positive, help_heading = "Deployments")]
    pub lambda_memory_mb: Decimal,
    #[arg(long, value_name = "MB", default_value = "512", value_parser = nonneg, help_heading = "Deployments")]
    pub lambda_ephemeral_mb: Decimal,
    #[arg(long, value_name = "N", default_value = "0", value_parser = nonneg, help_heading = "Deployments")]
    pub provisioned_concurrency: Decimal,
    /// API Gateway kind in front of Lambda
    #[arg(long, value_enum, default_value = "http", help_heading = "Deployments")]
    pub api: apigw::ApiKind,
    /// RDS Proxy between Lambda and the database
    #[arg(long, value_enum, default_value = "on", help_heading = "Deployments")]
    pub proxy: Switch,
    /// NAT Gateway so the VPC Lambda can reach the internet
    #[arg(long, value_enum, default_value = "off", help_heading = "Deployments")]
    pub nat: Switch,
    /// GB a month through the NAT Gateway (with --nat on)
    #[arg(long, value_name = "G", default_value = "1", value_parser = nonneg, help_heading = "Deployments")]
    pub nat_gb: Decimal,
    #[arg(
        long,
        value_name = "T",
        default_value = "t4g.micro",
        help_heading = "Deployments"
    )]
    pub instance_type: String,
    #[arg(long, value_name = "G", default_value = "8", value_parser = nonneg, help_heading = "Deployments")]
    pub ebs_gb: Decimal,
    #[arg(long, value_name = "V", default_value = "0.25", value_parser = positive, help_heading = "Deployments")]
    pub fargate_vcpu: Decimal,
    #[arg(long, value_name = "G", default_value = "0.5", value_parser = positive, help_heading = "Deployments")]
    pub fargate_memory_gb: Decimal,
    #[arg(
        long,
        value_enum,
        default_value = "arm64",
        help_heading = "Deployments"
    )]
    pub fargate_arch: Arch,
    /// Fargate Spot (x86_64 only)
    #[arg(long, help_heading = "Deployments")]
    pub spot: bool,
    /// Fargate tasks get a public IPv4 each (public subnets, no NAT)
    #[arg(long, value_enum, default_value = "on", help_heading = "Deployments")]
    pub task_public_ip: Switch,
    /// Availability zones of the ALB (one public IPv4 each)
    #[arg(long, value_name = "N", default_value = "2", value_parser = positive, help_heading = "Deployments")]
    pub alb_azs: Decimal,
    #[arg(
        long,
        value_name = "C",
        default_value = "db.t4g.micro",
        help_heading = "Deployments"
    )]
    pub db_instance_class: String,
    #[arg(long, value_name = "G", default_value = "20", value_parser = nonneg, help_heading = "Deployments")]
    pub db_storage_gb: Decimal,
    #[arg(long, help_heading = "Deployments")]
    pub multi_az: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct BreakevenArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Lowest requests per month of the sweep
    #[arg(long, value_name = "N", default_value = "1000", value_parser = positive)]
    pub from: Decimal,
    /// Highest requests per month of the sweep
    #[arg(long, value_name = "N", default_value = "1e10", value_parser = positive)]
    pub to: Decimal,
    /// Points of the log-spaced sweep (crossings are then refined to the request)
    #[arg(long, value_name = "N", default_value = "200")]
    pub points: usize,
    /// Also write an SVG chart of cost against traffic, crossings marked
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
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

fn parse_decimal(s: &str) -> std::result::Result<Decimal, String> {
    let t = s.trim();
    Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| format!("expected a number, got {s:?}"))
}

/// clap value parser: a number >= 0.
pub fn nonneg(s: &str) -> std::result::Result<Decimal, String> {
    let d = parse_decimal(s)?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(format!("expected a number >= 0, got {s}"));
    }
    Ok(d)
}

/// clap value parser: a number > 0.
pub fn positive(s: &str) -> std::result::Result<Decimal, String> {
    let d = parse_decimal(s)?;
    if d <= Decimal::ZERO {
        return Err(format!("expected a number > 0, got {s}"));
    }
    Ok(d)
}

/// Load the snapshot the flags ask for, and say where it came from.
pub fn load_prices(a: &PriceArgs) -> Result<(PriceSnapshot, PriceInfo)> {
    match &a.prices {
        Some(path) => {
            let p = prices::load_file(path)?;
            if let Some(r) = &a.region
                && *r != p.region
            {
                return Err(Error::input(
                    "--region",
                    format!(
                        "{r:?} does not match the region of {} ({:?})",
                        path.display(),
                        p.region
                    ),
                ));
            }
            let info = PriceInfo::new(&p, &path.display().to_string());
            Ok((p, info))
        }
        None => {
            let p = prices::bundled(a.region.as_deref().unwrap_or("us-east-1"))?;
            let info = PriceInfo::new(&p, "bundled");
            Ok((p, info))
        }
    }
}

fn bill(c: &Common, info: PriceInfo, title: String, line_items: Vec<LineItem>) -> String {
    let total_usd = pricing::total(&line_items);
    let b = Bill {
        prices: info,
        title,
        line_items,
        total_usd,
    };
    match c.format {
        Format::Table => report::table::bill(&b),
        Format::Json => report::json::bill(&b),
    }
}

fn check_range(flag: &str, v: Decimal, lo: Decimal, hi: Decimal) -> Result<()> {
    if v < lo || v > hi {
        return Err(Error::input(
            flag,
            format!("expected {lo} to {hi}, got {v}"),
        ));
    }
    Ok(())
}

/// The workload from defaults, a file, a loadgen summary or CloudWatch, then flag overrides; what
/// CloudWatch said goes to standard error.
pub fn workload(s: &ScenarioArgs) -> Result<Workload> {
    let (w, measured) = workload_measured(s)?;
    if let Some(m) = measured {
        eprint!("{}", crate::aws::cloudwatch::report(&m));
    }
    Ok(w)
}

/// The workload, and what CloudWatch said when it was measured (`--from-cloudwatch`,
/// `--metrics-file`): the measurement replaces the base figures, flags still override.
pub fn workload_measured(
    s: &ScenarioArgs,
) -> Result<(Workload, Option<crate::aws::cloudwatch::Measurement>)> {
    let hours = s.prices.hours_per_month;
    let base = match (&s.workload, &s.from_loadgen) {
        (Some(f), _) => workload::from_file(f)?,
        (None, Some(f)) => loadgen_summary::from_file(f, hours)?,
        (None, None) => Workload::default(),
    };
    let measured = s
        .aws
        .measure(s.prices.region.as_deref(), hours, base.clone())?;
    let mut w = match &measured {
        Some(m) => m.workload.clone(),
        None => base,
    };
    let mut overridden = false;
    let mut set = |slot: &mut Decimal, v: Option<Decimal>| {
        if let Some(v) = v {
            *slot = v;
            overridden = true;
        }
    };
    set(&mut w.requests_per_month, s.requests_per_month);
    set(&mut w.duration_ms, s.duration_ms);
    set(&mut w.request_bytes, s.request_bytes);
    set(&mut w.response_bytes, s.response_bytes);
    set(&mut w.throughput_rps_per_vcpu, s.throughput_per_vcpu);
    set(&mut w.log_bytes_per_request, s.log_bytes_per_request);
    if s.peak_rps.is_some() {
        w.peak_rps = s.peak_rps;
        overridden = true;
    }
    if overridden {
        w.source = if w.source.starts_with("defaults") {
            "flags".into()
        } else {
            format!("{} with flag overrides", w.source)
        };
    }
    Ok((w, measured))
}

pub fn options(s: &ScenarioArgs) -> Result<Options> {
    check_range(
        "--lambda-memory-mb",
        s.lambda_memory_mb,
        dec!(128),
        dec!(10240),
    )?;
    check_range(
        "--lambda-ephemeral-mb",
        s.lambda_ephemeral_mb,
        dec!(512),
        dec!(10240),
    )?;
    if s.spot && s.fargate_arch == Arch::Arm64 {
        return Err(Error::input(
            "--spot",
            "Fargate Spot is priced for x86_64 only here; add --fargate-arch x86_64",
        ));
    }
    Ok(Options {
        hours: s.prices.hours_per_month,
        free_tier: s.prices.free_tier,
        high_availability: s.ha,
        lambda_arch: s.lambda_arch,
        lambda_memory_mb: s.lambda_memory_mb,
        lambda_ephemeral_mb: s.lambda_ephemeral_mb,
        provisioned_concurrency: s.provisioned_concurrency,
        api: s.api,
        rds_proxy: s.proxy.on(),
        nat: s.nat.on(),
        nat_gb: s.nat_gb,
        instance_type: s.instance_type.clone(),
        ebs_gb: s.ebs_gb,
        fargate_vcpu: s.fargate_vcpu,
        fargate_memory_gb: s.fargate_memory_gb,
        fargate_arch: s.fargate_arch,
        fargate_spot: s.spot,
        task_public_ip: s.task_public_ip.on(),
        alb_azs: s.alb_azs,
        db_instance_class: s.db_instance_class.clone(),
        db_storage_gb: s.db_storage_gb,
        multi_az: s.multi_az,
    })
}

/// Build the three-deployment report (also what the benchmark times).
pub fn build_report(s: &ScenarioArgs) -> Result<Report> {
    Ok(build_report_measured(s)?.0)
}

/// The report, and the CloudWatch read-report when the workload was measured.
pub fn build_report_measured(s: &ScenarioArgs) -> Result<(Report, Option<String>)> {
    let (p, info) = load_prices(&s.prices)?;
    let (w, measured) = workload_measured(s)?;
    let read = measured.map(|m| {
        let mut t = crate::aws::cloudwatch::report(&m);
        if m.region != p.region && !m.region.starts_with("metrics file") {
            t.push_str(&format!(
                "  Prices are {}'s: for {} prices run `costcalc prices fetch --region {} --out prices.toml` and add --prices prices.toml\n",
                p.region, m.region, m.region
            ));
        }
        t
    });
    let o = options(s)?;
    let deployments = Kind::ALL
        .iter()
        .map(|k| deployment::build(*k, &w, &o, &p))
        .collect::<Result<Vec<_>>>()?;
    Ok((Report::new(info, w, o, deployments), read))
}

/// Parse `args` and produce the output text.
pub fn run(cli: Cli) -> Result<String> {
    match cli.command {
        Command::Report(a) => {
            if a.scenario.aws.print_queries {
                return a
                    .scenario
                    .aws
                    .print_queries(a.scenario.prices.region.as_deref());
            }
            let (r, read) = build_report_measured(&a.scenario)?;
            let read = read.map(|t| t + "\n").unwrap_or_default();
            Ok(match a.format {
                ReportFormat::Table => read + &report::table::report(&r),
                ReportFormat::Md if !read.is_empty() => {
                    format!("```text\n{read}```\n\n") + &report::markdown::report(&r)
                }
                ReportFormat::Md => report::markdown::report(&r),
                // Machine formats stay parseable: what was read goes to standard error.
                ReportFormat::Json | ReportFormat::Csv => {
                    eprint!("{read}");
                    match a.format {
                        ReportFormat::Json => report::json::report(&r),
                        _ => report::csv::report(&r),
                    }
                }
            })
        }
        Command::Breakeven(a) => run_breakeven(&a),
        Command::Lambda(a) => {
            let c = &a.common;
            let (p, info) = load_prices(&c.prices)?;
            check_range("--memory-mb", a.memory_mb, dec!(128), dec!(10240))?;
            check_range("--ephemeral-mb", a.ephemeral_mb, dec!(512), dec!(10240))?;
            let (billed_seconds, how) = match (&a.durations_file, a.duration_ms) {
                (Some(f), _) => {
                    let d = read_durations(f)?;
                    let n = Decimal::from(d.len());
                    let sample = lambda::billed_seconds_of(&d);
                    // Mean billed time of the sample (each rounded up first) x requests; multiply first to
                    // keep the division exact when it can be.
                    (
                        sample * a.requests / n,
                        format!(
                            "{} measured durations (mean billed {} ms)",
                            d.len(),
                            money::quantity(sample * dec!(1000) / n, 3)
                        ),
                    )
                }
                (None, Some(ms)) => (
                    lambda::billed_seconds_uniform(a.requests, ms),
                    format!(
                        "{} ms (billed {} ms)",
                        ms.normalize(),
                        lambda::billed_ms(ms)
                    ),
                ),
                (None, None) => {
                    return Err(Error::input(
                        "--duration-ms",
                        "give --duration-ms D or --durations-file FILE",
                    ));
                }
            };
            let u = lambda::LambdaUsage {
                requests: a.requests,
                billed_seconds,
                memory_mb: a.memory_mb,
                ephemeral_mb: a.ephemeral_mb,
                arch: a.arch,
                provisioned_concurrency: a.provisioned_concurrency,
                hours: c.prices.hours_per_month,
                free_tier: c.prices.free_tier,
            };
            let title = format!(
                "Lambda {}: {} requests x {how} x {} MB",
                a.arch.as_str(),
                money::quantity(a.requests, 4),
                a.memory_mb.normalize()
            );
            Ok(bill(c, info, title, lambda::price(&u, &p)))
        }
        Command::Apigw(a) => {
            let c = &a.common;
            let (p, info) = load_prices(&c.prices)?;
            let u = apigw::ApiGwUsage {
                requests: a.requests,
                kind: a.api,
                request_kb: a.payload_kb,
                response_kb: a.response_kb,
            };
            let mut items = apigw::price(&u, &p);
            if a.response_kb > Decimal::ZERO {
                let gb = a.requests * a.response_kb * pricing::KB / pricing::GB;
                items.extend(pricing::transfer::price(gb, c.prices.free_tier, &p));
            }
            let title = format!(
                "API Gateway {}: {} calls",
                a.api.as_str(),
                money::quantity(a.requests, 4)
            );
            Ok(bill(c, info, title, items))
        }
        Command::Fargate(a) => {
            let c = &a.common;
            let (p, info) = load_prices(&c.prices)?;
            let runtime = match (a.hours, a.seconds_per_day, a.days) {
                (Some(h), _, _) => fargate::Runtime::Hours(h),
                (None, Some(s), Some(d)) => fargate::Runtime::Daily {
                    seconds: s,
                    days: d,
                },
                _ => {
                    return Err(Error::input(
                        "--hours",
                        "give --hours H, or --seconds-per-day S with --days D",
                    ));
                }
            };
            let u = fargate::FargateUsage {
                tasks: a.tasks,
                vcpu: a.vcpu,
                memory_gb: a.memory_gb,
                storage_gb: a.storage_gb,
                arch: a.arch,
                spot: a.spot,
                runtime,
            };
            let title = format!(
                "Fargate: {} tasks x {} vCPU / {} GB",
                a.tasks.normalize(),
                a.vcpu.normalize(),
                a.memory_gb.normalize()
            );
            Ok(bill(c, info, title, fargate::price(&u, &p)?))
        }
        Command::Ec2(a) => {
            let c = &a.common;
            let (p, info) = load_prices(&c.prices)?;
            let hours = c.hours(a.hours);
            let mut items = ec2::price(
                &ec2::Ec2Usage {
                    instance_type: a.instance_type.clone(),
                    count: a.count,
                    hours,
                    month_hours: c.prices.hours_per_month,
                    ebs_gb: a.ebs_gb,
                },
                &p,
            )?;
            if a.public_ipv4 > Decimal::ZERO {
                items.extend(pricing::ipv4::price(
                    "Instances",
                    a.count * a.public_ipv4,
                    hours,
                    &p,
                ));
            }
            Ok(bill(
                c,
                info,
                format!("EC2: {} x {}", a.count.normalize(), a.instance_type),
                items,
            ))
        }
        Command::Rds(a) => {
            let c = &a.common;
            let (p, info) = load_prices(&c.prices)?;
            let u = rds::RdsUsage {
                instance_class: a.instance_class.clone(),
                multi_az: a.multi_az,
                storage_gb: a.storage_gb,
                hours: c.hours(a.hours),
                month_hours: c.prices.hours_per_month,
            };
            Ok(bill(
                c,
                info,
                format!("RDS for PostgreSQL: {}", a.instance_class),
                rds::price(&u, &p)?,
            ))
        }
        Command::RdsProxy(a) => {
            let c = &a.common;
            let (p, info) = load_prices(&c.prices)?;
            Ok(bill(
                c,
                info,
                "RDS Proxy".into(),
                pricing::rds_proxy::price(a.vcpus, c.hours(a.hours), &p),
            ))
        }
        Command::Alb(a) => {
            let c = &a.common;
            let (p, info) = load_prices(&c.prices)?;
            let u = alb::AlbUsage {
                hours: c.hours(a.hours),
                new_connections_per_sec: a.new_connections_per_sec,
                connection_duration_sec: a.connection_duration_sec,
                requests_per_sec: a.requests_per_sec,
                processed_kb_per_sec: a.processed_kb_per_sec,
                rules: a.rules,
            };
            let l = alb::lcus(&u, &p);
            let title = format!(
                "Application Load Balancer: LCUs per hour by dimension: new connections {}, active connections {}, processed bytes {}, rule evaluations {}",
                money::quantity(l.new_connections, 6),
                money::quantity(l.active_connections, 6),
                money::quantity(l.processed_bytes, 6),
                money::quantity(l.rule_evaluations, 6)
            );
            Ok(bill(c, info, title, alb::price(&u, &p)))
        }
        Command::Nat(a) => {
            let c = &a.common;
            let (p, info) = load_prices(&c.prices)?;
            Ok(bill(
                c,
                info,
                "NAT Gateway".into(),
                pricing::nat::price(c.hours(a.hours), a.processed_gb, &p),
            ))
        }
        Command::Ipv4(a) => {
            let c = &a.common;
            let (p, info) = load_prices(&c.prices)?;
            Ok(bill(
                c,
                info,
                "Public IPv4".into(),
                pricing::ipv4::price("Addresses", a.addresses, c.hours(a.hours), &p),
            ))
        }
        Command::Logs(a) => {
            let c = &a.common;
            let (p, info) = load_prices(&c.prices)?;
            Ok(bill(
                c,
                info,
                "CloudWatch Logs".into(),
                pricing::logs::price(a.ingest_gb, a.stored_gb, c.prices.free_tier, &p),
            ))
        }
        Command::Transfer(a) => {
            let c = &a.common;
            let (p, info) = load_prices(&c.prices)?;
            Ok(bill(
                c,
                info,
                "Data transfer out".into(),
                pricing::transfer::price(a.out_gb, c.prices.free_tier, &p),
            ))
        }
        Command::Prices(a) => {
            if let Some(action) = &a.action {
                return crate::aws::cli::run_prices(action);
            }
            let (p, info) = load_prices(&a.prices)?;
            let body = toml::to_string(&p)
                .map_err(|e| Error::input("prices", format!("cannot print the snapshot: {e}")))?;
            Ok(format!("# {}\n{body}", info.line()))
        }
    }
}

fn run_breakeven(a: &BreakevenArgs) -> Result<String> {
    let s = &a.scenario;
    let (p, info) = load_prices(&s.prices)?;
    let w = workload(s)?;
    let o = options(s)?;
    let grid = breakeven::grid(a.from, a.to, a.points)?;
    let pts = breakeven::sweep(&w, &o, &p, &grid)?;
    let cs = breakeven::crossings(&w, &o, &p, &pts)?;
    if let Some(path) = &a.chart {
        write_file(path, &crate::chart::svg(&pts, &cs, &info))?;
    }
    Ok(match a.format {
        Format::Json => breakeven_json(&info, &w, &pts, &cs, a.chart.as_deref()),
        Format::Table => {
            let decades = breakeven::sweep(&w, &o, &p, &breakeven::decades(a.from, a.to))?;
            breakeven_table(&info, &pts, &decades, &cs, a.chart.as_deref())
        }
    })
}

/// One duration in ms per line; blank lines and `#` comments skipped.
fn read_durations(path: &Path) -> Result<Vec<Decimal>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let d = nonneg(t)
            .map_err(|m| Error::file(path.display().to_string(), format!("line {}: {m}", i + 1)))?;
        out.push(d);
    }
    if out.is_empty() {
        return Err(Error::file(
            path.display().to_string(),
            "no durations: expected one number of milliseconds per line",
        ));
    }
    Ok(out)
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn breakeven_json(
    info: &PriceInfo,
    w: &Workload,
    pts: &[breakeven::Point],
    cs: &[breakeven::Crossing],
    chart: Option<&Path>,
) -> String {
    use serde_json::json;
    let v = json!({
        "region": info.region,
        "prices_as_of": info.as_of,
        "prices_origin": info.origin,
        "workload_source": w.source,
        "points": pts.len(),
        "from_requests_per_month": pts.first().map(|p| money::exact(p.requests_per_month)),
        "to_requests_per_month": pts.last().map(|p| money::exact(p.requests_per_month)),
        "crossings": cs.iter().map(|c| json!({
            "between": [c.a.as_str(), c.b.as_str()],
            "requests_per_month": money::exact(c.requests_per_month),
            "cheaper_below": c.cheaper_below.as_str(),
            "cheaper_above": c.cheaper_above.as_str(),
            "cost_usd": money::usd_plain(c.cost_usd),
            "other_cost_usd": money::usd_plain(c.other_cost_usd),
        })).collect::<Vec<_>>(),
        "chart": chart.map(|p| p.display().to_string()),
    });
    serde_json::to_string_pretty(&v).expect("JSON values always serialize") + "\n"
}

fn breakeven_table(
    info: &PriceInfo,
    pts: &[breakeven::Point],
    decades: &[breakeven::Point],
    cs: &[breakeven::Crossing],
    chart: Option<&Path>,
) -> String {
    use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
    let mut s = format!("Break-even between deployments\n{}\n", info.line());
    if let (Some(f), Some(l)) = (pts.first(), pts.last()) {
        s.push_str(&format!(
            "Swept {} points from {} to {} requests/month (log scale), crossings refined to the request.\n",
            pts.len(), money::quantity(f.requests_per_month, 0), money::quantity(l.requests_per_month, 0)
        ));
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "Pair",
        "Requests/month",
        "Cheaper below",
        "Cheaper from here",
        "Monthly there (USD)",
    ]);
    for c in cs {
        t.add_row(vec![
            Cell::new(format!("{} / {}", report::title(c.a), report::title(c.b))),
            Cell::new(money::quantity(c.requests_per_month, 0)).set_alignment(CellAlignment::Right),
            Cell::new(report::title(c.cheaper_below)),
            Cell::new(report::title(c.cheaper_above)),
            Cell::new(format!(
                "{} vs {}",
                money::usd(c.cost_usd),
                money::usd(c.other_cost_usd)
            ))
            .set_alignment(CellAlignment::Right),
        ]);
    }
    if cs.is_empty() {
        s.push_str("No crossing in this range: the same deployment stays cheapest.\n");
    } else {
        s.push_str(&format!("{t}\n"));
    }
    // Each whole decade of the range, for orientation.
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "Requests/month",
        "EC2 (USD)",
        "Fargate (USD)",
        "Lambda (USD)",
        "Cheapest",
    ]);
    for p in decades {
        let mut row = vec![
            Cell::new(money::quantity(p.requests_per_month, 0)).set_alignment(CellAlignment::Right),
        ];
        row.extend(
            p.totals
                .iter()
                .map(|t| Cell::new(money::usd(*t)).set_alignment(CellAlignment::Right)),
        );
        let best = (0..3).min_by_key(|i| p.totals[*i]).unwrap_or(0);
        row.push(Cell::new(report::title(Kind::ALL[best])));
        t.add_row(row);
    }
    s.push_str(&format!("{t}\n"));
    if let Some(c) = chart {
        s.push_str(&format!("Chart written to {}\n", c.display()));
    }
    s
}
