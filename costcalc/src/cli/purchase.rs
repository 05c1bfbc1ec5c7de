//! The purchase flags of `report` and `breakeven`: Savings Plans, RDS Reserved Instances and
//! EC2 Spot.

use clap::Args;
use rust_decimal::Decimal;

use super::values::nonneg;
use crate::deployment::Purchase;
use crate::pricing::commitment::{Commitment, Payment, Term};

#[derive(Debug, Args)]
pub struct PurchaseArgs {
    /// Savings Plan covering the deployments' compute (EC2 instance-hours, Fargate vCPU/GB-hours,
    /// Lambda duration and provisioned concurrency), sized to that usage; requests, API Gateway,
    /// ALB, storage and transfer stay on-demand. Needs Savings Plans rates in a --prices file: the
    /// bundled snapshot has none; `costcalc prices fetch --savings-plans-file FILE` writes them
    /// (README "Commitments")
    #[arg(long, value_enum, value_name = "PLAN", default_value_t = Commitment::None, help_heading = "Purchase")]
    pub commitment: Commitment,
    /// Term of the Savings Plan and of the RDS Reserved Instances
    #[arg(long, value_enum, default_value_t = Term::OneYear, help_heading = "Purchase")]
    pub term: Term,
    /// Upfront payment of the Savings Plan and of the RDS Reserved Instances; an upfront payment
    /// is amortised over the term's hours (8,760 a year)
    #[arg(long, value_enum, default_value_t = Payment::NoUpfront, help_heading = "Purchase")]
    pub payment: Payment,
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
            term: self.term,
            payment: self.payment,
            rds_reserved: self.rds_reserved.then_some((self.term, self.payment)),
            ec2_spot_discount: self.spot_discount,
        }
    }
}
