//! Purchase flags of the per-service commands: a Savings Plan for compute, a Reserved Instance
//! for RDS; and the bill under them, beside its on-demand total.

use clap::Args;
use rust_decimal::Decimal;

use super::{Common, named};
use crate::catalog::PriceSnapshot;
use crate::cli::purchase::{TermArgs, commitment_help};
use crate::cli::values::choice_help;
use crate::deployment::{Purchase, purchase};
use crate::error::Result;
use crate::pricing::LineItem;
use crate::purchase::Commitment;
use crate::report::{PriceInfo, commitments};

/// `--commitment` with `--term` and `--payment` (lambda, fargate, ec2).
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Savings Plan: its rate replaces the on-demand rate of the compute it covers (needs Savings
    /// Plans rates in a --prices file: the bundled snapshot has none; `costcalc prices fetch
    /// --savings-plans-file FILE` writes them; README "Commitments")
    #[arg(long, value_name = "PLAN", value_parser = choice_help(commitment_help), default_value_t = Commitment::None, help_heading = "Purchase")]
    pub commitment: Commitment,
    #[command(flatten)]
    pub terms: TermArgs,
}

impl PlanArgs {
    pub fn purchase(&self) -> Purchase {
        Purchase {
            commitment: self.commitment,
            term: self.terms.term,
            payment: self.terms.payment,
            ..Purchase::default()
        }
    }
}

/// `--reserved` (alias `--rds-reserved`) with `--term` and `--payment` (rds).
#[derive(Debug, Args)]
pub struct ReservedArgs {
    /// A Reserved Instance of this class (needs [rds_reserved] offers in a --prices file: the
    /// bundled snapshot has none; `costcalc prices fetch` writes them; README "Commitments")
    #[arg(long, visible_alias = "rds-reserved", help_heading = "Purchase")]
    pub reserved: bool,
    #[command(flatten)]
    pub terms: TermArgs,
}

impl ReservedArgs {
    pub fn purchase(&self) -> Purchase {
        Purchase {
            rds_reserved: self
                .reserved
                .then_some((self.terms.term, self.terms.payment)),
            ..Purchase::default()
        }
    }
}

/// The bill of `items` under `b`, beside `on_demand_usd` (the same usage on-demand).
pub fn bill(
    c: &Common,
    mut info: PriceInfo,
    title: String,
    mut items: Vec<LineItem>,
    b: &Purchase,
    on_demand_usd: Decimal,
    p: &PriceSnapshot,
) -> Result<String> {
    if b.is_on_demand() {
        return Ok(super::bill(c, info, title, items, None));
    }
    let mut committed =
        purchase::apply(&mut items, b, c.prices.hours_per_month, p).map_err(named)?;
    committed.on_demand_usd = on_demand_usd;
    info.purchase = commitments::describe_purchase(b, p);
    Ok(super::bill(c, info, title, items, Some(committed)))
}
