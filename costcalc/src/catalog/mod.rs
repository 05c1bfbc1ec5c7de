//! The price catalog: a typed, dated snapshot of AWS list prices for one region.
//!
//! The bundled snapshot (`prices/us-east-1.toml`, compiled in with `include_str!`) is the default;
//! `--prices FILE` loads another file of the same format (what `prices fetch` writes). Every money
//! value is a decimal string, every price names its unit, Price List usage type and source.

mod aurora;
mod bounds;
mod commitment;
pub mod diff;
mod load;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use aurora::{AuroraInstance, AuroraIo, AuroraPair, AuroraPrices, AuroraProxy, aurora_rates};
pub use commitment::{PlanRate, RdsOffer, RdsReserved, SavingsPlans};
#[cfg(test)]
pub use load::with_fixture_commitment_rates;
pub use load::{SNAPSHOT_SCHEMA, bundled, bundled_regions, load_file, parse, to_toml};

use crate::decimal_serde::{dec, opt_dec};

/// The family of an instance type or class: "t4g" of "t4g.micro", "db.t4g" of "db.t4g.micro".
pub fn family(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(f, _)| f)
}

/// One flat unit price.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Price {
    #[serde(with = "dec")]
    pub usd: Decimal,
    pub unit: String,
    pub usage_type: String,
    pub source: String,
}

/// A range [from, to) of the unit's monthly quantity and its price; `to` absent = no upper end.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    #[serde(with = "dec")]
    pub from: Decimal,
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub to: Option<Decimal>,
    #[serde(with = "dec")]
    pub usd: Decimal,
}

/// A price with volume tiers over the month's aggregate usage.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TieredPrice {
    pub unit: String,
    pub usage_type: String,
    pub source: String,
    pub tiers: Vec<Tier>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceSnapshot {
    pub schema: String,
    pub region: String,
    /// YYYY-MM-DD: the day these list prices were read.
    pub as_of: String,
    pub currency: String,
    pub lambda: LambdaPrices,
    pub apigw: ApiGatewayPrices,
    pub fargate: FargatePrices,
    pub ec2: Ec2Prices,
    pub rds: RdsPrices,
    pub rds_proxy: RdsProxyPrices,
    pub alb: AlbPrices,
    pub nat: NatPrices,
    pub ipv4: Ipv4Prices,
    pub logs: LogsPrices,
    pub transfer: TransferPrices,
    /// Savings Plans rates (optional: the bundled snapshot has none, see README "Commitments").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savings_plans: Option<SavingsPlans>,
    /// RDS Reserved Instance offers (optional, as `savings_plans`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rds_reserved: Option<RdsReserved>,
    /// Aurora PostgreSQL (optional, so older snapshot files load; asked for only when a
    /// deployment uses Aurora, and then a missing section is an error naming the rate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aurora: Option<AuroraPrices>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaPrices {
    #[serde(with = "dec")]
    pub free_requests: Decimal,
    #[serde(with = "dec")]
    pub free_gb_seconds: Decimal,
    pub requests: Price,
    pub ephemeral_storage: Price,
    pub x86_64: LambdaArchPrices,
    pub arm64: LambdaArchPrices,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaArchPrices {
    pub duration: TieredPrice,
    pub provisioned_concurrency: Price,
    pub provisioned_duration: Price,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiGatewayPrices {
    #[serde(with = "dec")]
    pub http_metering_kb: Decimal,
    pub rest: TieredPrice,
    pub http: TieredPrice,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargatePrices {
    #[serde(with = "dec")]
    pub included_storage_gb: Decimal,
    #[serde(with = "dec")]
    pub minimum_seconds: Decimal,
    pub ephemeral_storage: Price,
    pub x86_64: FargateComputePrices,
    pub arm64: FargateComputePrices,
    pub spot_x86_64: FargateComputePrices,
    /// Fargate Spot for ARM64 tasks (AWS runs them on platform 1.4.0 and later). The Price List
    /// has no Spot rates and no dated source was at hand for the bundled snapshot, so it is
    /// optional: add `[fargate.spot_arm64.vcpu]` and `.memory` to a snapshot file from the
    /// "Current Spot price" table of the Fargate pricing page to price Spot on arm64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_arm64: Option<FargateComputePrices>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargateComputePrices {
    pub vcpu: Price,
    pub memory: Price,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ec2Prices {
    pub ebs_gp3: Price,
    pub instances: BTreeMap<String, Ec2Instance>,
    /// Surplus CPU credits of burstable families in unlimited mode, per vCPU-hour, by family
    /// ("t3", "t4g").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cpu_credits: BTreeMap<String, Price>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ec2Instance {
    pub vcpus: u32,
    #[serde(with = "dec")]
    pub memory_gib: Decimal,
    pub arch: String,
    /// Per instance-hour.
    #[serde(with = "dec")]
    pub usd: Decimal,
    /// Baseline utilization per vCPU of a burstable type, percent (t4g.micro: 10).
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub baseline_cpu_percent: Option<Decimal>,
    pub usage_type: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsPrices {
    pub storage_single_az: Price,
    pub storage_multi_az: Price,
    pub instances: BTreeMap<String, RdsInstance>,
    /// Surplus CPU credits of burstable classes, per vCPU-hour, by family ("db.t3", "db.t4g").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cpu_credits: BTreeMap<String, Price>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsInstance {
    pub vcpus: u32,
    /// GiB of memory: sets PostgreSQL's default max_connections.
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub memory_gib: Option<Decimal>,
    /// Baseline utilization per vCPU of a burstable class, percent (db.t4g.micro: 10).
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub baseline_cpu_percent: Option<Decimal>,
    /// Per instance-hour, single-AZ.
    #[serde(with = "dec")]
    pub single_az: Decimal,
    /// Per instance-hour, Multi-AZ (one standby).
    #[serde(with = "dec")]
    pub multi_az: Decimal,
    pub usage_type: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsProxyPrices {
    #[serde(with = "dec")]
    pub minimum_vcpus: Decimal,
    pub vcpu: Price,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlbPrices {
    #[serde(with = "dec")]
    pub new_connections_per_sec_per_lcu: Decimal,
    #[serde(with = "dec")]
    pub active_connections_per_min_per_lcu: Decimal,
    #[serde(with = "dec")]
    pub processed_gb_per_hour_per_lcu: Decimal,
    #[serde(with = "dec")]
    pub rule_evaluations_per_sec_per_lcu: Decimal,
    #[serde(with = "dec")]
    pub free_rules: Decimal,
    pub hour: Price,
    pub lcu: Price,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatPrices {
    pub hour: Price,
    pub processed: Price,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ipv4Prices {
    pub hour: Price,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsPrices {
    #[serde(with = "dec")]
    pub free_ingest_gb: Decimal,
    #[serde(with = "dec")]
    pub free_stored_gb: Decimal,
    pub ingest: Price,
    pub storage: Price,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferPrices {
    #[serde(with = "dec")]
    pub free_gb: Decimal,
    pub out: TieredPrice,
}
