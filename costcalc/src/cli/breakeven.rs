//! `costcalc breakeven`: where the cheapest deployment changes as monthly traffic grows.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::flags;
use super::scenario::{ScenarioArgs, scenario};
use crate::breakeven;
use crate::error::{Error, Result};
use crate::report::breakeven as render;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum BreakevenFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  costcalc breakeven                                   1,000 to 10 billion requests a month
  costcalc breakeven --proxy off --chart breakeven.svg
  costcalc breakeven --from 1e6 --to 1e9 --throughput-per-vcpu 800 --format csv > sweep.csv

Crossings are exact whatever --points says: every size step, price tier and free allowance in the
range is evaluated. --points only sets how many log-spaced samples the chart and the CSV show.")]
pub struct BreakevenArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Lowest requests per month of the sweep
    #[arg(long, value_name = "N", default_value_t = dec!(1000), value_parser = super::values::positive)]
    pub from: Decimal,
    /// Highest requests per month of the sweep (at most 1e15)
    #[arg(long, value_name = "N", default_value_t = dec!(10000000000), value_parser = super::values::positive)]
    pub to: Decimal,
    /// Log-spaced samples for the chart and the CSV, 2 to 2,000 (crossings do not depend on it)
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub points: usize,
    /// Also write an SVG chart of cost against traffic (steps drawn as steps, crossings marked)
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = BreakevenFormat::Table)]
    pub format: BreakevenFormat,
}

pub fn run(a: &BreakevenArgs) -> Result<String> {
    let sc = scenario(&a.scenario)?;
    let (w, o, p) = (&sc.workload, &sc.options, &sc.prices);
    let named = |e: Error| e.at_flag(flags::scenario);
    let grid = breakeven::grid(a.from, a.to, a.points).map_err(named)?;
    let analysis = breakeven::analyse(w, o, p, a.from, a.to).map_err(named)?;
    let samples = breakeven::sweep(w, o, p, &grid).map_err(named)?;
    if let Some(path) = &a.chart {
        let drawn = breakeven::chart_points(w, o, p, &analysis, a.points).map_err(named)?;
        let svg = crate::chart::svg(&drawn, &analysis, &sc.info);
        std::fs::write(path, svg).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    let decades = || breakeven::sweep(w, o, p, &breakeven::decades(analysis.from, analysis.to));
    // The peak every volume is priced at (a measured shape's carried peak where it has one).
    let peak = w.scaling_peak(o.hours).1.describe();
    Ok(match a.format {
        BreakevenFormat::Table => render::table_text(
            &sc.info,
            &peak,
            &analysis,
            &decades().map_err(named)?,
            a.chart.as_deref(),
        ),
        BreakevenFormat::Json => render::json_text(
            &sc.info,
            &w.source,
            &peak,
            &analysis,
            &decades().map_err(named)?,
            samples.len(),
            a.chart.as_deref(),
        ),
        BreakevenFormat::Csv => render::csv_text(&sc.info, &analysis, &samples),
    })
}
