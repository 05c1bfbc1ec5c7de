//! Amazon EC2: on-demand Linux instance-hours and EBS gp3 volumes (GB-month, prorated by hours).

use rust_decimal::Decimal;

use super::LineItem;
use crate::catalog::{Ec2Instance, PriceSnapshot};
use crate::error::{Error, Input, Problem, Result};
use crate::purchase::Usage;

const SERVICE: &str = "EC2";

#[derive(Debug, Clone)]
pub struct Ec2Usage {
    pub instance_type: String,
    pub count: Decimal,
    pub hours: Decimal,
    /// Hours in the month: storage is billed per GB-month, prorated by hours used.
    pub month_hours: Decimal,
    /// gp3 root volume per instance.
    pub ebs_gb: Decimal,
}

/// The catalog entry for an instance type; an unknown one lists the known types.
pub fn instance<'a>(p: &'a PriceSnapshot, name: &str) -> Result<&'a Ec2Instance> {
    p.ec2.instances.get(name).ok_or_else(|| {
        Error::invalid(
            Input::InstanceType,
            name,
            Problem::Unknown {
                region: p.region.clone(),
                known: p.ec2.instances.keys().cloned().collect(),
            },
        )
    })
}

pub fn price(u: &Ec2Usage, p: &PriceSnapshot) -> Result<Vec<LineItem>> {
    let i = instance(p, &u.instance_type)?;
    let mut out = vec![
        LineItem::at(
            SERVICE,
            format!(
                "{} x {} Linux ({} vCPU, {} GiB)",
                u.count.normalize(),
                u.instance_type,
                i.vcpus,
                i.memory_gib.normalize()
            ),
            u.count * u.hours,
            "instance-hour",
            i.usd,
        )
        .billing(Usage::Ec2Instance(u.instance_type.clone())),
    ];
    if u.ebs_gb > Decimal::ZERO {
        out.push(LineItem::new(
            "EBS",
            format!(
                "gp3 volume {} GB x {}",
                u.ebs_gb.normalize(),
                u.count.normalize()
            ),
            u.count * u.ebs_gb * u.hours / u.month_hours,
            &p.ec2.ebs_gp3,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;
    use crate::pricing::total;
    use rust_decimal_macros::dec;

    #[test]
    fn instance_and_ebs() {
        let p = bundled("us-east-1").unwrap();
        let u = Ec2Usage {
            instance_type: "t4g.micro".into(),
            count: dec!(1),
            hours: dec!(730),
            month_hours: dec!(730),
            ebs_gb: dec!(8),
        };
        // 730 x 0.0084 = 6.132; 8 x 0.08 = 0.64
        assert_eq!(total(&price(&u, &p).unwrap()), dec!(6.772));
        // Half the month: half the instance-hours and half a GB-month of each GB.
        let half = Ec2Usage {
            hours: dec!(365),
            ..u.clone()
        };
        assert_eq!(total(&price(&half, &p).unwrap()), dec!(3.386));
        let e = price(
            &Ec2Usage {
                instance_type: "t9.huge".into(),
                ..u
            },
            &p,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("instance type") && e.contains("t9.huge") && e.contains("t4g.micro"),
            "{e}"
        );
    }
}
