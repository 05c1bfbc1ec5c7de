//! What a set of access logs measured, as a `Workload`: the window from the first logged second
//! to the end of the last, scaled to the month; the busiest second as the peak; the mean bytes
//! and latency of the lines that logged them; the idle gaps (silences of `IDLE_GAP_S` or more)
//! for Aurora's auto-pause and Lambda's cold starts, and the requests a minute for Aurora
//! Serverless v2's ACUs over time, both over the window (the month repeats it). Each figure's
//! origin names the logs and the field. What the format does not log keeps its default.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::aggregate::{Aggregate, MAX_WINDOW_S, Sum};
use super::read::Logs;
use crate::calendar::iso;
use crate::money;
use crate::workload::duration::Duration;
use crate::workload::source::tune;
use crate::workload::{IdleGaps, Measured, Origin, RequestTimeline, Workload};

/// A silence this long or longer is an idle gap (loadgen's `--idle-gap` default).
pub const IDLE_GAP_S: i64 = 60;

/// "logs: a.log", "logs: a.log b.log", "logs: a.log and 3 more".
pub fn origin_name(logs: &Logs) -> String {
    match logs.given.as_slice() {
        [one] => format!("logs: {one}"),
        [a, b] => format!("logs: {a} {b}"),
        [a, rest @ ..] => format!("logs: {a} and {} more", rest.len()),
        [] => "logs".into(),
    }
}

/// The fields each figure came from, over the formats read (ALB's names when ALB was read).
fn field(logs: &Logs, pick: fn(&super::Fields) -> Option<&'static str>) -> String {
    let mut names: Vec<&str> = logs
        .formats
        .keys()
        .filter_map(|f| pick(&f.fields()))
        .collect();
    names.dedup();
    names.join(" / ")
}

fn mean(s: &Sum) -> Option<Decimal> {
    (s.lines > 0).then(|| Decimal::from(s.total as u64) / Decimal::from(s.lines))
}

/// The busiest of `minutes` (`a`'s requests a minute from the window's first second: the
/// steps of the profile loadgen replays): its start and requests. The last, shorter minute
/// counts too, its requests over the 60 s it starts (a burst in the window's last second is part
/// of the shape, not noise).
fn busiest_minute(a: &Aggregate, minutes: &[u64]) -> (i64, u64) {
    let first = a.first_s.unwrap_or(0);
    minutes.iter().enumerate().fold((first, 0), |best, (i, c)| {
        if *c > best.1 {
            (first + 60 * i as i64, *c)
        } else {
            best
        }
    })
}

/// A window of at most 62 days has at most 89,281 minutes: within a loadgen timeline's bound, so
/// the logs' timeline is never coarsened nor refused.
const _: () = assert!((MAX_WINDOW_S / 60 + 1) as usize <= crate::limits::TIMELINE_SECONDS);

/// The window's requests a minute (`minutes`, from its first second: the busiest minute's
/// steps), the n buckets sharing the window evenly: 60 s each when the window is whole minutes,
/// a little less when its last minute is short. The timeline is then as long as the idle gaps'
/// window, so the month repeats both alike. None for an empty window.
fn timeline(a: &Aggregate, counts: Vec<u64>) -> Option<RequestTimeline> {
    if counts.is_empty() || a.requests == 0 {
        return None;
    }
    Some(RequestTimeline {
        bucket_s: Decimal::from(a.window_s()) / Decimal::from(counts.len()),
        requests: counts.into_iter().map(Decimal::from).collect(),
        source: Measured::AccessLogs,
    })
}

/// The logs' workload over a month of `hours`.
pub fn workload(logs: &Logs, hours: Decimal) -> Workload {
    let a = &logs.aggregate;
    let from = origin_name(logs);
    let month_s = hours * dec!(3600);
    let window = Decimal::from(a.window_s());
    let requests = Decimal::from(a.requests);
    let per_month = (requests * month_s / window).round_dp(0);
    let (peak_at, peak) = a.peak().unwrap_or((0, 0));
    let average = per_month / month_s;
    let mut w = Workload {
        source: format!(
            "access logs ({from}; {}; {} requests over {} s, scaled to the month)",
            logs.format_names(),
            a.requests,
            a.window_s()
        ),
        requests_per_month: per_month,
        // Never below the month's average (a log of one request every second is flat).
        peak_rps: Some(Decimal::from(peak).max(average)),
        ..Workload::default()
    };
    let m = |f: String| Origin::measured(&from, &f);
    w.origins.requests_per_month = m(format!(
        "{} requests from {} to {} ({} s), x {} to a {}-hour month",
        a.requests,
        iso(a.first_s.unwrap_or(0)),
        iso(a.last_s.unwrap_or(0)),
        a.window_s(),
        money::quantity(month_s / window, 6),
        hours.normalize()
    ));
    // Said here, where the report shows it: the sensitivity rows and break-even price the
    // busiest minute (`Workload::scaled_to`).
    w.origins.peak = m(format!(
        "the busiest second, {peak} requests at {}, at this volume; other volumes scale the \
         busiest minute",
        iso(peak_at)
    ));
    // Counted once: the busiest minute, then the timeline.
    let minutes = a.per_step(60);
    let (minute_at, in_minute) = busiest_minute(a, &minutes);
    w.carried_peak = Some((
        (Decimal::from(in_minute) / dec!(60)).max(requests / window),
        format!(
            "the busiest minute, {in_minute} requests from {} (/ 60 s: at a larger volume a quiet log's busiest second is noise, its minutes are the shape)",
            iso(minute_at)
        ),
    ));
    if let Some(b) = mean(&a.all.request_bytes) {
        w.request_bytes = b;
        w.origins.request_bytes = m(field(logs, |f| f.request_bytes));
    }
    if let Some(b) = mean(&a.all.response_bytes) {
        w.response_bytes = b;
        w.origins.response_bytes = m(field(logs, |f| f.response_bytes));
    }
    if let Some(ms) = mean(&a.latency_ms) {
        // Lambda bills at least 1 ms; a log of sub-millisecond answers says 0.
        w.duration_ms = ms.max(Decimal::ONE);
        w.duration = Duration::InFunction;
        w.origins.duration_ms = m(format!(
            "mean {}, an upper bound on the time in the function",
            field(logs, |f| f.latency)
        ));
    }
    let gaps = a.gaps(IDLE_GAP_S);
    w.cold_starts_per_month = Some(tune::cold_starts_per_month(gaps.len(), window, hours));
    w.idle_gaps = Some(IdleGaps {
        gaps_s: gaps.into_iter().map(Decimal::from).collect(),
        profile_seconds: window,
        source: Measured::AccessLogs,
    });
    w.request_timeline = timeline(a, minutes);
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::source::logs::aggregate::of_seconds;

    /// `f` of the aggregate of requests at `seconds` and its requests a minute.
    fn of<T>(seconds: &[i64], f: impl Fn(&Aggregate, Vec<u64>) -> T) -> T {
        let a = of_seconds(seconds);
        f(&a, a.per_step(60))
    }

    #[test]
    fn the_timeline_is_the_windows_minutes_as_long_as_the_window() {
        // Seconds 0, 0, 59, 60 and 179 of a 180 s window: minutes of 3, 1 and 1, 60 s each.
        let t = of(&[0, 0, 59, 60, 179], timeline).unwrap();
        assert_eq!(t.bucket_s, dec!(60));
        assert_eq!(t.requests, vec![dec!(3), dec!(1), dec!(1)]);
        assert_eq!(t.source, Measured::AccessLogs);
        // A 150 s window (0 to 149): three minutes' counts, the last one short, share it evenly
        // at 50 s each, so the timeline is as long as the idle gaps' window.
        let t = of(&[0, 70, 149], timeline).unwrap();
        assert_eq!(t.bucket_s, dec!(50));
        assert_eq!(t.requests, vec![dec!(1), dec!(1), dec!(1)]);
        assert!(timeline(&Aggregate::default(), Vec::new()).is_none());
    }

    #[test]
    fn the_last_short_minute_counts_in_the_busiest_minute() {
        // Seconds 0-59 one each (60), then 100 in second 60: a 61 s window whose last minute is
        // 1 s long and holds 100, the busiest, from second 60.
        let mut seconds: Vec<i64> = (0..60).collect();
        seconds.extend(std::iter::repeat_n(60, 100));
        let busiest = |a: &Aggregate, m: Vec<u64>| busiest_minute(a, &m);
        assert_eq!(of(&seconds, busiest), (60, 100));
        // A window under a minute is one short minute.
        assert_eq!(of(&[5, 5, 9], busiest), (5, 3));
    }
}
