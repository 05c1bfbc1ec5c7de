//! The range of every figure of a price snapshot, checked when it is read so that no price or
//! allowance can overflow the arithmetic or turn a bill negative ("baseline -50%").

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::PriceSnapshot;
use crate::limits::{QUANTITY_MAX, USD_MAX, field};

pub fn check(s: &PriceSnapshot) -> Result<(), String> {
    // The region is printed in every form, CSV cells included: an AWS region name, nothing else.
    let region_ok = s.region.len() <= 32
        && s.region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !region_ok {
        return Err(format!(
            "region {:?} is not an AWS region name (lowercase letters, digits and `-`)",
            s.region
        ));
    }
    let usd = |name: &str, v: Decimal| field(name, v, dec!(0), USD_MAX).map(|_| ());
    let qty = |name: &str, v: Decimal| field(name, v, dec!(0), QUANTITY_MAX).map(|_| ());
    for (path, p) in super::load::flat_prices(s) {
        usd(&format!("{path}.usd"), p.usd)?;
    }
    for (path, t) in super::load::tiered_prices(s) {
        for tier in &t.tiers {
            usd(&format!("{path}.tiers[].usd"), tier.usd)?;
            qty(&format!("{path}.tiers[].from"), tier.from)?;
            if let Some(to) = tier.to {
                qty(&format!("{path}.tiers[].to"), to)?;
            }
        }
    }
    let percent = |name: &str, v: Option<Decimal>| match v {
        Some(v) => field(name, v, dec!(0), dec!(100)).map(|_| ()),
        None => Ok(()),
    };
    let gib = |name: &str, v: Decimal| field(name, v, dec!(0), dec!(1_000_000)).map(|_| ());
    for (name, i) in &s.ec2.instances {
        usd(&format!("ec2.instances.{name}.usd"), i.usd)?;
        gib(&format!("ec2.instances.{name}.memory_gib"), i.memory_gib)?;
        let b = i.baseline_cpu_percent;
        percent(&format!("ec2.instances.{name}.baseline_cpu_percent"), b)?;
    }
    for (name, i) in &s.rds.instances {
        usd(&format!("rds.instances.{name}.single_az"), i.single_az)?;
        usd(&format!("rds.instances.{name}.multi_az"), i.multi_az)?;
        if let Some(m) = i.memory_gib {
            gib(&format!("rds.instances.{name}.memory_gib"), m)?;
        }
        let b = i.baseline_cpu_percent;
        percent(&format!("rds.instances.{name}.baseline_cpu_percent"), b)?;
    }
    qty("lambda.free_requests", s.lambda.free_requests)?;
    qty("lambda.free_gb_seconds", s.lambda.free_gb_seconds)?;
    qty("fargate.included_storage_gb", s.fargate.included_storage_gb)?;
    field(
        "fargate.minimum_seconds",
        s.fargate.minimum_seconds,
        dec!(0),
        dec!(86_400),
    )?;
    field(
        "rds_proxy.minimum_vcpus",
        s.rds_proxy.minimum_vcpus,
        dec!(0),
        dec!(1_000),
    )?;
    qty("alb.free_rules", s.alb.free_rules)?;
    qty("logs.free_ingest_gb", s.logs.free_ingest_gb)?;
    qty("logs.free_stored_gb", s.logs.free_stored_gb)?;
    qty("transfer.free_gb", s.transfer.free_gb)?;
    // Divisors: dimensions of one LCU and API Gateway's metering step.
    let unit = (dec!(0.000001), dec!(1_000_000_000_000));
    let a = &s.alb;
    for (name, v) in [
        (
            "alb.new_connections_per_sec_per_lcu",
            a.new_connections_per_sec_per_lcu,
        ),
        (
            "alb.active_connections_per_min_per_lcu",
            a.active_connections_per_min_per_lcu,
        ),
        (
            "alb.processed_gb_per_hour_per_lcu",
            a.processed_gb_per_hour_per_lcu,
        ),
        (
            "alb.rule_evaluations_per_sec_per_lcu",
            a.rule_evaluations_per_sec_per_lcu,
        ),
        ("apigw.http_metering_kb", s.apigw.http_metering_kb),
    ] {
        field(name, v, unit.0, unit.1)?;
    }
    if let Some(sp) = &s.savings_plans {
        for r in &sp.rates {
            usd("savings_plans.rates[].usd", r.usd)?;
        }
    }
    if let Some(rr) = &s.rds_reserved {
        for o in &rr.offers {
            usd("rds_reserved.offers[].upfront_usd", o.upfront_usd)?;
            usd("rds_reserved.offers[].hourly_usd", o.hourly_usd)?;
        }
    }
    Ok(())
}
