//! How long one Lambda invocation runs, and so what it bills.
//!
//! Given or assumed, a duration is one figure per request (billed rounded up to 1 ms). Measured
//! by the server (a loadgen run with the API's own metrics), it is a model per route: the time the
//! handler spent on the CPU, and the time it waited (the database, the network). Lambda gives a
//! function CPU in proportion to its memory, one vCPU at 1,769 MB: below that the CPU part
//! stretches by 1,769 / MB, above it a request (one thread) runs no faster; the waiting part does
//! not change. Each route's invocations bill its duration rounded up to 1 ms, weighted by the
//! run's route mix. The limits: the CPU was measured on the load machine's core, not a Lambda's
//! (Graviton and x86 differ, and so do generations), and a route's mean stands for all of its
//! invocations (their rounding is applied to the mean).

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Serialize;

/// Lambda's memory for one full vCPU.
pub const ONE_VCPU_MB: Decimal = dec!(1769);

/// Where a workload's duration comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Duration {
    /// Time inside the function, given or assumed: `duration_ms` is billed as is.
    InFunction,
    /// A client's observed latency (network and queueing included): an upper bound.
    ClientLatency,
    /// The server's own time per route, split into CPU and waiting.
    Server { routes: Vec<RouteTime> },
    /// The function measured at each memory size's CPU share (`loadgen tune`), over the mix.
    Tuned {
        sizes: Vec<crate::workload::source::tune::SizeFigures>,
    },
}

/// One route's server time, from the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteTime {
    /// "GET /api/v1/entries".
    pub route: String,
    /// Share of the run's requests, 0 to 1.
    pub share: Decimal,
    /// Mean CPU time per request on the load machine, ms.
    pub cpu_ms: Decimal,
    /// Mean time waiting per request, ms (server time less CPU time).
    pub wait_ms: Decimal,
}

/// How much longer the CPU part takes at `memory_mb` than on one full vCPU.
pub fn stretch(memory_mb: Decimal) -> Decimal {
    (ONE_VCPU_MB / memory_mb).max(Decimal::ONE)
}

impl RouteTime {
    /// Mean duration of this route's invocations at `memory_mb`.
    pub fn duration_ms(&self, memory_mb: Decimal) -> Decimal {
        self.wait_ms + self.cpu_ms * stretch(memory_mb)
    }
}

/// Billed milliseconds per request, on average over the route mix.
pub fn billed_ms(routes: &[RouteTime], memory_mb: Decimal) -> Decimal {
    let total: Decimal = routes.iter().map(|r| r.share).sum();
    if total.is_zero() {
        return Decimal::ZERO;
    }
    routes
        .iter()
        .map(|r| r.share * r.duration_ms(memory_mb).ceil())
        .sum::<Decimal>()
        / total
}

/// Mean duration per request over the route mix, unrounded.
pub fn mean_ms(routes: &[RouteTime], memory_mb: Decimal) -> Decimal {
    let total: Decimal = routes.iter().map(|r| r.share).sum();
    if total.is_zero() {
        return Decimal::ZERO;
    }
    routes
        .iter()
        .map(|r| r.share * r.duration_ms(memory_mb))
        .sum::<Decimal>()
        / total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes() -> Vec<RouteTime> {
        vec![
            // A list: 0.3 ms of CPU, 0.9 ms waiting for PostgreSQL; 90% of requests.
            RouteTime {
                route: "GET /api/v1/entries".into(),
                share: dec!(0.9),
                cpu_ms: dec!(0.3),
                wait_ms: dec!(0.9),
            },
            // A login: 24 ms of argon2 on the CPU, 1 ms waiting; 10%.
            RouteTime {
                route: "POST /api/v1/auth/login".into(),
                share: dec!(0.1),
                cpu_ms: dec!(24),
                wait_ms: dec!(1),
            },
        ]
    }

    #[test]
    fn cpu_stretches_below_one_vcpu_and_not_above() {
        assert_eq!(stretch(dec!(1769)), dec!(1));
        assert_eq!(stretch(dec!(3008)), dec!(1));
        assert_eq!(stretch(dec!(128)), dec!(1769) / dec!(128)); // 13.8203125
        let r = routes();
        // At 512 MB: 1769/512 = 3.455078125.
        //   list:  0.9 + 0.3 x 3.455078125 = 1.9365234375 -> billed 2 ms
        //   login: 1 + 24 x 3.455078125 = 83.921875 -> billed 84 ms
        //   mix:   0.9 x 2 + 0.1 x 84 = 1.8 + 8.4 = 10.2 ms per request
        assert_eq!(billed_ms(&r, dec!(512)), dec!(10.2));
        // At 1,769 MB and above: list 1.2 -> 2 ms, login 25 -> 25 ms: 0.9 x 2 + 0.1 x 25 = 4.3.
        assert_eq!(billed_ms(&r, dec!(1769)), dec!(4.3));
        assert_eq!(billed_ms(&r, dec!(10240)), dec!(4.3));
        // Unrounded mean at 1,769 MB: 0.9 x 1.2 + 0.1 x 25 = 3.58.
        assert_eq!(mean_ms(&r, dec!(1769)), dec!(3.58));
    }
}
