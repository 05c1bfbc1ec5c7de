//! NAT Gateway: hours plus GB processed (both directions). Its Elastic IP is a public IPv4
//! address, priced by `ipv4`.

use rust_decimal::Decimal;

use super::LineItem;
use crate::catalog::PriceSnapshot;

pub fn price(hours: Decimal, processed_gb: Decimal, p: &PriceSnapshot) -> Vec<LineItem> {
    vec![
        LineItem::new("NAT Gateway", "NAT Gateway hours", hours, &p.nat.hour),
        LineItem::new(
            "NAT Gateway",
            "Data processed",
            processed_gb,
            &p.nat.processed,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;
    use rust_decimal_macros::dec;

    #[test]
    fn hours_and_gb() {
        let p = bundled("us-east-1").unwrap();
        let l = price(dec!(720), dec!(2.5), &p);
        // 720 x 0.045 = 32.40; 2.5 GB x 0.045 = 0.1125
        assert_eq!(l[0].cost_usd, dec!(32.4));
        assert_eq!(l[1].cost_usd, dec!(0.1125));
    }
}
