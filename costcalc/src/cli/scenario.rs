//! The one place where flags become the engine's `Workload` and `Options` (for `report` and
//! `breakeven`), where prices are loaded, and where engine errors get their flag names.

use std::path::{Path, PathBuf};

use clap::Args;
use rust_decimal::Decimal;

use super::database::{AuroraStorageArg, DbKind, TrafficArg, database, duration_s};
use super::lambda_memory::{Memory, auto_memory, memory, tuned};
use super::logs::AccessLogArgs;
use super::metrics::MetricsArgs;
use super::price_args::{PriceArgs, load_prices};
use super::purchase::PurchaseArgs;
use super::values::{choice, nonneg, positive};
use super::{Switch, flags};
use crate::catalog::PriceSnapshot;
use crate::deployment::aurora::Database;
use crate::deployment::{Options, defaults};
use crate::error::{Error, Result};
use crate::pricing::apigw;
use crate::purchase::Arch;
use crate::report::{PriceInfo, Subject};
use crate::workload::duration::Duration;
use crate::workload::shape::Traffic;
use crate::workload::source::cloudwatch::Measurement;
use crate::workload::source::loadgen::{self, view::View};
use crate::workload::{self, Origin, Workload};
use rust_decimal_macros::dec;

/// Where the figures nobody measured or gave come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Defaults {
    /// journal-api's committed measured profile
    JournalApi,
    /// Generic guesses for any small database-backed API
    Generic,
}

/// Workload and deployment choices: shared by `report` and `breakeven`.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    #[command(flatten)]
    pub prices: PriceArgs,

    #[command(flatten)]
    pub aws: MetricsArgs,

    #[command(flatten)]
    pub logs: AccessLogArgs,

    /// Requests per month (overrides the workload file or the measured figure) [default: 10,000]
    #[arg(long, value_name = "N", value_parser = nonneg, help_heading = "Workload")]
    pub requests_per_month: Option<Decimal>,
    /// Workload file (TOML; see README "Workload file")
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "from_loadgen",
        help_heading = "Workload"
    )]
    pub workload: Option<PathBuf>,
    /// loadgen summary.json: the scheduled rate, measured latency, bytes and peak (a run that did not keep up is refused)
    #[arg(long, value_name = "FILE", help_heading = "Workload")]
    pub from_loadgen: Option<PathBuf>,
    /// Price a loadgen run that did not keep up anyway (more than 1% dropped or failed, or queueing), with the warning in every output
    #[arg(long, help_heading = "Workload")]
    pub allow_overloaded: bool,
    /// Where figures nobody measured or gave come from: journal-api's committed measured profile
    /// (costcalc/profiles/journal-api.json: CPU and server time per request, database CPU, bytes),
    /// or generic guesses for an API that is not journal-api (100 ms, 100 req/s per vCPU, 256 B /
    /// 2 KB bodies, no database CPU)
    #[arg(long, value_enum, value_name = "FROM", default_value_t = Defaults::JournalApi, help_heading = "Workload")]
    pub defaults: Defaults,
    /// Mean time per request inside the function, ms (Lambda's billed duration) [default: journal-api's measured server time per route; generic: 100]
    #[arg(long, value_name = "MS", value_parser = nonneg, help_heading = "Workload")]
    pub duration_ms: Option<Decimal>,
    /// Mean request body, bytes [default: journal-api's measured mean; generic: 256]
    #[arg(long, value_name = "B", value_parser = nonneg, help_heading = "Workload")]
    pub request_bytes: Option<Decimal>,
    /// Mean response body, bytes [default: journal-api's measured mean; generic: 2048]
    #[arg(long, value_name = "B", value_parser = nonneg, help_heading = "Workload")]
    pub response_bytes: Option<Decimal>,
    /// Peak requests per second, at least the average [default: the weekdays traffic shape's, 168 / 45 = 3.73 x the average: Monday to Friday 09:00-18:00]
    #[arg(long, value_name = "R", value_parser = nonneg, help_heading = "Workload")]
    pub peak_rps: Option<Decimal>,
    /// The peak as a multiple of the month's average rate, at any volume (at least 1) [default: the weekdays traffic shape's 168 / 45]
    #[arg(long, value_name = "X", value_parser = positive, conflicts_with = "peak_rps", help_heading = "Workload")]
    pub peak_to_average: Option<Decimal>,
    /// Requests per second one vCPU sustains (sizes EC2 and Fargate) [default: journal-api's measured requests per CPU-second x --target-utilization; generic: 100]
    #[arg(long, value_name = "R", value_parser = positive, help_heading = "Workload")]
    pub throughput_per_vcpu: Option<Decimal>,
    /// Database CPU per request, ms of one vCPU (sizes the database class) [default: journal-api's measured profile; generic: not measured]
    #[arg(long, value_name = "MS", value_parser = nonneg, help_heading = "Workload")]
    pub db_cpu_ms_per_request: Option<Decimal>,
    /// Application log bytes per request [default: 200]
    #[arg(long, value_name = "B", value_parser = nonneg, help_heading = "Workload")]
    pub log_bytes_per_request: Option<Decimal>,

    /// Apply the always-free allowances (Lambda 1M requests + 400,000 GB-s, 100 GB out, 5 GB logs)
    #[arg(long, help_heading = "Deployments")]
    pub free_tier: bool,
    /// At least 2 EC2 instances / Fargate tasks
    #[arg(long, help_heading = "Deployments")]
    pub ha: bool,
    /// Lambda architecture
    #[arg(long, value_parser = choice::<Arch>(), default_value_t = defaults::LAMBDA_ARCH, help_heading = "Deployments")]
    pub lambda_arch: Arch,
    /// Lambda memory, MB (128 to 10,240; CPU is proportional: 1,769 MB = 1 vCPU), or auto: the cheapest size of --lambda-tune whose p99 meets --p99-slo
    #[arg(long, value_name = "MB|auto", default_value_t = Memory::Mb(defaults::LAMBDA_MEMORY_MB), value_parser = memory, help_heading = "Deployments")]
    pub lambda_memory_mb: Memory,
    /// A Lambda memory sweep (tune.json from `loadgen tune`): the billed duration and cold start measured at each size
    #[arg(long, value_name = "FILE", help_heading = "Deployments")]
    pub lambda_tune: Option<PathBuf>,
    /// The p99 latency target for --lambda-memory-mb auto, ms
    #[arg(long, value_name = "MS", default_value_t = dec!(500), value_parser = positive, help_heading = "Deployments")]
    pub p99_slo: Decimal,
    /// Lambda ephemeral storage, MB (512 to 10,240; above 512 is billed)
    #[arg(long, value_name = "MB", default_value_t = defaults::LAMBDA_EPHEMERAL_MB, value_parser = nonneg, help_heading = "Deployments")]
    pub lambda_ephemeral_mb: Decimal,
    /// Lambda environments kept warm all month (provisioned concurrency)
    #[arg(long, value_name = "N", default_value_t = Decimal::ZERO, value_parser = nonneg, help_heading = "Deployments")]
    pub provisioned_concurrency: Decimal,
    /// API Gateway kind in front of Lambda
    #[arg(long, value_parser = choice::<apigw::ApiKind>(), default_value_t = apigw::ApiKind::Http, help_heading = "Deployments")]
    pub api: apigw::ApiKind,
    /// RDS Proxy between Lambda and the database [default: on, off with --acu-min 0 (auto-pause cannot be used with RDS Proxy)]
    #[arg(long, value_enum, help_heading = "Deployments")]
    pub proxy: Option<Switch>,
    /// NAT Gateway so the VPC Lambda can reach the internet
    #[arg(long, value_enum, default_value_t = Switch::Off, help_heading = "Deployments")]
    pub nat: Switch,
    /// GB a month through the NAT Gateway (with --nat on)
    #[arg(long, value_name = "G", default_value_t = defaults::NAT_GB, value_parser = nonneg, help_heading = "Deployments")]
    pub nat_gb: Decimal,
    /// EC2 instance type (one of the snapshot's; `costcalc prices show` lists them)
    #[arg(long, value_name = "T", default_value = defaults::INSTANCE_TYPE, help_heading = "Deployments")]
    pub instance_type: String,
    /// EC2 gp3 root volume per instance, GB
    #[arg(long, value_name = "G", default_value_t = defaults::EBS_GB, value_parser = nonneg, help_heading = "Deployments")]
    pub ebs_gb: Decimal,
    /// vCPU per Fargate task (0.25, 0.5, 1, 2, 4, 8, 16)
    #[arg(long, value_name = "V", default_value_t = defaults::FARGATE_VCPU, value_parser = positive, help_heading = "Deployments")]
    pub fargate_vcpu: Decimal,
    /// Memory per Fargate task, GB (a size AWS offers for the vCPU)
    #[arg(long, value_name = "G", default_value_t = defaults::FARGATE_MEMORY_GB, value_parser = positive, help_heading = "Deployments")]
    pub fargate_memory_gb: Decimal,
    /// Fargate architecture
    #[arg(long, value_parser = choice::<Arch>(), default_value_t = defaults::FARGATE_ARCH, help_heading = "Deployments")]
    pub fargate_arch: Arch,
    /// Fargate Spot (the bundled snapshot has the x86_64 Spot rate only: add --fargate-arch x86_64, or a --prices file with [fargate.spot_arm64]); EC2 Spot too with --spot-discount
    #[arg(long, help_heading = "Deployments")]
    pub spot: bool,
    /// Fargate tasks get a public IPv4 each (public subnets, no NAT)
    #[arg(long, value_enum, default_value_t = Switch::On, help_heading = "Deployments")]
    pub task_public_ip: Switch,
    /// Availability zones of the ALB, 2 to 6 (one public IPv4 each)
    #[arg(long, value_name = "N", default_value_t = defaults::ALB_AZS, value_parser = positive, help_heading = "Deployments")]
    pub alb_azs: Decimal,
    /// RDS for PostgreSQL instance class (one of the snapshot's) [default: db.t4g.micro, or the smallest class that holds the measured database CPU and the connections]
    #[arg(long, value_name = "C", help_heading = "Deployments")]
    pub db_instance_class: Option<String>,
    /// Connections each instance or task pools (journal-api's DB_MAX_CONNECTIONS), checked against the class's max_connections
    #[arg(long, value_name = "N", default_value_t = defaults::DB_POOL_SIZE, value_parser = positive, help_heading = "Deployments")]
    pub db_pool_size: Decimal,
    /// RDS gp3 storage, GB (20 to 65,536)
    #[arg(long, value_name = "G", default_value_t = defaults::DB_STORAGE_GB, value_parser = nonneg, help_heading = "Deployments")]
    pub db_storage_gb: Decimal,
    /// RDS Multi-AZ (one standby)
    #[arg(long, help_heading = "Deployments")]
    pub multi_az: bool,
    /// The database: RDS for PostgreSQL, Aurora PostgreSQL provisioned, or Aurora PostgreSQL Serverless v2
    #[arg(long, value_enum, default_value_t = DbKind::Rds, help_heading = "Deployments")]
    pub db: DbKind,
    /// Aurora Serverless v2 minimum ACUs: 0 (auto-pause) or 0.5 to 256 in 0.5 steps
    #[arg(long, value_name = "A", default_value_t = Decimal::new(5, 1), value_parser = nonneg, help_heading = "Deployments")]
    pub acu_min: Decimal,
    /// Aurora Serverless v2 maximum ACUs: 1 to 256 in 0.5 steps
    #[arg(long, value_name = "A", default_value_t = Decimal::from(4), value_parser = nonneg, help_heading = "Deployments")]
    pub acu_max: Decimal,
    /// With --acu-min 0: pause after this long without connections, 5m to 24h (e.g. 300s, 5m, 2h)
    #[arg(long, value_name = "T", default_value = "5m", value_parser = duration_s, help_heading = "Deployments")]
    pub pause_after: Decimal,
    /// Aurora Serverless v2 scale-down: seconds per 0.5-ACU step down when demand falls, 0 to 1h (e.g. 0, 30s, 2m) [assumed: AWS publishes no rate, only that scaling down is gradual; 0 follows demand at once, the lower bound]
    #[arg(long, value_name = "T", default_value = "60s", value_parser = duration_s, help_heading = "Deployments")]
    pub acu_scale_down_lag: Decimal,
    /// When in the week the requests fall, for Aurora's auto-pause: even (over the whole month) or weekdays (Monday to Friday 09:00-18:00, evenly spaced within them; nights and weekends idle). Replaces a loadgen run's idle gaps
    #[arg(long, value_enum, default_value_t = TrafficArg::Even, help_heading = "Deployments")]
    pub traffic: TrafficArg,
    /// Aurora storage configuration
    #[arg(long, value_enum, default_value_t = AuroraStorageArg::Standard, help_heading = "Deployments")]
    pub aurora_storage: AuroraStorageArg,
    /// Aurora I/O requests per API request, billed on Aurora Standard (0 to 10,000) [default: 2, assumed]
    #[arg(long, value_name = "N", value_parser = nonneg, help_heading = "Deployments")]
    pub db_io_per_request: Option<Decimal>,
    /// Share of each vCPU sizing plans to use at the peak, applied to a measured CPU per request (0.05 to 1)
    #[arg(long, value_name = "U", default_value_t = defaults::TARGET_UTILIZATION, value_parser = positive, help_heading = "Deployments")]
    pub target_utilization: Decimal,

    #[command(flatten)]
    pub purchase: PurchaseArgs,
}

/// Everything `report` and `breakeven` price: checked, with engine errors named by their flag.
pub struct Scenario {
    pub prices: PriceSnapshot,
    pub info: PriceInfo,
    pub workload: Workload,
    pub options: Options,
    /// What CloudWatch said, when the workload was measured there.
    pub measured: Option<Measurement>,
    /// What the loadgen run looked like, when the workload came from one.
    pub run: Option<View>,
    /// The access logs' read-report, when the workload came from them.
    pub logs_read: Option<String>,
    /// The API priced: journal-api unless the run's scenario or a memory sweep names another.
    pub subject: Subject,
}

pub fn scenario(s: &ScenarioArgs) -> Result<Scenario> {
    scenario_of(s, s.from_loadgen.as_deref(), s.lambda_tune.as_deref())
}

/// The scenario of one loadgen run (`summary`) and memory sweep (`tune`) in place of the flags':
/// `report --compare` prices each implementation with every other flag the same.
pub fn scenario_of(
    s: &ScenarioArgs,
    summary: Option<&Path>,
    tune: Option<&Path>,
) -> Result<Scenario> {
    if s.allow_overloaded && summary.is_none() {
        return Err(Error::flag(
            "--allow-overloaded",
            "prices an overloaded loadgen run anyway: give the run (--from-loadgen FILE)",
        ));
    }
    let (prices, mut info) = load_prices(&s.prices)?;
    let mut options = options(s);
    let (mut workload, measured, run, logs_read, observed) = workload(s, summary)?;
    match run.as_ref().map(super::database::idle_gaps) {
        Some(Ok(gaps)) => workload.idle_gaps = gaps,
        Some(Err(why)) if s.db == DbKind::AuroraServerless => workload.warnings.push(why),
        _ => {}
    }
    if let Some(run) = &run {
        workload.request_timeline = super::database::request_timeline(run);
    }
    workload.traffic = match s.traffic {
        TrafficArg::Even => Traffic::Even,
        TrafficArg::Weekdays => {
            workload.idle_gaps = None;
            workload.request_timeline = None;
            Traffic::Weekdays
        }
    };
    let swept = match tune {
        Some(path) => Some(tuned(&mut workload, path, run.as_ref(), options.hours)?),
        None => None,
    };
    let ran = run
        .as_ref()
        .map(|v| {
            Subject::of_run(
                v.scenario.as_ref(),
                v.endpoints.iter().map(|e| e.route.as_str()),
            )
        })
        .or(observed);
    let subject = Subject::of_run_and_tune(ran, swept);
    if logs_read.is_some() && matches!(s.defaults, Defaults::JournalApi) {
        let borrowed = super::logs::profile_warning(&subject, &workload.origins);
        workload.warnings.extend(borrowed);
    }
    if let Memory::Auto = s.lambda_memory_mb {
        options.lambda_memory_mb = auto_memory(&workload, &options, &prices, s.p99_slo)?;
        options.lambda_p99_slo_ms = Some(s.p99_slo);
    }
    options
        .validate(&prices)
        .map_err(|e| e.at_flag(flags::scenario))?;
    workload
        .validate(options.hours)
        .map_err(|e| e.at_source(|i| workload.origins.source(i), flags::scenario))?;
    info.purchase = crate::report::commitments::describe(&options, &prices);
    Ok(Scenario {
        prices,
        info,
        workload,
        options,
        measured,
        run,
        logs_read,
        subject,
    })
}

/// The workload from defaults, a file, a loadgen summary, access logs or CloudWatch, then flag
/// overrides (a volume given for a measured shape keeps the shape's peak-to-average ratio).
#[allow(clippy::type_complexity)]
fn workload(
    s: &ScenarioArgs,
    summary: Option<&Path>,
) -> Result<(
    Workload,
    Option<Measurement>,
    Option<View>,
    Option<String>,
    Option<Subject>,
)> {
    let hours = s.prices.hours_per_month;
    let logs = s.logs.measure(hours, s.requests_per_month.is_some())?;
    let (mut base, run) = match (&s.workload, summary, &logs) {
        (_, _, Some((w, _, _))) => (w.clone(), None),
        (Some(f), _, _) => (workload::from_file(f)?, None),
        (None, Some(f), _) => {
            let (w, view) = measured_run(f, hours, s.target_utilization, s.allow_overloaded)?;
            (w, Some(view))
        }
        (None, None, _) => (Workload::default(), None),
    };
    if let Defaults::JournalApi = s.defaults {
        workload::source::reference::fill_defaults(&mut base, hours, s.target_utilization);
    }
    let measured = s
        .aws
        .measure(s.prices.region.as_deref(), hours, base.clone())?;
    let mut w = match &measured {
        Some(m) => m.workload.clone(),
        None => base,
    };
    if let (Some(n), None) = (s.requests_per_month, s.peak_rps) {
        w.carry_peak_to(n, hours);
    }
    let mut overridden = false;
    let o = &mut w.origins;
    let mut set = |slot: &mut Decimal, origin: &mut Origin, v: Option<Decimal>| {
        if let Some(v) = v {
            *slot = v;
            *origin = Origin::Flag;
            overridden = true;
        }
    };
    set(
        &mut w.requests_per_month,
        &mut o.requests_per_month,
        s.requests_per_month,
    );
    set(&mut w.duration_ms, &mut o.duration_ms, s.duration_ms);
    if s.duration_ms.is_some() {
        w.duration = Duration::InFunction;
    }
    set(&mut w.request_bytes, &mut o.request_bytes, s.request_bytes);
    set(
        &mut w.response_bytes,
        &mut o.response_bytes,
        s.response_bytes,
    );
    set(
        &mut w.throughput_rps_per_vcpu,
        &mut o.throughput_rps_per_vcpu,
        s.throughput_per_vcpu,
    );
    set(
        &mut w.log_bytes_per_request,
        &mut o.log_bytes_per_request,
        s.log_bytes_per_request,
    );
    if s.peak_rps.is_some() || s.peak_to_average.is_some() {
        // A given peak is the peak at every volume's scale: no measured shape's carried one.
        w.carried_peak = None;
    }
    if s.peak_rps.is_some() {
        w.peak_rps = s.peak_rps;
        w.origins.peak = Origin::Flag;
        overridden = true;
    }
    if let Some(ms) = s.db_cpu_ms_per_request {
        if ms > crate::limits::DURATION_MS {
            return Err(Error::flag(
                "--db-cpu-ms-per-request",
                format!(
                    "expected 0 to {} ms, got {ms}",
                    crate::money::quantity(crate::limits::DURATION_MS, 0)
                ),
            ));
        }
        w.db_cpu_ms_per_request = Some(ms);
        w.origins.db_cpu_ms_per_request = Origin::Flag;
        overridden = true;
    }
    if let Some(x) = s.peak_to_average {
        (w.peak_rps, w.peak_to_average) = (None, x);
        w.origins.peak = Origin::Flag;
        overridden = true;
    }
    if overridden {
        let all_defaults_before =
            s.workload.is_none() && summary.is_none() && logs.is_none() && measured.is_none();
        w.source = if all_defaults_before {
            "flags".into()
        } else {
            format!("{} with flag overrides", w.source)
        };
    }
    // What observed the traffic names the API: CloudWatch's resources, else the logs' routes.
    let observed = match (&measured, &logs) {
        (Some(_), _) => s.aws.resources().ok().map(|r| Subject::of_resources(&r)),
        (None, Some((_, _, subject))) => Some(subject.clone()),
        (None, None) => None,
    };
    Ok((w, measured, run, logs.map(|(_, text, _)| text), observed))
}

/// A loadgen run's workload; a run that did not keep up is refused unless `allow`ed, and then
/// carries the warning.
fn measured_run(
    path: &Path,
    hours: Decimal,
    target_utilization: Decimal,
    allow: bool,
) -> Result<(Workload, View)> {
    let run = loadgen::from_file(path, hours, target_utilization)?;
    let mut w = run.workload;
    if let Some(reasons) = run.overload {
        let what = reasons.join("; ");
        if !allow {
            return Err(Error::file(
                path.display().to_string(),
                format!(
                    "this run did not measure the workload, the target did not keep up: {what}. \
                     Run it again with a lower --compress or --rate-scale, or give the target more \
                     capacity; --allow-overloaded prices it anyway"
                ),
            ));
        }
        w.warnings.push(format!(
            "The loadgen run did not keep up ({what}): its latency includes queueing and the \
             figures measured under load are doubtful. Priced anyway (--allow-overloaded)."
        ));
    }
    Ok((w, run.view))
}

fn options(s: &ScenarioArgs) -> Options {
    let database = database(s);
    let auto_pause = matches!(database, Database::AuroraServerless(a) if a.auto_pause());
    Options {
        database,
        hours: s.prices.hours_per_month,
        free_tier: s.free_tier,
        high_availability: s.ha,
        lambda_arch: s.lambda_arch,
        lambda_memory_mb: match s.lambda_memory_mb {
            Memory::Mb(mb) => mb,
            Memory::Auto => defaults::LAMBDA_MEMORY_MB,
        },
        lambda_ephemeral_mb: s.lambda_ephemeral_mb,
        provisioned_concurrency: s.provisioned_concurrency,
        api: s.api,
        rds_proxy: s.proxy.map_or(!auto_pause, Switch::on),
        nat: s.nat.on(),
        nat_gb: s.nat_gb,
        instance_type: s.instance_type.clone(),
        ebs_gb: s.ebs_gb,
        fargate_vcpu: s.fargate_vcpu,
        fargate_memory_gb: s.fargate_memory_gb,
        fargate_arch: s.fargate_arch,
        fargate_spot: s.spot,
        task_public_ip: s.task_public_ip.on(),
        alb_azs: s.alb_azs,
        db_instance_class: s
            .db_instance_class
            .clone()
            .unwrap_or_else(|| defaults::DB_INSTANCE_CLASS.into()),
        db_class_given: s.db_instance_class.is_some(),
        db_pool_size: s.db_pool_size,
        db_io_per_request: s.db_io_per_request.unwrap_or(defaults::DB_IO_PER_REQUEST),
        db_io_given: s.db_io_per_request.is_some(),
        db_storage_gb: s.db_storage_gb,
        multi_az: s.multi_az,
        target_utilization: s.target_utilization,
        purchase: s.purchase.purchase(),
        lambda_p99_slo_ms: None,
    }
}
