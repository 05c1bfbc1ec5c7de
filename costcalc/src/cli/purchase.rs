//! The purchase flags of `report` and `breakeven`: Savings Plans, RDS Reserved Instances and
//! EC2 Spot.

use clap::Args;
use rust_decimal::Decimal;

use super::values::{choice, choice_help, nonneg};
use crate::deployment::Purchase;
use crate::purchase::{Commitment, Payment, Term};

/// What each plan is, in `--help`.
pub fn commitment_help(c: Commitment) -> Option<&'static str> {
    Some(match c {
        Commitment::None => "On-demand only",
        Commitment::ComputeSp => "Compute Savings Plan: EC2 instances, Fargate and Lambda",
        Commitment::Ec2InstanceSp => "EC2 Instance Savings Plan: EC2 instances of one family only",
    })
}

fn payment_help(p: Payment) -> Option<&'static str> {
    Some(match p {
        Payment::NoUpfront => "No upfront",
        Payment::PartialUpfront => "Partial upfront: half the term's commitment before it starts",
        Payment::AllUpfront => "All upfront",
    })
}

/// `--term` and `--payment`, of the Savings Plan and of the RDS Reserved Instances: one
/// declaration for every command that buys either.
#[derive(Debug, Args)]
pub struct TermArgs {
    /// Term of the commitment: the Savings Plan, the RDS Reserved Instance, or both
    #[arg(long, value_parser = choice::<Term>(), default_value_t = Term::OneYear, help_heading = "Purchase")]
    pub term: Term,
    /// Upfront payment of the commitment; an upfront payment is amortised over the term's hours
    /// (8,760 a year)
    #[arg(long, value_parser = choice_help(payment_help), default_value_t = Payment::NoUpfront, help_heading = "Purchase")]
    pub payment: Payment,
}

#[derive(Debug, Args)]
pub struct PurchaseArgs {
    /// Savings Plan covering the deployments' compute (EC2 instance-hours, Fargate vCPU/GB-hours,
    /// Lambda duration and provisioned concurrency), sized to that usage; requests, API Gateway,
    /// ALB, storage and transfer stay on-demand. Needs Savings Plans rates in a --prices file: the
    /// bundled snapshot has none; `costcalc prices fetch --savings-plans-file FILE` writes them
    /// (README "Commitments")
    #[arg(long, value_name = "PLAN", value_parser = choice_help(commitment_help), default_value_t = Commitment::None, help_heading = "Purchase")]
    pub commitment: Commitment,
    #[command(flatten)]
    pub terms: TermArgs,
    /// RDS Reserved Instance for the database (same --term and --payment); needs [rds_reserved]
    /// offers in a --prices file (`costcalc prices fetch` writes them; the bundled snapshot has none)
    #[arg(long, help_heading = "Purchase")]
    pub rds_reserved: bool,
    /// With --spot, EC2 runs on Spot at this fraction off on-demand (0 to 0.99, e.g. 0.7): an
    /// assumption you give, since Spot prices move and are not in the Price List. Without it,
    /// --spot is Fargate Spot only
    #[arg(long, value_name = "D", value_parser = nonneg, requires = "spot", help_heading = "Purchase")]
    pub spot_discount: Option<Decimal>,
}

impl PurchaseArgs {
    pub fn purchase(&self) -> Purchase {
        Purchase {
            commitment: self.commitment,
            term: self.terms.term,
            payment: self.terms.payment,
            rds_reserved: self
                .rds_reserved
                .then_some((self.terms.term, self.terms.payment)),
            ec2_spot_discount: self.spot_discount,
        }
    }
}
