//! The database commands: RDS for PostgreSQL (on-demand or reserved) and RDS Proxy.

use clap::Args;
use rust_decimal::Decimal;

use super::purchase::{self, ReservedArgs};
use super::{Common, bill, named, whole};
use crate::cli::values::nonneg;
use crate::deployment::defaults;
use crate::error::{Input, Result, check_range};
use crate::limits;
use crate::pricing::{self, rds};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  costcalc rds --instance-class db.t4g.micro
  costcalc rds --instance-class db.m7g.large --multi-az --storage-gb 100
  costcalc rds --instance-class db.t4g.micro --prices with-rates.toml --reserved --term 1y --payment all")]
pub struct RdsArgs {
    /// Instance class (one of the snapshot's)
    #[arg(long, value_name = "C")]
    pub instance_class: String,
    /// Multi-AZ (one standby)
    #[arg(long)]
    pub multi_az: bool,
    /// gp3 storage, GB (20 to 65,536)
    #[arg(long, value_name = "S", default_value_t = defaults::DB_STORAGE_GB, value_parser = nonneg)]
    pub storage_gb: Decimal,
    /// Hours the instance runs [default: --hours-per-month]
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    #[command(flatten)]
    pub reserved: ReservedArgs,
    #[command(flatten)]
    pub common: Common,
}

impl RdsArgs {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, info) = c.load()?;
        check_range(
            Input::DbStorageGb,
            self.storage_gb,
            limits::DB_STORAGE_MIN_GB,
            limits::DB_STORAGE_MAX_GB,
        )
        .map_err(named)?;
        let u = rds::RdsUsage {
            instance_class: self.instance_class.clone(),
            multi_az: self.multi_az,
            storage_gb: self.storage_gb,
            hours: c.hours(self.hours)?,
            month_hours: c.prices.hours_per_month,
        };
        let title = format!("RDS for PostgreSQL: {}", self.instance_class);
        let items = rds::price(&u, &p).map_err(named)?;
        let on_demand = pricing::total(&items);
        let b = self.reserved.purchase();
        purchase::bill(c, info, title, items, &b, on_demand, &p)
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Example:
  costcalc rds-proxy --vcpus 2")]
pub struct RdsProxyArgs {
    /// vCPUs of the target database instance (billed with a 2-vCPU minimum)
    #[arg(long, value_name = "N", value_parser = nonneg)]
    pub vcpus: Decimal,
    /// Hours the proxy runs [default: --hours-per-month]
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    #[command(flatten)]
    pub common: Common,
}

impl RdsProxyArgs {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, info) = c.load()?;
        whole(Input::DbVcpus, self.vcpus, limits::DB_VCPUS)?;
        let items = pricing::rds_proxy::price(self.vcpus, c.hours(self.hours)?, &p);
        Ok(bill(c, info, "RDS Proxy".into(), items, None))
    }
}
