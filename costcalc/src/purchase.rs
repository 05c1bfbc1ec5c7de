//! The purchase vocabulary every layer shares: the architecture, the usage types a commitment
//! can discount, the commitment, its term and its payment option. A leaf: prices, the catalog
//! and the CLI build on it.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

use crate::spelling::{Spelling, spelled};

/// The processor a function, a task or an instance runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Arch {
    X86_64,
    Arm64,
}
spelled!(Arch { X86_64 => "x86_64", Arm64 => "arm64" });

impl Arch {
    pub fn as_str(self) -> &'static str {
        self.spelling()
    }
}

/// Hours of a term: AWS bills 1 year as 31,536,000 s (365 days) and 3 years as three of them.
pub const HOURS_1Y: Decimal = dec!(8760);
pub const HOURS_3Y: Decimal = dec!(26280);

/// A Savings Plan, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Commitment {
    /// On-demand only
    None,
    /// Compute Savings Plan: EC2 instances, Fargate and Lambda
    ComputeSp,
    /// EC2 Instance Savings Plan: EC2 instances of one family only
    Ec2InstanceSp,
}
spelled!(Commitment { None => "none", ComputeSp => "compute-sp", Ec2InstanceSp => "ec2-instance-sp" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Term {
    OneYear,
    ThreeYears,
}
spelled!(Term { OneYear => "1y", ThreeYears => "3y" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Payment {
    /// No upfront
    NoUpfront,
    /// Partial upfront: half the term's commitment before it starts
    PartialUpfront,
    /// All upfront
    AllUpfront,
}
spelled!(Payment { NoUpfront => "no", PartialUpfront => "partial", AllUpfront => "all" });

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
        let arch = |a: &str| {
            Arch::from_spelling(a)
                .ok_or_else(|| format!("{s:?}: architecture must be {}", Arch::choices()))
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
