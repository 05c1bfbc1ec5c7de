//! Errors a user can act on. The engine names the *input* that was wrong (`Input`) and what was
//! wrong with it (`Problem`); only the CLI knows which flag sets an input and says it
//! (`Error::Flag`, made by `cli::flags`).

use std::fmt;
use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::money;

/// An input figure of the engine. The CLI maps each to the flag that sets it in each command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    RequestsPerMonth,
    DurationMs,
    RequestBytes,
    ResponseBytes,
    PeakRps,
    PeakToAverage,
    ThroughputPerVcpu,
    LogBytesPerRequest,
    HoursPerMonth,
    Hours,
    LambdaMemoryMb,
    LambdaEphemeralMb,
    ProvisionedConcurrency,
    NatGb,
    InstanceType,
    InstanceCount,
    EbsGb,
    PublicIpv4,
    FargateVcpu,
    FargateMemoryGb,
    FargateTasks,
    FargateStorageGb,
    FargateSpot,
    SecondsPerDay,
    Days,
    AlbAzs,
    DbInstanceClass,
    DbStorageGb,
    DbVcpus,
    Addresses,
    DataGb,
    AlbRate,
    AlbRules,
    TargetUtilization,
    DbPoolSize,
    SweepFrom,
    SweepTo,
    SweepPoints,
    Region,
    Commitment,
    RdsReserved,
    SpotDiscount,
}

impl Input {
    /// What the figure is, in words (used when no flag names it, e.g. in a workload file).
    pub fn label(self) -> &'static str {
        use Input::*;
        match self {
            RequestsPerMonth => "requests per month",
            DurationMs => "duration per request (ms)",
            RequestBytes => "request bytes",
            ResponseBytes => "response bytes",
            PeakRps => "peak requests per second",
            PeakToAverage => "peak-to-average ratio",
            ThroughputPerVcpu => "requests per second per vCPU",
            LogBytesPerRequest => "log bytes per request",
            HoursPerMonth => "hours per month",
            Hours => "hours",
            LambdaMemoryMb => "Lambda memory (MB)",
            LambdaEphemeralMb => "Lambda ephemeral storage (MB)",
            ProvisionedConcurrency => "provisioned concurrency",
            NatGb => "NAT Gateway GB per month",
            InstanceType => "EC2 instance type",
            InstanceCount => "instance count",
            EbsGb => "EBS volume (GB)",
            PublicIpv4 => "public IPv4 addresses",
            FargateVcpu => "Fargate vCPU",
            FargateMemoryGb => "Fargate memory (GB)",
            FargateTasks => "Fargate tasks",
            FargateStorageGb => "Fargate ephemeral storage (GB)",
            FargateSpot => "Fargate Spot",
            SecondsPerDay => "seconds per day",
            Days => "days",
            AlbAzs => "ALB availability zones",
            DbInstanceClass => "RDS instance class",
            DbStorageGb => "RDS storage (GB)",
            DbVcpus => "database vCPUs",
            Addresses => "addresses",
            DataGb => "GB",
            AlbRate => "ALB traffic rate",
            AlbRules => "ALB rules",
            TargetUtilization => "target utilization",
            DbPoolSize => "database pool size",
            SweepFrom => "lowest requests per month",
            SweepTo => "highest requests per month",
            SweepPoints => "points",
            Region => "region",
            Commitment => "commitment",
            RdsReserved => "RDS reserved instances",
            SpotDiscount => "Spot discount",
        }
    }
}

/// What was wrong with an input.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Above what the engine (or AWS) takes; the bound keeps every computation exact.
    TooLarge {
        max: Decimal,
    },
    Negative,
    NotPositive,
    OutOfRange {
        min: Decimal,
        max: Decimal,
    },
    NotWhole,
    /// A name the price snapshot does not have; `known` lists the ones it has.
    Unknown {
        region: String,
        known: Vec<String>,
    },
    /// Fargate takes only AWS's vCPU/memory combinations.
    FargateSize {
        valid: String,
    },
    /// A price the snapshot lacks for this combination.
    NotPriced {
        what: String,
    },
    /// The given peak rate is below the month's average rate.
    PeakBelowAverage {
        average: Decimal,
    },
    /// Sizing asks for more machines than any account could run.
    TooManyMachines {
        needed: Decimal,
        max: Decimal,
    },
    /// Each invocation bills at least 1 ms.
    ZeroDuration,
    /// The sweep's range is empty or reversed.
    EmptyRange {
        from: Decimal,
        to: Decimal,
    },
    /// The sweep would have to evaluate too many size steps.
    TooManySteps {
        steps: usize,
        max: usize,
    },
    /// A committed rate on usage its plan does not cover (AWS bills that usage on-demand).
    NotCovered {
        by: String,
    },
    /// Commitment rates the snapshot lacks: the usage types, the snapshot and the section that
    /// would hold them.
    MissingRates {
        missing: Vec<String>,
        snapshot: String,
        section: String,
    },
}

impl Problem {
    fn describe(&self, value: &str) -> String {
        let q = |d: &Decimal| money::quantity(*d, 6);
        match self {
            Problem::TooLarge { max } => format!("{value} is too large (at most {})", q(max)),
            Problem::Negative => format!("expected a number >= 0, got {value}"),
            Problem::NotPositive => format!("expected a number > 0, got {value}"),
            Problem::OutOfRange { min, max } => {
                format!("expected {} to {}, got {value}", q(min), q(max))
            }
            Problem::NotWhole => format!("expected a whole number, got {value}"),
            Problem::Unknown { region, known } => format!(
                "unknown {value:?} in the {region} snapshot; known: {}",
                known.join(", ")
            ),
            Problem::FargateSize { valid } => {
                format!("{value} is not a Fargate task size; valid sizes: {valid}")
            }
            Problem::NotPriced { what } => format!("{value}: {what}"),
            Problem::PeakBelowAverage { average } => format!(
                "{value} req/s is below the month's average rate ({} req/s): a peak is at least the average",
                q(average)
            ),
            Problem::TooManyMachines { needed, max } => format!(
                "{value} would need {} instances or tasks, more than {} (raise the requests per \
                 second one vCPU serves, or lower the traffic)",
                money::quantity(*needed, 0),
                money::quantity(*max, 0)
            ),
            Problem::ZeroDuration => format!(
                "{value} ms: every invocation bills at least 1 ms; give the measured duration"
            ),
            Problem::EmptyRange { from, to } => {
                format!("need 0 < from < to, got from {} to {}", q(from), q(to))
            }
            Problem::TooManySteps { steps, max } => format!(
                "{value}: the range holds {steps} size steps, more than the {max} a sweep evaluates; narrow --from/--to"
            ),
            Problem::MissingRates {
                missing,
                snapshot,
                section,
            } => format!(
                "{value}: the {snapshot} has no rate for {}. The bundled snapshot carries no \
                 commitment rates (none could be sourced); give --prices FILE with {section} \
                 (costcalc README, \"Commitments\")",
                missing.join(", ")
            ),
            Problem::NotCovered { by } => {
                format!("{value} is not covered by a {by}: AWS bills it on-demand")
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An engine input that is out of range or contradicts another; no flag named yet.
    #[error("{}: {}", input.label(), problem.describe(value))]
    Invalid {
        input: Input,
        value: String,
        problem: Problem,
    },
    /// The CLI's form of an input error: the flag that set the input, and what was wrong.
    #[error("{flag}: {message}")]
    Flag { flag: String, message: String },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A workload, summary or durations file that is not what it should be.
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("price snapshot {path}: {message}")]
    Prices { path: String, message: String },
    /// An AWS API or the AWS CLI's output failed; the text names the API and the way out.
    #[error("{0}")]
    Aws(String),
}

impl Error {
    pub fn invalid(input: Input, value: impl fmt::Display, problem: Problem) -> Self {
        Error::Invalid {
            input,
            value: value.to_string(),
            problem,
        }
    }
    /// A CLI-level error naming its flag (only the CLI and the AWS edge make these).
    pub fn flag(flag: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Flag {
            flag: flag.into(),
            message: message.into(),
        }
    }
    pub fn file(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::File {
            path: path.into(),
            message: message.into(),
        }
    }
    /// What was wrong with an engine input, without the input's name (for callers that name it
    /// their own way: a flag, a file's key, a line of a file).
    pub fn problem(&self) -> Option<String> {
        match self {
            Error::Invalid { value, problem, .. } => Some(problem.describe(value)),
            _ => None,
        }
    }

    /// Name the flag of an engine input error; `flag_of` says which flag sets which input.
    pub fn at_flag(self, flag_of: impl Fn(Input) -> Option<&'static str>) -> Self {
        match self {
            Error::Invalid {
                input,
                value,
                problem,
            } => match flag_of(input) {
                Some(flag) => Error::Flag {
                    flag: flag.to_string(),
                    message: problem.describe(&value),
                },
                None => Error::Invalid {
                    input,
                    value,
                    problem,
                },
            },
            other => other,
        }
    }
}

/// Check `value` against [min, max], naming `input` when it is outside.
pub fn check_range(input: Input, value: Decimal, min: Decimal, max: Decimal) -> Result<()> {
    if value < min || value > max {
        let problem = if value < min && min.is_zero() {
            Problem::Negative
        } else if value > max && min <= Decimal::ONE {
            Problem::TooLarge { max }
        } else {
            Problem::OutOfRange { min, max }
        };
        return Err(Error::invalid(input, value.normalize(), problem));
    }
    Ok(())
}

/// A whole number in [min, max].
pub fn check_whole(input: Input, value: Decimal, min: Decimal, max: Decimal) -> Result<()> {
    check_range(input, value, min, max)?;
    if value.fract() != Decimal::ZERO {
        return Err(Error::invalid(input, value.normalize(), Problem::NotWhole));
    }
    Ok(())
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn engine_errors_name_the_input_and_the_cli_names_the_flag() {
        let e = check_range(Input::RequestsPerMonth, dec!(1e20), dec!(0), dec!(1e15)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "requests per month: 100000000000000000000 is too large (at most 1,000,000,000,000,000)"
        );
        let e = e.at_flag(|i| (i == Input::RequestsPerMonth).then_some("--requests-per-month"));
        assert!(
            e.to_string().starts_with("--requests-per-month: 1000"),
            "{e}"
        );
        let e = check_whole(Input::FargateTasks, dec!(1.5), dec!(0), dec!(10)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Fargate tasks: expected a whole number, got 1.5"
        );
        let e = check_range(Input::LambdaMemoryMb, dec!(64), dec!(128), dec!(10240)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Lambda memory (MB): expected 128 to 10,240, got 64"
        );
    }
}
