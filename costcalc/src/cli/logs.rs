//! `--from-logs` and its flags (for `report` and `breakeven`): access logs read into a measured
//! workload, and the read-report printed before the cost tables.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::error::{Error, Result};
use crate::money;
use crate::report::subject::Subject;
use crate::workload::Workload;
use crate::workload::source::logs::aggregate::Aggregate;
use crate::workload::source::logs::read::{self, Choice, Options};
use crate::workload::source::logs::route::Templates;
use crate::workload::source::logs::{Format, files, measure, profile, text};
use crate::workload::{Origin, Origins};

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Detect each file's format from its first line
    Auto,
    /// Application Load Balancer access logs
    Alb,
    /// API Gateway HTTP API access logs in JSON
    ApigwHttp,
    /// API Gateway REST API access logs in JSON
    ApigwRest,
    /// CloudFront standard logs
    Cloudfront,
    /// Common Log Format (Apache common)
    Clf,
    /// Combined Log Format (nginx's default, Apache combined)
    Combined,
}

impl LogFormat {
    /// The reader's choice of format (`loadgen profile from-logs` takes the same flag).
    pub fn choice(self) -> Choice {
        Choice::Fixed(match self {
            LogFormat::Auto => return Choice::Auto,
            LogFormat::Alb => Format::Alb,
            LogFormat::ApigwHttp => Format::ApigwHttp,
            LogFormat::ApigwRest => Format::ApigwRest,
            LogFormat::Cloudfront => Format::Cloudfront,
            LogFormat::Clf => Format::Clf,
            LogFormat::Combined => Format::Combined,
        })
    }
}

#[derive(Debug, Args)]
pub struct AccessLogArgs {
    /// Access logs (files or folders, plain or gzip) as the measured workload: requests a month
    /// from the logged window, the busiest second, bytes, latency as the log saw it, idle gaps
    #[arg(
        long,
        value_name = "FILE|DIR",
        num_args = 1..,
        conflicts_with_all = ["workload", "from_loadgen"],
        help_heading = "Workload"
    )]
    pub from_logs: Vec<PathBuf>,
    /// The logs' format
    #[arg(
        long,
        value_enum,
        default_value_t = LogFormat::Auto,
        requires = "from_logs",
        help_heading = "Workload"
    )]
    pub log_format: LogFormat,
    /// A route template for the logs' paths, e.g. /users/{name} or "GET /users/{name}" (repeat
    /// it; API Gateway's routeKey wins, numeric, UUID and long hex segments become {id} otherwise)
    #[arg(
        long = "route",
        value_name = "PATTERN",
        requires = "from_logs",
        help_heading = "Workload"
    )]
    pub routes: Vec<String>,
    /// Price the logs even when more than 1% of their lines cannot be read
    #[arg(long, requires = "from_logs", help_heading = "Workload")]
    pub allow_bad_lines: bool,
    /// Write the logged window as a loadgen profile file (the rate per minute, `loadgen run
    /// --profile FILE` replays it), with the route shares as comments
    #[arg(
        long,
        value_name = "FILE",
        requires = "from_logs",
        help_heading = "Workload"
    )]
    pub write_profile: Option<PathBuf>,
}

impl AccessLogArgs {
    /// The logs' workload and read-report, when `--from-logs` was given. `volume_given`: the
    /// month's requests were given (`--requests-per-month`), not scaled from the logs.
    pub fn measure(
        &self,
        hours: Decimal,
        volume_given: bool,
    ) -> Result<Option<(Workload, String, Subject)>> {
        if self.from_logs.is_empty() {
            return Ok(None);
        }
        let templates = Templates::new(&self.routes).map_err(|m| Error::flag("--route", m))?;
        let o = Options {
            format: self.log_format.choice(),
            templates,
            allow_bad_lines: self.allow_bad_lines,
        };
        let listed = files::list(&self.from_logs)?;
        if let Some(path) = &self.write_profile {
            files::check_outputs(&listed, &[("--write-profile", path)])?;
        }
        let logs = read::read(&self.from_logs, &listed, &o)?;
        if let Some(path) = &self.write_profile {
            let origin = measure::origin_name(&logs);
            let rendered = profile::render(&logs.aggregate, &origin, "costcalc --write-profile");
            std::fs::write(path, rendered.text).map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
        }
        let routes = logs.aggregate.routes();
        let mut w = measure::workload(&logs, hours);
        if !volume_given && let Some(short) = short_window(&logs.aggregate, &w, hours) {
            w.warnings.push(short);
        }
        Ok(Some((
            w,
            text::report(&logs, hours),
            Subject::of_routes(routes.iter().map(|(r, _)| *r)),
        )))
    }
}

/// Logs of under an hour scaled to a month: a minute's or a second's traffic is no month's, so
/// the figure is said to rest on it, with what would replace it.
fn short_window(a: &Aggregate, w: &Workload, hours: Decimal) -> Option<String> {
    let window = a.window_s();
    (window > 0 && window < 3600).then(|| {
        format!(
            "The logs cover only {window} s (under an hour): the month's {} requests are the {} \
             logged x {}, scaled from that window. Give more logs, or the month's volume with \
             --requests-per-month.",
            money::quantity(w.requests_per_month, 0),
            a.requests,
            money::quantity(hours * dec!(3600) / Decimal::from(window), 6)
        )
    })
}

/// Access logs of an API that is not journal-api, priced with figures the logs lack taken from
/// journal-api's measured profile: said once, with the ways to replace them.
pub fn profile_warning(subject: &Subject, o: &Origins) -> Option<String> {
    if subject.is_journal_api() {
        return None;
    }
    let borrowed: Vec<&str> = [
        (&o.duration_ms, "the time per request"),
        (&o.throughput_rps_per_vcpu, "the throughput per vCPU"),
        (&o.db_cpu_ms_per_request, "the database CPU per request"),
        (&o.request_bytes, "the request size"),
        (&o.response_bytes, "the response size"),
    ]
    .into_iter()
    .filter(|(origin, _)| matches!(origin, Origin::Profile { .. }))
    .map(|(_, what)| what)
    .collect();
    (!borrowed.is_empty()).then(|| {
        format!(
            "The logs do not give {}: those are journal-api's measured profile, not {}'s. \
             Measure your API with loadgen (--from-loadgen), or give --defaults generic or the \
             figures' own flags.",
            borrowed.join(", "),
            subject.phrase()
        )
    })
}
