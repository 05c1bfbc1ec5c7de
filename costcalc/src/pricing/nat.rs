//! NAT Gateway: hours plus GB processed (both directions). Its Elastic IP is a public IPv4
//! address, priced by `ipv4`.

use rust_decimal::Decimal;

use super::LineItem;
use crate::prices::PriceSnapshot;

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
