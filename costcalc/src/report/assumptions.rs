//! Every figure a report rests on, in words: where the workload came from, what a request costs,
//! how instances are counted, what each deployment runs, what is not billed. A figure nobody
//! supplied is marked "(assumed)", or "(journal-api's measured profile)" when it is the reference
//! API's committed measurement.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::catalog::PriceSnapshot;
use crate::deployment::{LAMBDA_PLATFORM_LOG_BYTES, Options};
use crate::money;
use crate::workload::duration::{self, Duration};
use crate::workload::{Origin, Workload};

use super::Subject;

/// " (assumed)" after a figure nobody supplied.
fn assumed(o: &Origin) -> &'static str {
    match o {
        Origin::Profile { .. } => " (journal-api's measured profile)",
        Origin::Default { .. } => " (assumed)",
        Origin::Flag | Origin::File { .. } | Origin::Measured { .. } => "",
    }
}

/// Every figure the numbers rest on, in words.
pub fn assumptions(w: &Workload, o: &Options, p: &PriceSnapshot, s: &Subject) -> Vec<String> {
    let mut a = vec![workload(w, o), per_request(w, o), sizing(w, o)];
    a.extend(deployments(w, o, p, s));
    match o.database {
        crate::deployment::aurora::Database::AuroraServerless(s) => {
            a.push(format!("{}.", io_note(o, s.storage)));
        }
        crate::deployment::aurora::Database::AuroraProvisioned(s) => {
            a.push(format!("{}.", io_note(o, s)));
        }
        crate::deployment::aurora::Database::Rds => {}
    }
    a.retain(|s| !s.is_empty());
    a
}

use crate::deployment::aurora::{self, Database};
use crate::deployment::aurora_provisioned::io_note;

/// Which database each deployment uses, and why.
fn database(o: &Options) -> String {
    let az = if o.multi_az { "Multi-AZ" } else { "single-AZ" };
    match o.database {
        Database::Rds => format!(
            "Database (--db rds): RDS for PostgreSQL {} {az} with {} GB gp3, in each deployment \
             unless its connections or the measured database CPU need a larger class (then its \
             notes say so).",
            o.db_instance_class,
            q(o.db_storage_gb)
        ),
        Database::AuroraProvisioned(_) => format!(
            "Database (--db aurora): Aurora PostgreSQL provisioned {az}, from db.t4g.medium (the \
             smallest Aurora PostgreSQL class) unless its connections or the measured database \
             CPU need a larger class, {} GB of cluster storage.",
            q(o.db_storage_gb)
        ),
        Database::AuroraServerless(s) => format!(
            "Database (--db aurora-serverless): {} {az}, {} GB of cluster storage{}.",
            aurora::summary(&s),
            q(o.db_storage_gb),
            if s.auto_pause() {
                "; it pauses when idle, so Lambda connects without RDS Proxy"
            } else {
                ""
            }
        ),
    }
}

fn q(d: Decimal) -> String {
    money::quantity(d, 4)
}

/// Where the workload came from, its traffic and its peak.
fn workload(w: &Workload, o: &Options) -> String {
    let g = &w.origins;
    let peak_src = match (&g.peak, w.peak_rps, w.compression) {
        (Origin::Measured { .. }, Some(_), Some(c)) if c != Decimal::ONE => format!(
            "measured: the run's busiest second, which played {} real seconds (compression {}x)",
            q(c),
            q(c)
        ),
        (Origin::Measured { .. }, Some(_), _) => "measured".to_string(),
        (_, Some(_), _) => "given".to_string(),
        (Origin::Default { .. }, None, _) => format!(
            "{} x the average rate: the {} traffic shape's busy hours, Monday to Friday 09:00-18:00, at the month's volume (assumed)",
            q(w.peak_to_average),
            crate::workload::shape::DEFAULT_PEAK_SHAPE
        ),
        (origin, None, _) => format!(
            "{} x the average rate{}",
            q(w.peak_to_average),
            assumed(origin)
        ),
    };
    format!(
        "Workload from {}: {} requests/month{} over a {}-hour month (average {} req/s, peak {} req/s, {peak_src}).",
        w.source,
        q(w.requests_per_month),
        assumed(&g.requests_per_month),
        q(o.hours),
        money::quantity(w.average_rps(o.hours), 6),
        money::quantity(w.peak(o.hours), 6)
    )
}

/// What one request costs in time and bytes.
fn per_request(w: &Workload, o: &Options) -> String {
    let g = &w.origins;
    let duration = match &w.duration {
        Duration::ClientLatency => format!(
            "{} ms of client-observed latency used as the time in the function (an upper bound: it includes the network and any queueing)",
            q(w.duration_ms)
        ),
        Duration::Server { routes } => format!(
            "{} ms in the function at {} MB, modelled from the server's own time per route ({} routes: CPU stretched by {} below 1,769 MB, waiting unchanged; billed {} ms per request over the route mix)",
            money::quantity(duration::mean_ms(routes, o.lambda_memory_mb), 3),
            q(o.lambda_memory_mb),
            routes.len(),
            money::quantity(duration::stretch(o.lambda_memory_mb), 3),
            money::quantity(w.billed_ms_per_request(o.lambda_memory_mb), 3)
        ),
        Duration::Tuned { .. } => format!(
            "{} ms billed per request at {} MB, measured by a Lambda memory sweep (the function at each size's CPU share on this machine's processor, not AWS's: Graviton and x86 differ){}",
            money::quantity(w.billed_ms_per_request(o.lambda_memory_mb), 3),
            q(o.lambda_memory_mb),
            w.cold_starts_per_month.map_or(String::new(), |n| format!(
                "; {} cold starts a month from the run's idle gaps, each billing its INIT",
                money::quantity(n, 0)
            ))
        ),
        Duration::InFunction => format!(
            "{} ms in the function{}",
            q(w.duration_ms),
            assumed(&g.duration_ms)
        ),
    };
    format!(
        "Per request: {duration} (Lambda billed duration, rounded up to 1 ms per invocation; \
        cold-start init is billed too since 2025-08-01), {} B request{} and {} B response{} bodies (1 KB = 1,024 B, 1 GB = 2^30 B).",
        q(w.request_bytes),
        assumed(&g.request_bytes),
        q(w.response_bytes),
        assumed(&g.response_bytes)
    )
}

/// How instances and tasks are counted.
fn sizing(w: &Workload, o: &Options) -> String {
    format!(
        "Sizing: one vCPU serves {} req/s{}; EC2 instances and Fargate tasks = max({}, ceil(peak / (req/s per vCPU x vCPUs))). \
        Burstable t4g/t3 instances are sized on all their vCPUs and bill surplus CPU credits when their average utilization exceeds their baseline.",
        q(w.throughput_rps_per_vcpu),
        match w.origins.throughput_rps_per_vcpu {
            Origin::Profile { .. } => {
                " (journal-api's measured profile; measure your API with loadgen --server-pid)"
            }
            Origin::Default { .. } => " (assumed; measure it with loadgen)",
            Origin::Flag | Origin::File { .. } | Origin::Measured { .. } => "",
        },
        if o.high_availability { 2 } else { 1 }
    )
}

/// What each deployment runs, and what is and is not billed.
fn deployments(w: &Workload, o: &Options, p: &PriceSnapshot, s: &Subject) -> Vec<String> {
    let nat_hours = p.nat.hour.usd * o.hours;
    let nat_ip = p.ipv4.hour.usd * o.hours;
    // Why 512 MB suffices is journal-api's own measurement: another API's report says only what
    // Lambda gives every function.
    let cpu = if s.is_journal_api() {
        "512 MB buys ~1/3 vCPU, enough for argon2 logins and a fast cold start"
    } else {
        "CPU in proportion to memory: 1,769 MB buys one vCPU"
    };
    vec![
        format!("Lambda: {} MB {} ({cpu}), {} ephemeral storage, {} provisioned concurrency, behind an {}.",
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
            format!("NAT Gateway OFF: the VPC function only talks to RDS Proxy/RDS and gets its secrets at deploy time. If it must call the internet or AWS APIs without VPC endpoints, add --nat on (+{} for {} hours, ${}/GB processed, +{} for its Elastic IP).",
                money::usd(nat_hours), q(o.hours), money::exact(p.nat.processed.usd), money::usd(nat_ip))
        },
        format!("EC2: {} Linux with a {} GB gp3 root volume and one public IPv4 per instance (one instance serves HTTP itself; more than one adds an ALB).",
            o.instance_type, q(o.ebs_gb)),
        format!("Fargate: {} vCPU / {} GB {}{} tasks running all month with 20 GB ephemeral storage (included), behind an internet-facing ALB in {} AZs (one public IPv4 per AZ){}.",
            q(o.fargate_vcpu), q(o.fargate_memory_gb), o.fargate_arch.as_str(), if o.fargate_spot { " Spot" } else { "" }, q(o.alb_azs),
            if o.task_public_ip { "; tasks in public subnets with a public IPv4 each (to pull images without a NAT Gateway)" } else { "; tasks without public IPv4" }),
        "ALB LCUs from the average rate: one new connection per request, open for max(1 s, duration), request + response bytes processed, 1 rule (within the 10 free).".into(),
        database(o),
        format!("CloudWatch Logs: {} B of application log per request{} (Lambda adds {} B of START/END/REPORT lines), kept one month (stored GB = ingested GB).",
            q(w.log_bytes_per_request), assumed(&w.origins.log_bytes_per_request), LAMBDA_PLATFORM_LOG_BYTES),
        "Data transfer out: every response body leaves AWS to the internet; requests in are free.".into(),
        if o.free_tier {
            "Free tier ON: always-free allowances only (Lambda 1M requests + 400,000 GB-s, 100 GB data out, 5 GB logs). 12-month offers and credits are not modeled.".into()
        } else {
            "Free tier OFF (--free-tier applies the always-free allowances).".into()
        },
        "Not included: Secrets Manager secrets, Route 53, ECR storage, backups beyond the free allowance, support plans, taxes.".into(),
    ]
}
