//! Why implementations cannot be put side by side. Each refusal names the implementations (by
//! the names they were given) and the files whose figures differ; only the CLI adds the flag that
//! would settle it (`Incomparable::settled_by`).

use super::Input;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Incomparable {
    #[error("a comparison takes 2 to 8 implementations, got {count}")]
    Count { count: usize },
    #[error("{name:?} names two implementations: give each its own name")]
    Duplicate { name: String },
    #[error(
        "{a} and {b} were priced from different price snapshots ({a_prices} and {b_prices}): \
         the difference would be the prices', not the implementations'"
    )]
    Prices {
        a: String,
        b: String,
        a_prices: String,
        b_prices: String,
    },
    #[error(
        "{a} ({a_file}) and {b} ({b_file}) ran different traffic: {a_window} against {b_window}. \
         Run the same profile against both"
    )]
    Window {
        a: String,
        a_file: String,
        a_window: String,
        b: String,
        b_file: String,
        b_window: String,
    },
    #[error(
        "{a} ({a_file}) and {b} ({b_file}) measured different volumes: {a_requests} and \
         {b_requests} requests a month. Run the same schedule against both, or price both at one \
         volume"
    )]
    Volume {
        a: String,
        a_file: String,
        a_requests: String,
        b: String,
        b_file: String,
        b_requests: String,
    },
    #[error(
        "{with} has a Lambda memory sweep ({file}) and {without} has none: the Lambda would be \
         priced from a measured billed duration for one and from client latency for the other. \
         Give both a tune file or neither"
    )]
    Sweep {
        with: String,
        file: String,
        without: String,
    },
    #[error(
        "{a}'s sweep ({a_file}) ran on {a_cpu:?} and {b}'s ({b_file}) on {b_cpu:?}: durations \
         measured on different processors do not compare. Tune both on one machine"
    )]
    Machine {
        a: String,
        a_file: String,
        a_cpu: String,
        b: String,
        b_file: String,
        b_cpu: String,
    },
    #[error(
        "{figure} is measured for {measured} and a default for {default} ({file} has no server \
         measurement): measure both (loadgen run --server-pid), or give one figure for both"
    )]
    Measured {
        figure: &'static str,
        measured: String,
        default: String,
        file: String,
    },
}

impl Incomparable {
    /// The input that, given once for every implementation, would settle the refusal.
    pub fn settled_by(&self) -> Option<Input> {
        match self {
            Incomparable::Volume { .. } => Some(Input::RequestsPerMonth),
            Incomparable::Measured { figure, .. } if *figure == THROUGHPUT => {
                Some(Input::ThroughputPerVcpu)
            }
            _ => None,
        }
    }
}

/// The figure named by `Incomparable::Measured` for the CPU a request takes.
pub const THROUGHPUT: &str = "the requests a vCPU serves (CPU per request)";
