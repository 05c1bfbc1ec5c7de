//! Network, traffic and logging services: `apigw`, `alb`, `nat`, `ipv4`, `logs`, `transfer`.

use clap::Args;
use rust_decimal::Decimal;

use super::{Common, bill, whole, within, within_flag};
use crate::cli::values::{choice, nonneg};
use crate::error::{Input, Result};
use crate::limits;
use crate::money;
use crate::pricing::{self, alb, apigw};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  costcalc apigw --requests 5000000
  costcalc apigw --requests 5000000 --api http --payload-kb 600   (each call metered as 2 x 512 KB)
  costcalc apigw --requests 1e9 --api rest --response-kb 2 --free-tier")]
pub struct ApigwArgs {
    /// API calls per month
    #[arg(long, value_name = "N", value_parser = nonneg)]
    pub requests: Decimal,
    /// API kind
    #[arg(long, value_parser = choice::<apigw::ApiKind>(), default_value_t = apigw::ApiKind::Http)]
    pub api: apigw::ApiKind,
    /// Request body per call, KB (1,024 B)
    #[arg(long, value_name = "K", default_value_t = Decimal::ZERO, value_parser = nonneg)]
    pub payload_kb: Decimal,
    /// Response body per call, KB (1,024 B); also billed as data transfer out
    #[arg(long, value_name = "K", default_value_t = Decimal::ZERO, value_parser = nonneg)]
    pub response_kb: Decimal,
    /// Apply the always-free 100 GB of data out (matters with --response-kb)
    #[arg(long)]
    pub free_tier: bool,
    #[command(flatten)]
    pub common: Common,
}

impl ApigwArgs {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, info) = c.load()?;
        let kb_max = limits::BODY_BYTES / pricing::KB;
        within(
            Input::RequestsPerMonth,
            self.requests,
            limits::REQUESTS_PER_MONTH,
        )?;
        within(Input::RequestBytes, self.payload_kb, kb_max)?;
        within(Input::ResponseBytes, self.response_kb, kb_max)?;
        let u = apigw::ApiGwUsage {
            requests: self.requests,
            kind: self.api,
            request_kb: self.payload_kb,
            response_kb: self.response_kb,
        };
        let mut items = apigw::price(&u, &p);
        if self.response_kb > Decimal::ZERO {
            let gb = self.requests * self.response_kb * pricing::KB / pricing::GB;
            items.extend(pricing::transfer::price(gb, self.free_tier, &p));
        }
        let title = format!(
            "API Gateway {}: {} calls",
            self.api.as_str(),
            money::quantity(self.requests, 4)
        );
        Ok(bill(c, info, title, items, None))
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Example:
  costcalc alb --new-connections-per-sec 5 --connection-duration-sec 60 --requests-per-sec 50 \\
      --processed-kb-per-sec 200 --rules 12")]
pub struct AlbArgs {
    /// Hours the load balancer runs [default: --hours-per-month]
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    /// New connections per second (average)
    #[arg(long, value_name = "X", value_parser = nonneg)]
    pub new_connections_per_sec: Decimal,
    /// How long each connection stays open, seconds
    #[arg(long, value_name = "T", value_parser = nonneg)]
    pub connection_duration_sec: Decimal,
    /// Requests per second (average)
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

impl AlbArgs {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, info) = c.load()?;
        let rate = limits::RATE_PER_SECOND;
        within_flag(
            "--new-connections-per-sec",
            self.new_connections_per_sec,
            rate,
        )?;
        within_flag(
            "--connection-duration-sec",
            self.connection_duration_sec,
            rate,
        )?;
        within_flag("--requests-per-sec", self.requests_per_sec, rate)?;
        within_flag("--processed-kb-per-sec", self.processed_kb_per_sec, rate)?;
        whole(Input::AlbRules, self.rules, limits::ALB_RULES)?;
        let u = alb::AlbUsage {
            hours: c.hours(self.hours)?,
            new_connections_per_sec: self.new_connections_per_sec,
            connection_duration_sec: self.connection_duration_sec,
            requests_per_sec: self.requests_per_sec,
            processed_kb_per_sec: self.processed_kb_per_sec,
            rules: self.rules,
        };
        let l = alb::lcus(&u, &p);
        let title = format!(
            "Application Load Balancer: LCUs per hour by dimension: new connections {}, active connections {}, processed bytes {}, rule evaluations {}",
            money::quantity(l.new_connections, 6),
            money::quantity(l.active_connections, 6),
            money::quantity(l.processed_bytes, 6),
            money::quantity(l.rule_evaluations, 6)
        );
        Ok(bill(c, info, title, alb::price(&u, &p), None))
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Example:
  costcalc nat --processed-gb 50")]
pub struct NatArgs {
    /// Hours the gateway runs [default: --hours-per-month]
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    /// GB processed in the month (both directions)
    #[arg(long, value_name = "G", value_parser = nonneg)]
    pub processed_gb: Decimal,
    #[command(flatten)]
    pub common: Common,
}

impl NatArgs {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, info) = c.load()?;
        within_flag("--processed-gb", self.processed_gb, limits::DATA_GB)?;
        let items = pricing::nat::price(c.hours(self.hours)?, self.processed_gb, &p);
        Ok(bill(c, info, "NAT Gateway".into(), items, None))
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Example:
  costcalc ipv4 --addresses 3")]
pub struct Ipv4Args {
    /// Public IPv4 addresses (in use or idle: the same price)
    #[arg(long, value_name = "N", value_parser = nonneg)]
    pub addresses: Decimal,
    /// Hours each address is held [default: --hours-per-month]
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    #[command(flatten)]
    pub common: Common,
}

impl Ipv4Args {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, info) = c.load()?;
        whole(Input::Addresses, self.addresses, limits::MACHINES)?;
        let items = pricing::ipv4::price("Addresses", self.addresses, c.hours(self.hours)?, &p);
        Ok(bill(c, info, "Public IPv4".into(), items, None))
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Example:
  costcalc logs --ingest-gb 12 --stored-gb 12 --free-tier")]
pub struct LogsArgs {
    /// GB ingested in the month
    #[arg(long, value_name = "G", value_parser = nonneg)]
    pub ingest_gb: Decimal,
    /// GB-month stored
    #[arg(long, value_name = "S", default_value_t = Decimal::ZERO, value_parser = nonneg)]
    pub stored_gb: Decimal,
    /// Apply the always-free 5 GB of ingestion and storage
    #[arg(long)]
    pub free_tier: bool,
    #[command(flatten)]
    pub common: Common,
}

impl LogsArgs {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, info) = c.load()?;
        within_flag("--ingest-gb", self.ingest_gb, limits::DATA_GB)?;
        within_flag("--stored-gb", self.stored_gb, limits::DATA_GB)?;
        let items = pricing::logs::price(self.ingest_gb, self.stored_gb, self.free_tier, &p);
        Ok(bill(c, info, "CloudWatch Logs".into(), items, None))
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Example:
  costcalc transfer --out-gb 12000 --free-tier")]
pub struct TransferArgs {
    /// GB out to the internet in the month (tiered)
    #[arg(long, value_name = "G", value_parser = nonneg)]
    pub out_gb: Decimal,
    /// Apply the always-free 100 GB a month
    #[arg(long)]
    pub free_tier: bool,
    #[command(flatten)]
    pub common: Common,
}

impl TransferArgs {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, info) = c.load()?;
        within_flag("--out-gb", self.out_gb, limits::DATA_GB)?;
        let items = pricing::transfer::price(self.out_gb, self.free_tier, &p);
        Ok(bill(c, info, "Data transfer out".into(), items, None))
    }
}
