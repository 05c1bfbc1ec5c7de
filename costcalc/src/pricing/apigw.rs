//! Amazon API Gateway: REST or HTTP API requests with volume tiers; HTTP API calls are metered in
//! 512 KB increments; responses leave AWS as data transfer out (priced by `transfer`).

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::{LineItem, tiered};
use crate::catalog::PriceSnapshot;
use crate::spelling::spelled;

const SERVICE: &str = "API Gateway";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(into = "&'static str")]
pub enum ApiKind {
    Rest,
    Http,
}
spelled!(ApiKind { Rest => "rest", Http => "http" });

impl ApiKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKind::Rest => "REST API",
            ApiKind::Http => "HTTP API",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApiGwUsage {
    pub requests: Decimal,
    pub kind: ApiKind,
    /// Mean request and response body sizes, KB (1,024 bytes).
    pub request_kb: Decimal,
    pub response_kb: Decimal,
}

/// How many billable requests one HTTP API call of this size counts as: one per started 512 KB
/// of the larger of its request and response body (AWS: "a 513 KB request is metered as two").
pub fn http_units_per_call(
    request_kb: Decimal,
    response_kb: Decimal,
    increment_kb: Decimal,
) -> Decimal {
    let size = request_kb.max(response_kb);
    (size / increment_kb).ceil().max(dec!(1))
}

pub fn price(u: &ApiGwUsage, p: &PriceSnapshot) -> Vec<LineItem> {
    match u.kind {
        ApiKind::Rest => tiered(
            SERVICE,
            "REST API requests",
            &p.apigw.rest,
            u.requests / dec!(1000000),
        ),
        ApiKind::Http => {
            let units = http_units_per_call(u.request_kb, u.response_kb, p.apigw.http_metering_kb);
            let name = if units > dec!(1) {
                format!(
                    "HTTP API requests (each call metered as {} x 512 KB)",
                    units.normalize()
                )
            } else {
                "HTTP API requests".to_string()
            };
            tiered(
                SERVICE,
                &name,
                &p.apigw.http,
                u.requests * units / dec!(1000000),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;
    use crate::pricing::total;

    #[test]
    fn http_metering_in_512_kb_steps() {
        assert_eq!(http_units_per_call(dec!(0), dec!(0), dec!(512)), dec!(1));
        assert_eq!(http_units_per_call(dec!(512), dec!(3), dec!(512)), dec!(1));
        assert_eq!(http_units_per_call(dec!(513), dec!(3), dec!(512)), dec!(2));
        assert_eq!(http_units_per_call(dec!(1), dec!(1200), dec!(512)), dec!(3));
        let p = bundled("us-east-1").unwrap();
        let u = ApiGwUsage {
            requests: dec!(1000000),
            kind: ApiKind::Http,
            request_kb: dec!(513),
            response_kb: dec!(1),
        };
        // 1M calls x 2 units = 2M billed requests x 1.00 = 2.00
        assert_eq!(total(&price(&u, &p)), dec!(2));
    }

    #[test]
    fn http_tier_boundary() {
        let p = bundled("us-east-1").unwrap();
        let u = ApiGwUsage {
            requests: dec!(300000000),
            kind: ApiKind::Http,
            request_kb: dec!(1),
            response_kb: dec!(1),
        };
        assert_eq!(price(&u, &p).len(), 1);
        assert_eq!(total(&price(&u, &p)), dec!(300));
        let u = ApiGwUsage {
            requests: dec!(400000000),
            ..u
        };
        // 300M x 1.00 + 100M x 0.90
        assert_eq!(total(&price(&u, &p)), dec!(390));
    }
}
