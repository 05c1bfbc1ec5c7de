//! The three ways to run the journal API, composed from the per-service models:
//! *ec2* (instances + EBS + public IPv4 + RDS), *fargate* (tasks + ALB + public IPv4s + RDS),
//! *lambda* (function + API Gateway + RDS Proxy + optional NAT + RDS). Logs and data transfer
//! out are billed in each.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Serialize;

use crate::catalog::PriceSnapshot;
use crate::error::Result;
use crate::pricing::{self, GB, LineItem, alb, apigw, ec2, fargate, lambda, rds};
use crate::workload::Workload;

/// Lambda's own START, END and REPORT lines per invocation, bytes (measured on provided.al2023).
pub const LAMBDA_PLATFORM_LOG_BYTES: Decimal = dec!(350);

mod credits;
mod sizing;
pub use sizing::count_for_peak;
pub mod aurora;
pub mod aurora_capacity;
pub mod aurora_connections;
pub mod aurora_provisioned;
pub mod database;
mod options;
pub mod purchase;
pub use crate::kind::Kind;
pub use options::{Options, Purchase, check_lambda_memory, defaults};
pub use purchase::Committed;

#[derive(Debug, Clone, Serialize)]
pub struct Deployment {
    pub name: Kind,
    /// One line on what was deployed, e.g. "1 x t4g.micro + 8 GB gp3 + db.t4g.micro".
    pub summary: String,
    pub line_items: Vec<LineItem>,
    pub total_usd: Decimal,
    /// What the report should say about this deployment (a database sized up, a connection
    /// limit exceeded and its remedy).
    pub notes: Vec<String>,
    /// Under purchase options (a commitment, Spot): the on-demand total beside `total_usd` and
    /// what each commitment costs. None when everything is on-demand.
    pub committed: Option<Committed>,
    /// The database priced is smaller than the deployment's own sizing asks for, so the total
    /// leaves out what a database that holds the workload would cost: it is never the answer.
    pub incomplete: bool,
}

/// What the summary says after a total on a database too small for the workload.
pub const INCOMPLETE: &str = " [INCOMPLETE: the database is too small for this workload]";

fn monthly_gb(requests: Decimal, bytes_each: Decimal) -> Decimal {
    requests * bytes_each / GB
}

/// Logs and data transfer out: billed the same way in every deployment.
fn shared_lines(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    extra_log_bytes: Decimal,
    out: &mut Vec<LineItem>,
) {
    let log_gb = monthly_gb(
        w.requests_per_month,
        w.log_bytes_per_request + extra_log_bytes,
    );
    // Steady state with one month of retention: a month's logs are stored at any time.
    out.extend(pricing::logs::price(log_gb, log_gb, o.free_tier, p));
    out.extend(pricing::transfer::price(
        monthly_gb(w.requests_per_month, w.response_bytes),
        o.free_tier,
        p,
    ));
}

/// The database for a deployment that opens `connections` at the peak: its line items, and the
/// class chosen (with what the report should say about it).
fn database(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    connections: Decimal,
    out: &mut Vec<LineItem>,
) -> Result<database::Choice> {
    match &o.database {
        aurora::Database::AuroraServerless(a) => {
            let (mut notes, saturated) = aurora::lines(a, w, o, p, out)?;
            notes.extend(aurora::connections_note(a, connections));
            Ok(database::Choice {
                class: aurora::summary(a),
                notes,
                too_small: saturated,
            })
        }
        aurora::Database::AuroraProvisioned(s) => {
            let choice = aurora_provisioned::choose(w, o, p, *s, connections)?;
            provisioned_lines(choice, *s, w, o, p, out)
        }
        aurora::Database::Rds => {
            let choice = database::choose(w, o, p, connections)?;
            database_lines(&choice, w, o, p, out)?;
            Ok(choice)
        }
    }
}

/// A provisioned Aurora cluster's lines, its I/O note, and its name in the summary.
fn provisioned_lines(
    mut choice: database::Choice,
    s: pricing::aurora::AuroraStorage,
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    out: &mut Vec<LineItem>,
) -> Result<database::Choice> {
    aurora_provisioned::lines(&choice, s, w, o, p, out)?;
    choice.class = format!("Aurora {}", choice.class);
    Ok(choice)
}

fn database_lines(
    choice: &database::Choice,
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    out: &mut Vec<LineItem>,
) -> Result<()> {
    out.extend(rds::price(
        &rds::RdsUsage {
            instance_class: choice.class.clone(),
            multi_az: o.multi_az,
            storage_gb: o.db_storage_gb,
            hours: o.hours,
            month_hours: o.hours,
        },
        p,
    )?);
    // A burstable class above its baseline on average bills CPU credits (measured CPU only).
    if let Some(ms) = w.db_cpu_ms_per_request {
        let i = rds::instance(p, &choice.class)?;
        let vcpus = Decimal::from(i.vcpus);
        let average = w.average_rps(o.hours) * ms / dec!(1000) / vcpus;
        let nodes = if o.multi_az { dec!(2) } else { dec!(1) };
        out.extend(credits::cpu_credits(
            "RDS",
            &choice.class,
            average,
            i.baseline_cpu_percent,
            vcpus * nodes,
            o.hours,
            &p.rds.cpu_credits,
        )?);
    }
    Ok(())
}

/// ALB usage from the workload: one new connection per request (no client keep-alive assumed),
/// each open for the request's duration (at least 1 s), request + response bytes processed, the
/// default rule only (within the 10 free).
fn alb_usage(w: &Workload, o: &Options) -> alb::AlbUsage {
    let rps = w.average_rps(o.hours);
    alb::AlbUsage {
        hours: o.hours,
        new_connections_per_sec: rps,
        connection_duration_sec: (w.duration_ms / dec!(1000)).max(dec!(1)),
        requests_per_sec: rps,
        processed_kb_per_sec: rps * (w.request_bytes + w.response_bytes) / pricing::KB,
        rules: dec!(1),
    }
}

fn load_balancer(w: &Workload, o: &Options, p: &PriceSnapshot, out: &mut Vec<LineItem>) {
    out.extend(alb::price(&alb_usage(w, o), p));
    out.extend(pricing::ipv4::price(
        &format!("ALB in {} AZs", o.alb_azs.normalize()),
        o.alb_azs,
        o.hours,
        p,
    ));
}

fn ec2(w: &Workload, o: &Options, p: &PriceSnapshot) -> Result<Deployment> {
    let i = ec2::instance(p, &o.instance_type)?;
    let count = count_for_peak(
        w.peak(o.hours),
        w.throughput_rps_per_vcpu,
        Decimal::from(i.vcpus),
        o.high_availability,
    )?;
    let mut out = ec2::price(
        &ec2::Ec2Usage {
            instance_type: o.instance_type.clone(),
            count,
            hours: o.hours,
            month_hours: o.hours,
            ebs_gb: o.ebs_gb,
        },
        p,
    )?;
    // The CPU the traffic takes on average, against the instances' baseline (burstable types).
    let vcpus = Decimal::from(i.vcpus);
    let cpu_per_request = o.target_utilization / w.throughput_rps_per_vcpu;
    let average = w.average_rps(o.hours) * cpu_per_request / (count * vcpus);
    out.extend(credits::cpu_credits(
        "EC2",
        &o.instance_type,
        average,
        i.baseline_cpu_percent,
        count * vcpus,
        o.hours,
        &p.ec2.cpu_credits,
    )?);
    // One instance serves HTTP itself on its public address; more need a load balancer.
    out.extend(pricing::ipv4::price("Instances", count, o.hours, p));
    if count > dec!(1) {
        load_balancer(w, o, p, &mut out);
    }
    let db = database(w, o, p, count * o.db_pool_size, &mut out)?;
    shared_lines(w, o, p, Decimal::ZERO, &mut out);
    let summary = format!(
        "{} x {} + {} GB gp3 + public IPv4{} + {}{}",
        count.normalize(),
        o.instance_type,
        o.ebs_gb.normalize(),
        if count > dec!(1) { " + ALB" } else { "" },
        db.class,
        if o.multi_az { " Multi-AZ" } else { "" }
    );
    Ok(finish(Kind::Ec2, summary, out, db))
}

fn fargate(w: &Workload, o: &Options, p: &PriceSnapshot) -> Result<Deployment> {
    let tasks = count_for_peak(
        w.peak(o.hours),
        w.throughput_rps_per_vcpu,
        o.fargate_vcpu,
        o.high_availability,
    )?;
    let mut out = fargate::price(
        &fargate::FargateUsage {
            tasks,
            vcpu: o.fargate_vcpu,
            memory_gb: o.fargate_memory_gb,
            storage_gb: dec!(20),
            arch: o.fargate_arch,
            spot: o.fargate_spot,
            runtime: fargate::Runtime::Hours(o.hours),
        },
        p,
    )?;
    load_balancer(w, o, p, &mut out);
    if o.task_public_ip {
        out.extend(pricing::ipv4::price(
            "Tasks in public subnets",
            tasks,
            o.hours,
            p,
        ));
    }
    let db = database(w, o, p, tasks * o.db_pool_size, &mut out)?;
    shared_lines(w, o, p, Decimal::ZERO, &mut out);
    let summary = format!(
        "{} x {} vCPU / {} GB {}{} + ALB + {}{}",
        tasks.normalize(),
        o.fargate_vcpu.normalize(),
        o.fargate_memory_gb.normalize(),
        o.fargate_arch.as_str(),
        if o.fargate_spot { " Spot" } else { "" },
        db.class,
        if o.multi_az { " Multi-AZ" } else { "" }
    );
    Ok(finish(Kind::Fargate, summary, out, db))
}

fn lambda(w: &Workload, o: &Options, p: &PriceSnapshot) -> Result<Deployment> {
    let mut out = lambda::price(&function_usage(w, o, o.lambda_memory_mb), p);
    out.extend(apigw::price(
        &apigw::ApiGwUsage {
            requests: w.requests_per_month,
            kind: o.api,
            request_kb: w.request_bytes / pricing::KB,
            response_kb: w.response_bytes / pricing::KB,
        },
        p,
    ));
    // Behind RDS Proxy the environments share its pool; without it each holds one connection,
    // and as many run at once as the peak rate times the duration (Little's law).
    let connections = if o.rds_proxy {
        Decimal::ZERO
    } else {
        lambda_concurrency(w, o)
    };
    let rds_choice = match o.database {
        aurora::Database::Rds => Some(database::choose(w, o, p, connections)?),
        aurora::Database::AuroraProvisioned(s) => {
            Some(aurora_provisioned::choose(w, o, p, s, connections)?)
        }
        aurora::Database::AuroraServerless(_) => None,
    };
    if o.rds_proxy {
        match (&rds_choice, &o.database) {
            (Some(c), aurora::Database::AuroraProvisioned(_)) => {
                out.extend(aurora_provisioned::proxy_lines(c, o, p)?);
            }
            (Some(c), _) => {
                let vcpus = Decimal::from(rds::instance(p, &c.class)?.vcpus);
                out.extend(pricing::rds_proxy::price(vcpus, o.hours, p));
            }
            (None, aurora::Database::AuroraServerless(s)) => {
                out.extend(aurora::proxy_lines(s, w, o, p)?);
            }
            (None, _) => unreachable!("an RDS or provisioned database always has a class"),
        }
    }
    if o.nat {
        out.extend(pricing::nat::price(o.hours, o.nat_gb, p));
        out.extend(pricing::ipv4::price(
            "NAT Gateway Elastic IP",
            dec!(1),
            o.hours,
            p,
        ));
    }
    let db = match (rds_choice, o.database) {
        (Some(choice), aurora::Database::AuroraProvisioned(s)) => {
            provisioned_lines(choice, s, w, o, p, &mut out)?
        }
        (Some(choice), _) => {
            database_lines(&choice, w, o, p, &mut out)?;
            choice
        }
        (None, _) => database(w, o, p, connections, &mut out)?,
    };
    let mut db = db;
    if matches!(o.database, aurora::Database::AuroraServerless(a) if a.auto_pause()) && !o.rds_proxy
    {
        db.notes.push(
            "Lambda connects without RDS Proxy: auto-pause cannot be used with it, so each \
             execution environment holds its own connection"
                .into(),
        );
    }
    shared_lines(w, o, p, LAMBDA_PLATFORM_LOG_BYTES, &mut out);
    let summary = format!(
        "{} MB {} function + {}{}{} + {}{}",
        o.lambda_memory_mb.normalize(),
        o.lambda_arch.as_str(),
        o.api.as_str(),
        if o.rds_proxy { " + RDS Proxy" } else { "" },
        if o.nat { " + NAT Gateway" } else { "" },
        db.class,
        if o.multi_az { " Multi-AZ" } else { "" }
    );
    Ok(finish(Kind::Lambda, summary, out, db))
}

/// The function's month at `memory_mb`: the workload's requests, each billed at its duration at
/// that size, and the cold starts; the rest as `o` says. The Lambda deployment and the memory
/// sweep's cost per size both price this.
pub fn function_usage(w: &Workload, o: &Options, memory_mb: Decimal) -> lambda::LambdaUsage {
    lambda::LambdaUsage {
        requests: w.requests_per_month,
        billed_seconds: w.requests_per_month * w.billed_ms_per_request(memory_mb) / dec!(1000)
            + w.cold_start_seconds(memory_mb),
        memory_mb,
        ephemeral_mb: o.lambda_ephemeral_mb,
        arch: o.lambda_arch,
        provisioned_concurrency: o.provisioned_concurrency,
        hours: o.hours,
        free_tier: o.free_tier,
    }
}

/// One deployment priced under `o`, its purchase options included.
pub fn build(kind: Kind, w: &Workload, o: &Options, p: &PriceSnapshot) -> Result<Deployment> {
    let as_listed = |o: &Options| match kind {
        Kind::Ec2 => ec2(w, o, p),
        Kind::Fargate => fargate(w, o, p),
        Kind::Lambda => lambda(w, o, p),
    };
    let mut d = as_listed(o)?;
    if o.purchase.is_on_demand() && !o.fargate_spot {
        return Ok(d);
    }
    let mut committed = purchase::apply(&mut d.line_items, &o.purchase, o.hours, p)?;
    committed.on_demand_usd = as_listed(&o.on_demand())?.total_usd;
    d.total_usd = pricing::total(&d.line_items);
    d.committed = Some(committed);
    Ok(d)
}

/// The three deployments in `Kind::ALL` order; when commitment rates are missing, one error
/// names all that the three lack.
pub fn build_all(w: &Workload, o: &Options, p: &PriceSnapshot) -> Result<Vec<Deployment>> {
    let mut out = Vec::new();
    let mut missing = None;
    for k in Kind::ALL {
        match build(k, w, o, p) {
            Ok(d) => out.push(d),
            Err(e) => missing = purchase::merge_missing(missing, e)?,
        }
    }
    match missing {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Lambda environments running at once at the peak: peak rate x billed duration, at least 1.
pub fn lambda_concurrency(w: &Workload, o: &Options) -> Decimal {
    (w.peak(o.hours) * w.billed_ms_per_request(o.lambda_memory_mb) / dec!(1000))
        .ceil()
        .max(Decimal::ONE)
}

fn finish(
    name: Kind,
    mut summary: String,
    line_items: Vec<LineItem>,
    db: database::Choice,
) -> Deployment {
    let total_usd = pricing::total(&line_items);
    if db.too_small {
        summary.push_str(INCOMPLETE);
    }
    Deployment {
        name,
        summary,
        line_items,
        total_usd,
        notes: db.notes,
        committed: None,
        incomplete: db.too_small,
    }
}
