//! From Price List products to a `deploycost.prices/v1` snapshot. One table, `PRICES`, says
//! which (service code, usage type) fills which field of the snapshot and how its unit converts;
//! the builder walks it, and `query::queries` reads it for the usage types it filters on.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::matcher::Matcher;
use super::{Origin, Product};
use crate::catalog::{self, Price, PriceSnapshot, TieredPrice};

/// Where a price goes in the snapshot.
#[derive(Clone, Copy)]
pub enum Slot {
    Flat(fn(&mut PriceSnapshot) -> &mut Price),
    Tiered(fn(&mut PriceSnapshot) -> &mut TieredPrice),
    /// Not always in the Price List (Spot rates move with demand; CPU credits are listed apart):
    /// kept from the bundled snapshot, and said so, when absent.
    Optional(fn(&mut PriceSnapshot) -> &mut Price),
}

/// One price the snapshot takes from the Price List.
pub struct Row {
    pub service: &'static str,
    /// The usage type without its regional prefix.
    pub usage_type: &'static str,
    /// Multiplies the list's unit price (and divides its ranges): the list prices requests one
    /// by one, the snapshot per million.
    pub per: Decimal,
    pub slot: Slot,
}

const ONE: Decimal = Decimal::ONE;
const MILLION: Decimal = dec!(1000000);

macro_rules! row {
    ($service:literal, $usage:literal, $per:expr, $kind:ident, $($field:ident).+) => {
        Row {
            service: $service,
            usage_type: $usage,
            per: $per,
            slot: Slot::$kind(|s| &mut s.$($field).+),
        }
    };
}

/// Every flat and tiered price of the snapshot (EC2 and RDS instances are matched per type).
pub const PRICES: &[Row] = &[
    row!("AWSLambda", "Request", MILLION, Flat, lambda.requests),
    row!(
        "AWSLambda",
        "Lambda-Storage-Ephemeral-GB-Second",
        ONE,
        Flat,
        lambda.ephemeral_storage
    ),
    row!(
        "AWSLambda",
        "Lambda-GB-Second",
        ONE,
        Tiered,
        lambda.x86_64.duration
    ),
    row!(
        "AWSLambda",
        "Lambda-Provisioned-Concurrency",
        ONE,
        Flat,
        lambda.x86_64.provisioned_concurrency
    ),
    row!(
        "AWSLambda",
        "Lambda-Provisioned-GB-Second",
        ONE,
        Flat,
        lambda.x86_64.provisioned_duration
    ),
    row!(
        "AWSLambda",
        "Lambda-GB-Second-ARM",
        ONE,
        Tiered,
        lambda.arm64.duration
    ),
    row!(
        "AWSLambda",
        "Lambda-Provisioned-Concurrency-ARM",
        ONE,
        Flat,
        lambda.arm64.provisioned_concurrency
    ),
    row!(
        "AWSLambda",
        "Lambda-Provisioned-GB-Second-ARM",
        ONE,
        Flat,
        lambda.arm64.provisioned_duration
    ),
    row!(
        "AmazonApiGateway",
        "ApiGatewayRequest",
        MILLION,
        Tiered,
        apigw.rest
    ),
    row!(
        "AmazonApiGateway",
        "ApiGatewayHttpRequest",
        MILLION,
        Tiered,
        apigw.http
    ),
    row!(
        "AmazonECS",
        "Fargate-EphemeralStorage-GB-Hours",
        ONE,
        Flat,
        fargate.ephemeral_storage
    ),
    row!(
        "AmazonECS",
        "Fargate-vCPU-Hours:perCPU",
        ONE,
        Flat,
        fargate.x86_64.vcpu
    ),
    row!(
        "AmazonECS",
        "Fargate-GB-Hours",
        ONE,
        Flat,
        fargate.x86_64.memory
    ),
    row!(
        "AmazonECS",
        "Fargate-ARM-vCPU-Hours:perCPU",
        ONE,
        Flat,
        fargate.arm64.vcpu
    ),
    row!(
        "AmazonECS",
        "Fargate-ARM-GB-Hours",
        ONE,
        Flat,
        fargate.arm64.memory
    ),
    row!(
        "AmazonECS",
        "SpotUsage-Fargate-vCPU-Hours:perCPU",
        ONE,
        Optional,
        fargate.spot_x86_64.vcpu
    ),
    row!(
        "AmazonECS",
        "SpotUsage-Fargate-GB-Hours",
        ONE,
        Optional,
        fargate.spot_x86_64.memory
    ),
    row!("AmazonEC2", "EBS:VolumeUsage.gp3", ONE, Flat, ec2.ebs_gp3),
    row!("AmazonEC2", "NatGateway-Hours", ONE, Flat, nat.hour),
    row!("AmazonEC2", "NatGateway-Bytes", ONE, Flat, nat.processed),
    row!("AmazonVPC", "PublicIPv4:InUseAddress", ONE, Flat, ipv4.hour),
    row!(
        "AmazonRDS",
        "RDS:GP3-Storage",
        ONE,
        Flat,
        rds.storage_single_az
    ),
    row!(
        "AmazonRDS",
        "RDS:Multi-AZ-GP3-Storage",
        ONE,
        Flat,
        rds.storage_multi_az
    ),
    row!("AmazonRDS", "RDS:ProxyUsage", ONE, Flat, rds_proxy.vcpu),
    row!("AWSELB", "LoadBalancerUsage", ONE, Flat, alb.hour),
    row!("AWSELB", "LCUUsage", ONE, Flat, alb.lcu),
    row!(
        "AmazonCloudWatch",
        "DataProcessing-Bytes",
        ONE,
        Flat,
        logs.ingest
    ),
    row!(
        "AmazonCloudWatch",
        "TimedStorage-ByteHrs",
        ONE,
        Flat,
        logs.storage
    ),
    row!(
        "AWSDataTransfer",
        "DataTransfer-Out-Bytes",
        ONE,
        Tiered,
        transfer.out
    ),
];

/// Build a snapshot for `region` from `products`. Figures the Price List does not carry (free
/// allowances, ALB LCU dimensions, Fargate included storage, instance sizes the list lacks) come
/// from `template` (the bundled snapshot). Every price must be found, except the optional ones,
/// which keep the template's rate and say so.
pub fn build_snapshot(
    region: &str,
    products: &[Product],
    template: &PriceSnapshot,
    origin: &Origin,
) -> Result<PriceSnapshot, String> {
    let in_region: Vec<&Product> = products.iter().filter(|p| p.region() == region).collect();
    let mut m = Matcher {
        products: in_region.clone(),
        origin,
        missing: Vec::new(),
    };
    let mut s = template.clone();
    s.schema = catalog::SNAPSHOT_SCHEMA.to_string();
    s.region = region.to_string();
    s.as_of = origin.fetched_on.clone();
    for r in PRICES {
        match r.slot {
            Slot::Flat(field) => m.flat(field(&mut s), r.service, r.usage_type, r.per),
            Slot::Tiered(field) => m.tiered(field(&mut s), r.service, r.usage_type, r.per),
            Slot::Optional(field) => {
                m.optional_flat(field(&mut s), r.service, r.usage_type, &template.as_of)
            }
        }
    }
    s.ec2.instances = m.ec2_instances(&template.ec2.instances);
    s.rds.instances = m.rds_instances(&template.rds.instances);
    // Reserved offers for those classes, when the list has them (Savings Plans rates are in
    // other files this fetch does not read yet).
    s.savings_plans = None;
    s.rds_reserved = super::reserved::rds_offers(&in_region, &s.rds.instances, origin);
    if let Some(a) = s.aurora.as_mut() {
        m.aurora(a, &template.as_of);
    }
    // CPU credits: one price per burstable family, kept from the template when not listed.
    for (family, price) in s.ec2.cpu_credits.iter_mut() {
        let usage = format!("CPUCredits:{family}");
        m.optional_flat(price, "AmazonEC2", &usage, &template.as_of);
    }
    for (family, price) in s.rds.cpu_credits.iter_mut() {
        let usage = format!("CPUCredits:{family}");
        m.optional_flat(price, "AmazonRDS", &usage, &template.as_of);
    }
    if !m.missing.is_empty() {
        return Err(format!(
            "the Price List has no {} price for {}: {}",
            region,
            if m.missing.len() == 1 {
                "this usage type"
            } else {
                "these usage types"
            },
            m.missing.join("; ")
        ));
    }
    // The result must be a snapshot `--prices` loads: same parser, same validation.
    let text = toml::to_string(&s).map_err(|e| format!("cannot write the snapshot: {e}"))?;
    catalog::parse(&text, "fetched snapshot").map_err(|e| e.to_string())?;
    Ok(s)
}
