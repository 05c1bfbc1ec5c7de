//! CloudWatch metrics to a workload: which GetMetricData queries to make for each resource set,
//! the period CloudWatch still keeps for the window's age, and the aggregation of what came back
//! (totals scaled to the month, peak rate, mean duration, bytes per request) with a read-report of
//! datapoints, window and gaps. Pure: pages come in from `aws::cloudwatch_api` or
//! `aws::metrics_file`, and `aws` says an `Unmeasured` in its own words.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::calendar::iso;

mod plan;
mod report;

use crate::kind::Kind;
use crate::money;
use crate::workload::{Origin, Workload};
pub use plan::{MetricQuery, ResourceSet, Resources, cli_commands, plan, queries_json};
pub use report::report;

/// The window read, in epoch seconds, [start, end).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start: i64,
    pub end: i64,
    pub period: i64,
}

/// The finest period CloudWatch still keeps for data as old as `age_seconds`: 1-minute data for
/// 15 days, 5-minute for 63 days, 1-hour beyond (up to 455 days).
pub fn period_for_age(age_seconds: i64) -> i64 {
    const DAY: i64 = 86400;
    if age_seconds <= 15 * DAY {
        60
    } else if age_seconds <= 63 * DAY {
        300
    } else {
        3600
    }
}

/// The last `days` whole days up to `now`, aligned to the period so every datapoint is a full one.
pub fn window(now: i64, days: u32) -> Window {
    let span = i64::from(days) * 86400;
    let period = period_for_age(span);
    let end = now - now.rem_euclid(period);
    Window {
        start: end - span,
        end,
        period,
    }
}

/// One metric's datapoints, as GetMetricData returns them (timestamps in epoch seconds).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub id: String,
    pub label: String,
    pub timestamps: Vec<i64>,
    pub values: Vec<f64>,
    /// Complete, PartialData, InternalError or Forbidden (of the last page).
    pub status: String,
}

/// One GetMetricData page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricPage {
    pub results: Vec<Series>,
    /// Response-level messages (code: value).
    pub messages: Vec<String>,
    pub next_token: Option<String>,
}

/// All pages of all sets, merged by query id.
#[derive(Debug, Clone, Default)]
pub struct MetricData {
    pub series: BTreeMap<String, Series>,
    pub messages: Vec<String>,
    pub requests: usize,
    pub pages: usize,
}

impl MetricData {
    pub fn add_page(&mut self, page: MetricPage) {
        self.pages += 1;
        self.messages.extend(page.messages);
        for r in page.results {
            let s = self.series.entry(r.id.clone()).or_insert_with(|| Series {
                id: r.id.clone(),
                label: r.label.clone(),
                ..Series::default()
            });
            s.timestamps.extend(r.timestamps);
            s.values.extend(r.values);
            s.status = r.status;
        }
    }
}

/// What one metric held over the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub set: String,
    pub id: String,
    pub metric: &'static str,
    pub stat: &'static str,
    pub datapoints: usize,
    pub expected: i64,
    /// Periods of the window without a datapoint (CloudWatch omits idle periods of Sum metrics).
    pub missing_periods: i64,
    pub longest_gap_seconds: i64,
    pub sum: Decimal,
    pub max: Decimal,
    pub status: String,
}

/// Where the metrics came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// GetMetricData in this region.
    Live { region: String },
    /// A saved `aws cloudwatch get-metric-data` output.
    File { path: String },
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Live { region } => write!(f, "{region}"),
            Source::File { path } => write!(f, "metrics file {path}"),
        }
    }
}

/// Why the metrics read make no workload.
#[derive(Debug, Clone, PartialEq)]
pub enum Unmeasured {
    /// None of the metrics read counts requests (EC2, ECS and RDS metrics do not).
    NoRequestCount,
    /// A resource set had no datapoint at all over the window: a wrong name, another region or
    /// account, or no traffic.
    NoDatapoints {
        set: String,
        source: String,
        from: String,
        to: String,
    },
}

/// The workload CloudWatch measured, and what was read to get it.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub window: Window,
    pub source: Source,
    pub readings: Vec<Reading>,
    pub messages: Vec<String>,
    pub requests: usize,
    pub pages: usize,
    /// Hours in the window over the hours of the month: totals are multiplied by its inverse.
    pub month_factor: Decimal,
    pub workload: Workload,
    /// What the figures were derived from, one line each.
    pub derivations: Vec<String>,
    pub measured: Option<Kind>,
}

fn to_dec(v: f64) -> Decimal {
    Decimal::from_str(&v.to_string())
        .or_else(|_| Decimal::from_scientific(&format!("{v:e}")))
        .unwrap_or_default()
}

/// The metrics that count requests, most complete first.
const COUNTS_REQUESTS: [&str; 4] = [
    "alb_requests",
    "http_count",
    "rest_count",
    "lambda_invocations",
];

/// Aggregate the data into a workload (figures not measured keep `base`'s values).
pub fn measure(
    source: &Source,
    sets: &[ResourceSet],
    data: &MetricData,
    w: &Window,
    hours_per_month: Decimal,
    base: Workload,
) -> Result<Measurement, Unmeasured> {
    let readings = readings(source, sets, data, w)?;
    let get = |id: &str| find(&readings, id);
    let window_seconds = Decimal::from(w.end - w.start);
    let month_seconds = hours_per_month * dec!(3600);
    let factor = month_seconds / window_seconds;
    let mut wl = base;
    let mut why = Vec::new();

    // Requests: the front door counts them all (Lambda invocations also count retries and
    // non-HTTP triggers), so ALB or API Gateway first.
    let count = COUNTS_REQUESTS.iter().find_map(|id| get(id));
    let Some(count) = count else {
        return Err(Unmeasured::NoRequestCount);
    };
    let total = count.sum;
    let from = format!("CloudWatch {source}");
    wl.requests_per_month = total * factor;
    wl.origins.requests_per_month = Origin::measured(&from, count.metric);
    why.push(format!(
        "requests/month = {} {} x {} (a {}-hour month over the {}-day window) = {}",
        money::quantity(total, 0),
        count.metric,
        money::quantity(factor, 6),
        hours_per_month.normalize(),
        money::quantity(window_seconds / dec!(86400), 2),
        money::quantity(wl.requests_per_month, 0)
    ));
    let period = Decimal::from(w.period);
    wl.peak_rps = Some(count.max / period);
    // The peak is CloudWatch's now: a base's carried peak (access logs' busiest minute) is of
    // another volume and would scale the wrong figure.
    wl.carried_peak = None;
    wl.origins.peak = Origin::measured(
        &from,
        &format!("busiest {} s of {}", w.period, count.metric),
    );
    why.push(format!(
        "peak = busiest {} s period: {} requests = {} req/s",
        w.period,
        money::quantity(count.max, 0),
        money::quantity(count.max / period, 3)
    ));
    per_request(&mut wl, &mut why, &readings, total, &from);
    wl.source = format!("CloudWatch {source} {} to {}", iso(w.start), iso(w.end));
    let measured = if get("lambda_invocations").is_some() {
        Some(Kind::Lambda)
    } else {
        sets.iter().find_map(|s| s.runs)
    };
    Ok(Measurement {
        window: *w,
        source: source.clone(),
        readings,
        messages: data.messages.clone(),
        requests: data.requests,
        pages: data.pages,
        month_factor: factor,
        workload: wl,
        derivations: why,
        measured,
    })
}

/// Every metric of every set over the window; a set with no datapoint at all is an error (a
/// wrong name, region or account).
fn readings(
    source: &Source,
    sets: &[ResourceSet],
    data: &MetricData,
    w: &Window,
) -> Result<Vec<Reading>, Unmeasured> {
    let mut out = Vec::new();
    for set in sets {
        let mut any = false;
        for m in &set.queries {
            let r = read(set, m, data.series.get(&m.id), w);
            any |= r.datapoints > 0;
            out.push(r);
        }
        if !any {
            return Err(Unmeasured::NoDatapoints {
                set: set.label.clone(),
                source: source.to_string(),
                from: iso(w.start),
                to: iso(w.end),
            });
        }
    }
    Ok(out)
}

/// The reading of metric `id`, when it has datapoints.
fn find<'r>(readings: &'r [Reading], id: &str) -> Option<&'r Reading> {
    readings.iter().find(|r| r.id == id && r.datapoints > 0)
}

/// Duration and bytes per request, where the metrics read have them.
fn per_request(
    wl: &mut Workload,
    why: &mut Vec<String>,
    readings: &[Reading],
    total: Decimal,
    from: &str,
) {
    if let (Some(inv), Some(dur)) = (
        find(readings, "lambda_invocations"),
        find(readings, "lambda_duration"),
    ) && inv.sum > Decimal::ZERO
    {
        wl.duration_ms = (dur.sum / inv.sum).round_dp(3);
        wl.origins.duration_ms = Origin::measured(from, "Duration / Invocations");
        why.push(format!(
            "duration = Duration sum / Invocations = {} ms",
            wl.duration_ms.normalize()
        ));
    }
    let bytes = ["alb_bytes", "http_bytes", "rest_bytes"]
        .iter()
        .find_map(|id| find(readings, id))
        .or_else(|| find(readings, "ec2_network_out"));
    if let Some(b) = bytes
        && total > Decimal::ZERO
    {
        // Processed bytes count both directions and headers: an upper bound of the response.
        wl.response_bytes = (b.sum / total).round_dp(0);
        wl.origins.response_bytes = Origin::measured(from, b.metric);
        why.push(format!(
            "response bytes = {} / requests = {} B (both directions: an upper bound)",
            b.metric,
            money::quantity(wl.response_bytes, 0)
        ));
    }
}

fn read(set: &ResourceSet, m: &MetricQuery, s: Option<&Series>, w: &Window) -> Reading {
    let expected = (w.end - w.start) / w.period;
    let empty = Series::default();
    let s = s.unwrap_or(&empty);
    // Only datapoints inside the window count (a file may hold more); one per timestamp.
    let mut points: Vec<(i64, f64)> = s
        .timestamps
        .iter()
        .copied()
        .zip(s.values.iter().copied())
        .filter(|(t, _)| *t >= w.start && *t < w.end)
        .collect();
    points.sort_by_key(|p| p.0);
    points.dedup_by_key(|p| p.0);
    let mut longest = 0;
    let mut prev = w.start - w.period;
    for (t, _) in points.iter().chain(std::iter::once(&(w.end, 0.0))) {
        longest = longest.max(t - prev - w.period);
        prev = *t;
    }
    let values: Vec<Decimal> = points.iter().map(|p| to_dec(p.1)).collect();
    Reading {
        set: set.label.clone(),
        id: m.id.clone(),
        metric: m.metric,
        stat: m.stat,
        datapoints: points.len(),
        expected,
        missing_periods: (expected - points.len() as i64).max(0),
        longest_gap_seconds: longest.max(0),
        sum: values.iter().copied().sum(),
        max: values.iter().copied().max().unwrap_or_default(),
        status: s.status.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_follows_data_age() {
        assert_eq!(period_for_age(14 * 86400), 60);
        assert_eq!(period_for_age(15 * 86400), 60);
        assert_eq!(period_for_age(15 * 86400 + 1), 300);
        assert_eq!(period_for_age(63 * 86400), 300);
        assert_eq!(period_for_age(64 * 86400), 3600);
    }

    #[test]
    fn window_is_aligned() {
        let w = window(1_795_000_123, 14);
        assert_eq!(w.end % 60, 0);
        assert_eq!(w.end - w.start, 14 * 86400);
        assert_eq!(window(1_795_000_123, 30).period, 300);
    }
}
