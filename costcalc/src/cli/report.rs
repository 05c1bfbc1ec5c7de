//! `costcalc report`: the three deployments priced for one workload.

use clap::{Args, ValueEnum};

use super::compare;
use super::flags;
use super::scenario::{Scenario, ScenarioArgs, scenario};
use crate::error::Result;
use crate::report::{self, Report, commitments, html};
use crate::workload::source::cloudwatch::{self, Source};
use crate::{breakeven, chart, limits};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
    Md,
    /// One self-contained page: the answer, breakdowns, break-even and run charts, inputs
    Html,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  costcalc report                                        the side project: 10,000 requests a month
  costcalc report --requests-per-month 50e6 --throughput-per-vcpu 800 --ha
  costcalc report --from-loadgen reports/day/summary.json --format md
  costcalc report --from-loadgen reports/day/summary.json --format html > report.html
  costcalc report --workload my-api.toml --prices prices-eu-west-1.toml --format json
  costcalc report --from-cloudwatch --lambda-function journal-api --days 14
  costcalc report --prices with-rates.toml --commitment compute-sp --term 3y --payment all --rds-reserved
  costcalc report --prices with-rates.toml --compare-commitments
  costcalc report --compare fastapi=fa.json,fa-tune.json journal-api=ja.json,ja-tune.json --format html > compare.html
  costcalc report --spot --fargate-arch x86_64 --spot-discount 0.7   Fargate Spot and EC2 Spot at 70% off (assumed)")]
pub struct ReportArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Add one table: each deployment under no Savings Plan and under Compute Savings Plans of 1
    /// and 3 years, no and all upfront, and the cheapest overall (needs the rates in --prices)
    #[arg(long)]
    pub compare_commitments: bool,
    /// Add one table: each deployment on RDS (with RDS Proxy for Lambda), Aurora Serverless v2
    /// at a 0.5-ACU minimum, Aurora Serverless v2 with auto-pause (no proxy) and Aurora
    /// provisioned, and where the database changes the cheapest deployment
    #[arg(long)]
    pub compare_databases: bool,
    /// Compare 2 to 8 implementations of one API, each priced from its own loadgen run
    /// (summary.json) and optionally its memory sweep (tune.json), every other flag the same:
    /// totals per deployment side by side, the cheapest deployment of each, the difference.
    /// Refused when they cannot be compared (other traffic, other volumes, one sweep only, ...)
    #[arg(
        long,
        value_name = "NAME=SUMMARY[,TUNE]",
        num_args = 2..=8,
        value_parser = compare::spec,
        conflicts_with_all = ["from_loadgen", "lambda_tune", "workload", "from_cloudwatch", "from_logs", "compare_commitments", "compare_databases"],
    )]
    pub compare: Vec<compare::Spec>,
}

/// The report, the CloudWatch read-report when the workload was measured there, and the scenario.
fn build_with(
    s: &ScenarioArgs,
    compare: bool,
    databases: bool,
) -> Result<(Report, Option<String>, Scenario)> {
    let sc = scenario(s)?;
    let cloudwatch = sc.measured.as_ref().map(|m| {
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
    let read = match (sc.logs_read.clone(), cloudwatch) {
        (Some(logs), Some(cw)) => Some(logs + "\n" + &cw),
        (logs, cw) => logs.or(cw),
    };
    let mut r = Report::build(
        sc.subject.clone(),
        sc.info.clone(),
        sc.workload.clone(),
        sc.options.clone(),
        &sc.prices,
    )
    .map_err(|e| e.at_flag(flags::scenario))?;
    if compare {
        r.comparison = Some(
            commitments::compare(&sc.workload, &sc.options, &sc.prices)
                .map_err(|e| e.at_flag(flags::scenario))?,
        );
    }
    if databases {
        r.databases = Some(
            report::databases::compare(&sc.workload, &sc.options, &sc.prices)
                .map_err(|e| e.at_flag(flags::scenario))?,
        );
    }
    Ok((r, read, sc))
}

/// The HTML page: the report, the break-even analysis around its traffic, the run's charts.
fn html(r: &Report, sc: &Scenario) -> String {
    let (w, o, p) = (&sc.workload, &sc.options, &sc.prices);
    let here = w.requests_per_month;
    let from = (here / Decimal::TEN)
        .clamp(Decimal::ONE, dec!(1000))
        .floor();
    let to = (here * Decimal::TEN)
        .max(dec!(10000000000))
        .min(limits::REQUESTS_PER_MONTH);
    let analysis = breakeven::analyse(w, o, p, from, to).and_then(|a| {
        let points = breakeven::chart_points(w, o, p, &a, 200)?;
        let svg = chart::svg_marked(&points, &a, &sc.info, Some(here));
        Ok((a, svg))
    });
    let (breakeven, missing) = match &analysis {
        Ok((a, svg)) => (Some((a, svg.clone())), None),
        Err(e) => (None, Some(format!("No break-even chart: {e}"))),
    };
    html::page(
        r,
        &html::Extras {
            breakeven,
            breakeven_missing: missing,
            run: sc.run.as_ref(),
        },
    )
}

pub fn run(a: &ReportArgs) -> Result<String> {
    if a.scenario.aws.print_queries {
        return a
            .scenario
            .aws
            .print_queries(a.scenario.prices.region.as_deref());
    }
    if !a.compare.is_empty() {
        return compare::run(&a.scenario, &a.compare, a.format);
    }
    let (r, read, sc) = build_with(&a.scenario, a.compare_commitments, a.compare_databases)?;
    let read = read.map(|t| t + "\n").unwrap_or_default();
    Ok(match a.format {
        ReportFormat::Html => {
            eprint!("{read}");
            html(&r, &sc)
        }
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
