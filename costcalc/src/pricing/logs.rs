//! CloudWatch Logs: GB ingested and GB-month stored; with the free tier, 5 GB of each free.

use rust_decimal::Decimal;

use super::{LineItem, after_free};
use crate::catalog::PriceSnapshot;

const SERVICE: &str = "CloudWatch Logs";

pub fn price(
    ingest_gb: Decimal,
    stored_gb: Decimal,
    free_tier: bool,
    p: &PriceSnapshot,
) -> Vec<LineItem> {
    let l = &p.logs;
    let (ingest, stored, suffix) = if free_tier {
        (
            after_free(ingest_gb, l.free_ingest_gb),
            after_free(stored_gb, l.free_stored_gb),
            " beyond 5 GB free",
        )
    } else {
        (ingest_gb, stored_gb, "")
    };
    vec![
        LineItem::new(SERVICE, format!("Ingestion{suffix}"), ingest, &l.ingest),
        LineItem::new(SERVICE, format!("Storage{suffix}"), stored, &l.storage),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;
    use crate::pricing::total;
    use rust_decimal_macros::dec;

    #[test]
    fn ingest_and_storage_with_and_without_free_tier() {
        let p = bundled("us-east-1").unwrap();
        // 10 GB x 0.50 + 10 GB-month x 0.03 = 5.30
        assert_eq!(total(&price(dec!(10), dec!(10), false, &p)), dec!(5.3));
        // 5 GB x 0.50 + 5 x 0.03 = 2.65
        assert_eq!(total(&price(dec!(10), dec!(10), true, &p)), dec!(2.65));
        assert_eq!(total(&price(dec!(4), dec!(4), true, &p)), dec!(0));
    }
}
