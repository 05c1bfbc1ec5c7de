//! The optional commitment sections of a snapshot: Savings Plans rates and RDS Reserved Instance
//! offers, each with its source. A snapshot without them prices on-demand only; asking it for a
//! commitment is an error naming the missing rates.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::decimal_serde::dec;
use crate::purchase::{Commitment, Payment, Term, Usage};

/// `[savings_plans]`: rates from the Savings Plans price list file of the region.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingsPlans {
    /// Where the rates were read (the price list file's URL and publication date).
    pub source: String,
    #[serde(default)]
    pub rates: Vec<PlanRate>,
}

/// One Savings Plan rate: what `usage` costs per unit under this plan, term and payment option.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRate {
    pub plan: Commitment,
    pub term: Term,
    pub payment: Payment,
    pub usage: Usage,
    #[serde(with = "dec")]
    pub usd: Decimal,
    /// The Price List usage type the rate discounts (`discountedUsageType`).
    pub usage_type: String,
}

/// `[rds_reserved]`: RDS Reserved Instance offers from the AmazonRDS price list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsReserved {
    pub source: String,
    #[serde(default)]
    pub offers: Vec<RdsOffer>,
}

/// One Reserved Instance offer: an upfront fee ("Quantity") and an hourly charge ("Hrs").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsOffer {
    pub class: String,
    pub multi_az: bool,
    pub term: Term,
    pub payment: Payment,
    #[serde(with = "dec")]
    pub upfront_usd: Decimal,
    #[serde(with = "dec")]
    pub hourly_usd: Decimal,
}

impl SavingsPlans {
    pub fn rate(
        &self,
        plan: Commitment,
        term: Term,
        payment: Payment,
        usage: &Usage,
    ) -> Option<&PlanRate> {
        self.rates
            .iter()
            .find(|r| r.plan == plan && r.term == term && r.payment == payment && r.usage == *usage)
    }
}

impl RdsReserved {
    pub fn offer(
        &self,
        class: &str,
        multi_az: bool,
        term: Term,
        payment: Payment,
    ) -> Option<&RdsOffer> {
        self.offers.iter().find(|o| {
            o.class == class && o.multi_az == multi_az && o.term == term && o.payment == payment
        })
    }
}

/// Every rate in its right place: a plan only on usage it covers, no negative money, no
/// duplicates; RDS offers only for classes the snapshot prices on-demand.
pub fn validate(
    sp: Option<&SavingsPlans>,
    ri: Option<&RdsReserved>,
    rds_classes: &[&String],
) -> std::result::Result<(), String> {
    if let Some(sp) = sp {
        if sp.source.trim().is_empty() {
            return Err("savings_plans.source is empty: name the price list file".into());
        }
        for (i, r) in sp.rates.iter().enumerate() {
            let at = format!("savings_plans.rates[{i}] ({})", r.usage);
            if !r.plan.covers(&r.usage) {
                return Err(format!(
                    "{at}: a {} does not cover {}",
                    r.plan.as_str(),
                    r.usage
                ));
            }
            if r.usd.is_sign_negative() {
                return Err(format!("{at}: negative rate {}", r.usd));
            }
            if sp.rates[..i].iter().any(|o| {
                o.plan == r.plan && o.term == r.term && o.payment == r.payment && o.usage == r.usage
            }) {
                return Err(format!(
                    "{at}: listed twice for the same plan, term and payment"
                ));
            }
        }
    }
    if let Some(ri) = ri {
        if ri.source.trim().is_empty() {
            return Err("rds_reserved.source is empty: name the price list file".into());
        }
        for (i, o) in ri.offers.iter().enumerate() {
            let at = format!("rds_reserved.offers[{i}] ({})", o.class);
            if o.upfront_usd.is_sign_negative() || o.hourly_usd.is_sign_negative() {
                return Err(format!("{at}: negative price"));
            }
            if !rds_classes.iter().any(|c| **c == o.class) {
                return Err(format!("{at}: not a class of rds.instances"));
            }
        }
    }
    Ok(())
}
