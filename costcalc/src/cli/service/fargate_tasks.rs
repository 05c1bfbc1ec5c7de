//! `fargate-tasks`: one-off Fargate task runs of one size, each with its own length (the shards
//! of a load test on AWS Batch), priced from the snapshot. The bill is for those runs, not a month.

use clap::Args;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Table};
use rust_decimal::Decimal;

use super::{Common, bill};
use crate::cli::Format;
use crate::cli::flags::fargate_tasks as flag;
use crate::cli::values::{choice, nonneg, positive};
use crate::error::{Error, Input, Result, check_range};
use crate::limits;
use crate::money;
use crate::pricing::{self, LineItem, fargate};
use crate::purchase::Arch;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  costcalc fargate-tasks --vcpu 1 --memory-gib 2 --arch arm64 --seconds 612 --seconds 598
  costcalc fargate-tasks --vcpu 0.5 --memory-gib 1 --arch x86_64 --spot --seconds 300 310 295 --format json")]
pub struct FargateTasksArgs {
    /// vCPU per task (0.25, 0.5, 1, 2, 4, 8, 16)
    #[arg(long, value_name = "V", value_parser = positive)]
    pub vcpu: Decimal,
    /// Memory per task, GiB (a size Fargate offers for the vCPU; ShardMemoryMiB / 1024)
    #[arg(long, value_name = "G", value_parser = positive)]
    pub memory_gib: Decimal,
    /// Architecture
    #[arg(long, value_parser = choice::<Arch>())]
    pub arch: Arch,
    /// Fargate Spot (the snapshot's observed Spot rate; arm64 needs [fargate.spot_arm64] in a --prices file)
    #[arg(long)]
    pub spot: bool,
    /// How long each task ran, seconds (startedAt to stoppedAt); one per task, repeatable.
    /// Each run is billed per second, at least 60 s
    #[arg(long, value_name = "S", value_parser = nonneg, required = true, num_args = 1..)]
    pub seconds: Vec<Decimal>,
    #[command(flatten)]
    pub common: Common,
}

impl FargateTasksArgs {
    pub fn run(&self) -> Result<String> {
        let c = &self.common;
        let (p, mut info) = c.load()?;
        if Decimal::from(self.seconds.len()) > limits::MACHINES {
            return Err(Error::flag("--seconds", "at most 1,000,000 task runs"));
        }
        for s in &self.seconds {
            // Two weeks: far beyond any Batch job's timeout, well within exact arithmetic.
            let max = limits::SECONDS_PER_DAY * Decimal::from(14);
            check_range(Input::SecondsPerDay, *s, Decimal::ZERO, max)
                .map_err(|e| e.at_flag(flag))?;
        }
        fargate::check_size(self.vcpu, self.memory_gib).map_err(|e| e.at_flag(flag))?;
        let items = fargate::price_runs(
            self.vcpu,
            self.memory_gib,
            self.arch,
            self.spot,
            &self.seconds,
            &p,
        )
        .map_err(|e| e.at_flag(flag))?;
        if self.spot {
            info.purchase
                .push("Fargate Spot at the snapshot's observed rate".into());
        }
        let title = format!(
            "Fargate tasks: {} run{} of {} vCPU / {} GiB ({}, {})",
            self.seconds.len(),
            if self.seconds.len() == 1 { "" } else { "s" },
            self.vcpu.normalize(),
            self.memory_gib.normalize(),
            self.arch.as_str(),
            if self.spot { "Spot" } else { "on-demand" }
        );
        if c.format != Format::Table {
            return Ok(bill(c, info, title, items, None));
        }
        let billed = fargate::billed_seconds(&self.seconds, p.fargate.minimum_seconds);
        Ok(format!(
            "{title}\n{}\nBilled: {} task-seconds = {} task-hours (per second, each run at least {} s)\n{}\n{}\n",
            info.line(),
            money::quantity(billed, 3),
            money::quantity(billed / Decimal::from(3600), 6),
            p.fargate.minimum_seconds.normalize(),
            table(&items),
            total_line(pricing::total(&items)),
        ))
    }
}

/// The line items with their cost to a millionth of a dollar: a load test costs cents.
fn table(items: &[LineItem]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "Line item",
        "Quantity",
        "Unit",
        "Unit price (USD)",
        "Cost (USD)",
    ]);
    for i in items {
        t.add_row(vec![
            Cell::new(&i.name),
            Cell::new(money::quantity(i.quantity, 6)).set_alignment(CellAlignment::Right),
            Cell::new(&i.unit),
            Cell::new(money::exact(i.unit_price_usd)).set_alignment(CellAlignment::Right),
            Cell::new(money::quantity(i.cost_usd, 6)).set_alignment(CellAlignment::Right),
        ]);
    }
    t
}

fn total_line(total: Decimal) -> String {
    format!(
        "Total: {} USD (exact {}; {} in cents)",
        money::quantity(total, 6),
        money::exact(total),
        money::usd(total)
    )
}
