//! Aurora Serverless v2's connection limit: `max_connections` at the maximum ACUs, and the
//! warning when the peak's connections exceed it.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::aurora::Serverless;
use crate::money;

/// Aurora Serverless v2 PostgreSQL's default `max_connections`, which follows the maximum ACUs
/// (not the current capacity) and is capped at 2,000 with a minimum of 0 or 0.5 ACU (AWS,
/// "Performance and scaling for Aurora Serverless v2", Maximum connections). AWS shows 189 at a
/// maximum of 1 ACU, 3,360 at 16 and 5,000 (the Aurora formula's ceiling,
/// `LEAST(DBInstanceClassMemory/9531392, 5000)`) from 32 (AWS re:Post, "Working of
/// max_connections for Amazon Aurora PostgreSQL Serverless"); between those points this takes
/// the straight line, rounded down (assumed: the formula is linear in memory).
pub fn max_connections(s: &Serverless) -> Decimal {
    let points = [
        (dec!(1), dec!(189)),
        (dec!(16), dec!(3360)),
        (dec!(32), dec!(5000)),
    ];
    let m = s.acu_max;
    let v = if m >= dec!(32) {
        dec!(5000)
    } else {
        let i = if m <= dec!(16) { 0 } else { 1 };
        let ((x0, y0), (x1, y1)) = (points[i], points[i + 1]);
        (y0 + (y1 - y0) * (m.max(x0) - x0) / (x1 - x0)).floor()
    };
    if s.acu_min <= dec!(0.5) {
        v.min(dec!(2000))
    } else {
        v
    }
}

/// The warning when the connections at the peak exceed `max_connections` at `--acu-max`.
pub fn connections_note(s: &Serverless, connections: Decimal) -> Option<String> {
    let m = max_connections(s);
    (connections > m).then(|| {
        format!(
            "{} connections at the peak exceed Aurora Serverless v2's max_connections at {} ACU \
             maximum ({}{}): raise --acu-max, pool fewer connections, or use RDS Proxy (not \
             with auto-pause)",
            money::quantity(connections, 0),
            s.acu_max.normalize(),
            money::quantity(m, 0),
            if s.acu_min <= dec!(0.5) {
                ", capped at 2,000 with a minimum of 0 or 0.5 ACU"
            } else {
                ""
            }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::aurora::AuroraStorage;

    #[test]
    fn max_connections_follow_awss_values_at_the_maximum_acus() {
        let s = |acu_min, acu_max| Serverless {
            acu_min,
            acu_max,
            pause_after_s: dec!(300),
            storage: AuroraStorage::Standard,
            scale_down_lag_s: dec!(60),
        };
        // AWS's shown values: 0.5-1 -> 189; 1-16 -> 3,360; 0.5-16 -> 2,000 (cap); 1-32 -> 5,000.
        assert_eq!(max_connections(&s(dec!(0.5), dec!(1))), dec!(189));
        assert_eq!(max_connections(&s(dec!(1), dec!(16))), dec!(3360));
        assert_eq!(max_connections(&s(dec!(0.5), dec!(16))), dec!(2000));
        assert_eq!(max_connections(&s(dec!(1), dec!(64))), dec!(5000));
        // 0-4 (auto-pause): 189 + (3,360 - 189) x 3 / 15 = 823.2 -> 823.
        assert_eq!(max_connections(&s(dec!(0), dec!(4))), dec!(823));
        let n = connections_note(&s(dec!(0), dec!(4)), dec!(900)).unwrap();
        assert!(n.starts_with("900 connections at the peak exceed"), "{n}");
        assert!(connections_note(&s(dec!(0), dec!(4)), dec!(823)).is_none());
    }
}
