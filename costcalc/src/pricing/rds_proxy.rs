//! Amazon RDS Proxy: billed per vCPU-hour of the target database instance, at least 2 vCPUs;
//! in front of Aurora Serverless v2, per ACU-hour of the cluster, at least 8 ACUs.

use rust_decimal::Decimal;

use super::LineItem;
use crate::catalog::{AuroraProxy, PriceSnapshot};

/// What the proxy in front of an Aurora Serverless v2 cluster bills on: the cluster's ACU-hours
/// with each hour at least the snapshot's minimum ACUs, and the range they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyBasis {
    pub floor: Decimal,
    pub peak: Decimal,
    pub acu_hours: Decimal,
}

/// The proxy in front of an Aurora Serverless v2 cluster.
pub fn price_serverless(b: &ProxyBasis, rate: &AuroraProxy) -> Vec<LineItem> {
    let min = rate.minimum_acus;
    let target = if b.peak > b.floor {
        format!(
            "a {}-{} ACU Aurora Serverless v2 target",
            b.floor.normalize(),
            b.peak.normalize()
        )
    } else {
        format!("a {}-ACU Aurora Serverless v2 target", b.floor.normalize())
    };
    let name = if b.peak <= min {
        format!(
            "Proxy for {target}, billed at the {}-ACU minimum",
            min.normalize()
        )
    } else if b.floor < min {
        format!(
            "Proxy for {target}, billed on its ACU-hours, at least {} ACUs an hour",
            min.normalize()
        )
    } else {
        format!("Proxy for {target}, billed on its ACU-hours")
    };
    vec![LineItem::new("RDS Proxy", name, b.acu_hours, &rate.acu)]
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

    /// In front of Aurora Serverless v2 the proxy bills the cluster's ACU-hours, each hour at
    /// least 8: a 0.5-ACU cluster's proxy is 8 x 730 h x $0.015 = $87.60; a 12-ACU one
    /// 12 x 730 x 0.015 = $131.40.
    #[test]
    fn eight_acu_minimum_on_aurora_serverless() {
        let p = bundled("us-east-1").unwrap();
        let rate = p.aurora.as_ref().unwrap().proxy.as_ref().unwrap();
        let basis = |floor, peak, acu_hours| ProxyBasis {
            floor,
            peak,
            acu_hours,
        };
        let small = price_serverless(&basis(dec!(0.5), dec!(0.5), dec!(5840)), rate);
        assert_eq!(small[0].cost_usd, dec!(87.6));
        assert!(small[0].name.contains("8-ACU minimum"), "{}", small[0].name);
        let big = price_serverless(&basis(dec!(12), dec!(12), dec!(8760)), rate);
        assert_eq!(big[0].cost_usd, dec!(131.4));
        // 0.5 to 12 ACU: the hours above 8 bill what they hold (the caller's ACU-hours, here
        // 6,000 = 8 x 730 + 160 above): 6,000 x $0.015 = $90.
        let varying = price_serverless(&basis(dec!(0.5), dec!(12), dec!(6000)), rate);
        assert_eq!(varying[0].cost_usd, dec!(90));
        assert!(
            varying[0].name.contains("0.5-12 ACU") && varying[0].name.contains("at least 8"),
            "{}",
            varying[0].name
        );
    }
}
