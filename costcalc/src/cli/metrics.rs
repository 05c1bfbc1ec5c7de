//! `report` and `breakeven` flags that measure the workload from CloudWatch (live or a saved
//! file): `--from-cloudwatch`, `--metrics-file`, the resource names, `--days`, `--print-queries`.

use std::path::PathBuf;

use clap::Args;
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::workload::Workload;
use crate::workload::source::cloudwatch::{self, Measurement, Resources};

/// `report` flags that measure the workload from CloudWatch (live or a saved file).
#[derive(Debug, Args, Default, Clone)]
pub struct MetricsArgs {
    /// Measure the workload from CloudWatch (GetMetricData) for the resources named below
    #[arg(long, help_heading = "From AWS", conflicts_with = "metrics_file")]
    pub from_cloudwatch: bool,
    /// Offline: the JSON `aws cloudwatch get-metric-data` printed (see --print-queries)
    #[arg(long, value_name = "FILE", help_heading = "From AWS")]
    pub metrics_file: Option<PathBuf>,
    /// Print the GetMetricData queries and the `aws cloudwatch get-metric-data` command, and exit
    #[arg(long, help_heading = "From AWS")]
    pub print_queries: bool,
    /// Lambda function name
    #[arg(long, value_name = "NAME", help_heading = "From AWS")]
    pub lambda_function: Option<String>,
    /// API Gateway HTTP API id
    #[arg(long, value_name = "ID", help_heading = "From AWS")]
    pub http_api_id: Option<String>,
    /// API Gateway REST API name (with --stage)
    #[arg(
        long,
        value_name = "NAME",
        requires = "stage",
        help_heading = "From AWS"
    )]
    pub rest_api_name: Option<String>,
    /// REST API stage
    #[arg(
        long,
        value_name = "S",
        requires = "rest_api_name",
        help_heading = "From AWS"
    )]
    pub stage: Option<String>,
    /// ECS cluster (with --ecs-service)
    #[arg(
        long,
        value_name = "C",
        requires = "ecs_service",
        help_heading = "From AWS"
    )]
    pub ecs_cluster: Option<String>,
    /// ECS service
    #[arg(
        long,
        value_name = "S",
        requires = "ecs_cluster",
        help_heading = "From AWS"
    )]
    pub ecs_service: Option<String>,
    /// Application Load Balancer: app/NAME/ID (the end of its ARN, CloudWatch's LoadBalancer dimension)
    #[arg(long, value_name = "app/NAME/ID", help_heading = "From AWS")]
    pub alb: Option<String>,
    /// EC2 instance id
    #[arg(long, value_name = "I", help_heading = "From AWS")]
    pub instance_id: Option<String>,
    /// RDS DB instance identifier
    #[arg(long, value_name = "ID", help_heading = "From AWS")]
    pub rds_instance: Option<String>,
    /// Days of metrics to read, up to now (1-minute data for 15 days, 5-minute to 63, hourly beyond)
    #[arg(long, value_name = "N", default_value = "14", value_parser = clap::value_parser!(u32).range(1..=455), help_heading = "From AWS")]
    pub days: u32,
}

impl MetricsArgs {
    pub fn wanted(&self) -> bool {
        self.from_cloudwatch || self.metrics_file.is_some() || self.print_queries
    }

    pub fn resources(&self) -> Result<Resources> {
        let r = Resources {
            lambda_function: self.lambda_function.clone(),
            http_api_id: self.http_api_id.clone(),
            rest_api: self.rest_api_name.clone().zip(self.stage.clone()),
            ecs_service: self.ecs_cluster.clone().zip(self.ecs_service.clone()),
            alb: self.alb.clone(),
            instance_id: self.instance_id.clone(),
            rds_instance: self.rds_instance.clone(),
        };
        if let Some(lb) = &r.alb
            && !(lb.starts_with("app/") && lb.split('/').count() == 3)
        {
            return Err(Error::flag(
                "--alb",
                format!(
                    "{lb:?} is not the LoadBalancer dimension: give app/NAME/ID, the part of the \
                     load balancer's ARN after \"loadbalancer/\""
                ),
            ));
        }
        if r.is_empty() {
            return Err(Error::flag(
                "--from-cloudwatch",
                "name what to read: --lambda-function, --http-api-id, --rest-api-name with \
                 --stage, --ecs-cluster with --ecs-service, --alb, --instance-id or --rds-instance",
            ));
        }
        Ok(r)
    }

    /// `--print-queries`: what to run where the credentials are.
    pub fn print_queries(&self, region: Option<&str>) -> Result<String> {
        let r = self.resources()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let w = cloudwatch::window(now, self.days);
        Ok(
            cloudwatch::cli_commands(&cloudwatch::plan(&r, w.period), &w, region)
                + "costcalc report --metrics-file metrics.json ... (the same resource flags and --days)\n",
        )
    }

    /// The measured workload, or None when no AWS flag was given. `base` supplies what CloudWatch
    /// does not measure.
    pub fn measure(
        &self,
        region: Option<&str>,
        hours_per_month: Decimal,
        base: Workload,
    ) -> Result<Option<Measurement>> {
        if let Some(path) = &self.metrics_file {
            let r = self.resources()?;
            return crate::aws::measure_file(path, &r, self.days, hours_per_month, base).map(Some);
        }
        if self.from_cloudwatch {
            let r = self.resources()?;
            eprintln!("Reading CloudWatch metrics ({} days):", self.days);
            return crate::aws::measure_live(
                region,
                &r,
                self.days,
                hours_per_month,
                base,
                &mut |l| eprintln!("  {l}"),
            )
            .map(Some);
        }
        Ok(None)
    }
}
