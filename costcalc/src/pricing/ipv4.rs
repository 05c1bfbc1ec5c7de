//! Public IPv4 addresses: 0.005 per address-hour, in use or idle (since 2024-02-01).

use rust_decimal::Decimal;

use super::LineItem;
use crate::catalog::PriceSnapshot;

pub fn price(name: &str, addresses: Decimal, hours: Decimal, p: &PriceSnapshot) -> Vec<LineItem> {
    vec![LineItem::new(
        "VPC",
        format!("{name} ({} x public IPv4)", addresses.normalize()),
        addresses * hours,
        &p.ipv4.hour,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;
    use crate::pricing::total;
    use rust_decimal_macros::dec;

    #[test]
    fn per_address_hour() {
        let p = bundled("us-east-1").unwrap();
        // ALB in 2 AZs all month: 2 x 730 x 0.005 = 7.30; one address for 100 h: 0.50.
        assert_eq!(total(&price("ALB", dec!(2), dec!(730), &p)), dec!(7.3));
        assert_eq!(total(&price("EC2", dec!(1), dec!(100), &p)), dec!(0.5));
    }
}
