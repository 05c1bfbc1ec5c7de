//! One module per AWS service: pure functions of (usage, prices) returning line items.
//!
//! Units: data sizes are binary, as AWS bills them (1 KB = 1,024 bytes, 1 GB = 2^30 bytes);
//! time is in hours unless a name says otherwise. Costs are exact; nothing here rounds.

pub mod alb;
pub mod apigw;
pub mod aurora;
pub mod aurora_pause;
pub mod aurora_scaling;
pub mod commitment;
pub mod credits;
pub mod ec2;
pub mod fargate;
pub mod ipv4;
pub mod lambda;
pub mod logs;
pub mod nat;
pub mod rds;
pub mod rds_proxy;
pub mod transfer;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Serialize;

use crate::catalog::{Price, TieredPrice};
use crate::money;
use crate::purchase::Usage;

/// Bytes in a binary KB and GB.
pub const KB: Decimal = dec!(1024);
pub const GB: Decimal = dec!(1073741824);
/// The default month: AWS's calculator and infracost use 730 hours.
pub const HOURS_PER_MONTH: Decimal = dec!(730);

/// One row of a bill: `cost_usd = quantity x unit_price_usd`, exact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineItem {
    pub service: String,
    pub name: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price_usd: Decimal,
    pub cost_usd: Decimal,
    /// The usage type a commitment may discount (compute only); None for everything else.
    #[serde(skip)]
    pub usage: Option<Usage>,
}

impl LineItem {
    pub fn new(service: &str, name: impl Into<String>, quantity: Decimal, price: &Price) -> Self {
        Self::at(service, name, quantity, &price.unit, price.usd)
    }

    pub fn at(
        service: &str,
        name: impl Into<String>,
        quantity: Decimal,
        unit: &str,
        usd: Decimal,
    ) -> Self {
        LineItem {
            service: service.to_string(),
            name: name.into(),
            quantity,
            unit: unit.to_string(),
            unit_price_usd: usd,
            cost_usd: quantity * usd,
            usage: None,
        }
    }

    /// Tag the line with the usage type it bills, so a commitment can find it.
    pub fn billing(mut self, usage: Usage) -> Self {
        self.usage = Some(usage);
        self
    }

    /// The same line at another unit price (a committed or Spot rate), named `name`.
    pub fn repriced(&self, name: String, usd: Decimal) -> Self {
        LineItem {
            name,
            unit_price_usd: usd,
            cost_usd: self.quantity * usd,
            ..self.clone()
        }
    }
}

/// Exact sum of line items.
pub fn total(items: &[LineItem]) -> Decimal {
    items.iter().map(|i| i.cost_usd).sum()
}

/// Split the month's `quantity` over the price's tiers, one line per tier used (at least one
/// line, so a zero usage still shows the price).
pub fn tiered(service: &str, name: &str, price: &TieredPrice, quantity: Decimal) -> Vec<LineItem> {
    let mut out = Vec::new();
    let mut left = quantity;
    let many = price.tiers.len() > 1;
    for (i, tier) in price.tiers.iter().enumerate() {
        let width = tier.to.map(|to| to - tier.from);
        let here = match width {
            Some(w) => left.min(w),
            None => left,
        };
        if here.is_zero() && !out.is_empty() {
            break;
        }
        let label = if !many {
            name.to_string()
        } else {
            match tier.to {
                Some(to) if tier.from.is_zero() => {
                    format!("{name}, tier 1 (up to {})", money::quantity(to, 4))
                }
                Some(to) => format!(
                    "{name}, tier {} ({} to {})",
                    i + 1,
                    money::quantity(tier.from, 4),
                    money::quantity(to, 4)
                ),
                None => format!(
                    "{name}, tier {} (over {})",
                    i + 1,
                    money::quantity(tier.from, 4)
                ),
            }
        };
        out.push(LineItem::at(service, label, here, &price.unit, tier.usd));
        left -= here;
        if left.is_zero() {
            break;
        }
    }
    out
}

/// Quantity less a free allowance, never below zero.
pub fn after_free(quantity: Decimal, free: Decimal) -> Decimal {
    (quantity - free).max(Decimal::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;

    #[test]
    fn tiers_split_at_boundaries() {
        let p = bundled("us-east-1").unwrap();
        let rest = &p.apigw.rest;
        // Exactly 333M: all in tier 1.
        let l = tiered("API Gateway", "Requests", rest, dec!(333));
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].cost_usd, dec!(1165.5));
        // 333M + 1 request: the last one at 2.80 per million.
        let l = tiered("API Gateway", "Requests", rest, dec!(333.000001));
        assert_eq!(l.len(), 2);
        assert_eq!(l[1].quantity, dec!(0.000001));
        assert_eq!(l[1].unit_price_usd, dec!(2.80));
        // 25 billion: 333M x 3.50 + 667M x 2.80 + 19,000M x 2.38 + 5,000M x 1.51.
        let l = tiered("API Gateway", "Requests", rest, dec!(25000));
        assert_eq!(l.len(), 4);
        assert_eq!(
            total(&l),
            dec!(1165.5) + dec!(1867.6) + dec!(45220) + dec!(7550)
        );
        // Zero usage still shows one line at the first price.
        let l = tiered("API Gateway", "Requests", rest, dec!(0));
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].cost_usd, dec!(0));
    }
}
