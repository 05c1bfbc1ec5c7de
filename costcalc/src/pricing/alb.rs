//! Application Load Balancer: hours plus LCU-hours, where the LCUs of an hour are the HIGHEST of
//! four dimensions: new connections (25/s), active connections (3,000/min), processed bytes
//! (1 GB/h) and rule evaluations (1,000/s, the first 10 rules of a request free).

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Serialize;

use super::{GB, KB, LineItem};
use crate::catalog::PriceSnapshot;

const SERVICE: &str = "ALB";

#[derive(Debug, Clone)]
pub struct AlbUsage {
    pub hours: Decimal,
    pub new_connections_per_sec: Decimal,
    pub connection_duration_sec: Decimal,
    pub requests_per_sec: Decimal,
    /// KB (1,024 bytes) per second through the load balancer, both directions.
    pub processed_kb_per_sec: Decimal,
    /// Listener rules evaluated per request.
    pub rules: Decimal,
}

/// LCUs per hour on each dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lcus {
    pub new_connections: Decimal,
    pub active_connections: Decimal,
    pub processed_bytes: Decimal,
    pub rule_evaluations: Decimal,
}

impl Lcus {
    /// The billed dimension and its LCUs (ties go to the first listed).
    pub fn highest(&self) -> (&'static str, Decimal) {
        [
            ("new connections", self.new_connections),
            ("active connections", self.active_connections),
            ("processed bytes", self.processed_bytes),
            ("rule evaluations", self.rule_evaluations),
        ]
        .into_iter()
        .fold(("new connections", Decimal::MIN), |best, d| {
            if d.1 > best.1 { d } else { best }
        })
    }
}

pub fn lcus(u: &AlbUsage, p: &PriceSnapshot) -> Lcus {
    let a = &p.alb;
    // Connections open at any moment = arrival rate x how long each stays open.
    let active_per_min = u.new_connections_per_sec * u.connection_duration_sec;
    let gb_per_hour = u.processed_kb_per_sec * KB * dec!(3600) / GB;
    let paid_rules = (u.rules - a.free_rules).max(Decimal::ZERO);
    Lcus {
        new_connections: u.new_connections_per_sec / a.new_connections_per_sec_per_lcu,
        active_connections: active_per_min / a.active_connections_per_min_per_lcu,
        processed_bytes: gb_per_hour / a.processed_gb_per_hour_per_lcu,
        rule_evaluations: u.requests_per_sec * paid_rules / a.rule_evaluations_per_sec_per_lcu,
    }
}

pub fn price(u: &AlbUsage, p: &PriceSnapshot) -> Vec<LineItem> {
    let l = lcus(u, p);
    let (dim, lcu) = l.highest();
    vec![
        LineItem::new(SERVICE, "Load balancer hours", u.hours, &p.alb.hour),
        LineItem::new(
            SERVICE,
            format!(
                "LCUs ({} LCU/h, highest dimension: {dim})",
                crate::money::quantity(lcu, 6)
            ),
            lcu * u.hours,
            &p.alb.lcu,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;

    fn base() -> AlbUsage {
        AlbUsage {
            hours: dec!(730),
            new_connections_per_sec: dec!(0),
            connection_duration_sec: dec!(0),
            requests_per_sec: dec!(0),
            processed_kb_per_sec: dec!(0),
            rules: dec!(0),
        }
    }

    #[test]
    fn new_connections_win() {
        let p = bundled("us-east-1").unwrap();
        // 50 new/s lasting 1 s: 2 LCU (25/s), active 50/3000, no bytes, no paid rules.
        let u = AlbUsage {
            new_connections_per_sec: dec!(50),
            connection_duration_sec: dec!(1),
            ..base()
        };
        assert_eq!(lcus(&u, &p).highest(), ("new connections", dec!(2)));
        let l = price(&u, &p);
        // 730 x 0.0225 = 16.425; 2 LCU x 730 h x 0.008 = 11.68
        assert_eq!(l[0].cost_usd, dec!(16.425));
        assert_eq!(l[1].cost_usd, dec!(11.68));
    }

    #[test]
    fn active_connections_win() {
        let p = bundled("us-east-1").unwrap();
        // 10 new/s held 900 s = 9,000 active = 3 LCU (vs 0.4 for new connections).
        let u = AlbUsage {
            new_connections_per_sec: dec!(10),
            connection_duration_sec: dec!(900),
            ..base()
        };
        assert_eq!(lcus(&u, &p).highest(), ("active connections", dec!(3)));
    }

    #[test]
    fn processed_bytes_win() {
        let p = bundled("us-east-1").unwrap();
        // 1,048,576 KB/h = 1 GB/h exactly (binary): 291.271... KB/s; use 2^20 KB per 3600 s.
        let u = AlbUsage {
            processed_kb_per_sec: dec!(1048576) / dec!(3600) * dec!(4),
            ..base()
        };
        let (dim, lcu) = lcus(&u, &p).highest();
        assert_eq!(dim, "processed bytes");
        assert_eq!(lcu.round_dp(12), dec!(4));
    }

    #[test]
    fn rule_evaluations_win_and_first_10_rules_are_free() {
        let p = bundled("us-east-1").unwrap();
        let u = AlbUsage {
            requests_per_sec: dec!(1000),
            rules: dec!(10),
            ..base()
        };
        assert_eq!(lcus(&u, &p).rule_evaluations, dec!(0));
        // 1,000 req/s x (15 - 10) rules = 5,000 evaluations/s = 5 LCU.
        let u = AlbUsage {
            requests_per_sec: dec!(1000),
            rules: dec!(15),
            new_connections_per_sec: dec!(25),
            ..base()
        };
        assert_eq!(lcus(&u, &p).highest(), ("rule evaluations", dec!(5)));
    }
}
