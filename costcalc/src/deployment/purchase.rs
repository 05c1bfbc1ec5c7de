//! A deployment's bill under the chosen purchase options: EC2 Spot at the given discount, a
//! Savings Plan on the compute it covers, RDS Reserved Instances on the database.
//!
//! The commitment is sized to the deployment's covered usage (an hourly commitment equal to that
//! usage at plan rates), so every covered line is billed at its plan rate and nothing is left
//! unused at the priced traffic. That keeps each total affine in the usage, as the break-even
//! search needs. The break-even utilisation says how far usage may fall before the commitment
//! costs more than on-demand.

use rust_decimal::Decimal;
use serde::Serialize;

use super::Purchase;
use crate::catalog::PriceSnapshot;
use crate::error::{Error, Input, Problem, Result};
use crate::money;
use crate::pricing::LineItem;
use crate::pricing::commitment::{
    Payments, amortised_per_hour, savings_plan_payments, savings_plan_rate,
};
use crate::purchase::{Commitment, Payment, Term, Usage};

/// One commitment's spend for the month and how it is paid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spend {
    /// The hourly commitment (Savings Plan) or the effective hourly of the Reserved Instances.
    pub per_hour: Decimal,
    /// Paid once before the term, and the hourly part; `per_hour` is their amortised sum.
    pub payments: Payments,
    /// The month's committed cost and what the same usage costs on-demand.
    pub month_usd: Decimal,
    pub on_demand_usd: Decimal,
}

impl Spend {
    /// Below this share of the committed usage the commitment costs more than on-demand:
    /// commitment cost / on-demand cost of the same usage.
    pub fn breakeven_utilisation(&self) -> Option<Decimal> {
        (!self.on_demand_usd.is_zero()).then(|| self.month_usd / self.on_demand_usd)
    }
}

/// What the purchase options did to a deployment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Committed {
    /// The deployment bought on-demand: no commitment, no Spot.
    pub on_demand_usd: Decimal,
    pub savings_plan: Option<Spend>,
    pub rds_reserved: Option<Spend>,
}

impl Committed {
    /// Both commitments together: their month's cost over the on-demand cost of their usage.
    pub fn breakeven_utilisation(&self) -> Option<Decimal> {
        let spends = [&self.savings_plan, &self.rds_reserved];
        let month: Decimal = spends
            .iter()
            .filter_map(|s| s.as_ref())
            .map(|s| s.month_usd)
            .sum();
        let od: Decimal = spends
            .iter()
            .filter_map(|s| s.as_ref())
            .map(|s| s.on_demand_usd)
            .sum();
        (!od.is_zero()).then(|| month / od)
    }
}

/// Reprice `lines` (billed over `hours` a month) under `b`; the rates missing from the snapshot
/// are one error. `on_demand_usd` is the caller's to fill in (Fargate Spot needs a re-pricing).
pub fn apply(
    lines: &mut [LineItem],
    b: &Purchase,
    hours: Decimal,
    p: &PriceSnapshot,
) -> Result<Committed> {
    if let Some(d) = b.ec2_spot_discount {
        for l in lines.iter_mut() {
            if let Some(Usage::Ec2Instance(t)) = &l.usage {
                let name = format!(
                    "{t} Linux, {} instance-hours on Spot ({}% off on-demand, assumed)",
                    money::quantity(l.quantity, 4),
                    (d * Decimal::ONE_HUNDRED).normalize()
                );
                // Spot is not covered by Savings Plans.
                *l = LineItem {
                    usage: None,
                    ..l.repriced(name, l.unit_price_usd * (Decimal::ONE - d))
                };
            }
        }
    }
    let savings_plan = match b.commitment {
        Commitment::None => None,
        plan => savings_plan(lines, plan, b, hours, p)?,
    };
    let rds_reserved = match b.rds_reserved {
        Some(terms) => reserved(lines, terms, p)?,
        None => None,
    };
    Ok(Committed {
        on_demand_usd: Decimal::ZERO,
        savings_plan,
        rds_reserved,
    })
}

fn savings_plan(
    lines: &mut [LineItem],
    plan: Commitment,
    b: &Purchase,
    hours: Decimal,
    p: &PriceSnapshot,
) -> Result<Option<Spend>> {
    let (term, payment) = (b.term, b.payment);
    let mut missing = Vec::new();
    let (mut month, mut on_demand) = (Decimal::ZERO, Decimal::ZERO);
    let label = format!("{} {} {}", plan.as_str(), term.as_str(), payment.as_str());
    for l in lines.iter_mut() {
        let Some(usage) = l.usage.clone().filter(|u| plan.covers(u)) else {
            continue;
        };
        let found = p
            .savings_plans
            .as_ref()
            .and_then(|s| s.rate(plan, term, payment, &usage));
        let Some(rate) = found else {
            missing.push(usage.to_string());
            continue;
        };
        let usd = savings_plan_rate(plan, &usage, rate.usd)?;
        on_demand += l.cost_usd;
        *l = l.repriced(format!("{} at the {label} rate", l.name), usd);
        month += l.cost_usd;
    }
    if !missing.is_empty() {
        return Err(not_priced(
            Input::Commitment,
            &label,
            Input::SavingsPlansRates,
            &missing,
            p,
        ));
    }
    if on_demand.is_zero() && month.is_zero() {
        return Ok(None);
    }
    let per_hour = month / hours;
    Ok(Some(Spend {
        per_hour,
        payments: savings_plan_payments(per_hour, term, payment),
        month_usd: month,
        on_demand_usd: on_demand,
    }))
}

fn reserved(
    lines: &mut [LineItem],
    (term, payment): (Term, Payment),
    p: &PriceSnapshot,
) -> Result<Option<Spend>> {
    let label = format!(
        "RDS Reserved Instance {} {}",
        term.as_str(),
        payment.as_str()
    );
    let mut missing = Vec::new();
    let mut found = None;
    for l in lines.iter_mut() {
        let Some(Usage::RdsInstance { class, multi_az }) = l.usage.clone() else {
            continue;
        };
        let offer = p
            .rds_reserved
            .as_ref()
            .and_then(|r| r.offer(&class, multi_az, term, payment));
        let Some(offer) = offer else {
            missing.push(l.usage.as_ref().map(|u| u.to_string()).unwrap_or_default());
            continue;
        };
        let per_hour = amortised_per_hour(offer.upfront_usd, offer.hourly_usd, term);
        let on_demand = l.cost_usd;
        *l = l.repriced(
            format!(
                "{} as a {label} ({} upfront over {} h + ${}/h)",
                l.name,
                money::usd(offer.upfront_usd),
                money::quantity(term.hours(), 0),
                money::exact(offer.hourly_usd)
            ),
            per_hour,
        );
        found = Some(Spend {
            per_hour,
            payments: Payments {
                upfront_usd: offer.upfront_usd,
                recurring_per_hour: offer.hourly_usd,
                effective_per_hour: per_hour,
            },
            month_usd: l.cost_usd,
            on_demand_usd: on_demand,
        });
    }
    if !missing.is_empty() {
        return Err(not_priced(
            Input::RdsReserved,
            &label,
            Input::RdsReservedRates,
            &missing,
            p,
        ));
    }
    Ok(found)
}

/// Fold the missing-rates error of one more deployment into `acc`, so that one message names
/// every rate the deployments lack; any other error is returned as it is.
pub fn merge_missing(acc: Option<Error>, e: Error) -> std::result::Result<Option<Error>, Error> {
    let Error::Invalid {
        problem: Problem::MissingRates { missing: more, .. },
        input: more_input,
        ..
    } = &e
    else {
        return Err(e);
    };
    match acc {
        Some(Error::Invalid {
            input,
            value,
            problem:
                Problem::MissingRates {
                    mut missing,
                    snapshot,
                    rates,
                },
        }) if input == *more_input => {
            missing.extend(
                more.iter()
                    .filter(|m| !missing.contains(m))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            Ok(Some(Error::Invalid {
                input,
                value,
                problem: Problem::MissingRates {
                    missing,
                    snapshot,
                    rates,
                },
            }))
        }
        Some(other) => Ok(Some(other)),
        None => Ok(Some(e)),
    }
}

fn not_priced(
    input: Input,
    label: &str,
    rates: Input,
    missing: &[String],
    p: &PriceSnapshot,
) -> Error {
    Error::invalid(
        input,
        label,
        Problem::MissingRates {
            missing: missing.to_vec(),
            snapshot: format!("{} snapshot of {}", p.region, p.as_of),
            rates,
        },
    )
}

#[cfg(test)]
#[path = "purchase_tests.rs"]
mod tests;
