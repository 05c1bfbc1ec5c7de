//! Real AWS data: live prices from the AWS Price List Query API, measured workloads from
//! CloudWatch, and the offline imports of both (`aws pricing get-products` and
//! `aws cloudwatch get-metric-data` output).
//!
//! The SDK clients sit behind two one-page traits (`pricing_api::ProductSource`,
//! `cloudwatch_api::MetricSource`); parsing, matching and aggregation are pure
//! (`price_list`, `cloudwatch`, `metrics_file`). Credentials and region come from
//! the standard AWS chain (aws-config: environment, profiles, SSO, container and instance roles),
//! which also honours `AWS_ENDPOINT_URL` (and `AWS_ENDPOINT_URL_PRICING` /
//! `AWS_ENDPOINT_URL_CLOUDWATCH`), `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE`. Throttling is retried
//! with exponential backoff by the SDK's standard retry, then reported.

pub mod cloudwatch_api;
pub mod error;
pub mod metrics_file;
pub mod price_list;
pub mod pricing_api;
pub mod savings_plans_file;

use std::path::{Path, PathBuf};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use rust_decimal::Decimal;

use crate::catalog::{self, PriceSnapshot};
use crate::workload::Workload;
use crate::workload::source::cloudwatch::{self, Measurement, Resources, Unmeasured, Window};
use error::{Api, AwsError, Kind};

/// The Price List Query API answers in us-east-1 (also eu-central-1, ap-south-1), whatever
/// region is being priced.
pub const PRICING_ENDPOINT_REGION: &str = "us-east-1";

/// One small runtime per command: the CLI is synchronous, the SDK is async.
pub fn block_on<F: Future>(f: F) -> Result<F::Output, crate::error::Error> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| crate::error::Error::Aws(format!("cannot start the async runtime: {e}")))?;
    Ok(rt.block_on(f))
}

/// The standard AWS configuration chain, with `region` when given.
pub async fn sdk_config(region: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(r) = region {
        loader = loader.region(Region::new(r.to_string()));
    }
    loader.load().await
}

/// The template for fetched snapshots: the bundled one (constants the Price List lacks).
fn template() -> PriceSnapshot {
    catalog::bundled("us-east-1").expect("the bundled us-east-1 snapshot is valid")
}

/// Fetch a snapshot for `region` from the live API through `source`.
pub async fn fetch_snapshot(
    source: &impl pricing_api::ProductSource,
    region: &str,
    fetched_on: &str,
    progress: &mut dyn FnMut(&str),
) -> Result<PriceSnapshot, AwsError> {
    let t = template();
    let products =
        pricing_api::fetch_all(source, &price_list::queries(region, &t), progress).await?;
    let origin = price_list::Origin {
        via: "AWS Price List API GetProducts".into(),
        fetched_on: fetched_on.to_string(),
    };
    price_list::build_snapshot(region, &products, &t, &origin).map_err(|e| {
        AwsError::new(
            Api::Pricing,
            Kind::NotFound,
            format!("{e} (is {region:?} a region code such as us-east-1?)"),
        )
    })
}

/// Fetch with the real SDK client: Price List endpoint in `endpoint_region`.
pub fn fetch_live(
    region: &str,
    endpoint_region: &str,
    progress: &mut dyn FnMut(&str),
) -> crate::error::Result<PriceSnapshot> {
    block_on(async {
        let conf = sdk_config(Some(endpoint_region)).await;
        let source = pricing_api::SdkPricing {
            client: aws_sdk_pricing::Client::new(&conf),
        };
        fetch_snapshot(&source, region, &crate::calendar::today_utc(), progress).await
    })?
    .map_err(Into::into)
}

/// Build a snapshot from `aws pricing get-products` output files.
pub fn snapshot_from_files(region: &str, files: &[PathBuf]) -> crate::error::Result<PriceSnapshot> {
    let mut products = Vec::new();
    for f in files {
        let text = crate::input_file::read(f, crate::input_file::Kind::PriceList)?;
        let p = price_list::parse_get_products_output(&text)
            .map_err(|e| crate::error::Error::file(f.display().to_string(), e))?;
        products.extend(p);
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let origin = price_list::Origin {
        via: format!("aws pricing get-products output {}", names.join(", ")),
        fetched_on: crate::calendar::today_utc(),
    };
    price_list::build_snapshot(region, &products, &template(), &origin).map_err(|e| {
        crate::error::Error::file(
            names.join(", "),
            format!(
                "{e}; `costcalc prices fetch --region {region} --print-cli-commands` prints the \
                 commands whose output holds every price"
            ),
        )
    })
}

/// Add `[savings_plans]` to `snap` from Savings Plans price list files (one region's file each).
pub fn add_savings_plans(snap: &mut PriceSnapshot, files: &[PathBuf]) -> crate::error::Result<()> {
    let mut all: Option<catalog::SavingsPlans> = None;
    for f in files {
        let text = crate::input_file::read(f, crate::input_file::Kind::PriceList)?;
        let name = f.display().to_string();
        let sp =
            savings_plans_file::savings_plans(&text, &name, snap, &crate::calendar::today_utc())
                .map_err(|e| crate::error::Error::file(name.clone(), e))?;
        all = Some(match all {
            None => sp,
            Some(mut acc) => {
                acc.source = format!("{}; {}", acc.source, sp.source);
                acc.rates.extend(sp.rates);
                acc
            }
        });
    }
    snap.savings_plans = all;
    // What is written must load through --prices: same parser, same validation (no duplicates).
    let text = catalog::to_toml(snap)?;
    catalog::parse(&text, "snapshot with Savings Plans rates")?;
    Ok(())
}

/// Read CloudWatch for the named resources over the last `days` and measure the workload.
pub async fn measure_with(
    source: &impl cloudwatch_api::MetricSource,
    region: &str,
    resources: &Resources,
    window: &Window,
    hours_per_month: Decimal,
    base: Workload,
    progress: &mut dyn FnMut(&str),
) -> Result<Measurement, AwsError> {
    let sets = cloudwatch::plan(resources, window.period);
    let data = cloudwatch_api::read_all(source, &sets, window, progress).await?;
    let source = cloudwatch::Source::Live {
        region: region.to_string(),
    };
    cloudwatch::measure(&source, &sets, &data, window, hours_per_month, base).map_err(unmeasured)
}

/// Metrics that make no workload, said with what to give instead.
fn unmeasured(e: Unmeasured) -> AwsError {
    match e {
        Unmeasured::NoRequestCount => AwsError::new(
            Api::CloudWatch,
            Kind::Other,
            "none of the metrics read counts requests: add --lambda-function, --http-api-id, \
             --rest-api-name with --stage, or --alb (EC2, ECS and RDS metrics do not count \
             requests), or give --requests-per-month"
                .to_string(),
        ),
        Unmeasured::NoDatapoints {
            set,
            source,
            from,
            to,
        } => AwsError::new(
            Api::CloudWatch,
            Kind::NotFound,
            format!(
                "no datapoints for {set} in {source} from {from} to {to} (a wrong name, another \
                 region or account, or no traffic at all): check the name and --region / \
                 AWS_REGION"
            ),
        ),
    }
}

/// The live read with the real SDK client; the region is `region` or the chain's.
pub fn measure_live(
    region: Option<&str>,
    resources: &Resources,
    days: u32,
    hours_per_month: Decimal,
    base: Workload,
    progress: &mut dyn FnMut(&str),
) -> crate::error::Result<Measurement> {
    block_on(async {
        let conf = sdk_config(region).await;
        let Some(region) = conf.region().map(|r| r.to_string()) else {
            return Err(AwsError::new(Api::CloudWatch, Kind::NoRegion, ""));
        };
        let source = cloudwatch_api::SdkCloudWatch {
            client: aws_sdk_cloudwatch::Client::new(&conf),
        };
        let w = cloudwatch::window(now(), days);
        measure_with(
            &source,
            &region,
            resources,
            &w,
            hours_per_month,
            base,
            progress,
        )
        .await
    })?
    .map_err(Into::into)
}

/// Measure from a `--metrics-file`: the window is the `days` before the file's last datapoint.
pub fn measure_file(
    path: &Path,
    resources: &Resources,
    days: u32,
    hours_per_month: Decimal,
    base: Workload,
) -> crate::error::Result<Measurement> {
    let origin = path.display().to_string();
    let text = crate::input_file::read(path, crate::input_file::Kind::Metrics)?;
    let data = metrics_file::parse(&text, &origin).map_err(|e| {
        // parse's messages start with the file's name already.
        let e = e.strip_prefix(&format!("{origin}: ")).unwrap_or(&e);
        crate::error::Error::file(&origin, e)
    })?;
    let span = i64::from(days) * 86400;
    let period = data
        .series
        .values()
        .filter_map(|s| {
            let mut t = s.timestamps.clone();
            t.sort_unstable();
            t.windows(2).map(|w| w[1] - w[0]).filter(|d| *d > 0).min()
        })
        .min()
        .unwrap_or_else(|| cloudwatch::period_for_age(span));
    let last = data
        .series
        .values()
        .flat_map(|s| s.timestamps.iter().copied())
        .max();
    let Some(last) = last else {
        return Err(crate::error::Error::file(
            &origin,
            "holds no datapoints at all: check the query's names, region and time range",
        ));
    };
    let end = last + period;
    let w = Window {
        start: end - span,
        end,
        period,
    };
    let sets = cloudwatch::plan(resources, period);
    let mut m = cloudwatch::measure(
        &cloudwatch::Source::File {
            path: origin.clone(),
        },
        &sets,
        &data,
        &w,
        hours_per_month,
        base,
    )
    .map_err(|e| crate::error::Error::file(&origin, unmeasured(e).detail))?;
    m.requests = 0;
    Ok(m)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
