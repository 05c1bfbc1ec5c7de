//! What the commands print: a per-service bill or a three-deployment report, in several formats.
//! Every output names the price snapshot's region and as-of date.

pub mod csv;
pub mod json;
pub mod markdown;
pub mod table;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::deployment::{Deployment, Kind, LAMBDA_PLATFORM_LOG_BYTES, Options};
use crate::money;
use crate::prices::PriceSnapshot;
use crate::pricing::LineItem;
use crate::workload::Workload;

/// Which snapshot priced this output.
#[derive(Debug, Clone)]
pub struct PriceInfo {
    pub region: String,
    pub as_of: String,
    /// "bundled" or the `--prices` file path.
    pub origin: String,
}

impl PriceInfo {
    pub fn new(p: &PriceSnapshot, origin: &str) -> Self {
        PriceInfo {
            region: p.region.clone(),
            as_of: p.as_of.clone(),
            origin: origin.to_string(),
        }
    }
    pub fn line(&self) -> String {
        format!(
            "Prices: AWS {} on-demand list prices as of {} ({} snapshot)",
            self.region, self.as_of, self.origin
        )
    }
}

/// Output of a per-service command.
#[derive(Debug, Clone)]
pub struct Bill {
    pub prices: PriceInfo,
    pub title: String,
    pub line_items: Vec<LineItem>,
    pub total_usd: Decimal,
}

/// Output of `report`.
#[derive(Debug, Clone)]
pub struct Report {
    pub prices: PriceInfo,
    pub workload: Workload,
    pub options: Options,
    pub deployments: Vec<Deployment>,
    pub cheapest: Kind,
    pub assumptions: Vec<String>,
}

impl Report {
    pub fn new(
        prices: PriceInfo,
        workload: Workload,
        options: Options,
        deployments: Vec<Deployment>,
    ) -> Self {
        let cheapest = deployments
            .iter()
            .min_by_key(|d| d.total_usd)
            .map(|d| d.name)
            .unwrap_or(Kind::Ec2);
        let assumptions = assumptions(&workload, &options);
        Report {
            prices,
            workload,
            options,
            deployments,
            cheapest,
            assumptions,
        }
    }
}

/// Cost per million requests (None at zero traffic).
pub fn per_million(total: Decimal, requests: Decimal) -> Option<Decimal> {
    (!requests.is_zero()).then(|| total / (requests / dec!(1000000)))
}

/// Every figure the numbers rest on, in words.
pub fn assumptions(w: &Workload, o: &Options) -> Vec<String> {
    let q = |d: Decimal| money::quantity(d, 4);
    let peak = w.peak(o.hours);
    let peak_src = if w.peak_rps.is_some() {
        "given".to_string()
    } else {
        format!("{} x the average rate", q(w.peak_to_average))
    };
    let mut a = vec![
        format!("Workload from {}: {} requests/month over a {}-hour month (average {} req/s, peak {} req/s, {peak_src}).",
            w.source, q(w.requests_per_month), q(o.hours), money::quantity(w.average_rps(o.hours), 6), money::quantity(peak, 6)),
        format!("Per request: {} ms in the function (Lambda billed duration, rounded up to 1 ms per invocation; \
            cold-start init is billed too since 2025-08-01), {} B request and {} B response bodies (1 KB = 1,024 B, 1 GB = 2^30 B).",
            q(w.duration_ms), q(w.request_bytes), q(w.response_bytes)),
        format!("Sizing: one vCPU serves {} req/s{}; EC2 instances and Fargate tasks = max({}, ceil(peak / (req/s per vCPU x vCPUs))). \
            Burstable t4g/t3 instances are sized on all their vCPUs; sustained load above their baseline would add CPU credit charges.",
            q(w.throughput_rps_per_vcpu),
            if w.source.starts_with("loadgen") || w.source.starts_with("workload file") { "" } else { " (assumed; measure it with loadgen)" },
            if o.high_availability { 2 } else { 1 }),
        format!("Lambda: {} MB {} (512 MB buys ~1/3 vCPU, enough for argon2 logins and a fast cold start), {} ephemeral storage, {} provisioned concurrency, behind an {}.",
            q(o.lambda_memory_mb), o.lambda_arch.as_str(),
            if o.lambda_ephemeral_mb > dec!(512) { format!("{} MB", q(o.lambda_ephemeral_mb)) } else { "the free 512 MB".into() },
            q(o.provisioned_concurrency), o.api.as_str()),
        if o.rds_proxy {
            "Lambda reaches the database through RDS Proxy (connection pooling for many short-lived environments), billed on the target's vCPUs with a 2-vCPU minimum.".into()
        } else {
            "Lambda connects to the database directly (no RDS Proxy).".into()
        },
        if o.nat {
            format!("NAT Gateway ON: the VPC function reaches the internet through one NAT Gateway (+ its Elastic IP), {} GB/month processed.", q(o.nat_gb))
        } else {
            "NAT Gateway OFF: the VPC function only talks to RDS Proxy/RDS and gets its secrets at deploy time. If it must call the internet or AWS APIs without VPC endpoints, add --nat on (+$32.85 hours, $0.045/GB, +$3.65 Elastic IP).".into()
        },
        format!("EC2: {} on-demand Linux with a {} GB gp3 root volume and one public IPv4 per instance (one instance serves HTTP itself; more than one adds an ALB).",
            o.instance_type, q(o.ebs_gb)),
        format!("Fargate: {} vCPU / {} GB {}{} tasks running all month with 20 GB ephemeral storage (included), behind an internet-facing ALB in {} AZs (one public IPv4 per AZ){}.",
            q(o.fargate_vcpu), q(o.fargate_memory_gb), o.fargate_arch.as_str(), if o.fargate_spot { " Spot" } else { "" }, q(o.alb_azs),
            if o.task_public_ip { "; tasks in public subnets with a public IPv4 each (to pull images without a NAT Gateway)" } else { "; tasks without public IPv4" }),
        "ALB LCUs from the average rate: one new connection per request, open for max(1 s, duration), request + response bytes processed, 1 rule (within the 10 free).".into(),
        format!("Database: RDS for PostgreSQL {} {} with {} GB gp3, shared by all three deployments.",
            o.db_instance_class, if o.multi_az { "Multi-AZ" } else { "single-AZ" }, q(o.db_storage_gb)),
        format!("CloudWatch Logs: {} B of application log per request (Lambda adds {} B of START/END/REPORT lines), kept one month (stored GB = ingested GB).",
            q(w.log_bytes_per_request), LAMBDA_PLATFORM_LOG_BYTES),
        "Data transfer out: every response body leaves AWS to the internet; requests in are free.".into(),
        if o.free_tier {
            "Free tier ON: always-free allowances only (Lambda 1M requests + 400,000 GB-s, 100 GB data out, 5 GB logs). 12-month offers and credits are not modeled.".into()
        } else {
            "Free tier OFF (--free-tier applies the always-free allowances).".into()
        },
        "Not included: Secrets Manager secrets, Route 53, ECR storage, backups beyond the free allowance, support plans, taxes.".into(),
    ];
    a.retain(|s| !s.is_empty());
    a
}

/// Display name of a deployment.
pub fn title(k: Kind) -> &'static str {
    match k {
        Kind::Ec2 => "EC2",
        Kind::Fargate => "ECS Fargate",
        Kind::Lambda => "Lambda",
    }
}
