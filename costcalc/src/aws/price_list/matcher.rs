//! Finding the Price List product of each (service, usage type) and turning its price dimensions
//! into the snapshot's prices: flat, tiered, optional, and the EC2 and RDS instances.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{Dimension, Origin, Product};
use crate::catalog::{Ec2Instance, Price, RdsInstance, Tier, TieredPrice};

/// Rows that share a usage type with ours but price something else: other database engines
/// (RDS Proxy and storage are listed per engine), other load balancer kinds.
fn fits(p: &Product) -> bool {
    match p.service_code.as_str() {
        "AmazonRDS" if p.base_usage_type().starts_with("Aurora:") => super::aurora::fits(p),
        "AmazonRDS" => matches!(p.attr("databaseEngine"), "" | "Any" | "PostgreSQL"),
        "AWSELB" => p.product_family == "Load Balancer-Application",
        _ => true,
    }
}

pub(super) struct Matcher<'a> {
    pub products: Vec<&'a Product>,
    pub origin: &'a Origin,
    pub missing: Vec<String>,
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

    pub(super) fn source(&self, p: &Product) -> String {
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

    pub fn flat(&mut self, slot: &mut Price, service: &str, base: &str, per: Decimal) {
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

    pub fn optional_flat(
        &mut self,
        slot: &mut Price,
        service: &str,
        base: &str,
        template_date: &str,
    ) {
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

    pub fn tiered(&mut self, slot: &mut TieredPrice, service: &str, base: &str, per: Decimal) {
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

    pub fn ec2_instances(
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

    pub fn rds_instances(
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
