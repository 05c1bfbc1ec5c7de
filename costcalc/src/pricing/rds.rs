//! Amazon RDS for PostgreSQL: instance-hours (single-AZ or Multi-AZ with one standby) and
//! gp3 storage (GB-month, prorated by hours).

use rust_decimal::Decimal;

use super::LineItem;
use crate::catalog::{PriceSnapshot, RdsInstance};
use crate::error::{Error, Input, Problem, Result};
use crate::purchase::Usage;

const SERVICE: &str = "RDS";

#[derive(Debug, Clone)]
pub struct RdsUsage {
    pub instance_class: String,
    pub multi_az: bool,
    pub storage_gb: Decimal,
    pub hours: Decimal,
    /// Hours in the month: storage is billed per GB-month, prorated by hours used.
    pub month_hours: Decimal,
}

pub fn instance<'a>(p: &'a PriceSnapshot, name: &str) -> Result<&'a RdsInstance> {
    p.rds.instances.get(name).ok_or_else(|| {
        Error::invalid(
            Input::DbInstanceClass,
            name,
            Problem::Unknown {
                region: p.region.clone(),
                known: p.rds.instances.keys().cloned().collect(),
            },
        )
    })
}

pub fn price(u: &RdsUsage, p: &PriceSnapshot) -> Result<Vec<LineItem>> {
    let i = instance(p, &u.instance_class)?;
    let (rate, az, storage) = if u.multi_az {
        (i.multi_az, "Multi-AZ", &p.rds.storage_multi_az)
    } else {
        (i.single_az, "single-AZ", &p.rds.storage_single_az)
    };
    let mut out = vec![
        LineItem::at(
            SERVICE,
            format!("PostgreSQL {} {az} ({} vCPU)", u.instance_class, i.vcpus),
            u.hours,
            "instance-hour",
            rate,
        )
        .billing(Usage::RdsInstance {
            class: u.instance_class.clone(),
            multi_az: u.multi_az,
        }),
    ];
    out.push(LineItem::new(
        SERVICE,
        format!("gp3 storage {} GB ({az})", u.storage_gb.normalize()),
        u.storage_gb * u.hours / u.month_hours,
        storage,
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;
    use crate::pricing::total;
    use rust_decimal_macros::dec;

    #[test]
    fn single_and_multi_az() {
        let p = bundled("us-east-1").unwrap();
        let mut u = RdsUsage {
            instance_class: "db.t4g.micro".into(),
            multi_az: false,
            storage_gb: dec!(20),
            hours: dec!(730),
            month_hours: dec!(730),
        };
        // 730 x 0.016 = 11.68; 20 x 0.115 = 2.30
        assert_eq!(total(&price(&u, &p).unwrap()), dec!(13.98));
        u.multi_az = true;
        // 730 x 0.032 = 23.36; 20 x 0.23 = 4.60
        assert_eq!(total(&price(&u, &p).unwrap()), dec!(27.96));
    }
}
