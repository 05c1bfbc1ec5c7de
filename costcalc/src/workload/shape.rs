//! The month's traffic shape: when in the week the requests fall. Only Aurora's auto-pause
//! cares (it prices the idle gaps between requests).
//!
//! `Weekdays` lays a month of `hours` out as hours / 168 weeks of one week's pattern (730 h is
//! 4.345 weeks; counts per month stay fractional, so the figures stay exact rather than picking
//! which days the month starts on). Each weekday (Monday to Friday) gets the same share of the
//! month's requests, the first at 09:00 and the last at 18:00, evenly spaced between; nights
//! (18:00 to 09:00, 15 h) and weekends (Friday 18:00 to Monday 09:00, 63 h) are idle. Below two
//! requests a weekday there is no spacing within a day, so the requests are spread evenly over
//! the whole month instead (the same pauses as `Even` while every gap pauses).

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Serialize;

/// Seconds of business hours a weekday (09:00 to 18:00).
pub const DAY_S: Decimal = dec!(32400);
/// Seconds from one weekday's 18:00 to the next's 09:00.
pub const NIGHT_S: Decimal = dec!(54000);
/// Seconds from Friday 18:00 to Monday 09:00.
pub const WEEKEND_S: Decimal = dec!(226800);
const WEEK_H: Decimal = dec!(168);
/// Hours of a week the `weekdays` shape carries traffic in: Monday to Friday, 09:00 to 18:00.
const BUSY_H: Decimal = dec!(45);

/// The shape the default peak comes from when neither a flag nor a measurement gives one.
pub const DEFAULT_PEAK_SHAPE: &str = "weekdays";

/// The `weekdays` shape's peak-to-average ratio: a month's requests in 45 of every 168 hours, so
/// those hours run at 168 / 45 = 3.7333... x the month's average rate.
pub fn weekdays_peak_to_average() -> Decimal {
    WEEK_H / BUSY_H
}

/// When the month's requests fall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Traffic {
    /// Evenly spaced over the whole month.
    #[default]
    Even,
    /// Weekdays 09:00-18:00, evenly spaced within those hours; nights and weekends idle.
    Weekdays,
}

/// A kind of idle gap and how many of them a month holds (fractional: a month is not a whole
/// number of weeks). `total_s` is `count` x `gap_s`, kept exact rather than multiplied back.
#[derive(Debug, Clone, PartialEq)]
pub struct GapClass {
    pub gap_s: Decimal,
    pub count: Decimal,
    pub total_s: Decimal,
}

/// Weekdays in a month of `hours`.
pub fn weekdays_per_month(hours: Decimal) -> Decimal {
    dec!(5) * hours / WEEK_H
}

/// The month's idle gaps for `requests` a month on weekdays (see the module comment): every
/// gap between requests, the night and weekend gaps included; together they fill the month.
pub fn weekdays(requests: Decimal, hours: Decimal) -> Vec<GapClass> {
    let month_s = hours * dec!(3600);
    let days = weekdays_per_month(hours);
    if requests <= Decimal::ZERO {
        return Vec::new();
    }
    if requests < dec!(2) * days {
        let gap_s = month_s / requests;
        return vec![GapClass {
            gap_s,
            count: requests,
            total_s: month_s,
        }];
    }
    // k requests a weekday leave k - 1 gaps within it: R - days in the month.
    let within = requests - days;
    vec![
        GapClass {
            gap_s: DAY_S * days / within,
            count: within,
            total_s: DAY_S * days,
        },
        GapClass {
            gap_s: NIGHT_S,
            count: dec!(4) * hours / WEEK_H,
            total_s: NIGHT_S * dec!(4) * hours / WEEK_H,
        },
        GapClass {
            gap_s: WEEKEND_S,
            count: hours / WEEK_H,
            total_s: WEEKEND_S * hours / WEEK_H,
        },
    ]
}

/// Where the paused time of `weekdays` stops being one straight line in the monthly requests R,
/// as (level, quantity per request) pairs, the way `deployment::aurora::kinks` states them: the
/// switch from month-wide spacing at 2 requests a weekday, and where the gaps within a day get
/// too short to pause, DAY_S x days / (R - days) = wait, i.e. R x wait = days x (DAY_S + wait).
pub fn weekdays_kinks(hours: Decimal, wait_s: Decimal) -> Vec<(Decimal, Decimal)> {
    let days = weekdays_per_month(hours);
    vec![
        (dec!(2) * days, Decimal::ONE),
        (days * (DAY_S + wait_s), wait_s),
        // Month-wide spacing stops pausing at R = month / wait (below 2 a weekday only when the
        // wait is over half a day).
        (hours * dec!(3600), wait_s),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weekdays_month_fills_the_month_and_holds_one_gap_per_request() {
        // 730 h: 730 / 168 weeks, 5 x 730 / 168 = 21.726... weekdays.
        let g = weekdays(dec!(10000), dec!(730));
        let total: Decimal = g.iter().map(|c| c.total_s).sum();
        assert_eq!(total.round_dp(10), dec!(2628000));
        let count: Decimal = g.iter().map(|c| c.count).sum();
        assert_eq!(count.round_dp(10), dec!(10000));
        // 10,000 / 21.726 = 460.27 a weekday: 9 h / 459.27 = 70.55 s apart.
        assert_eq!(g[0].gap_s.round_dp(2), dec!(70.55));
        assert_eq!(g[1].gap_s, dec!(54000));
        assert_eq!(g[2].count.round_dp(4), dec!(4.3452));
    }

    #[test]
    fn below_two_requests_a_weekday_they_spread_over_the_month() {
        let g = weekdays(dec!(20), dec!(730));
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].gap_s, dec!(131400));
        assert!(weekdays(Decimal::ZERO, dec!(730)).is_empty());
    }
}
