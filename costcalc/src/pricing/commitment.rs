//! Commitments: Savings Plans (Compute and EC2 Instance) and RDS Reserved Instances.
//!
//! Pure arithmetic, no prices of its own: rates come from a snapshot's `[savings_plans]` and
//! `[rds_reserved]` sections. A Savings Plan rate replaces the on-demand rate of one usage type
//! it covers (compute only: requests, API Gateway, ALB, storage and transfer stay on-demand); the
//! payment option changes the rate and how much of the commitment is paid before the term starts.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

use super::lambda::Arch;
use crate::error::{Error, Input, Problem, Result};

/// Hours of a term: AWS bills 1 year as 31,536,000 s (365 days) and 3 years as three of them.
pub const HOURS_1Y: Decimal = dec!(8760);
pub const HOURS_3Y: Decimal = dec!(26280);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Commitment {
    /// On-demand only
    None,
    /// Compute Savings Plan: EC2 instances, Fargate and Lambda
    ComputeSp,
    /// EC2 Instance Savings Plan: EC2 instances of one family only
    Ec2InstanceSp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum Term {
    #[value(name = "1y")]
    #[serde(rename = "1y")]
    OneYear,
    #[value(name = "3y")]
    #[serde(rename = "3y")]
    ThreeYears,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum Payment {
    /// No upfront
    #[value(name = "no")]
    #[serde(rename = "no")]
    NoUpfront,
    /// Partial upfront: half the term's commitment before it starts
    #[value(name = "partial")]
    #[serde(rename = "partial")]
    PartialUpfront,
    /// All upfront
    #[value(name = "all")]
    #[serde(rename = "all")]
    AllUpfront,
}

impl Commitment {
    pub fn as_str(self) -> &'static str {
        match self {
            Commitment::None => "none",
            Commitment::ComputeSp => "Compute Savings Plan",
            Commitment::Ec2InstanceSp => "EC2 Instance Savings Plan",
        }
    }
    /// Whether this plan discounts `usage` (Savings Plans never cover RDS).
    pub fn covers(self, usage: &Usage) -> bool {
        match (self, usage) {
            (Commitment::None, _) | (_, Usage::RdsInstance { .. }) => false,
            (Commitment::ComputeSp, _) => true,
            (Commitment::Ec2InstanceSp, u) => matches!(u, Usage::Ec2Instance(_)),
        }
    }
}

impl Term {
    pub fn hours(self) -> Decimal {
        match self {
            Term::OneYear => HOURS_1Y,
            Term::ThreeYears => HOURS_3Y,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Term::OneYear => "1-year",
            Term::ThreeYears => "3-year",
        }
    }
}

impl Payment {
    /// The share of a Savings Plan's commitment paid before the term starts. AWS asks at least
    /// half for partial upfront; costcalc assumes exactly half.
    pub fn upfront_share(self) -> Decimal {
        match self {
            Payment::NoUpfront => Decimal::ZERO,
            Payment::PartialUpfront => dec!(0.5),
            Payment::AllUpfront => Decimal::ONE,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Payment::NoUpfront => "no upfront",
            Payment::PartialUpfront => "partial upfront",
            Payment::AllUpfront => "all upfront",
        }
    }
}

/// A usage type a commitment can discount, named as the snapshot's on-demand price it replaces:
/// `ec2.t4g.micro`, `fargate.arm64.vcpu`, `lambda.x86_64.duration`, `rds.db.t4g.micro.single_az`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Usage {
    Ec2Instance(String),
    FargateVcpu(Arch),
    FargateMemory(Arch),
    LambdaDuration(Arch),
    LambdaProvisionedConcurrency(Arch),
    LambdaProvisionedDuration(Arch),
    RdsInstance { class: String, multi_az: bool },
}

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Usage::Ec2Instance(t) => write!(f, "ec2.{t}"),
            Usage::FargateVcpu(a) => write!(f, "fargate.{}.vcpu", a.as_str()),
            Usage::FargateMemory(a) => write!(f, "fargate.{}.memory", a.as_str()),
            Usage::LambdaDuration(a) => write!(f, "lambda.{}.duration", a.as_str()),
            Usage::LambdaProvisionedConcurrency(a) => {
                write!(f, "lambda.{}.provisioned_concurrency", a.as_str())
            }
            Usage::LambdaProvisionedDuration(a) => {
                write!(f, "lambda.{}.provisioned_duration", a.as_str())
            }
            Usage::RdsInstance { class, multi_az } => write!(
                f,
                "rds.{class}.{}",
                if *multi_az { "multi_az" } else { "single_az" }
            ),
        }
    }
}

impl From<Usage> for String {
    fn from(u: Usage) -> String {
        u.to_string()
    }
}

impl TryFrom<String> for Usage {
    type Error = String;
    fn try_from(s: String) -> std::result::Result<Self, String> {
        let arch = |a: &str| match a {
            "x86_64" => Ok(Arch::X86_64),
            "arm64" => Ok(Arch::Arm64),
            _ => Err(format!("{s:?}: architecture must be x86_64 or arm64")),
        };
        let bad = || {
            format!(
                "{s:?} is not a usage type; expected ec2.<type>, fargate.<arch>.vcpu|memory, \
                 lambda.<arch>.duration|provisioned_concurrency|provisioned_duration or \
                 rds.<class>.single_az|multi_az"
            )
        };
        let (service, rest) = s.split_once('.').ok_or_else(bad)?;
        match service {
            "ec2" if !rest.is_empty() => Ok(Usage::Ec2Instance(rest.to_string())),
            "fargate" | "lambda" => {
                let (a, what) = rest.split_once('.').ok_or_else(bad)?;
                let a = arch(a)?;
                match (service, what) {
                    ("fargate", "vcpu") => Ok(Usage::FargateVcpu(a)),
                    ("fargate", "memory") => Ok(Usage::FargateMemory(a)),
                    ("lambda", "duration") => Ok(Usage::LambdaDuration(a)),
                    ("lambda", "provisioned_concurrency") => {
                        Ok(Usage::LambdaProvisionedConcurrency(a))
                    }
                    ("lambda", "provisioned_duration") => Ok(Usage::LambdaProvisionedDuration(a)),
                    _ => Err(bad()),
                }
            }
            "rds" => match rest.rsplit_once('.') {
                Some((class, "single_az")) => Ok(Usage::RdsInstance {
                    class: class.into(),
                    multi_az: false,
                }),
                Some((class, "multi_az")) => Ok(Usage::RdsInstance {
                    class: class.into(),
                    multi_az: true,
                }),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

/// The Savings Plan rate for `usage`, refused when the plan does not cover it: a rate is never
/// applied to usage AWS would bill on-demand.
pub fn savings_plan_rate(plan: Commitment, usage: &Usage, rate: Decimal) -> Result<Decimal> {
    if !plan.covers(usage) {
        return Err(Error::invalid(
            Input::Commitment,
            usage,
            Problem::NotCovered {
                by: plan.as_str().into(),
            },
        ));
    }
    Ok(rate)
}

/// What a Savings Plan commitment of `per_hour` costs over its term and how it is paid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Payments {
    /// Paid once, before the term starts.
    pub upfront_usd: Decimal,
    /// Paid every hour of the term.
    pub recurring_per_hour: Decimal,
    /// upfront / term hours + recurring: what the commitment costs per hour, amortised.
    pub effective_per_hour: Decimal,
}

/// A Savings Plan of `per_hour` for `term`: the share `payment` asks is paid upfront.
pub fn savings_plan_payments(per_hour: Decimal, term: Term, payment: Payment) -> Payments {
    let upfront_usd = per_hour * term.hours() * payment.upfront_share();
    let recurring_per_hour = per_hour * (Decimal::ONE - payment.upfront_share());
    Payments {
        upfront_usd,
        recurring_per_hour,
        effective_per_hour: amortised_per_hour(upfront_usd, recurring_per_hour, term),
    }
}

/// A Reserved Instance's upfront fee spread over the term's hours, plus its hourly charge.
pub fn amortised_per_hour(
    upfront_usd: Decimal,
    recurring_per_hour: Decimal,
    term: Term,
) -> Decimal {
    upfront_usd / term.hours() + recurring_per_hour
}

/// One usage type in one hour, as AWS's Savings Plans example lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct HourUsage {
    pub on_demand_rate: Decimal,
    pub plan_rate: Decimal,
    pub quantity: Decimal,
}

/// One hour's bill under a commitment of `per_hour`: AWS applies the plan to the usage with the
/// highest savings percentage first (on a tie, the lowest plan rate first) until the commitment
/// is used up; what is left is billed on-demand, and an unused commitment is still paid.
/// Returns (charged against the commitment, billed on-demand): the hour costs
/// `per_hour + on_demand`.
pub fn apply_hour(per_hour: Decimal, usage: &[HourUsage]) -> (Decimal, Decimal) {
    let mut order: Vec<&HourUsage> = usage.iter().collect();
    let saving = |u: &HourUsage| {
        if u.on_demand_rate.is_zero() {
            Decimal::ZERO
        } else {
            Decimal::ONE - u.plan_rate / u.on_demand_rate
        }
    };
    order.sort_by(|a, b| {
        saving(b)
            .cmp(&saving(a))
            .then(a.plan_rate.cmp(&b.plan_rate))
    });
    let (mut left, mut on_demand) = (per_hour, Decimal::ZERO);
    for u in order {
        let at_plan = u.plan_rate * u.quantity;
        if at_plan <= left {
            left -= at_plan;
        } else {
            // The commitment covers this share of the usage; the rest is on-demand.
            let covered = if u.plan_rate.is_zero() {
                u.quantity
            } else {
                left / u.plan_rate
            };
            left = Decimal::ZERO;
            on_demand += (u.quantity - covered) * u.on_demand_rate;
        }
    }
    (per_hour - left, on_demand)
}

#[cfg(test)]
#[path = "commitment_tests.rs"]
mod tests;
