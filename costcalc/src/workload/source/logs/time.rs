//! The timestamps access logs write, to whole seconds since 1970 (UTC): ALB's ISO 8601,
//! CloudFront's date and time columns, CLF's `[10/Oct/2000:13:55:36 -0700]`. Years outside
//! 1990 to 2200 are not a log line's; nor is a day its month does not have (30 February is
//! refused, not read as 2 March).

use crate::calendar::{days_from_civil, days_in_month};

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn epoch(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<i64> {
    let ok = (1990..=2200).contains(&y)
        && (1..=12).contains(&mo)
        && (1..=days_in_month(y, mo)).contains(&d)
        && (0..24).contains(&h)
        && (0..60).contains(&mi)
        && (0..=60).contains(&s);
    ok.then(|| days_from_civil(y, mo as u32, d as u32) * 86400 + h * 3600 + mi * 60 + s)
}

/// `2018-07-02` and `22:23:00` (fractions of a second dropped).
pub fn date_time(date: &str, time: &str) -> Option<i64> {
    let d = date.as_bytes();
    if d.len() != 10 || d[4] != b'-' || d[7] != b'-' {
        return None;
    }
    let t = time.get(..8)?;
    let tb = t.as_bytes();
    if tb[2] != b':' || tb[5] != b':' || !(time.len() == 8 || time.as_bytes()[8] == b'.') {
        return None;
    }
    epoch(
        num(&date[..4])?,
        num(&date[5..7])?,
        num(&date[8..10])?,
        num(&t[..2])?,
        num(&t[3..5])?,
        num(&t[6..8])?,
    )
}

/// `2018-07-02T22:23:00.186641Z` (UTC; the fraction dropped).
pub fn iso_utc(s: &str) -> Option<i64> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    date_time(date, time)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `10/Oct/2000:13:55:36 -0700`: local time and its offset, to UTC.
pub fn clf(s: &str) -> Option<i64> {
    let (local, offset) = s.split_once(' ')?;
    let b = local.as_bytes();
    if b.len() != 20 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' {
        return None;
    }
    let mo = MONTHS.iter().position(|m| *m == &local[3..6])? as i64 + 1;
    let t = date_time(
        &format!("{}-{:02}-{}", &local[7..11], mo, &local[..2]),
        &local[12..],
    )?;
    let o = offset.as_bytes();
    if o.len() != 5 || !matches!(o[0], b'+' | b'-') {
        return None;
    }
    let (oh, om) = (num(&offset[1..3])?, num(&offset[3..5])?);
    if oh > 23 || om > 59 {
        return None;
    }
    let sign = if o[0] == b'-' { -1 } else { 1 };
    Some(t - sign * (oh * 3600 + om * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_of_time_is_utc_seconds() {
        // 2018-07-02 is day 17,714 since 1970 (48 years, 12 of them leap, + 182 days):
        // 17,714 x 86,400 + 22 h 23 min = 1,530,570,180.
        assert_eq!(iso_utc("2018-07-02T22:23:00.186641Z"), Some(1_530_570_180));
        assert_eq!(date_time("2018-07-02", "22:23:00"), Some(1_530_570_180));
        // 13:55:36 at -0700 is 20:55:36 UTC: 971,211,336 (Apache's documented example line).
        assert_eq!(clf("10/Oct/2000:13:55:36 -0700"), Some(971_211_336));
        assert_eq!(clf("10/Oct/2000:20:55:36 +0000"), Some(971_211_336));
        assert_eq!(clf("10/Oct/2000:22:25:36 +0130"), Some(971_211_336));
        assert_eq!(clf("10/Foo/2000:13:55:36 -0700"), None);
        assert_eq!(iso_utc("2018-13-02T22:23:00Z"), None);
        assert_eq!(iso_utc("2018-07-02T22:23:00"), None);
    }

    #[test]
    fn days_a_month_does_not_have_are_refused() {
        // 2028-02-29 is day 21,243 since 1970 (2028-01-01 is day 21,184; + 31 + 28).
        assert_eq!(clf("29/Feb/2028:00:00:00 +0000"), Some(21_243 * 86_400));
        assert_eq!(iso_utc("2028-02-29T00:00:00Z"), Some(21_243 * 86_400));
        assert_eq!(clf("29/Feb/2026:00:00:00 +0000"), None);
        assert_eq!(clf("30/Feb/2026:00:00:00 +0000"), None);
        assert_eq!(clf("31/Apr/2026:00:00:00 +0000"), None);
        assert_eq!(iso_utc("2026-02-30T00:00:00Z"), None);
        assert_eq!(date_time("2026-02-31", "00:00:00"), None);
        // 2026-04-30 is day 20,573: 2026-11-01 (day 20,758) less 1 + 31 + 30 + 31 + 31 + 30 + 31.
        assert_eq!(date_time("2026-04-30", "00:00:00"), Some(20_573 * 86_400));
    }
}
