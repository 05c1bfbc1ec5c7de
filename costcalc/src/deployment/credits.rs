//! Surplus CPU credits of the burstable instances a deployment runs (EC2 T3/T4g, RDS db.t3/db.t4g).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::catalog::Price;
use crate::error::{Error, Input, Problem, Result};
use crate::pricing::{self, LineItem};

/// Surplus CPU credits of a burstable type (`baseline_percent` known) above its baseline.
pub fn cpu_credits(
    service: &str,
    name: &str,
    average: Decimal,
    baseline_percent: Option<Decimal>,
    vcpus: Decimal,
    hours: Decimal,
    prices: &BTreeMap<String, Price>,
) -> Result<Option<LineItem>> {
    let Some(baseline) = baseline_percent else {
        return Ok(None);
    };
    if average * dec!(100) <= baseline {
        return Ok(None);
    }
    let family = crate::catalog::family(name);
    let credit = prices.get(family).ok_or_else(|| {
        Error::invalid(
            Input::InstanceType,
            name,
            Problem::NotPriced {
                what: format!(
                    "it runs above its {}% baseline, but the snapshot has no CPU credit price for {family}",
                    baseline.normalize()
                ),
            },
        )
    })?;
    Ok(pricing::credits::price(
        service, name, average, baseline, vcpus, hours, credit,
    ))
}
