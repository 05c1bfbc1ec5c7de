//! From Price List products to a `deploycost.prices/v1` snapshot. One table, `PRICES`, says
//! which (service code, usage type) fills which field of the snapshot and how its unit converts;
//! the builder walks it, and `query::queries` reads it for the usage types it filters on.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::{Dimension, Origin, Product};
use crate::prices::{self, Ec2Instance, Price, PriceSnapshot, RdsInstance, Tier, TieredPrice};

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
        products: in_region,
        origin,
        missing: Vec::new(),
    };
    let mut s = template.clone();
    s.schema = prices::SNAPSHOT_SCHEMA.to_string();
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
    prices::parse(&text, "fetched snapshot").map_err(|e| e.to_string())?;
    Ok(s)
}

/// Rows that share a usage type with ours but price something else: other database engines
/// (RDS Proxy and storage are listed per engine), other load balancer kinds.
fn fits(p: &Product) -> bool {
    match p.service_code.as_str() {
        "AmazonRDS" => matches!(p.attr("databaseEngine"), "" | "Any" | "PostgreSQL"),
        "AWSELB" => p.product_family == "Load Balancer-Application",
        _ => true,
    }
}

struct Matcher<'a> {
    products: Vec<&'a Product>,
    origin: &'a Origin,
    missing: Vec<String>,
}

impl<'a> Matcher<'a> {
    fn find(&self, service: &str, base: &str) -> Vec<&'a Product> {
        self.products
            .iter()
            .copied()
            .filter(|p| p.service_code == service && p.base_usage_type() == base)
            .filter(|p| !p.on_demand.is_empty() && fits(p))
            .collect()
    }

    fn source(&self, p: &Product) -> String {
        let published = if p.publication_date.is_empty() {
            String::new()
        } else {
            format!(", published {}", p.publication_date)
        };
        format!(
            "{}, {} sku {}{}, read {}",
            self.origin.via, p.service_code, p.sku, published, self.origin.fetched_on
        )
    }

    /// The one product for (service, usage type); several with different prices is an error
    /// (the filters were too loose), several identical ones are fine.
    fn one(&mut self, service: &str, base: &str) -> Option<&'a Product> {
        let found = self.find(service, base);
        let Some(first) = found.first().copied() else {
            self.missing.push(format!("{service} {base}"));
            return None;
        };
        if let Some(other) = found.iter().find(|p| p.on_demand != first.on_demand) {
            self.missing.push(format!(
                "{service} {base} is ambiguous (skus {} and {} differ)",
                first.sku, other.sku
            ));
            return None;
        }
        Some(first)
    }

    fn flat(&mut self, slot: &mut Price, service: &str, base: &str, per: Decimal) {
        let Some(p) = self.one(service, base) else {
            return;
        };
        // A flat price with a free first range (e.g. 0-1 GB at 0) keeps the paid rate.
        let Some(d) = p
            .on_demand
            .iter()
            .rev()
            .find(|d| !d.usd.is_zero())
            .or(p.on_demand.last())
        else {
            return;
        };
        slot.usd = (d.usd * per).normalize();
        slot.usage_type = p.attr("usagetype").to_string();
        slot.source = self.source(p);
    }

    fn optional_flat(&mut self, slot: &mut Price, service: &str, base: &str, template_date: &str) {
        let found = self.find(service, base);
        match found.first() {
            Some(p) => {
                let d = p.on_demand.last().expect("find keeps priced products");
                slot.usd = d.usd.normalize();
                slot.usage_type = p.attr("usagetype").to_string();
                slot.source = self.source(p);
            }
            None => {
                slot.source = format!(
                    "not in the Price List (Spot rates move with demand): bundled snapshot of {template_date}; {}",
                    slot.source
                );
            }
        }
    }

    fn tiered(&mut self, slot: &mut TieredPrice, service: &str, base: &str, per: Decimal) {
        let Some(p) = self.one(service, base) else {
            return;
        };
        let mut dims: Vec<&Dimension> = p.on_demand.iter().collect();
        // The always-free allowance is a separate input (--free-tier); a leading free range in the
        // list would count it twice, so the next range starts at 0 instead.
        if dims.len() > 1 && dims[0].usd.is_zero() {
            dims.remove(0);
        }
        let n = dims.len();
        slot.tiers = dims
            .iter()
            .enumerate()
            .map(|(i, d)| Tier {
                from: if i == 0 {
                    Decimal::ZERO
                } else {
                    (d.begin / per).normalize()
                },
                to: if i + 1 == n {
                    None
                } else {
                    d.end.map(|e| (e / per).normalize())
                },
                usd: (d.usd * per).normalize(),
            })
            .collect();
        slot.usage_type = p.attr("usagetype").to_string();
        slot.source = self.source(p);
    }

    fn ec2_instances(
        &mut self,
        template: &BTreeMap<String, Ec2Instance>,
    ) -> BTreeMap<String, Ec2Instance> {
        let mut out = BTreeMap::new();
        for (name, t) in template {
            let found: Vec<&Product> = self
                .find("AmazonEC2", &format!("BoxUsage:{name}"))
                .into_iter()
                .filter(|p| {
                    p.attr("operatingSystem") == "Linux"
                        && p.attr("tenancy") == "Shared"
                        && p.attr("preInstalledSw") == "NA"
                        && matches!(p.attr("capacitystatus"), "Used" | "")
                })
                .collect();
            let Some(p) = found.first() else {
                // Not every type exists in every region: price what is offered.
                continue;
            };
            let Some(d) = p.on_demand.last() else {
                continue;
            };
            let vcpus = p.attr("vcpu").parse().unwrap_or(t.vcpus);
            let memory_gib = p
                .attr("memory")
                .trim_end_matches("GiB")
                .trim()
                .parse()
                .unwrap_or(t.memory_gib);
            let arch = if p.attr("physicalProcessor").contains("Graviton") {
                "arm64"
            } else if p.attr("physicalProcessor").is_empty() {
                t.arch.as_str()
            } else {
                "x86_64"
            };
            out.insert(
                name.clone(),
                Ec2Instance {
                    vcpus,
                    memory_gib,
                    arch: arch.to_string(),
                    usd: d.usd.normalize(),
                    baseline_cpu_percent: t.baseline_cpu_percent,
                    usage_type: p.attr("usagetype").to_string(),
                    source: self.source(p),
                },
            );
        }
        if out.is_empty() {
            self.missing.push(format!(
                "AmazonEC2 BoxUsage (Linux, shared tenancy) for any of {}",
                template.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        out
    }

    fn rds_instances(
        &mut self,
        template: &BTreeMap<String, RdsInstance>,
    ) -> BTreeMap<String, RdsInstance> {
        let mut out = BTreeMap::new();
        let pg = |p: &&Product| {
            p.attr("databaseEngine") == "PostgreSQL" || p.attr("databaseEngine").is_empty()
        };
        for (name, t) in template {
            let single = self
                .find("AmazonRDS", &format!("InstanceUsage:{name}"))
                .into_iter()
                .find(pg);
            let multi = self
                .find("AmazonRDS", &format!("Multi-AZUsage:{name}"))
                .into_iter()
                .find(pg);
            let (Some(s), Some(m)) = (single, multi) else {
                continue;
            };
            let (Some(sd), Some(md)) = (s.on_demand.last(), m.on_demand.last()) else {
                continue;
            };
            out.insert(
                name.clone(),
                RdsInstance {
                    vcpus: s.attr("vcpu").parse().unwrap_or(t.vcpus),
                    memory_gib: s
                        .attr("memory")
                        .trim_end_matches("GiB")
                        .trim()
                        .parse()
                        .ok()
                        .or(t.memory_gib),
                    baseline_cpu_percent: t.baseline_cpu_percent,
                    single_az: sd.usd.normalize(),
                    multi_az: md.usd.normalize(),
                    usage_type: s.attr("usagetype").to_string(),
                    source: format!("{}; Multi-AZ sku {}", self.source(s), m.sku),
                },
            );
        }
        if out.is_empty() {
            self.missing.push(format!(
                "AmazonRDS InstanceUsage and Multi-AZUsage (PostgreSQL) for any of {}",
                template.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        out
    }
}
