//! Amazon RDS Proxy: billed per vCPU-hour of the target database instance, at least 2 vCPUs.

use rust_decimal::Decimal;

use super::LineItem;
use crate::catalog::PriceSnapshot;

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
}
