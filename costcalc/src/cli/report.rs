//! `costcalc report`: the three deployments priced for one workload.

use clap::{Args, ValueEnum};

use super::flags;
use super::scenario::{Scenario, ScenarioArgs, scenario};
use crate::aws::cloudwatch::{self, Source};
use crate::error::Result;
use crate::report::{self, Report};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
    Md,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  costcalc report                                        the side project: 10,000 requests a month
  costcalc report --requests-per-month 50e6 --throughput-per-vcpu 800 --ha
  costcalc report --from-loadgen reports/day/summary.json --format md
  costcalc report --workload my-api.toml --prices prices-eu-west-1.toml --format json
  costcalc report --from-cloudwatch --lambda-function journal-api --days 14")]
pub struct ReportArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

/// The report, and the CloudWatch read-report when the workload was measured there.
pub fn build(s: &ScenarioArgs) -> Result<(Report, Option<String>)> {
    let sc = scenario(s)?;
    let read = sc.measured.as_ref().map(|m| {
        let mut t = cloudwatch::report(m);
        if let Source::Live { region } = &m.source
            && *region != sc.prices.region
        {
            t.push_str(&format!(
                "  Prices are {}'s: for {region} prices run `costcalc prices fetch --region {region} --out prices.toml` and add --prices prices.toml\n",
                sc.prices.region
            ));
        }
        t
    });
    let Scenario {
        prices,
        info,
        workload,
        options,
        ..
    } = sc;
    let r =
        Report::build(info, workload, options, &prices).map_err(|e| e.at_flag(flags::scenario))?;
    Ok((r, read))
}

pub fn run(a: &ReportArgs) -> Result<String> {
    if a.scenario.aws.print_queries {
        return a
            .scenario
            .aws
            .print_queries(a.scenario.prices.region.as_deref());
    }
    let (r, read) = build(&a.scenario)?;
    let read = read.map(|t| t + "\n").unwrap_or_default();
    Ok(match a.format {
        ReportFormat::Table => read + &report::table::report(&r),
        ReportFormat::Md if !read.is_empty() => {
            format!("```text\n{read}```\n\n") + &report::markdown::report(&r)
        }
        ReportFormat::Md => report::markdown::report(&r),
        // Machine formats stay parseable: what was read goes to standard error.
        ReportFormat::Json => {
            eprint!("{read}");
            report::json::report(&r)
        }
        ReportFormat::Csv => {
            eprint!("{read}");
            report::csv::report(&r)
        }
    })
}
