//! The workload being priced: traffic, per-request duration and sizes, peak rate, sizing inputs.
//! From flags, or one of `source`: a TOML workload file, a loadgen `summary.json`, a Lambda
//! memory sweep, CloudWatch's metrics, the reference profile.

pub mod duration;
mod origin;
pub mod shape;
pub mod source;

pub use origin::{Origin, Origins};
pub(crate) use source::file::lenient;
pub use source::file::{from_file, from_toml, in_file};

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Serialize;

use crate::error::{Error, Input, Problem, Result, check_range};
use duration::Duration;
use shape::Traffic;

/// Every figure the deployments need, with where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Workload {
    /// Where the figures came from, in one phrase: "defaults", "flags", a file path, "loadgen FILE".
    pub source: String,
    pub requests_per_month: Decimal,
    /// Mean duration of one request inside the function (Lambda billed duration; each invocation
    /// is rounded up to 1 ms).
    pub duration_ms: Decimal,
    /// Mean body bytes per request and per response.
    pub request_bytes: Decimal,
    pub response_bytes: Decimal,
    /// Peak requests per second; when absent, average rate x `peak_to_average`.
    pub peak_rps: Option<Decimal>,
    pub peak_to_average: Decimal,
    /// Requests per second one vCPU sustains (sizes EC2 and Fargate).
    pub throughput_rps_per_vcpu: Decimal,
    /// Application log bytes per request (Lambda adds its platform lines on top).
    pub log_bytes_per_request: Decimal,
    /// Where each figure came from.
    pub origins: Origins,
    /// The run's time compression, when the workload was measured by a compressed loadgen run.
    pub compression: Option<Decimal>,
    /// What makes the figures doubtful, in words (an overloaded run priced anyway): every output
    /// shows these.
    pub warnings: Vec<String>,
    /// What `duration_ms` is: time in the function, a client's latency, or the server's own
    /// time per route (then the Lambda duration is modelled per route and memory size).
    pub duration: Duration,
    /// Database CPU per request, ms of one vCPU, when the run measured the database.
    pub db_cpu_ms_per_request: Option<Decimal>,
    /// Lambda cold starts a month (the run's idle gaps scaled to the month), billed at the INIT
    /// duration a tune measured.
    pub cold_starts_per_month: Option<Decimal>,
    /// The idle gaps of a loadgen run's profile or of the logged window at real time, for
    /// Aurora's auto-pause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_gaps: Option<IdleGaps>,
    /// When in the week the requests fall, when no run's idle gaps say so.
    pub traffic: Traffic,
    /// A loadgen run's requests over its profile, or the logs' per minute, for Aurora Serverless
    /// v2's ACUs over time.
    #[serde(skip)]
    pub request_timeline: Option<RequestTimeline>,
    /// A measured shape's peak at the time scale that carries to another volume, and what it is:
    /// access logs' busiest minute. A quiet log's busiest second is arrival noise (3 requests in
    /// a second of a 0.01 req/s week) that does not grow with the volume; its busiest minute is
    /// the shape loadgen replays. `carry_peak_to` and `scaled_to` take it in place of `peak_rps`.
    #[serde(skip)]
    pub carried_peak: Option<(Decimal, String)>,
}

/// Requests in each bucket of a profile (`bucket_s` real seconds each), in order: the profile is
/// `bucket_s` x the number of buckets long, and the month repeats it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestTimeline {
    pub bucket_s: Decimal,
    pub requests: Vec<Decimal>,
    pub source: Measured,
}

/// A profile's idle gaps (seconds, real time) and the profile's real length: the month repeats it.
#[derive(Debug, Clone, Serialize)]
pub struct IdleGaps {
    pub gaps_s: Vec<Decimal>,
    pub profile_seconds: Decimal,
    #[serde(skip)]
    pub source: Measured,
}

/// What measured a timeline or idle gaps: the notes that rest on them name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measured {
    LoadgenRun,
    AccessLogs,
}

impl Measured {
    /// The timeline, as Aurora's capacity note names it.
    pub fn timeline(self) -> &'static str {
        match self {
            Measured::LoadgenRun => "the loadgen run's timeline",
            Measured::AccessLogs => "the access logs' requests a minute",
        }
    }

    /// "the loadgen run's 3 idle gaps over its 3,600 s profile".
    pub fn gaps(self, count: usize, seconds: Decimal) -> String {
        let (whose, span, what) = match self {
            Measured::LoadgenRun => ("the loadgen run's", "its", "profile"),
            Measured::AccessLogs => ("the access logs'", "their", "logged window"),
        };
        format!(
            "{whose} {count} idle gaps over {span} {} s {what}",
            crate::money::quantity(seconds, 0)
        )
    }
}

impl Default for Workload {
    /// The side project: 10,000 requests a month. Every default is stated in the report.
    fn default() -> Self {
        Workload {
            source: "defaults (side project)".into(),
            requests_per_month: dec!(10000),
            duration_ms: dec!(100),
            request_bytes: dec!(256),
            response_bytes: dec!(2048),
            peak_rps: None,
            peak_to_average: shape::weekdays_peak_to_average(),
            throughput_rps_per_vcpu: dec!(100),
            log_bytes_per_request: dec!(200),
            origins: Origins::default(),
            compression: None,
            warnings: Vec::new(),
            duration: Duration::InFunction,
            db_cpu_ms_per_request: None,
            cold_starts_per_month: None,
            idle_gaps: None,
            traffic: Traffic::Even,
            request_timeline: None,
            carried_peak: None,
        }
    }
}

impl Workload {
    /// Average requests per second over a month of `hours`.
    pub fn average_rps(&self, hours: Decimal) -> Decimal {
        self.requests_per_month / (hours * dec!(3600))
    }

    pub fn peak(&self, hours: Decimal) -> Decimal {
        self.peak_rps
            .unwrap_or_else(|| self.average_rps(hours) * self.peak_to_average)
    }

    /// Billed milliseconds per invocation of a function of `memory_mb`: the duration rounded up
    /// to 1 ms, or the server-time model's mix of routes.
    pub fn billed_ms_per_request(&self, memory_mb: Decimal) -> Decimal {
        match &self.duration {
            Duration::Server { routes } => duration::billed_ms(routes, memory_mb),
            Duration::Tuned { sizes } => {
                source::tune::at(sizes, memory_mb).map_or(self.duration_ms.ceil(), |s| s.billed_ms)
            }
            Duration::InFunction | Duration::ClientLatency => self.duration_ms.ceil(),
        }
    }

    /// Billed seconds of cold starts (INIT) a month at `memory_mb`, when a tune measured them.
    pub fn cold_start_seconds(&self, memory_mb: Decimal) -> Decimal {
        match (&self.duration, self.cold_starts_per_month) {
            (Duration::Tuned { sizes }, Some(n)) => source::tune::at(sizes, memory_mb)
                .map_or(Decimal::ZERO, |s| n * s.init_p50_ms / dec!(1000)),
            _ => Decimal::ZERO,
        }
    }

    /// The same workload at another monthly volume, the peak scaled with it (break-even, the
    /// sensitivity rows). A measured shape's carried peak (the logs' busiest minute) replaces the
    /// peak at every volume, the measured one included: one straight line in the volume, as
    /// break-even's segments need, no volume priced from a busiest second's noise, and each
    /// volume priced as `--requests-per-month` prices it (`carry_peak_to`). The origin says so.
    /// `hours`: the month the scaled peak is kept at or above the average of.
    pub fn scaled_to(&self, requests_per_month: Decimal, hours: Decimal) -> Workload {
        let (peak, origin) = self.scaling_source();
        let mut w = self.clone();
        w.carried_peak = None;
        w.origins.peak = origin;
        if let Some(p) = peak
            && !self.requests_per_month.is_zero()
        {
            w.peak_rps = Some(self.peak_scaled(p, requests_per_month, hours));
        }
        w.requests_per_month = requests_per_month;
        w
    }

    /// The peak `scaled_to` scales at the measured volume, and its origin.
    pub fn scaling_peak(&self, hours: Decimal) -> (Option<Decimal>, Origin) {
        let (peak, origin) = self.scaling_source();
        let at_this_volume = match peak {
            Some(p) if !self.requests_per_month.is_zero() => {
                Some(self.peak_scaled(p, self.requests_per_month, hours))
            }
            p => p,
        };
        (at_this_volume, origin)
    }

    /// The peak at this volume that other volumes scale, and its origin: a measured shape's
    /// carried peak (the logs' busiest minute) in place of its measured one, else the peak.
    fn scaling_source(&self) -> (Option<Decimal>, Origin) {
        match (&self.carried_peak, self.peak_rps, &self.origins.peak) {
            (Some((p, what)), Some(_), Origin::Measured { from, .. }) => (
                Some(*p),
                Origin::measured(from, &format!("{what}; scaled with the volume")),
            ),
            _ => (self.peak_rps, self.origins.peak.clone()),
        }
    }

    /// `peak` (at this volume) at `requests_per_month`, never below that volume's average: a
    /// peak at the average (a flat log) comes out of exact decimal division a hair below it.
    fn peak_scaled(&self, peak: Decimal, requests_per_month: Decimal, hours: Decimal) -> Decimal {
        // Multiply first: the ratio alone overflows for a tiny measured volume (a metrics file
        // of 1e-28 invocations), while the product stays within the peak's own bound.
        let scaled = peak * requests_per_month / self.requests_per_month;
        scaled.max(requests_per_month / (hours * dec!(3600)))
    }

    /// `requests_per_month` given for a measured shape (a run, logs, CloudWatch): the measured
    /// peak keeps its ratio to the average at the new volume, and its origin says so. A peak that
    /// was given or assumed is left alone.
    pub fn carry_peak_to(&mut self, requests_per_month: Decimal, hours: Decimal) {
        let (Some(p), Origin::Measured { from, field }) = (self.peak_rps, &self.origins.peak)
        else {
            return;
        };
        if self.requests_per_month <= Decimal::ZERO {
            return;
        }
        let (p, field) = match self.carried_peak.take() {
            Some((p, what)) => (p, what),
            None => (p, field.clone()),
        };
        let ratio = p / self.average_rps(hours);
        self.origins.peak = Origin::Measured {
            from: from.clone(),
            field: format!(
                "{field}; the shape's peak-to-average ratio ({} x) carried to the given volume",
                crate::money::quantity(ratio, 2)
            ),
        };
        self.peak_rps = Some(self.peak_scaled(p, requests_per_month, hours));
    }

    /// Every figure within `limits`, and no contradiction between them (a peak below the
    /// average, a zero duration). `hours` is the month the peak is compared over.
    pub fn validate(&self, hours: Decimal) -> Result<()> {
        use crate::limits as l;
        let zero = Decimal::ZERO;
        check_range(
            Input::RequestsPerMonth,
            self.requests_per_month,
            zero,
            l::REQUESTS_PER_MONTH,
        )?;
        check_range(Input::DurationMs, self.duration_ms, zero, l::DURATION_MS)?;
        if self.duration_ms.is_zero() {
            return Err(Error::invalid(Input::DurationMs, 0, Problem::ZeroDuration));
        }
        check_range(Input::RequestBytes, self.request_bytes, zero, l::BODY_BYTES)?;
        check_range(
            Input::ResponseBytes,
            self.response_bytes,
            zero,
            l::BODY_BYTES,
        )?;
        check_range(
            Input::LogBytesPerRequest,
            self.log_bytes_per_request,
            zero,
            l::LOG_BYTES,
        )?;
        check_range(
            Input::PeakToAverage,
            self.peak_to_average,
            Decimal::ONE,
            l::PEAK_TO_AVERAGE,
        )?;
        check_range(
            Input::ThroughputPerVcpu,
            self.throughput_rps_per_vcpu,
            l::THROUGHPUT_MIN,
            l::THROUGHPUT_MAX,
        )?;
        if let Some(p) = self.peak_rps {
            check_range(Input::PeakRps, p, zero, l::PEAK_RPS)?;
            let average = self.average_rps(hours);
            if p < average {
                return Err(Error::invalid(
                    Input::PeakRps,
                    p.normalize(),
                    Problem::PeakBelowAverage { average },
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Logs at 1M requests a month: the busiest second 40 req/s, the busiest minute 2 req/s.
    fn logs() -> Workload {
        let mut w = Workload {
            requests_per_month: dec!(1000000),
            peak_rps: Some(dec!(40)),
            carried_peak: Some((dec!(2), "the busiest minute".into())),
            ..Workload::default()
        };
        w.origins.peak = Origin::measured("logs: a.log", "the busiest second");
        w
    }

    #[test]
    fn another_volume_scales_the_busiest_minute_not_the_busiest_second() {
        // 2 req/s x 3M / 1M = 6 req/s (the busiest second would have made it 120); at the
        // logged volume itself 2, so that the peak is one line through every volume.
        let w = logs().scaled_to(dec!(3000000), dec!(730));
        assert_eq!(w.peak_rps, Some(dec!(6)));
        assert!(w.carried_peak.is_none());
        assert_eq!(
            w.origins.peak.describe(),
            "measured (logs: a.log: the busiest minute; scaled with the volume)"
        );
        assert_eq!(logs().scaling_peak(dec!(730)).0, Some(dec!(2)));
        // The same as --requests-per-month carries it.
        let mut given = logs();
        given.carry_peak_to(dec!(3000000), dec!(730));
        assert_eq!(given.peak_rps, w.peak_rps);
        // A peak that is not measured (given, or of a workload file) scales as it is.
        let mut flag = logs();
        flag.origins.peak = Origin::Flag;
        assert_eq!(
            flag.scaled_to(dec!(3000000), dec!(730)).peak_rps,
            Some(dec!(120))
        );
        // Without a carried peak (a loadgen run, CloudWatch) the measured peak scales as before.
        let run = Workload {
            carried_peak: None,
            ..logs()
        };
        assert_eq!(
            run.scaled_to(dec!(500000), dec!(730)).peak_rps,
            Some(dec!(20))
        );
    }
}
