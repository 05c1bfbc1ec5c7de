//! GetMetricData at the edge: a one-page trait, the SDK client behind it, and the loop that sends
//! one batch per resource set and follows NextToken (bounded).

use super::error::{Api, AwsError, Kind, from_sdk};
use crate::workload::source::cloudwatch::{
    MetricData, MetricPage, MetricQuery, ResourceSet, Series, Window,
};

/// Something that answers one GetMetricData page.
pub trait MetricSource {
    fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        window: &Window,
        next_token: Option<String>,
    ) -> impl Future<Output = Result<MetricPage, AwsError>>;
}

/// 14 days of 1-minute data for 5 metrics is 100,800 datapoints, one page's worth; this bound only
/// stops a server that never stops paging.
pub const MAX_PAGES_PER_SET: usize = 200;

/// Read every set over the window; `progress` hears one line per page.
pub async fn read_all(
    source: &impl MetricSource,
    sets: &[ResourceSet],
    window: &Window,
    progress: &mut dyn FnMut(&str),
) -> Result<MetricData, AwsError> {
    let mut data = MetricData::default();
    for set in sets {
        let mut token = None;
        let mut pages = 0;
        loop {
            let page = source
                .get_metric_data(&set.queries, window, token.take())
                .await?;
            pages += 1;
            data.requests += 1;
            let points: usize = page.results.iter().map(|r| r.timestamps.len()).sum();
            let next = page.next_token.clone().filter(|t| !t.is_empty());
            for r in &page.results {
                super::metrics_file::check_values(&r.id, &r.values)
                    .map_err(|e| AwsError::new(Api::CloudWatch, Kind::Other, e))?;
            }
            data.add_page(page);
            progress(&format!("{}: page {pages}, {points} datapoints", set.label));
            match next {
                Some(t) if pages < MAX_PAGES_PER_SET => token = Some(t),
                Some(_) => {
                    return Err(AwsError::new(
                        Api::CloudWatch,
                        Kind::Other,
                        format!(
                            "{} still had more pages after {MAX_PAGES_PER_SET}; stopping",
                            set.label
                        ),
                    ));
                }
                None => break,
            }
        }
    }
    Ok(data)
}

/// The real CloudWatch client.
pub struct SdkCloudWatch {
    pub client: aws_sdk_cloudwatch::Client,
}

impl MetricSource for SdkCloudWatch {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        window: &Window,
        next_token: Option<String>,
    ) -> Result<MetricPage, AwsError> {
        use aws_sdk_cloudwatch::primitives::DateTime;
        use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
        let mut req = self
            .client
            .get_metric_data()
            .start_time(DateTime::from_secs(window.start))
            .end_time(DateTime::from_secs(window.end))
            .scan_by(ScanBy::TimestampAscending)
            .set_next_token(next_token);
        for m in queries {
            let mut metric = Metric::builder()
                .namespace(m.namespace)
                .metric_name(m.metric);
            for (k, v) in &m.dimensions {
                metric = metric.dimensions(Dimension::builder().name(*k).value(v).build());
            }
            let stat = MetricStat::builder()
                .metric(metric.build())
                .period(m.period as i32)
                .stat(m.stat)
                .build();
            req = req.metric_data_queries(
                MetricDataQuery::builder()
                    .id(&m.id)
                    .metric_stat(stat)
                    .return_data(true)
                    .build(),
            );
        }
        let out = req
            .send()
            .await
            .map_err(|e| from_sdk(Api::CloudWatch, &e))?;
        let results = out
            .metric_data_results()
            .iter()
            .map(|r| Series {
                id: r.id().unwrap_or_default().to_string(),
                label: r.label().unwrap_or_default().to_string(),
                timestamps: r.timestamps().iter().map(|t| t.secs()).collect(),
                values: r.values().to_vec(),
                status: r
                    .status_code()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            })
            .collect();
        let messages = out
            .messages()
            .iter()
            .map(|m| {
                format!(
                    "{}: {}",
                    m.code().unwrap_or_default(),
                    m.value().unwrap_or_default()
                )
            })
            .collect();
        Ok(MetricPage {
            results,
            messages,
            next_token: out.next_token().map(str::to_string),
        })
    }
}
