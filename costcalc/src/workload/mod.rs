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
    /// The idle gaps of a loadgen run's profile at real time, for Aurora's auto-pause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_gaps: Option<IdleGaps>,
    /// When in the week the requests fall, when no run's idle gaps say so.
    pub traffic: Traffic,
    /// A loadgen run's requests over its profile, for Aurora Serverless v2's ACUs over time.
    #[serde(skip)]
    pub request_timeline: Option<RequestTimeline>,
    /// A measured shape's peak at the time scale that carries to another volume, and what it is:
    /// access logs' busiest minute. A quiet log's busiest second is arrival noise (3 requests in
    /// a second of a 0.01 req/s week) that does not grow with the volume; its busiest minute is
    /// the shape loadgen replays. `carry_peak_to` takes it in place of `peak_rps`.
    #[serde(skip)]
    pub carried_peak: Option<(Decimal, String)>,
}

/// Requests in each bucket of a profile (`bucket_s` real seconds each), in order: the profile is
/// `bucket_s` x the number of buckets long, and the month repeats it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestTimeline {
    pub bucket_s: Decimal,
    pub requests: Vec<Decimal>,
}

/// A profile's idle gaps (seconds, real time) and the profile's real length: the month repeats it.
#[derive(Debug, Clone, Serialize)]
pub struct IdleGaps {
    pub gaps_s: Vec<Decimal>,
    pub profile_seconds: Decimal,
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

    /// The same workload at another monthly volume (peak scales with it).
    pub fn scaled_to(&self, requests_per_month: Decimal) -> Workload {
        let mut w = self.clone();
        if let Some(p) = w.peak_rps
            && !self.requests_per_month.is_zero()
        {
            // Multiply first: the ratio alone overflows for a tiny measured volume (a metrics file
            // of 1e-28 invocations), while the product stays within the peak's own bound.
            w.peak_rps = Some(p * requests_per_month / self.requests_per_month);
        }
        w.requests_per_month = requests_per_month;
        w
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
        self.peak_rps = Some(p * requests_per_month / self.requests_per_month);
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
