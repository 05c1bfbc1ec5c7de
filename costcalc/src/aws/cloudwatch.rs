//! CloudWatch metrics to a workload: which GetMetricData queries to make for each resource set,
//! the period CloudWatch still keeps for the window's age, and the aggregation of what came back
//! (totals scaled to the month, peak rate, mean duration, bytes per request) with a read-report of
//! datapoints, window and gaps. Pure: pages come in from `cloudwatch_api` or `metrics_file`.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::error::{Api, AwsError, Kind as ErrKind};
use super::price_list::civil_from_days;
use crate::deployment::Kind;
use crate::money;
use crate::workload::Workload;

/// The resources named on the command line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    pub lambda_function: Option<String>,
    pub http_api_id: Option<String>,
    /// (API name, stage)
    pub rest_api: Option<(String, String)>,
    /// (cluster, service)
    pub ecs_service: Option<(String, String)>,
    /// The ALB's `LoadBalancer` dimension: `app/NAME/ID` (the tail of its ARN).
    pub alb: Option<String>,
    pub instance_id: Option<String>,
    pub rds_instance: Option<String>,
}

impl Resources {
    pub fn is_empty(&self) -> bool {
        *self == Resources::default()
    }
}

/// One metric to read.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricQuery {
    /// GetMetricData query id (`^[a-z][a-zA-Z0-9_]*$`): also how `--metrics-file` results are matched.
    pub id: String,
    pub namespace: &'static str,
    pub metric: &'static str,
    pub dimensions: Vec<(&'static str, String)>,
    pub stat: &'static str,
    pub period: i64,
}

/// One GetMetricData batch: the metrics of one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSet {
    /// "Lambda function journal-api"
    pub label: String,
    pub queries: Vec<MetricQuery>,
}

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

fn q(
    id: &str,
    namespace: &'static str,
    metric: &'static str,
    dims: &[(&'static str, &str)],
    stat: &'static str,
    period: i64,
) -> MetricQuery {
    MetricQuery {
        id: id.to_string(),
        namespace,
        metric,
        dimensions: dims.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        stat,
        period,
    }
}

/// The queries for every named resource, one set per resource.
pub fn plan(r: &Resources, period: i64) -> Vec<ResourceSet> {
    let p = period;
    let mut sets = Vec::new();
    if let Some(f) = &r.lambda_function {
        let d = [("FunctionName", f.as_str())];
        let ns = "AWS/Lambda";
        sets.push(ResourceSet {
            label: format!("Lambda function {f}"),
            queries: vec![
                q("lambda_invocations", ns, "Invocations", &d, "Sum", p),
                q("lambda_duration", ns, "Duration", &d, "Sum", p),
                q(
                    "lambda_concurrency",
                    ns,
                    "ConcurrentExecutions",
                    &d,
                    "Maximum",
                    p,
                ),
                q("lambda_errors", ns, "Errors", &d, "Sum", p),
                q("lambda_throttles", ns, "Throttles", &d, "Sum", p),
            ],
        });
    }
    if let Some(id) = &r.http_api_id {
        let d = [("ApiId", id.as_str())];
        sets.push(ResourceSet {
            label: format!("HTTP API {id}"),
            queries: vec![
                q("http_count", "AWS/ApiGateway", "Count", &d, "Sum", p),
                q(
                    "http_bytes",
                    "AWS/ApiGateway",
                    "DataProcessed",
                    &d,
                    "Sum",
                    p,
                ),
            ],
        });
    }
    if let Some((name, stage)) = &r.rest_api {
        let d = [("ApiName", name.as_str()), ("Stage", stage.as_str())];
        sets.push(ResourceSet {
            label: format!("REST API {name} stage {stage}"),
            queries: vec![
                q("rest_count", "AWS/ApiGateway", "Count", &d, "Sum", p),
                q(
                    "rest_bytes",
                    "AWS/ApiGateway",
                    "DataProcessed",
                    &d,
                    "Sum",
                    p,
                ),
            ],
        });
    }
    if let Some((cluster, service)) = &r.ecs_service {
        let d = [
            ("ClusterName", cluster.as_str()),
            ("ServiceName", service.as_str()),
        ];
        sets.push(ResourceSet {
            label: format!("ECS service {cluster}/{service}"),
            queries: vec![
                q("ecs_cpu", "AWS/ECS", "CPUUtilization", &d, "Average", p),
                q(
                    "ecs_memory",
                    "AWS/ECS",
                    "MemoryUtilization",
                    &d,
                    "Average",
                    p,
                ),
                q(
                    "ecs_tasks",
                    "ECS/ContainerInsights",
                    "RunningTaskCount",
                    &d,
                    "Average",
                    p,
                ),
            ],
        });
    }
    if let Some(lb) = &r.alb {
        let d = [("LoadBalancer", lb.as_str())];
        let ns = "AWS/ApplicationELB";
        sets.push(ResourceSet {
            label: format!("ALB {lb}"),
            queries: vec![
                q("alb_requests", ns, "RequestCount", &d, "Sum", p),
                q("alb_bytes", ns, "ProcessedBytes", &d, "Sum", p),
                q(
                    "alb_new_connections",
                    ns,
                    "NewConnectionCount",
                    &d,
                    "Sum",
                    p,
                ),
                q("alb_lcus", ns, "ConsumedLCUs", &d, "Sum", p),
            ],
        });
    }
    if let Some(i) = &r.instance_id {
        let d = [("InstanceId", i.as_str())];
        sets.push(ResourceSet {
            label: format!("EC2 instance {i}"),
            queries: vec![
                q("ec2_cpu", "AWS/EC2", "CPUUtilization", &d, "Average", p),
                q("ec2_network_out", "AWS/EC2", "NetworkOut", &d, "Sum", p),
            ],
        });
    }
    if let Some(db) = &r.rds_instance {
        let d = [("DBInstanceIdentifier", db.as_str())];
        sets.push(ResourceSet {
            label: format!("RDS instance {db}"),
            queries: vec![
                q("rds_cpu", "AWS/RDS", "CPUUtilization", &d, "Average", p),
                q(
                    "rds_connections",
                    "AWS/RDS",
                    "DatabaseConnections",
                    &d,
                    "Maximum",
                    p,
                ),
            ],
        });
    }
    sets
}

/// The GetMetricData `--metric-data-queries` JSON of one set, as the AWS CLI takes it.
pub fn queries_json(set: &ResourceSet) -> serde_json::Value {
    use serde_json::json;
    json!(
        set.queries
            .iter()
            .map(|m| json!({
                "Id": m.id,
                "MetricStat": {
                    "Metric": {
                        "Namespace": m.namespace,
                        "MetricName": m.metric,
                        "Dimensions": m.dimensions.iter()
                            .map(|(k, v)| json!({"Name": k, "Value": v})).collect::<Vec<_>>(),
                    },
                    "Period": m.period,
                    "Stat": m.stat,
                },
                "ReturnData": true,
            }))
            .collect::<Vec<_>>()
    )
}

/// The `aws cloudwatch get-metric-data` command lines that read the same data for `--metrics-file`.
pub fn cli_commands(sets: &[ResourceSet], w: &Window, region: Option<&str>) -> String {
    let region = region.map(|r| format!(" --region {r}")).unwrap_or_default();
    // One command per set would need several files; one query list for all sets is one file.
    let all = ResourceSet {
        label: String::new(),
        queries: sets.iter().flat_map(|s| s.queries.clone()).collect(),
    };
    format!(
        "cat > queries.json <<'EOF'\n{}\nEOF\naws cloudwatch get-metric-data{region} --start-time {} --end-time {} \\\n  --metric-data-queries file://queries.json > metrics.json\n",
        serde_json::to_string_pretty(&queries_json(&all)).expect("JSON values serialize"),
        iso(w.start),
        iso(w.end)
    )
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

/// The workload CloudWatch measured, and what was read to get it.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub window: Window,
    pub region: String,
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

/// Aggregate the data into a workload (figures not measured keep `base`'s values).
pub fn measure(
    region: &str,
    sets: &[ResourceSet],
    data: &MetricData,
    w: &Window,
    hours_per_month: Decimal,
    base: Workload,
) -> Result<Measurement, AwsError> {
    let mut readings = Vec::new();
    for set in sets {
        let mut any = false;
        for m in &set.queries {
            let r = read(set, m, data.series.get(&m.id), w);
            any |= r.datapoints > 0;
            readings.push(r);
        }
        if !any {
            return Err(AwsError::new(
                Api::CloudWatch,
                ErrKind::NotFound,
                format!(
                    "no datapoints for {} in {region} from {} to {} (a wrong name, another \
                     region or account, or no traffic at all): check the name and --region / \
                     AWS_REGION",
                    set.label,
                    iso(w.start),
                    iso(w.end)
                ),
            ));
        }
    }
    let get = |id: &str| readings.iter().find(|r| r.id == id && r.datapoints > 0);
    let window_seconds = Decimal::from(w.end - w.start);
    let month_seconds = hours_per_month * dec!(3600);
    let factor = month_seconds / window_seconds;
    let mut wl = base;
    let mut why = Vec::new();

    // Requests: the front door counts them all (Lambda invocations also count retries and
    // non-HTTP triggers), so ALB or API Gateway first.
    let count = [
        "alb_requests",
        "http_count",
        "rest_count",
        "lambda_invocations",
    ]
    .iter()
    .find_map(|id| get(id));
    let Some(count) = count else {
        return Err(AwsError::new(
            Api::CloudWatch,
            ErrKind::Other,
            "none of the metrics read counts requests: add --lambda-function, --http-api-id, \
             --rest-api-name with --stage, or --alb (EC2, ECS and RDS metrics do not count \
             requests), or give --requests-per-month"
                .to_string(),
        ));
    };
    let total = count.sum;
    wl.requests_per_month = total * factor;
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
    why.push(format!(
        "peak = busiest {} s period: {} requests = {} req/s",
        w.period,
        money::quantity(count.max, 0),
        money::quantity(count.max / period, 3)
    ));
    if let (Some(inv), Some(dur)) = (get("lambda_invocations"), get("lambda_duration"))
        && inv.sum > Decimal::ZERO
    {
        wl.duration_ms = (dur.sum / inv.sum).round_dp(3);
        why.push(format!(
            "duration = Duration sum / Invocations = {} ms",
            wl.duration_ms.normalize()
        ));
    }
    let bytes = ["alb_bytes", "http_bytes", "rest_bytes"]
        .iter()
        .find_map(|id| get(id))
        .or_else(|| get("ec2_network_out"));
    if let Some(b) = bytes
        && total > Decimal::ZERO
    {
        // Processed bytes count both directions and headers: an upper bound of the response.
        wl.response_bytes = (b.sum / total).round_dp(0);
        why.push(format!(
            "response bytes = {} / requests = {} B (both directions: an upper bound)",
            b.metric,
            money::quantity(wl.response_bytes, 0)
        ));
    }
    wl.source = format!("CloudWatch {region} {} to {}", iso(w.start), iso(w.end));
    let measured = if get("lambda_invocations").is_some() {
        Some(Kind::Lambda)
    } else if sets.iter().any(|s| s.label.starts_with("ECS service")) {
        Some(Kind::Fargate)
    } else if sets.iter().any(|s| s.label.starts_with("EC2 instance")) {
        Some(Kind::Ec2)
    } else {
        None
    };
    Ok(Measurement {
        window: *w,
        region: region.to_string(),
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

/// The read-report printed before the cost tables.
pub fn report(m: &Measurement) -> String {
    let w = &m.window;
    let read = if m.requests == 0 {
        format!("{} document(s)", m.pages)
    } else {
        format!("{} GetMetricData request(s)", m.requests)
    };
    let mut s = format!(
        "CloudWatch {}: {} to {} ({} days), period {} s, {read}\n",
        m.region,
        iso(w.start),
        iso(w.end),
        money::quantity(Decimal::from(w.end - w.start) / dec!(86400), 2),
        w.period,
    );
    let mut set = "";
    for r in &m.readings {
        if r.set != set {
            s.push_str(&format!("  {}\n", r.set));
            set = &r.set;
        }
        let name = format!("{} ({})", r.metric, r.stat);
        if r.datapoints == 0 {
            s.push_str(&format!("    {name:<34} missing: no datapoints\n"));
            continue;
        }
        let gaps = if r.missing_periods == 0 {
            "no gaps".to_string()
        } else {
            format!(
                "{} periods without data, longest gap {}",
                r.missing_periods,
                duration(r.longest_gap_seconds)
            )
        };
        let figure = match r.stat {
            "Sum" => format!("total {}", money::quantity(r.sum, 0)),
            "Maximum" => format!("max {}", money::quantity(r.max, 2)),
            _ => format!(
                "mean {}",
                money::quantity(r.sum / Decimal::from(r.datapoints as u64), 2)
            ),
        };
        let partial = if r.status.is_empty() || r.status == "Complete" {
            String::new()
        } else {
            format!(" [{}]", r.status)
        };
        s.push_str(&format!(
            "    {name:<34} {} of {} datapoints, {gaps}; {figure}{partial}\n",
            r.datapoints, r.expected
        ));
    }
    for msg in &m.messages {
        s.push_str(&format!("  CloudWatch says: {msg}\n"));
    }
    for d in &m.derivations {
        s.push_str(&format!("  {d}\n"));
    }
    if let Some(k) = m.measured {
        s.push_str(&format!(
            "  Measured deployment: {}; the others price the same workload.\n",
            crate::report::title(k)
        ));
    }
    s
}

fn duration(secs: i64) -> String {
    match secs {
        s if s >= 86400 => format!("{}d {}h", s / 86400, (s % 86400) / 3600),
        s if s >= 3600 => format!("{}h {}m", s / 3600, (s % 3600) / 60),
        s => format!("{}m", s / 60),
    }
}

/// Epoch seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn iso(t: i64) -> String {
    let (y, mo, d) = civil_from_days(t.div_euclid(86400));
    let s = t.rem_euclid(86400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        (s % 3600) / 60,
        s % 60
    )
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

    #[test]
    fn iso_dates() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(1_793_491_200), "2026-11-01T00:00:00Z");
    }
}
