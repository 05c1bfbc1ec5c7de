//! The AWS flags and subcommands: `prices fetch|show|diff` and the `report` measurement flags
//! (`--from-cloudwatch`, `--metrics-file`, resource names, `--days`, `--print-queries`).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use rust_decimal::Decimal;

use super::cloudwatch::{self, Measurement, Resources};
use super::{price_diff, price_list};
use crate::error::{Error, Result};
use crate::prices::{self, PriceSnapshot};
use crate::workload::Workload;

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// Build a price snapshot from the AWS Price List Query API (or `aws pricing get-products` output)
    Fetch(FetchArgs),
    /// Every price of a snapshot: USD, unit, Price List usage type, source
    Show(ShowArgs),
    /// What changed between two snapshots, price by price ("bundled" names the bundled one)
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Region to price (a region code: us-east-1, eu-west-1, ...)
    #[arg(long, value_name = "REGION", default_value = "us-east-1")]
    pub region: String,
    /// Write the snapshot here (the format --prices reads) [default: standard output]
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Region of the Price List API endpoint (it answers in us-east-1, eu-central-1, ap-south-1)
    #[arg(long, value_name = "REGION", default_value = super::PRICING_ENDPOINT_REGION)]
    pub endpoint_region: String,
    /// Offline: build from saved `aws pricing get-products` output instead of calling AWS (repeatable)
    #[arg(long, value_name = "FILE", conflicts_with = "print_cli_commands")]
    pub price_list_file: Vec<PathBuf>,
    /// Print the `aws pricing get-products` commands whose output --price-list-file reads, and exit
    #[arg(long)]
    pub print_cli_commands: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ShowFormat {
    Table,
    Toml,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Snapshot file [default: the bundled snapshot of --region]
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    #[arg(long, value_name = "REGION", default_value = "us-east-1")]
    pub region: String,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Snapshot A: a file, or "bundled" (or "bundled:REGION")
    pub a: String,
    /// Snapshot B: a file, or "bundled" (or "bundled:REGION")
    pub b: String,
}

fn load(name: &str) -> Result<PriceSnapshot> {
    match name.strip_prefix("bundled") {
        Some("") => prices::bundled("us-east-1"),
        Some(r) if r.starts_with(':') => prices::bundled(&r[1..]),
        _ => prices::load_file(std::path::Path::new(name)),
    }
}

/// Run `prices fetch|show|diff`; progress lines go to standard error.
pub fn run_prices(cmd: &PricesCommand) -> Result<String> {
    match cmd {
        PricesCommand::Fetch(a) => {
            let template = prices::bundled("us-east-1")?;
            if a.print_cli_commands {
                return Ok(price_list::cli_commands(&price_list::queries(
                    &a.region, &template,
                )));
            }
            let snap = if a.price_list_file.is_empty() {
                eprintln!(
                    "Fetching {} list prices from the AWS Price List API ({}):",
                    a.region, a.endpoint_region
                );
                super::fetch_live(&a.region, &a.endpoint_region, &mut |line| {
                    eprintln!("  {line}")
                })?
            } else {
                super::snapshot_from_files(&a.region, &a.price_list_file)?
            };
            let text = snapshot_toml(&snap)?;
            match &a.out {
                Some(path) => {
                    std::fs::write(path, &text).map_err(|source| Error::Write {
                        path: path.clone(),
                        source,
                    })?;
                    Ok(format!(
                        "Wrote {} ({} prices, {} as of {}); use it with --prices {}\n",
                        path.display(),
                        price_diff::rows(&snap).len(),
                        snap.region,
                        snap.as_of,
                        path.display()
                    ))
                }
                None => Ok(text),
            }
        }
        PricesCommand::Show(a) => {
            let (snap, origin) = match &a.prices {
                Some(p) => (prices::load_file(p)?, p.display().to_string()),
                None => (prices::bundled(&a.region)?, "bundled".to_string()),
            };
            Ok(match a.format {
                ShowFormat::Table => price_diff::show_table(&snap, &origin),
                ShowFormat::Toml => snapshot_toml(&snap)?,
            })
        }
        PricesCommand::Diff(a) => {
            let (x, y) = (load(&a.a)?, load(&a.b)?);
            Ok(price_diff::diff_table(&x, &a.a, &y, &a.b))
        }
    }
}

/// The snapshot as the TOML file `--prices` reads, with a header saying what it is.
pub fn snapshot_toml(s: &PriceSnapshot) -> Result<String> {
    let body = toml::to_string(s)
        .map_err(|e| Error::input("prices", format!("cannot write the snapshot: {e}")))?;
    Ok(format!(
        "# deploycost price snapshot: AWS on-demand list prices for {}, read {}.\n\
         # Every money value is a decimal string; tiers are [from, to) ranges, the last one open.\n{body}",
        s.region, s.as_of
    ))
}

/// `report` flags that measure the workload from CloudWatch (live or a saved file).
#[derive(Debug, Args, Default, Clone)]
pub struct MetricsArgs {
    /// Measure the workload from CloudWatch (GetMetricData) for the resources named below
    #[arg(long, help_heading = "From AWS", conflicts_with = "metrics_file")]
    pub from_cloudwatch: bool,
    /// Offline: the JSON `aws cloudwatch get-metric-data` printed (see --print-queries)
    #[arg(long, value_name = "FILE", help_heading = "From AWS")]
    pub metrics_file: Option<PathBuf>,
    /// Print the GetMetricData queries and the `aws cloudwatch get-metric-data` command, and exit
    #[arg(long, help_heading = "From AWS")]
    pub print_queries: bool,
    /// Lambda function name
    #[arg(long, value_name = "NAME", help_heading = "From AWS")]
    pub lambda_function: Option<String>,
    /// API Gateway HTTP API id
    #[arg(long, value_name = "ID", help_heading = "From AWS")]
    pub http_api_id: Option<String>,
    /// API Gateway REST API name (with --stage)
    #[arg(
        long,
        value_name = "NAME",
        requires = "stage",
        help_heading = "From AWS"
    )]
    pub rest_api_name: Option<String>,
    /// REST API stage
    #[arg(
        long,
        value_name = "S",
        requires = "rest_api_name",
        help_heading = "From AWS"
    )]
    pub stage: Option<String>,
    /// ECS cluster (with --ecs-service)
    #[arg(
        long,
        value_name = "C",
        requires = "ecs_service",
        help_heading = "From AWS"
    )]
    pub ecs_cluster: Option<String>,
    /// ECS service
    #[arg(
        long,
        value_name = "S",
        requires = "ecs_cluster",
        help_heading = "From AWS"
    )]
    pub ecs_service: Option<String>,
    /// Application Load Balancer: app/NAME/ID (the end of its ARN, CloudWatch's LoadBalancer dimension)
    #[arg(long, value_name = "app/NAME/ID", help_heading = "From AWS")]
    pub alb: Option<String>,
    /// EC2 instance id
    #[arg(long, value_name = "I", help_heading = "From AWS")]
    pub instance_id: Option<String>,
    /// RDS DB instance identifier
    #[arg(long, value_name = "ID", help_heading = "From AWS")]
    pub rds_instance: Option<String>,
    /// Days of metrics to read, up to now (1-minute data for 15 days, 5-minute to 63, hourly beyond)
    #[arg(long, value_name = "N", default_value = "14", value_parser = clap::value_parser!(u32).range(1..=455), help_heading = "From AWS")]
    pub days: u32,
}

impl MetricsArgs {
    pub fn wanted(&self) -> bool {
        self.from_cloudwatch || self.metrics_file.is_some() || self.print_queries
    }

    pub fn resources(&self) -> Result<Resources> {
        let r = Resources {
            lambda_function: self.lambda_function.clone(),
            http_api_id: self.http_api_id.clone(),
            rest_api: self.rest_api_name.clone().zip(self.stage.clone()),
            ecs_service: self.ecs_cluster.clone().zip(self.ecs_service.clone()),
            alb: self.alb.clone(),
            instance_id: self.instance_id.clone(),
            rds_instance: self.rds_instance.clone(),
        };
        if let Some(lb) = &r.alb
            && !(lb.starts_with("app/") && lb.split('/').count() == 3)
        {
            return Err(Error::input(
                "--alb",
                format!(
                    "{lb:?} is not the LoadBalancer dimension: give app/NAME/ID, the part of the \
                     load balancer's ARN after \"loadbalancer/\""
                ),
            ));
        }
        if r.is_empty() {
            return Err(Error::input(
                "--from-cloudwatch",
                "name what to read: --lambda-function, --http-api-id, --rest-api-name with \
                 --stage, --ecs-cluster with --ecs-service, --alb, --instance-id or --rds-instance",
            ));
        }
        Ok(r)
    }

    /// `--print-queries`: what to run where the credentials are.
    pub fn print_queries(&self, region: Option<&str>) -> Result<String> {
        let r = self.resources()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let w = cloudwatch::window(now, self.days);
        Ok(
            cloudwatch::cli_commands(&cloudwatch::plan(&r, w.period), &w, region)
                + "costcalc report --metrics-file metrics.json ... (the same resource flags and --days)\n",
        )
    }

    /// The measured workload, or None when no AWS flag was given. `base` supplies what CloudWatch
    /// does not measure.
    pub fn measure(
        &self,
        region: Option<&str>,
        hours_per_month: Decimal,
        base: Workload,
    ) -> Result<Option<Measurement>> {
        if let Some(path) = &self.metrics_file {
            let r = self.resources()?;
            return super::measure_file(path, &r, self.days, hours_per_month, base).map(Some);
        }
        if self.from_cloudwatch {
            let r = self.resources()?;
            eprintln!("Reading CloudWatch metrics ({} days):", self.days);
            return super::measure_live(region, &r, self.days, hours_per_month, base, &mut |l| {
                eprintln!("  {l}")
            })
            .map(Some);
        }
        Ok(None)
    }
}
