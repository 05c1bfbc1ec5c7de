//! `--region`, `--prices FILE` and `--hours-per-month`: where prices come from and how long a month
//! is, shared by every command.

use std::path::PathBuf;

use clap::Args;
use rust_decimal::Decimal;

use super::flags;
use super::values::positive;
use crate::catalog::{self, PriceSnapshot};
use crate::error::{Error, Result};
use crate::report::PriceInfo;

/// Where prices come from and how long a month is: shared by every command.
#[derive(Debug, Args)]
pub struct PriceArgs {
    /// Region of the bundled price snapshot [default: us-east-1, or the --prices file's region]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Price snapshot file (TOML: what `costcalc prices` prints or `costcalc prices fetch` writes) instead of the bundled one
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// Hours in the month, up to 744 (AWS's calculator uses 730)
    #[arg(long, value_name = "H", default_value_t = crate::pricing::HOURS_PER_MONTH, value_parser = positive)]
    pub hours_per_month: Decimal,
}

/// Load the snapshot the flags ask for, and say where it came from.
pub fn load_prices(a: &PriceArgs) -> Result<(PriceSnapshot, PriceInfo)> {
    let (p, origin) = match &a.prices {
        Some(path) => {
            let p = catalog::load_file(path)?;
            if let Some(r) = &a.region
                && *r != p.region
            {
                return Err(Error::flag(
                    "--region",
                    format!(
                        "{r:?} does not match the region of {} ({:?})",
                        path.display(),
                        p.region
                    ),
                ));
            }
            (p, path.display().to_string())
        }
        None => (
            catalog::bundled(a.region.as_deref().unwrap_or("us-east-1"))
                .map_err(|e| e.at_flag(flags::scenario))?,
            "bundled".to_string(),
        ),
    };
    let info = PriceInfo::new(&p, &origin);
    Ok((p, info))
}
