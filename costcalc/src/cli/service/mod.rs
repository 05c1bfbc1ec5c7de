//! The per-service commands: one AWS service priced on its own, with its own flags. Each checks
//! its inputs against the engine's limits (`limits`) and prints a bill in table, JSON or CSV.

mod compute;
mod database;
mod fargate_tasks;
mod network;
mod purchase;

pub use compute::{Ec2Args, FargateArgs, LambdaArgs};
pub use database::{RdsArgs, RdsProxyArgs};
pub use fargate_tasks::FargateTasksArgs;
pub use network::{AlbArgs, ApigwArgs, Ipv4Args, LogsArgs, NatArgs, TransferArgs};

use clap::Args;
use rust_decimal::Decimal;

use super::price_args::{PriceArgs, load_prices};
use super::{Format, flags};
use crate::catalog::PriceSnapshot;
use crate::error::{Error, Input, Result, check_range, check_whole};
use crate::limits;
use crate::pricing::{self, LineItem};
use crate::report::{self, Bill, PriceInfo};

#[derive(Debug, Args)]
pub struct Common {
    #[command(flatten)]
    pub prices: PriceArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

impl Common {
    /// Hours the resource runs: `--hours` when given, else the month; at most the longest month.
    fn hours(&self, h: Option<Decimal>) -> Result<Decimal> {
        let h = h.unwrap_or(self.prices.hours_per_month);
        within(Input::Hours, h, limits::HOURS_PER_MONTH)?;
        Ok(h)
    }

    fn load(&self) -> Result<(PriceSnapshot, PriceInfo)> {
        within(
            Input::HoursPerMonth,
            self.prices.hours_per_month,
            limits::HOURS_PER_MONTH,
        )?;
        load_prices(&self.prices)
    }
}

/// A quantity in [0, max], named by the service commands' flag for `input`.
fn within(input: Input, v: Decimal, max: Decimal) -> Result<()> {
    check_range(input, v, Decimal::ZERO, max).map_err(|e| e.at_flag(flags::service))
}

/// A whole count in [0, max].
fn whole(input: Input, v: Decimal, max: Decimal) -> Result<()> {
    check_whole(input, v, Decimal::ZERO, max).map_err(|e| e.at_flag(flags::service))
}

/// A quantity in [0, max] set by `flag` (for inputs whose flag differs between commands).
fn within_flag(flag: &'static str, v: Decimal, max: Decimal) -> Result<()> {
    check_range(Input::DataGb, v, Decimal::ZERO, max).map_err(|e| e.at_flag(|_| Some(flag)))
}

/// An engine error from a service command, named by its flag.
fn named(e: Error) -> Error {
    e.at_flag(flags::service)
}

fn bill(
    c: &Common,
    info: PriceInfo,
    title: String,
    line_items: Vec<LineItem>,
    committed: Option<crate::deployment::Committed>,
) -> String {
    let total_usd = pricing::total(&line_items);
    let b = Bill {
        prices: info,
        title,
        line_items,
        total_usd,
        committed,
    };
    match c.format {
        Format::Table => report::table::bill(&b),
        Format::Json => report::json::bill(&b),
        Format::Csv => report::csv::bill(&b),
    }
}
