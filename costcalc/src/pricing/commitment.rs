//! Commitments: Savings Plans (Compute and EC2 Instance) and RDS Reserved Instances.
//!
//! Pure arithmetic, no prices of its own: rates come from a snapshot's `[savings_plans]` and
//! `[rds_reserved]` sections. A Savings Plan rate replaces the on-demand rate of one usage type
//! it covers (compute only: requests, API Gateway, ALB, storage and transfer stay on-demand); the
//! payment option changes the rate and how much of the commitment is paid before the term starts.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Input, Problem, Result};
use crate::purchase::{Commitment, Payment, Term, Usage};

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
