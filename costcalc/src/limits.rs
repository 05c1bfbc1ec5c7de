//! Bounds on every input the engine takes: AWS's own limits where AWS sets one, and otherwise a
//! bound far above any real API that keeps every computation inside `rust_decimal`'s 28 digits,
//! so that no input can overflow (`tests/it/no_panic.rs` drives the engine with arbitrary values).

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// 10^15 requests a month is 380 million requests a second on average.
pub const REQUESTS_PER_MONTH: Decimal = dec!(1_000_000_000_000_000);
/// Lambda's longest invocation: 15 minutes.
pub const DURATION_MS: Decimal = dec!(900_000);
/// 10 GB per request or response (Lambda takes 6 MB, API Gateway 10 MB).
pub const BODY_BYTES: Decimal = dec!(10_000_000_000);
pub const LOG_BYTES: Decimal = dec!(10_000_000);
pub const PEAK_RPS: Decimal = dec!(10_000_000_000);
pub const PEAK_TO_AVERAGE: Decimal = dec!(1_000_000);
/// Requests per second one vCPU serves: from one request an hour to ten million a second.
pub const THROUGHPUT_MIN: Decimal = dec!(0.0003);
pub const THROUGHPUT_MAX: Decimal = dec!(10_000_000);
/// The longest month (31 days).
pub const HOURS_PER_MONTH: Decimal = dec!(744);
pub const SECONDS_PER_DAY: Decimal = dec!(86_400);
pub const DAYS_PER_MONTH: Decimal = dec!(31);
/// Instances, tasks, addresses, provisioned environments: far beyond any account's quota.
pub const MACHINES: Decimal = dec!(1_000_000);
/// Lambda memory and ephemeral storage, MB (AWS: 128 to 10,240 MB in 1 MB steps; 512 to 10,240).
pub const LAMBDA_MEMORY_MIN_MB: Decimal = dec!(128);
pub const LAMBDA_MEMORY_MAX_MB: Decimal = dec!(10_240);
pub const LAMBDA_EPHEMERAL_MIN_MB: Decimal = dec!(512);
/// gp3 volumes: up to 64 TiB.
pub const EBS_GB: Decimal = dec!(65_536);
/// RDS gp3: 20 GiB to 64 TiB.
pub const DB_STORAGE_MIN_GB: Decimal = dec!(20);
pub const DB_STORAGE_MAX_GB: Decimal = dec!(65_536);
/// Fargate ephemeral storage: 20 GiB included, up to 200 GiB.
pub const FARGATE_STORAGE_MIN_GB: Decimal = dec!(20);
pub const FARGATE_STORAGE_MAX_GB: Decimal = dec!(200);
/// An ALB spans at least two availability zones; no region has more than six.
pub const ALB_AZS_MIN: Decimal = dec!(2);
pub const ALB_AZS_MAX: Decimal = dec!(6);
/// GB a month through a NAT Gateway, out to the internet, into logs: an exabyte.
pub const DATA_GB: Decimal = dec!(1_000_000_000);
/// A per-second rate for the ALB's LCU dimensions.
pub const RATE_PER_SECOND: Decimal = dec!(10_000_000_000);
pub const ALB_RULES: Decimal = dec!(1_000);
/// vCPUs of a database instance (db.r7i.48xlarge has 192).
pub const DB_VCPUS: Decimal = dec!(1_024);
/// Points of a break-even sweep's chart and table.
pub const SWEEP_POINTS_MAX: usize = 2_000;
/// Size steps (instance and task counts) one break-even sweep evaluates: two priced points each,
/// about 5 s at the most on one core.
pub const SWEEP_STEPS_MAX: usize = 100_000;

/// Ten million dollars per unit: above any AWS rate, upfront fee included, and far enough below
/// `Decimal`'s 28 digits that a price times the largest quantity the engine takes still fits.
pub const USD_MAX: Decimal = dec!(10_000_000);
/// A usage quantity in a price (a tier's start or end, a free allowance).
pub const QUANTITY_MAX: Decimal = dec!(1_000_000_000_000_000_000);

/// Entries of a list read from a file (endpoints, routes, idle gaps): far more than any API has.
pub const LIST_ENTRIES: usize = 10_000;
/// Seconds of a loadgen timeline: 11 days of one entry a second.
pub const TIMELINE_SECONDS: usize = 1_000_000;
/// Seconds of a run or profile: 30 years.
pub const RUN_SECONDS: Decimal = dec!(1_000_000_000);
/// CPU seconds of a process over a run.
pub const CPU_SECONDS: Decimal = dec!(1_000_000_000_000);
/// Time compression of a loadgen run, either way.
pub const COMPRESSION_MIN: Decimal = dec!(0.000001);
pub const COMPRESSION_MAX: Decimal = dec!(1_000_000);
/// Bytes of all requests or responses of a run: 10 GB for each of 10^15 requests.
pub const TOTAL_BYTES: Decimal = dec!(10_000_000_000_000_000_000_000_000);

/// A figure read from a file, checked before any arithmetic uses it; the error names the field
/// and the range (the caller names the file).
pub fn field(name: &str, v: Decimal, min: Decimal, max: Decimal) -> Result<Decimal, String> {
    if v < min || v > max {
        return Err(format!(
            "{name} = {} is out of range (expected {}..{})",
            v.normalize(),
            min.normalize(),
            max.normalize()
        ));
    }
    Ok(v)
}

/// `field` for a JSON float: a value beyond `Decimal`'s range is out of range, never 0.
pub fn field_f64(name: &str, v: f64, min: Decimal, max: Decimal) -> Result<Decimal, String> {
    let d = Decimal::try_from(v)
        .ok()
        .filter(|d| v == 0.0 || !d.is_zero())
        .ok_or_else(|| {
            format!(
                "{name} = {} is out of range (expected {}..{})",
                short(v),
                min.normalize(),
                max.normalize()
            )
        })?;
    field(name, d, min, max)
}

/// A list read from a file has at most `max` entries.
pub fn entries(name: &str, len: usize, max: usize) -> Result<(), String> {
    if len > max {
        return Err(format!(
            "{name} has {len} entries, more than the {max} costcalc reads; check that it is the right file"
        ));
    }
    Ok(())
}

/// A float as written in a file, in scientific notation when long (1e300, not 301 digits).
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-6..1e15).contains(&a) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}
