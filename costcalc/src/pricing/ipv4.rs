//! Public IPv4 addresses: 0.005 per address-hour, in use or idle (since 2024-02-01).

use rust_decimal::Decimal;

use super::LineItem;
use crate::prices::PriceSnapshot;

pub fn price(name: &str, addresses: Decimal, hours: Decimal, p: &PriceSnapshot) -> Vec<LineItem> {
    vec![LineItem::new(
        "VPC",
        format!("{name} ({} x public IPv4)", addresses.normalize()),
        addresses * hours,
        &p.ipv4.hour,
    )]
}
