//! Compute and database services: `lambda`, `fargate`, `ec2`, `rds`, `rds-proxy`.

use std::path::{Path, PathBuf};

use clap::Args;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::purchase::{self, PlanArgs};
use super::{Common, named, whole, within};
use crate::cli::values::{choice, nonneg, positive};
use crate::deployment::{check_lambda_memory, defaults};
use crate::error::{Error, Input, Result, check_range, check_whole};
use crate::limits;
use crate::money;
use crate::pricing::{self, ec2, fargate, lambda};
use crate::purchase::Arch;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  costcalc lambda --requests 3000000 --duration-ms 120 --memory-mb 512
  costcalc lambda --requests 1e9 --durations-file durations.txt --memory-mb 1024 --arch x86_64 --format json")]
pub struct LambdaArgs {
    /// Invocations per month
    #[arg(long, value_name = "N", value_parser = nonneg)]
    pub requests: Decimal,
    /// Duration of each invocation, ms (billed rounded up to 1 ms, so at least 1 ms)
    #[arg(long, value_name = "D", value_parser = nonneg, required_unless_present = "durations_file")]
    pub duration_ms: Option<Decimal>,
    /// Measured per-invocation durations, one number of ms per line (e.g. `@billedDuration`
    /// or `@duration` from REPORT lines): each is rounded up to 1 ms, and the sample's billed
    /// time per invocation is scaled to --requests
    #[arg(long, value_name = "FILE", conflicts_with = "duration_ms")]
    pub durations_file: Option<PathBuf>,
    /// Configured memory, MB (128 to 10,240)
    #[arg(long, value_name = "M", value_parser = positive)]
    pub memory_mb: Decimal,
    /// Architecture
    #[arg(long, value_parser = choice::<Arch>(), default_value_t = defaults::LAMBDA_ARCH)]
    pub arch: Arch,
    /// Configured ephemeral storage, MB (512 to 10,240; above 512 is billed)
    #[arg(long, value_name = "E", default_value_t = defaults::LAMBDA_EPHEMERAL_MB, value_parser = nonneg)]
    pub ephemeral_mb: Decimal,
    /// Provisioned concurrency kept warm all month (invocations then billed at its duration rate)
    #[arg(long, value_name = "N", default_value_t = Decimal::ZERO, value_parser = nonneg)]
    pub provisioned_concurrency: Decimal,
    /// Apply the always-free allowances (1M requests and 400,000 GB-s a month)
    #[arg(long)]
    pub free_tier: bool,
    #[command(flatten)]
    pub plan: PlanArgs,
    #[command(flatten)]
    pub common: Common,
}

impl LambdaArgs {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, info) = c.load()?;
        within(
            Input::RequestsPerMonth,
            self.requests,
            limits::REQUESTS_PER_MONTH,
        )?;
        check_lambda_memory(self.memory_mb).map_err(named)?;
        check_whole(
            Input::LambdaEphemeralMb,
            self.ephemeral_mb,
            limits::LAMBDA_EPHEMERAL_MIN_MB,
            limits::LAMBDA_MEMORY_MAX_MB,
        )
        .map_err(named)?;
        whole(
            Input::ProvisionedConcurrency,
            self.provisioned_concurrency,
            limits::MACHINES,
        )?;
        let (billed_seconds, how) = self.billed_seconds()?;
        let u = lambda::LambdaUsage {
            requests: self.requests,
            billed_seconds,
            memory_mb: self.memory_mb,
            ephemeral_mb: self.ephemeral_mb,
            arch: self.arch,
            provisioned_concurrency: self.provisioned_concurrency,
            hours: c.prices.hours_per_month,
            free_tier: self.free_tier,
        };
        let title = format!(
            "Lambda {}: {} requests x {how} x {} MB",
            self.arch.as_str(),
            money::quantity(self.requests, 4),
            self.memory_mb.normalize()
        );
        let items = lambda::price(&u, &p);
        let on_demand = pricing::total(&items);
        purchase::bill(c, info, title, items, &self.plan.purchase(), on_demand, &p)
    }

    /// Billed seconds for the month, and how they were worked out.
    fn billed_seconds(&self) -> Result<(Decimal, String)> {
        match (&self.durations_file, self.duration_ms) {
            (Some(f), _) => {
                let d = read_durations(f)?;
                let n = Decimal::from(d.len());
                let sample = lambda::billed_seconds_of(&d);
                // Mean billed time of the sample (each rounded up first) x requests; multiply
                // first to keep the division exact when it can be.
                Ok((
                    sample * self.requests / n,
                    format!(
                        "{} measured durations (mean billed {} ms)",
                        d.len(),
                        money::quantity(sample * dec!(1000) / n, 3)
                    ),
                ))
            }
            (None, Some(ms)) => {
                check_duration(ms).map_err(named)?;
                Ok((
                    lambda::billed_seconds_uniform(self.requests, ms),
                    format!(
                        "{} ms (billed {} ms)",
                        ms.normalize(),
                        lambda::billed_ms(ms)
                    ),
                ))
            }
            (None, None) => Err(Error::flag(
                "--duration-ms",
                "give --duration-ms D or --durations-file FILE",
            )),
        }
    }
}

/// A duration of an invocation: more than 0 (each bills at least 1 ms), at most 15 minutes.
fn check_duration(ms: Decimal) -> Result<()> {
    check_range(Input::DurationMs, ms, Decimal::ZERO, limits::DURATION_MS)?;
    if ms.is_zero() {
        return Err(Error::invalid(
            Input::DurationMs,
            0,
            crate::error::Problem::ZeroDuration,
        ));
    }
    Ok(())
}

/// One duration in ms per line; blank lines and `#` comments skipped.
fn read_durations(path: &Path) -> Result<Vec<Decimal>> {
    let text = crate::input_file::read(path, crate::input_file::Kind::Durations)?;
    let origin = path.display().to_string();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let at_line = |m: String| Error::file(&origin, format!("line {}: {m}", i + 1));
        let d = nonneg(t).map_err(at_line)?;
        check_duration(d).map_err(|e| match e.problem() {
            Some(problem) => at_line(problem),
            None => e,
        })?;
        out.push(d);
    }
    if out.is_empty() {
        return Err(Error::file(
            origin,
            "no durations: expected one number of milliseconds per line",
        ));
    }
    if out.len() > 100_000_000 {
        return Err(Error::file(origin, "more than 100,000,000 durations"));
    }
    Ok(out)
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("runtime").required(true).args(["hours", "seconds_per_day"])))]
#[command(after_help = "Examples:
  costcalc fargate --tasks 2 --vcpu 1 --memory-gb 2 --hours 730
  costcalc fargate --tasks 1 --vcpu 0.25 --memory-gb 0.5 --seconds-per-day 300 --days 30 --arch x86_64 --spot")]
pub struct FargateArgs {
    /// Tasks running (a whole number)
    #[arg(long, value_name = "N", value_parser = nonneg)]
    pub tasks: Decimal,
    /// vCPU per task (0.25, 0.5, 1, 2, 4, 8, 16)
    #[arg(long, value_name = "V", value_parser = positive)]
    pub vcpu: Decimal,
    /// Memory per task, GB (a size AWS offers for the vCPU: 0.25 vCPU takes 0.5, 1 or 2 GB)
    #[arg(long, value_name = "G", value_parser = positive)]
    pub memory_gb: Decimal,
    /// Ephemeral storage per task, GB (20 to 200; 20 included)
    #[arg(long, value_name = "S", default_value_t = defaults::FARGATE_STORAGE_GB, value_parser = nonneg)]
    pub storage_gb: Decimal,
    /// Architecture
    #[arg(long, value_parser = choice::<Arch>(), default_value_t = defaults::FARGATE_ARCH)]
    pub arch: Arch,
    /// Fargate Spot (the snapshot's observed Spot rate; arm64 needs [fargate.spot_arm64] in a --prices file)
    #[arg(long)]
    pub spot: bool,
    /// Hours each task runs in the month
    #[arg(long, value_name = "H", value_parser = nonneg, conflicts_with_all = ["seconds_per_day", "days"])]
    pub hours: Option<Decimal>,
    /// Seconds each task runs per day, up to 86,400 (with --days; each run billed at least 60 s)
    #[arg(long, value_name = "S", value_parser = nonneg, requires = "days")]
    pub seconds_per_day: Option<Decimal>,
    /// Days in the month the tasks run, up to 31 (with --seconds-per-day)
    #[arg(long, value_name = "D", value_parser = nonneg, requires = "seconds_per_day")]
    pub days: Option<Decimal>,
    #[command(flatten)]
    pub plan: PlanArgs,
    #[command(flatten)]
    pub common: Common,
}

impl FargateArgs {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, info) = c.load()?;
        whole(Input::FargateTasks, self.tasks, limits::MACHINES)?;
        fargate::check_size(self.vcpu, self.memory_gb).map_err(named)?;
        check_range(
            Input::FargateStorageGb,
            self.storage_gb,
            limits::FARGATE_STORAGE_MIN_GB,
            limits::FARGATE_STORAGE_MAX_GB,
        )
        .map_err(named)?;
        let runtime = match (self.hours, self.seconds_per_day, self.days) {
            (Some(h), _, _) => fargate::Runtime::Hours(c.hours(Some(h))?),
            (None, Some(s), Some(d)) => {
                within(Input::SecondsPerDay, s, limits::SECONDS_PER_DAY)?;
                within(Input::Days, d, limits::DAYS_PER_MONTH)?;
                fargate::Runtime::Daily {
                    seconds: s,
                    days: d,
                }
            }
            _ => {
                return Err(Error::flag(
                    "--hours",
                    "give --hours H, or --seconds-per-day S with --days D",
                ));
            }
        };
        let u = fargate::FargateUsage {
            tasks: self.tasks,
            vcpu: self.vcpu,
            memory_gb: self.memory_gb,
            storage_gb: self.storage_gb,
            arch: self.arch,
            spot: self.spot,
            runtime,
        };
        let title = format!(
            "Fargate: {} tasks x {} vCPU / {} GB",
            self.tasks.normalize(),
            self.vcpu.normalize(),
            self.memory_gb.normalize()
        );
        let items = fargate::price(&u, &p).map_err(named)?;
        // Beside the bill: the same tasks on-demand (not Spot).
        let on_demand = fargate::FargateUsage { spot: false, ..u };
        let on_demand = pricing::total(&fargate::price(&on_demand, &p).map_err(named)?);
        purchase::bill(c, info, title, items, &self.plan.purchase(), on_demand, &p)
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  costcalc ec2 --instance-type t4g.micro
  costcalc ec2 --instance-type m7g.large --count 3 --ebs-gb 30 --format csv
  costcalc ec2 --instance-type t4g.micro --spot-discount 0.7
  costcalc ec2 --instance-type t4g.micro --prices with-rates.toml --commitment compute-sp --term 3y --payment all")]
pub struct Ec2Args {
    /// Instance type (one of the snapshot's; `costcalc prices show` lists them)
    #[arg(long, value_name = "T")]
    pub instance_type: String,
    /// Instances (a whole number)
    #[arg(long, value_name = "N", default_value_t = Decimal::ONE, value_parser = nonneg)]
    pub count: Decimal,
    /// Hours each instance runs [default: --hours-per-month]
    #[arg(long, value_name = "H", value_parser = nonneg)]
    pub hours: Option<Decimal>,
    /// gp3 volume per instance, GB
    #[arg(long, value_name = "G", default_value_t = defaults::EBS_GB, value_parser = nonneg)]
    pub ebs_gb: Decimal,
    /// Public IPv4 addresses per instance
    #[arg(long, value_name = "N", default_value_t = Decimal::ONE, value_parser = nonneg)]
    pub public_ipv4: Decimal,
    /// Spot at this fraction off on-demand (0 to 0.99, e.g. 0.7): an assumption you give, since
    /// Spot prices move and are not in the Price List
    #[arg(long, value_name = "D", value_parser = nonneg, help_heading = "Purchase")]
    pub spot_discount: Option<Decimal>,
    #[command(flatten)]
    pub plan: PlanArgs,
    #[command(flatten)]
    pub common: Common,
}

impl Ec2Args {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, info) = c.load()?;
        let hours = c.hours(self.hours)?;
        whole(Input::InstanceCount, self.count, limits::MACHINES)?;
        within(Input::EbsGb, self.ebs_gb, limits::EBS_GB)?;
        whole(Input::PublicIpv4, self.public_ipv4, dec!(16))?;
        let mut items = ec2::price(
            &ec2::Ec2Usage {
                instance_type: self.instance_type.clone(),
                count: self.count,
                hours,
                month_hours: c.prices.hours_per_month,
                ebs_gb: self.ebs_gb,
            },
            &p,
        )
        .map_err(named)?;
        if self.public_ipv4 > Decimal::ZERO {
            items.extend(pricing::ipv4::price(
                "Instances",
                self.count * self.public_ipv4,
                hours,
                &p,
            ));
        }
        let title = format!("EC2: {} x {}", self.count.normalize(), self.instance_type);
        let b = crate::deployment::Purchase {
            ec2_spot_discount: self.spot_discount,
            ..self.plan.purchase()
        };
        if let Some(d) = self.spot_discount {
            check_range(Input::SpotDiscount, d, Decimal::ZERO, dec!(0.99)).map_err(named)?;
        }
        let on_demand = pricing::total(&items);
        purchase::bill(c, info, title, items, &b, on_demand, &p)
    }
}
