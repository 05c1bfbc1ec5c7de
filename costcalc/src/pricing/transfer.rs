//! Data transfer out to the internet: tiered per GB; 100 GB a month free only with the free tier.

use rust_decimal::Decimal;

use super::{LineItem, after_free, tiered};
use crate::catalog::PriceSnapshot;

pub fn price(out_gb: Decimal, free_tier: bool, p: &PriceSnapshot) -> Vec<LineItem> {
    let t = &p.transfer;
    if free_tier {
        let name = format!("Out to internet beyond {} GB free", t.free_gb.normalize());
        tiered(
            "Data transfer",
            &name,
            &t.out,
            after_free(out_gb, t.free_gb),
        )
    } else {
        tiered("Data transfer", "Out to internet", &t.out, out_gb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;
    use crate::pricing::total;
    use rust_decimal_macros::dec;

    #[test]
    fn free_100_gb_only_with_free_tier() {
        let p = bundled("us-east-1").unwrap();
        assert_eq!(total(&price(dec!(150), false, &p)), dec!(13.5));
        assert_eq!(total(&price(dec!(150), true, &p)), dec!(4.5));
        assert_eq!(total(&price(dec!(50), true, &p)), dec!(0));
    }

    #[test]
    fn tiers_after_10_tb() {
        let p = bundled("us-east-1").unwrap();
        // 10,240 GB x 0.09 + 760 GB x 0.085
        assert_eq!(
            total(&price(dec!(11000), false, &p)),
            dec!(921.6) + dec!(64.6)
        );
    }
}
