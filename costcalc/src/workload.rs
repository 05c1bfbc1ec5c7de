//! The workload being priced: traffic, per-request duration and sizes, peak rate, sizing inputs.
//! From flags, a TOML workload file, or a loadgen `summary.json` (see `loadgen_summary`).

use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Input, Problem, Result, check_range};
use crate::lambda_duration::{self, Duration};

/// Where one figure came from: shown beside it in every output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Origin {
    /// The engine's default, with the reason it is what it is.
    Default { why: &'static str },
    /// Given on the command line.
    Flag,
    /// From a workload file.
    File { path: String },
    /// Measured: which file or service, which field.
    Measured { from: String, field: String },
}

impl Origin {
    pub fn measured(from: &str, field: &str) -> Self {
        Origin::Measured {
            from: from.to_string(),
            field: field.to_string(),
        }
    }
    pub fn is_default(&self) -> bool {
        matches!(self, Origin::Default { .. })
    }
    /// A short phrase for tables: "default", "flag", "file w.toml", "measured (summary.json: totals.count)".
    pub fn describe(&self) -> String {
        match self {
            Origin::Default { why } => format!("default ({why})"),
            Origin::Flag => "flag".into(),
            Origin::File { path } => format!("workload file {path}"),
            Origin::Measured { from, field } => format!("measured ({from}: {field})"),
        }
    }
}

/// The origin of each figure of a `Workload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origins {
    pub requests_per_month: Origin,
    pub duration_ms: Origin,
    pub request_bytes: Origin,
    pub response_bytes: Origin,
    /// Of the peak: the given rate, or the ratio to the average.
    pub peak: Origin,
    pub throughput_rps_per_vcpu: Origin,
    pub log_bytes_per_request: Origin,
}

impl Default for Origins {
    fn default() -> Self {
        let d = |why| Origin::Default { why };
        Origins {
            requests_per_month: d("a side project"),
            duration_ms: d("a database-backed handler; measure it with loadgen"),
            request_bytes: d("a small JSON body"),
            response_bytes: d("a short JSON list"),
            peak: d("10 x the average, a bursty small API"),
            throughput_rps_per_vcpu: d("a conservative guess; measure it with loadgen"),
            log_bytes_per_request: d("one JSON access-log line"),
        }
    }
}

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
            peak_to_average: dec!(10),
            throughput_rps_per_vcpu: dec!(100),
            log_bytes_per_request: dec!(200),
            origins: Origins::default(),
            compression: None,
            warnings: Vec::new(),
            duration: Duration::InFunction,
            db_cpu_ms_per_request: None,
            cold_starts_per_month: None,
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
            Duration::Server { routes } => lambda_duration::billed_ms(routes, memory_mb),
            Duration::Tuned { sizes } => crate::lambda_tune::at(sizes, memory_mb)
                .map_or(self.duration_ms.ceil(), |s| s.billed_ms),
            Duration::InFunction | Duration::ClientLatency => self.duration_ms.ceil(),
        }
    }

    /// Billed seconds of cold starts (INIT) a month at `memory_mb`, when a tune measured them.
    pub fn cold_start_seconds(&self, memory_mb: Decimal) -> Decimal {
        match (&self.duration, self.cold_starts_per_month) {
            (Duration::Tuned { sizes }, Some(n)) => crate::lambda_tune::at(sizes, memory_mb)
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
            w.peak_rps = Some(p * (requests_per_month / self.requests_per_month));
        }
        w.requests_per_month = requests_per_month;
        w
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

/// The TOML workload file: every key optional; absent keys keep the side-project defaults.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkloadFile {
    #[serde(default, deserialize_with = "lenient::opt")]
    requests_per_month: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt")]
    duration_ms: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt")]
    request_bytes: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt")]
    response_bytes: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt")]
    peak_rps: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt")]
    peak_to_average: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt")]
    throughput_rps_per_vcpu: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt")]
    log_bytes_per_request: Option<Decimal>,
}

/// Read a workload TOML file (format in README.md).
pub fn from_file(path: &Path) -> Result<Workload> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    from_toml(&text, &path.display().to_string())
}

pub fn from_toml(text: &str, origin: &str) -> Result<Workload> {
    let f: WorkloadFile = toml::from_str(text).map_err(|e| {
        Error::file(
            origin,
            format!("not a valid workload file (see costcalc/README.md, \"Workload file\"): {e}"),
        )
    })?;
    let mut w = Workload {
        source: format!("workload file {origin}"),
        ..Workload::default()
    };
    let from_file = || Origin::File {
        path: origin.to_string(),
    };
    let o = &mut w.origins;
    let set = |slot: &mut Decimal, o: &mut Origin, v: Option<Decimal>| {
        if let Some(v) = v {
            *slot = v;
            *o = from_file();
        }
    };
    set(
        &mut w.requests_per_month,
        &mut o.requests_per_month,
        f.requests_per_month,
    );
    set(&mut w.duration_ms, &mut o.duration_ms, f.duration_ms);
    set(&mut w.request_bytes, &mut o.request_bytes, f.request_bytes);
    set(
        &mut w.response_bytes,
        &mut o.response_bytes,
        f.response_bytes,
    );
    set(&mut w.peak_to_average, &mut o.peak, f.peak_to_average);
    set(
        &mut w.throughput_rps_per_vcpu,
        &mut o.throughput_rps_per_vcpu,
        f.throughput_rps_per_vcpu,
    );
    set(
        &mut w.log_bytes_per_request,
        &mut o.log_bytes_per_request,
        f.log_bytes_per_request,
    );
    if f.peak_rps.is_some() {
        w.peak_rps = f.peak_rps;
        w.origins.peak = from_file();
    }
    // The month is not known here: the peak is checked against the average again, with the
    // report's month, when the scenario is assembled.
    w.validate(crate::pricing::HOURS_PER_MONTH)
        .map_err(|e| in_file(e, origin))?;
    Ok(w)
}

/// An engine error about a figure read from a file, named by the file's key.
pub fn in_file(e: Error, origin: &str) -> Error {
    match (&e, e.problem()) {
        (Error::Invalid { input, .. }, Some(message)) => {
            Error::file(origin, format!("`{}`: {message}", file_key(*input)))
        }
        _ => e,
    }
}

/// The workload file's key for an input.
fn file_key(input: Input) -> &'static str {
    match input {
        Input::RequestsPerMonth => "requests_per_month",
        Input::DurationMs => "duration_ms",
        Input::RequestBytes => "request_bytes",
        Input::ResponseBytes => "response_bytes",
        Input::PeakRps => "peak_rps",
        Input::PeakToAverage => "peak_to_average",
        Input::ThroughputPerVcpu => "throughput_rps_per_vcpu",
        Input::LogBytesPerRequest => "log_bytes_per_request",
        other => other.label(),
    }
}

/// Inputs (not prices) may be written as numbers or strings; a float is read through its
/// shortest decimal form ("9.8" stays 9.8).
pub(crate) mod lenient {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer};
    use std::str::FromStr;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        I(i64),
        U(u64),
        F(f64),
        S(String),
    }

    fn to_dec(n: Num) -> Result<Decimal, String> {
        match n {
            Num::I(i) => Ok(Decimal::from(i)),
            Num::U(u) => Ok(Decimal::from(u)),
            Num::F(f) if f.is_finite() => Decimal::from_str(&f.to_string())
                .or_else(|_| Decimal::from_scientific(&format!("{f:e}")))
                .map_err(|e| format!("{f} is out of range: {e}")),
            Num::F(f) => Err(format!("{f} is not a finite number")),
            Num::S(s) => Decimal::from_str(s.trim()).map_err(|_| format!("{s:?} is not a number")),
        }
    }

    pub fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        to_dec(Num::deserialize(d)?).map_err(serde::de::Error::custom)
    }

    /// A number, or 0 when the field is null.
    pub fn de_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        Option::<Num>::deserialize(d)?.map_or(Ok(Decimal::ZERO), |n| {
            to_dec(n).map_err(serde::de::Error::custom)
        })
    }

    pub fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        de(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_overrides_defaults_and_rejects_unknown_keys() {
        let w = from_toml(
            "requests_per_month = 2500000\nduration_ms = 12.5\nresponse_bytes = \"4096\"\n",
            "w.toml",
        )
        .unwrap();
        assert_eq!(w.requests_per_month, dec!(2500000));
        assert_eq!(w.duration_ms, dec!(12.5));
        assert_eq!(w.response_bytes, dec!(4096));
        assert_eq!(w.request_bytes, dec!(256));
        let e = from_toml("requests = 5\n", "w.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("w.toml") && e.contains("requests"), "{e}");
        let e = from_toml("requests_per_month = -5\n", "w.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("requests_per_month") && e.contains(">= 0"),
            "{e}"
        );
        let e = from_toml("duration_ms = \"fast\"\n", "w.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a number"), "{e}");
    }
}
