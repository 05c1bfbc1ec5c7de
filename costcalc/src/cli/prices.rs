//! `costcalc prices`: print the snapshot in use, fetch one from the AWS Price List API (or
//! `aws pricing get-products` output), show every price, diff two snapshots.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::price_args::{PriceArgs, load_prices};
use crate::aws::{self, price_list};
use crate::catalog::{self, PriceSnapshot, diff as price_diff};
use crate::error::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// Build a price snapshot from the AWS Price List Query API (or `aws pricing get-products` output)
    Fetch(FetchArgs),
    /// Every price of a snapshot: USD, unit, Price List usage type, source
    Show(ShowArgs),
    /// What changed between two snapshots, price by price ("bundled" names the bundled one)
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Region to price (a region code: us-east-1, eu-west-1, ...)
    #[arg(long, value_name = "REGION", default_value = "us-east-1")]
    pub region: String,
    /// Write the snapshot here (the format --prices reads) [default: standard output]
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Region of the Price List API endpoint (it answers in us-east-1, eu-central-1, ap-south-1)
    #[arg(long, value_name = "REGION", default_value = aws::PRICING_ENDPOINT_REGION)]
    pub endpoint_region: String,
    /// Offline: build from saved `aws pricing get-products` output instead of calling AWS (repeatable)
    #[arg(long, value_name = "FILE", conflicts_with = "print_cli_commands")]
    pub price_list_file: Vec<PathBuf>,
    /// Print the `aws pricing get-products` commands whose output --price-list-file reads, and exit
    #[arg(long)]
    pub print_cli_commands: bool,
    /// Add [savings_plans] from the region's Savings Plans price list file (no credentials needed:
    /// https://pricing.us-east-1.amazonaws.com/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/region_index.json
    /// names its versionUrl); repeatable
    #[arg(long, value_name = "FILE")]
    pub savings_plans_file: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ShowFormat {
    Table,
    Toml,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Snapshot file [default: the bundled snapshot of --region]
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// Region of the bundled snapshot to show
    #[arg(long, value_name = "REGION", default_value = "us-east-1")]
    pub region: String,
    /// Output format: a table of every price, or the TOML file --prices reads
    #[arg(long, value_enum, default_value = "table")]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Snapshot A: a file, or "bundled" (or "bundled:REGION")
    pub a: String,
    /// Snapshot B: a file, or "bundled" (or "bundled:REGION")
    pub b: String,
}

fn load(name: &str) -> Result<PriceSnapshot> {
    match name.strip_prefix("bundled") {
        Some("") => catalog::bundled("us-east-1"),
        Some(r) if r.starts_with(':') => catalog::bundled(&r[1..]),
        _ => catalog::load_file(std::path::Path::new(name)),
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  costcalc prices                                      the bundled snapshot, as TOML
  costcalc prices show                                 every price with its usage type and source
  costcalc prices fetch --region eu-west-1 --out eu.toml   today's prices (needs pricing:GetProducts)
  costcalc prices diff bundled eu.toml                 what differs, price by price")]
pub struct PricesArgs {
    #[command(flatten)]
    pub prices: PriceArgs,
    /// Without a subcommand: print the snapshot in use as TOML
    #[command(subcommand)]
    pub action: Option<PricesCommand>,
}

/// Run `prices [fetch|show|diff]`; progress lines go to standard error.
pub fn run(a: &PricesArgs) -> Result<String> {
    let Some(cmd) = &a.action else {
        let (p, _) = load_prices(&a.prices)?;
        return catalog::to_toml(&p);
    };
    match cmd {
        PricesCommand::Fetch(a) => {
            let template = catalog::bundled("us-east-1")?;
            if a.print_cli_commands {
                return Ok(price_list::cli_commands(&price_list::queries(
                    &a.region, &template,
                )));
            }
            let mut snap = if a.price_list_file.is_empty() {
                eprintln!(
                    "Fetching {} list prices from the AWS Price List API ({}):",
                    a.region, a.endpoint_region
                );
                aws::fetch_live(&a.region, &a.endpoint_region, &mut |line| {
                    eprintln!("  {line}")
                })?
            } else {
                aws::snapshot_from_files(&a.region, &a.price_list_file)?
            };
            if !a.savings_plans_file.is_empty() {
                aws::add_savings_plans(&mut snap, &a.savings_plans_file)?;
            }
            let text = catalog::to_toml(&snap)?;
            match &a.out {
                Some(path) => {
                    std::fs::write(path, &text).map_err(|source| Error::Write {
                        path: path.clone(),
                        source,
                    })?;
                    Ok(format!(
                        "Wrote {} ({} prices, {} as of {}); use it with --prices {}\n",
                        path.display(),
                        price_diff::rows(&snap).len(),
                        snap.region,
                        snap.as_of,
                        path.display()
                    ))
                }
                None => Ok(text),
            }
        }
        PricesCommand::Show(a) => {
            let (snap, origin) = match &a.prices {
                Some(p) => (catalog::load_file(p)?, p.display().to_string()),
                None => (catalog::bundled(&a.region)?, "bundled".to_string()),
            };
            Ok(match a.format {
                ShowFormat::Table => price_diff::show_table(&snap, &origin),
                ShowFormat::Toml => catalog::to_toml(&snap)?,
            })
        }
        PricesCommand::Diff(a) => {
            let (x, y) = (load(&a.a)?, load(&a.b)?);
            Ok(price_diff::diff_table(&x, &a.a, &y, &a.b))
        }
    }
}
