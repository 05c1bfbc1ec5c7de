//! The Savings Plans price list file of a region (Compute and EC2 Instance Savings Plans), as
//! AWS publishes it without credentials: `region_index.json` at
//! https://pricing.us-east-1.amazonaws.com/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/
//! names each region's `versionUrl`, a JSON file of `products` (a plan: its `productFamily`,
//! `attributes.purchaseOption`) and `terms.savingsPlan` (per plan sku: `leaseContractLength` and
//! `rates`, each with `discountedUsageType`, `discountedOperation`, `discountedServiceCode` and
//! `discountedRate.price`). AWS's format: "Reading the service price list file for a Savings
//! Plan". Pure: the caller reads the file.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::price_list::strip_region_prefix;
use crate::catalog::{PlanRate, PriceSnapshot, SavingsPlans};
use crate::purchase::{Arch, Commitment, Payment, Term, Usage};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct File {
    #[serde(default)]
    version: String,
    #[serde(default)]
    publication_date: String,
    #[serde(default)]
    region_code: String,
    products: Vec<PlanProduct>,
    terms: Terms,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlanProduct {
    sku: String,
    #[serde(default)]
    product_family: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Terms {
    #[serde(default)]
    savings_plan: Vec<PlanTerm>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlanTerm {
    sku: String,
    lease_contract_length: Lease,
    #[serde(default)]
    rates: Vec<Rate>,
}

#[derive(Deserialize)]
struct Lease {
    /// A number in AWS's files; a string is taken too.
    duration: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rate {
    discounted_usage_type: String,
    #[serde(default)]
    discounted_operation: String,
    #[serde(default)]
    discounted_service_code: String,
    discounted_rate: Price,
}

#[derive(Deserialize)]
struct Price {
    price: String,
    #[serde(default)]
    currency: String,
}

/// The plan, term and payment option of a plan product and its term; None for a plan costcalc
/// does not price (other families, unknown options).
fn plan_of(p: &PlanProduct, lease: &Lease) -> Option<(Commitment, Term, Payment)> {
    let plan = match p.product_family.as_str() {
        "ComputeSavingsPlans" => Commitment::ComputeSp,
        "EC2InstanceSavingsPlans" => Commitment::Ec2InstanceSp,
        _ => return None,
    };
    let years = match &lease.duration {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    };
    let term = match years {
        Some(1) => Term::OneYear,
        Some(3) => Term::ThreeYears,
        _ => return None,
    };
    let payment = match p.attributes.get("purchaseOption").map(String::as_str) {
        Some("No Upfront") => Payment::NoUpfront,
        Some("Partial Upfront") => Payment::PartialUpfront,
        Some("All Upfront") => Payment::AllUpfront,
        _ => return None,
    };
    Some((plan, term, payment))
}

/// The snapshot usage a discounted usage type is, or None when costcalc does not price it
/// (Windows, dedicated tenancy, EKS, types the snapshot lacks). Lambda's arm64 usage types are
/// written both `Lambda-GB-Second-ARM` and `Lambda-ARM-GB-Second` in the lists seen.
fn usage_of(r: &Rate, s: &PriceSnapshot) -> Option<Usage> {
    let base = strip_region_prefix(&r.discounted_usage_type);
    let arm = base.contains("-ARM");
    let arch = if arm { Arch::Arm64 } else { Arch::X86_64 };
    let plain = base.replace("-ARM", "");
    match r.discounted_service_code.as_str() {
        "AmazonEC2" => {
            let t = base.strip_prefix("BoxUsage:")?;
            // Linux/UNIX is RunInstances; Windows, RHEL and others carry a suffix.
            (r.discounted_operation == "RunInstances" && s.ec2.instances.contains_key(t))
                .then(|| Usage::Ec2Instance(t.to_string()))
        }
        "AmazonECS" => match plain.as_str() {
            "Fargate-vCPU-Hours:perCPU" => Some(Usage::FargateVcpu(arch)),
            "Fargate-GB-Hours" => Some(Usage::FargateMemory(arch)),
            _ => None,
        },
        "AWSLambda" => match plain.as_str() {
            "Lambda-GB-Second" => Some(Usage::LambdaDuration(arch)),
            "Lambda-Provisioned-Concurrency" => Some(Usage::LambdaProvisionedConcurrency(arch)),
            "Lambda-Provisioned-GB-Second" => Some(Usage::LambdaProvisionedDuration(arch)),
            _ => None,
        },
        _ => None,
    }
}

/// The `[savings_plans]` section for `snap` from one region's Savings Plans price list file;
/// `name` names the file in the source and in errors.
pub fn savings_plans(
    text: &str,
    name: &str,
    snap: &PriceSnapshot,
    read_on: &str,
) -> Result<SavingsPlans, String> {
    let f: File = crate::strict_json::from_str(text).map_err(|e| {
        format!("not a Savings Plans price list file (products, terms.savingsPlan): {e}")
    })?;
    if !f.region_code.is_empty() && f.region_code != snap.region {
        return Err(format!(
            "the file prices {}, the snapshot is {}: use the file of {} (region_index.json names it)",
            f.region_code, snap.region, snap.region
        ));
    }
    let products: BTreeMap<&str, &PlanProduct> =
        f.products.iter().map(|p| (p.sku.as_str(), p)).collect();
    let mut rates: Vec<PlanRate> = Vec::new();
    for term in &f.terms.savings_plan {
        let Some(product) = products.get(term.sku.as_str()) else {
            continue;
        };
        let Some((plan, t, payment)) = plan_of(product, &term.lease_contract_length) else {
            continue;
        };
        for r in &term.rates {
            let Some(usage) = usage_of(r, snap).filter(|u| plan.covers(u)) else {
                continue;
            };
            if !r.discounted_rate.currency.is_empty() && r.discounted_rate.currency != "USD" {
                continue;
            }
            let usd = Decimal::from_str(&r.discounted_rate.price).map_err(|_| {
                format!(
                    "plan {}: rate {:?} is not a number",
                    term.sku, r.discounted_rate.price
                )
            })?;
            let same = |x: &&mut PlanRate| {
                x.plan == plan && x.term == t && x.payment == payment && x.usage == usage
            };
            match rates.iter_mut().find(same) {
                Some(x) if x.usd != usd.normalize() => {
                    return Err(format!(
                        "{usage} has two {} {} {} rates ({} and {}): costcalc takes one rate per usage type",
                        plan.as_str(),
                        t.as_str(),
                        payment.as_str(),
                        x.usd,
                        usd.normalize()
                    ));
                }
                Some(_) => {}
                None => rates.push(PlanRate {
                    plan,
                    term: t,
                    payment,
                    usage,
                    usd: usd.normalize(),
                    usage_type: r.discounted_usage_type.clone(),
                }),
            }
        }
    }
    if rates.is_empty() {
        return Err("no Savings Plans rate for any usage type the snapshot prices".into());
    }
    Ok(SavingsPlans {
        source: format!(
            "Savings Plans price list file {name} (version {}, published {}), read {read_on}",
            f.version, f.publication_date
        ),
        rates,
    })
}

#[cfg(test)]
#[path = "savings_plans_file_tests.rs"]
mod tests;
