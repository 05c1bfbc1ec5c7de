//! Surplus CPU credits of burstable instances (EC2 T3/T4g, RDS db.t3/db.t4g) in unlimited mode,
//! the default for these families: when the average utilization of a vCPU over the month is above
//! the instance's baseline, the difference is billed per vCPU-hour.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::LineItem;
use crate::catalog::Price;

/// vCPU-hours above the baseline: `(average utilization - baseline) x vCPUs x hours`, 0 when
/// under it. Utilization and baseline are fractions of one vCPU (0.1 = 10%).
pub fn surplus_vcpu_hours(
    average_utilization: Decimal,
    baseline: Decimal,
    vcpus: Decimal,
    hours: Decimal,
) -> Decimal {
    (average_utilization - baseline).max(Decimal::ZERO) * vcpus * hours
}

/// The line item for `count` instances of `vcpus` each at `average_utilization` per vCPU, or
/// None when they stay under their baseline (`baseline_percent`).
pub fn price(
    service: &str,
    what: &str,
    average_utilization: Decimal,
    baseline_percent: Decimal,
    vcpus: Decimal,
    hours: Decimal,
    credit: &Price,
) -> Option<LineItem> {
    let baseline = baseline_percent / dec!(100);
    let surplus = surplus_vcpu_hours(average_utilization, baseline, vcpus, hours);
    (surplus > Decimal::ZERO).then(|| {
        LineItem::new(
            service,
            format!(
                "CPU credits: {what} at {}% average, baseline {}%",
                crate::money::quantity(average_utilization * dec!(100), 2),
                baseline_percent.normalize()
            ),
            surplus,
            credit,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_rds_example_of_a_t3_at_25_percent() {
        // AWS (RDS instance types, T3 unlimited): an instance at an average 25% CPU, 5% above its
        // 20% baseline, for 24 hours is charged 7.5 cents/vCPU-hour x 1 vCPU x 5% x 24 hours = 9 cents.
        let h = surplus_vcpu_hours(dec!(0.25), dec!(0.20), dec!(1), dec!(24));
        assert_eq!(h, dec!(1.2));
        let credit = Price {
            usd: dec!(0.075),
            unit: "vCPU-hour".into(),
            usage_type: "CPUCredits:db.t3".into(),
            source: "test".into(),
        };
        let line = price(
            "RDS",
            "db.t3.small",
            dec!(0.25),
            dec!(20),
            dec!(1),
            dec!(24),
            &credit,
        );
        assert_eq!(line.unwrap().cost_usd, dec!(0.09));
        // At or under the baseline, nothing.
        assert!(
            price(
                "RDS",
                "x",
                dec!(0.20),
                dec!(20),
                dec!(2),
                dec!(730),
                &credit
            )
            .is_none()
        );
    }
}
