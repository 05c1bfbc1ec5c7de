//! Aurora Serverless v2 auto-pause (minimum capacity 0): how much of a month the instance is
//! paused, and what that costs the users in resumes, from the month's idle gaps.
//!
//! The model: an instance pauses once it has had no user connections for `pause_after` (AWS's
//! `SecondsUntilAutoPause`, 300 s to 86,400 s), and bills no ACUs while paused (storage still
//! bills). Every gap between requests longer than `connection_idle + pause_after` is paused for
//! the rest of it, and ends in one resume, which the first request after it waits for (up to about
//! 15 s; about 30 s after a pause of more than a day).
//!
//! **Connection-idle caveat.** A pause needs *no connections* for the timeout, not no requests:
//! the clock starts when the last connection closes. The API's pool closes an idle connection
//! after 600 s (api/src/db.rs), so on EC2 and Fargate each gap needs 600 s + `pause_after` before
//! it pauses; on Lambda a frozen environment keeps its connection until Lambda reclaims it (AWS
//! does not say when), so pauses may come much later or not at all. The caller passes that time
//! as `connection_idle_s` and must say what it assumed; 0 counts pauses that may never happen.
//! Sources: docs/aurora-serverless-v2.md ("Scale to zero: auto-pause").

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::error::{Error, Input, Problem, Result, check_range};

/// AWS's bounds on `SecondsUntilAutoPause`.
pub const MIN_PAUSE_AFTER_S: Decimal = dec!(300);
pub const MAX_PAUSE_AFTER_S: Decimal = dec!(86400);
/// A pause longer than a day resumes more slowly (about 30 s instead of 15 s).
const LONG_PAUSE_S: Decimal = dec!(86400);
/// Gaps a month's timeline may hold (one per request at most; bounds the work).
pub const MAX_GAPS: usize = 10_000_000;
const SECONDS_PER_HOUR: Decimal = dec!(3600);

/// A month's traffic as the pause model sees it.
#[derive(Debug, Clone)]
pub struct IdleMonth<'a> {
    /// Seconds between consecutive requests (or from the month's start to the first, and from
    /// the last to the month's end), each >= 0; together at most the month.
    pub gaps_s: &'a [Decimal],
    pub requests: Decimal,
    pub month_hours: Decimal,
    /// Seconds after the last request before the database's last connection closes (see the
    /// module's caveat).
    pub connection_idle_s: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pauses {
    /// Seconds of the month the instance is paused (exact).
    pub paused_s: Decimal,
    /// Resumes in the month: one per paused gap.
    pub resumes: u64,
    /// Of those, resumes after a pause of more than a day (about 30 s rather than 15 s).
    pub long_resumes: u64,
    /// Share of the month's requests that wait for a resume (0 to 1).
    pub resume_share: Decimal,
    pub month_hours: Decimal,
}

impl Pauses {
    pub fn paused_hours(&self) -> Decimal {
        self.paused_s / SECONDS_PER_HOUR
    }

    /// Hours of the month the instance is up and billing ACUs.
    pub fn active_hours(&self) -> Decimal {
        self.month_hours - self.paused_hours()
    }

    /// The month's ACU-hours at `billed_acus` whenever the instance is up (what it holds while
    /// serving; at least 0.5 when up). Worked in seconds so that whole seconds stay exact.
    pub fn acu_hours(&self, billed_acus: Decimal) -> Decimal {
        (self.month_hours * SECONDS_PER_HOUR - self.paused_s) * billed_acus / SECONDS_PER_HOUR
    }
}

fn check(m: &IdleMonth, pause_after_s: Decimal) -> Result<()> {
    check_range(
        Input::PauseAfter,
        pause_after_s,
        MIN_PAUSE_AFTER_S,
        MAX_PAUSE_AFTER_S,
    )?;
    check_range(Input::HoursPerMonth, m.month_hours, dec!(1), dec!(744))?;
    let month_s = m.month_hours * SECONDS_PER_HOUR;
    check_range(
        Input::ConnectionIdle,
        m.connection_idle_s,
        Decimal::ZERO,
        month_s,
    )?;
    check_range(
        Input::RequestsPerMonth,
        m.requests,
        Decimal::ZERO,
        dec!(1e15),
    )?;
    if m.gaps_s.len() > MAX_GAPS {
        return Err(Error::invalid(
            Input::IdleGaps,
            m.gaps_s.len(),
            Problem::TooLarge {
                max: Decimal::from(MAX_GAPS),
            },
        ));
    }
    let mut sum = Decimal::ZERO;
    for g in m.gaps_s {
        check_range(Input::IdleGaps, *g, Decimal::ZERO, month_s)?;
        sum += g;
    }
    if sum > month_s {
        return Err(Error::invalid(
            Input::IdleGaps,
            format!("{} s in all", sum.normalize()),
            Problem::TooLarge { max: month_s },
        ));
    }
    Ok(())
}

/// Paused time and resumes of the month `m` with the timeout `pause_after_s`.
pub fn pauses(m: &IdleMonth, pause_after_s: Decimal) -> Result<Pauses> {
    check(m, pause_after_s)?;
    let wait = m.connection_idle_s + pause_after_s;
    let (mut paused_s, mut resumes, mut long_resumes) = (Decimal::ZERO, 0u64, 0u64);
    for g in m.gaps_s {
        let paused = *g - wait;
        if paused > Decimal::ZERO {
            paused_s += paused;
            resumes += 1;
            if paused > LONG_PAUSE_S {
                long_resumes += 1;
            }
        }
    }
    // Each resume is waited for by the one request that ends its gap.
    let resume_share = if m.requests.is_zero() {
        Decimal::ZERO
    } else {
        Decimal::from(resumes).min(m.requests) / m.requests
    };
    Ok(Pauses {
        paused_s,
        resumes,
        long_resumes,
        resume_share,
        month_hours: m.month_hours,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;
    use crate::pricing::aurora::{AuroraCapacity, AuroraStorage, AuroraUsage, price};
    use crate::pricing::total;

    /// Ten requests in a 730-hour month, with these gaps (seconds) among others too short to
    /// matter: 60 and 240 and 300 (not longer than the 300 s timeout), 2,100 twice, 7,500 and
    /// 86,700.
    const GAPS: [Decimal; 7] = [
        dec!(60),
        dec!(240),
        dec!(300),
        dec!(2100),
        dec!(2100),
        dec!(7500),
        dec!(86700),
    ];

    fn month(connection_idle_s: Decimal) -> IdleMonth<'static> {
        IdleMonth {
            gaps_s: &GAPS,
            requests: dec!(10),
            month_hours: dec!(730),
            connection_idle_s,
        }
    }

    #[test]
    fn known_gaps_pause_for_what_is_left_after_the_timeout() {
        // pause_after 300 s, connections close at once:
        //   60, 240, 300: not paused (300 is not longer than the timeout), no resume;
        //   2,100 - 300 = 1,800 twice; 7,500 - 300 = 7,200; 86,700 - 300 = 86,400.
        //   Paused: 1,800 + 1,800 + 7,200 + 86,400 = 97,200 s = 27 h, in 4 gaps: 4 resumes, of
        //   10 requests 4 wait for one (0.4). 86,400 s is a day, not more: no long resume.
        let p = pauses(&month(dec!(0)), dec!(300)).unwrap();
        assert_eq!(p.paused_s, dec!(97200));
        assert_eq!(p.paused_hours(), dec!(27));
        assert_eq!((p.resumes, p.long_resumes), (4, 0));
        assert_eq!(p.resume_share, dec!(0.4));
        // Up 730 - 27 = 703 h at 0.5 ACU: 351.5 ACU-hours x $0.12 = $42.18, against $43.80 never
        // paused (the 27 h x 0.5 ACU x $0.12 = $1.62 saved); 20 GB of storage bills all month:
        // + 20 x $0.10 = $2.00.
        assert_eq!(p.active_hours(), dec!(703));
        assert_eq!(p.acu_hours(dec!(0.5)), dec!(351.5));
        let prices = bundled("us-east-1").unwrap();
        let u = AuroraUsage {
            capacity: AuroraCapacity::ServerlessV2 {
                acu_hours: p.acu_hours(dec!(0.5)),
            },
            storage: AuroraStorage::Standard,
            storage_gb: dec!(20),
            hours: dec!(730),
            month_hours: dec!(730),
            ios: dec!(0),
        };
        let bill = price(&u, &prices).unwrap();
        assert_eq!(bill[0].cost_usd, dec!(42.18));
        assert_eq!(total(&bill), dec!(44.18));
    }

    #[test]
    fn the_connection_idle_time_delays_every_pause() {
        // The API pool's 600 s idle close, then 300 s: a gap pauses after 900 s.
        //   2,100 - 900 = 1,200 twice; 7,500 - 900 = 6,600; 86,700 - 900 = 85,800.
        //   Paused: 1,200 + 1,200 + 6,600 + 85,800 = 94,800 s; still 4 resumes.
        let p = pauses(&month(dec!(600)), dec!(300)).unwrap();
        assert_eq!(p.paused_s, dec!(94800));
        assert_eq!(p.resumes, 4);
        // A 2-hour timeout (7,200 s) plus 600 s: only 86,700 - 7,800 = 78,900 s, 1 resume, 0.1.
        let p = pauses(&month(dec!(600)), dec!(7200)).unwrap();
        assert_eq!(p.paused_s, dec!(78900));
        assert_eq!((p.resumes, p.resume_share), (1, dec!(0.1)));
    }

    #[test]
    fn a_pause_longer_than_a_day_is_a_long_resume() {
        // 90,000 - 300 = 89,700 s paused: more than 86,400, so the slower (~30 s) resume.
        let gaps = [dec!(90000)];
        let m = IdleMonth {
            gaps_s: &gaps,
            ..month(dec!(0))
        };
        let p = pauses(&m, dec!(300)).unwrap();
        assert_eq!((p.paused_s, p.resumes, p.long_resumes), (dec!(89700), 1, 1));
    }

    #[test]
    fn timeouts_and_gaps_outside_the_bounds_are_refused_naming_the_input() {
        let e = pauses(&month(dec!(0)), dec!(299)).unwrap_err().to_string();
        assert_eq!(
            e,
            "auto-pause timeout (seconds): expected 300 to 86,400, got 299"
        );
        let e = pauses(&month(dec!(0)), dec!(86401))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("auto-pause timeout (seconds): expected 300 to 86,400"),
            "{e}"
        );
        let gaps = [dec!(-1)];
        let m = IdleMonth {
            gaps_s: &gaps,
            ..month(dec!(0))
        };
        let e = pauses(&m, dec!(300)).unwrap_err().to_string();
        assert_eq!(e, "idle gaps (seconds): expected a number >= 0, got -1");
        // Two gaps of 2,000,000 s are more than a 730-hour month (2,628,000 s).
        let gaps = [dec!(2000000), dec!(2000000)];
        let m = IdleMonth {
            gaps_s: &gaps,
            ..month(dec!(0))
        };
        let e = pauses(&m, dec!(300)).unwrap_err().to_string();
        assert!(
            e.starts_with("idle gaps (seconds): 4000000 s in all is too large"),
            "{e}"
        );
    }
}
