//! Errors a user can act on. The engine names the *input* that was wrong (`Input`) and what was
//! wrong with it (`Problem`); only the CLI knows which flag sets an input and says it
//! (`Error::Flag`, made by `cli::flags`).

use std::fmt;
use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::money;

mod compare;
mod input;
pub use compare::{Incomparable, THROUGHPUT};
pub use input::Input;

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
    /// A region with no bundled snapshot; `known` lists the bundled ones.
    NotBundled {
        known: Vec<String>,
    },
    /// Fargate takes only AWS's vCPU/memory combinations.
    FargateSize {
        valid: String,
    },
    /// A value that AWS does not allow, or not with another choice; `reason` says why.
    Conflict {
        reason: String,
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
    /// Commitment rates the snapshot lacks: the usage types, the snapshot, and the input that
    /// would hold them (`Input::SavingsPlansRates` or `Input::RdsReservedRates`).
    MissingRates {
        missing: Vec<String>,
        snapshot: String,
        rates: Input,
    },
}

/// How a message names another input it points to: the CLI by the flag that sets it, the engine
/// (`None`) by what the input is.
type Names<'a> = &'a dyn Fn(Input) -> Option<&'static str>;

fn no_names(_: Input) -> Option<&'static str> {
    None
}

impl Problem {
    /// The problem of `value` in engine words: inputs named by what they are.
    fn text(&self, value: &str) -> String {
        self.describe(value, &no_names)
    }

    fn describe(&self, value: &str, name: Names) -> String {
        let q = |d: &Decimal| money::quantity(*d, 6);
        let named = |i: Input| name(i).unwrap_or(i.label());
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
            Problem::NotBundled { known } => format!(
                "unknown {value:?} in the bundled snapshot; known: {} (or pass a snapshot file{})",
                known.join(", "),
                name(Input::Prices).map_or(String::new(), |f| format!(" with {f}"))
            ),
            Problem::FargateSize { valid } => {
                format!("{value} is not a Fargate task size; valid sizes: {valid}")
            }
            Problem::NotPriced { what } => format!("{value}: {what}"),
            Problem::Conflict { reason } => format!("{value}: {reason}"),
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
                "{value}: the range holds {steps} size steps, more than the {max} a sweep evaluates; narrow {}",
                match (name(Input::SweepFrom), name(Input::SweepTo)) {
                    (Some(from), Some(to)) => format!("{from}/{to}"),
                    _ => "the range".to_string(),
                }
            ),
            Problem::MissingRates {
                missing,
                snapshot,
                rates,
            } if *rates == Input::AuroraRates => format!(
                "{value}: the {snapshot} has no rate for {}; give {} (the bundled snapshot has it)",
                missing.join(", "),
                named(*rates)
            ),
            Problem::MissingRates {
                missing,
                snapshot,
                rates,
            } => format!(
                "{value}: the {snapshot} has no rate for {}. The bundled snapshot carries no \
                 commitment rates (none could be sourced); give {} (costcalc README, \
                 \"Commitments\")",
                missing.join(", "),
                named(*rates)
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
    #[error("{}: {}", input.label(), problem.text(value))]
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
    /// Implementations that cannot be put side by side, and why (boxed: its names and files
    /// would make every `Result` of the crate as large).
    #[error("cannot compare: {0}")]
    Incomparable(Box<Incomparable>),
}

impl From<Box<Incomparable>> for Error {
    fn from(e: Box<Incomparable>) -> Self {
        Error::Incomparable(e)
    }
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
            Error::Invalid { value, problem, .. } => Some(problem.text(value)),
            _ => None,
        }
    }

    /// Name the flag of an engine input error, and of any other input its message points to;
    /// `flag_of` says which flag sets which input.
    pub fn at_flag(self, flag_of: impl Fn(Input) -> Option<&'static str>) -> Self {
        match self {
            Error::Invalid {
                input,
                value,
                problem,
            } => match flag_of(input) {
                Some(flag) => Error::Flag {
                    flag: flag.to_string(),
                    message: problem.describe(&value, &flag_of),
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

impl Error {
    /// As [`Error::at_flag`], but an input that a file or a service gave (`source_of`: where
    /// from, which field) is named by it: the user gave no flag to blame, so the line says what
    /// was read and which flag would replace it.
    pub fn at_source(
        self,
        source_of: impl Fn(Input) -> Option<(String, String)>,
        flag_of: impl Fn(Input) -> Option<&'static str>,
    ) -> Self {
        let Error::Invalid {
            input,
            value,
            problem,
        } = self
        else {
            return self.at_flag(flag_of);
        };
        match source_of(input) {
            Some((from, field)) => {
                let over = flag_of(input).map_or(String::new(), |f| {
                    format!(": check what was read, or give {f} instead")
                });
                Error::File {
                    path: from,
                    message: format!("{field}: {}{over}", problem.describe(&value, &flag_of)),
                }
            }
            None => Error::Invalid {
                input,
                value,
                problem,
            }
            .at_flag(flag_of),
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

    #[test]
    fn engine_texts_name_no_flag_and_the_cli_names_each_one_it_points_to() {
        let flags = |i| match i {
            Input::SweepFrom => Some("--from"),
            Input::SweepTo => Some("--to"),
            Input::Prices => Some("--prices FILE"),
            Input::SavingsPlansRates => Some("--prices FILE with [savings_plans]"),
            _ => None,
        };
        let steps = Error::invalid(
            Input::SweepTo,
            5,
            Problem::TooManySteps { steps: 9, max: 2 },
        );
        assert_eq!(
            steps.to_string(),
            "highest requests per month: 5: the range holds 9 size steps, more than the 2 a sweep \
             evaluates; narrow the range"
        );
        assert_eq!(
            steps.at_flag(flags).to_string(),
            "--to: 5: the range holds 9 size steps, more than the 2 a sweep evaluates; narrow \
             --from/--to"
        );
        let rates = Error::invalid(
            Input::Commitment,
            "Compute Savings Plan 1-year no upfront",
            Problem::MissingRates {
                missing: vec!["ec2.t4g.micro".into(), "lambda.arm64.duration".into()],
                snapshot: "us-east-1 snapshot of 2026-11-01".into(),
                rates: Input::SavingsPlansRates,
            },
        );
        let engine = rates.to_string();
        assert!(!engine.contains("--"), "{engine}");
        assert!(
            engine.ends_with(
                "has no rate for ec2.t4g.micro, lambda.arm64.duration. The bundled snapshot carries \
                 no commitment rates (none could be sourced); give a price snapshot with \
                 [savings_plans] (costcalc README, \"Commitments\")"
            ),
            "{engine}"
        );
        let cli = rates
            .at_flag(|i| {
                (i == Input::Commitment)
                    .then_some("--commitment")
                    .or(flags(i))
            })
            .to_string();
        assert!(
            cli.starts_with("--commitment: Compute Savings Plan"),
            "{cli}"
        );
        assert!(
            cli.contains("give --prices FILE with [savings_plans] (costcalc"),
            "{cli}"
        );
        let region = Error::invalid(
            Input::Region,
            "eu-west-1",
            Problem::NotBundled {
                known: vec!["us-east-1".into()],
            },
        );
        assert_eq!(
            region.to_string(),
            "region: unknown \"eu-west-1\" in the bundled snapshot; known: us-east-1 (or pass a \
             snapshot file)"
        );
        assert!(
            region
                .at_flag(|i| (i == Input::Region).then_some("--region").or(flags(i)))
                .to_string()
                .ends_with("(or pass a snapshot file with --prices FILE)")
        );
    }
}
