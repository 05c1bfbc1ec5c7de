//! Amazon RDS Proxy: billed per vCPU-hour of the target database instance, at least 2 vCPUs;
//! in front of Aurora Serverless v2, per ACU-hour of the cluster, at least 8 ACUs.

use rust_decimal::Decimal;

use super::LineItem;
use crate::catalog::{AuroraProxy, PriceSnapshot};

/// The proxy in front of an Aurora Serverless v2 cluster holding `acus` while up.
pub fn price_serverless(acus: Decimal, hours: Decimal, rate: &AuroraProxy) -> Vec<LineItem> {
    let min = rate.minimum_acus;
    let name = if acus < min {
        format!(
            "Proxy for a {}-ACU Aurora Serverless v2 target, billed at the {}-ACU minimum",
            acus.normalize(),
            min.normalize()
        )
    } else {
        format!(
            "Proxy for a {}-ACU Aurora Serverless v2 target",
            acus.normalize()
        )
    };
    vec![LineItem::new(
        "RDS Proxy",
        name,
        acus.max(min) * hours,
        &rate.acu,
    )]
}

pub fn price(target_vcpus: Decimal, hours: Decimal, p: &PriceSnapshot) -> Vec<LineItem> {
    let min = p.rds_proxy.minimum_vcpus;
    let billed = target_vcpus.max(min);
    let name = if target_vcpus < min {
        format!(
            "Proxy for a {}-vCPU target, billed at the {}-vCPU minimum",
            target_vcpus.normalize(),
            min.normalize()
        )
    } else {
        format!("Proxy for a {}-vCPU target", target_vcpus.normalize())
    };
    vec![LineItem::new(
        "RDS Proxy",
        name,
        billed * hours,
        &p.rds_proxy.vcpu,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;
    use rust_decimal_macros::dec;

    #[test]
    fn two_vcpu_minimum() {
        let p = bundled("us-east-1").unwrap();
        assert_eq!(price(dec!(1), dec!(720), &p)[0].cost_usd, dec!(21.6));
        assert_eq!(price(dec!(2), dec!(730), &p)[0].cost_usd, dec!(21.9));
        assert_eq!(price(dec!(4), dec!(730), &p)[0].cost_usd, dec!(43.8));
    }

    /// In front of Aurora Serverless v2 the proxy bills ACUs, at least 8: a 0.5-ACU cluster's
    /// proxy is 8 x 730 h x $0.015 = $87.60; a 12-ACU one 12 x 730 x 0.015 = $131.40.
    #[test]
    fn eight_acu_minimum_on_aurora_serverless() {
        let p = bundled("us-east-1").unwrap();
        let rate = p.aurora.as_ref().unwrap().proxy.as_ref().unwrap();
        let small = price_serverless(dec!(0.5), dec!(730), rate);
        assert_eq!(small[0].cost_usd, dec!(87.6));
        assert!(small[0].name.contains("8-ACU minimum"), "{}", small[0].name);
        assert_eq!(
            price_serverless(dec!(12), dec!(730), rate)[0].cost_usd,
            dec!(131.4)
        );
    }
}
