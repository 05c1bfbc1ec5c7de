//! Where each figure of a workload came from: shown beside it in every output.

use crate::error::Input;
use std::borrow::Cow;

use serde::Serialize;

/// Where one figure came from: shown beside it in every output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Origin {
    /// The engine's default, with the reason it is what it is.
    Default { why: Cow<'static, str> },
    /// A default too, but measured: the reference API's committed profile (which file, the day
    /// it was measured, which field). Shown as a default; only a measurement of yours replaces it.
    #[serde(rename = "default")]
    Profile {
        file: String,
        date: String,
        field: String,
    },
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
        matches!(self, Origin::Default { .. } | Origin::Profile { .. })
    }
    /// A short phrase for tables: "default", "flag", "file w.toml", "measured (summary.json: totals.count)".
    pub fn describe(&self) -> String {
        match self {
            Origin::Default { why } => format!("default ({why})"),
            Origin::Profile { file, date, field } => {
                format!("default (journal-api's measured profile, {date}: {file}, {field})")
            }
            Origin::Flag => "flag".into(),
            Origin::File { path } => format!("workload file {path}"),
            Origin::Measured { from, field } => format!("measured ({from}: {field})"),
        }
    }
}

impl Origins {
    /// Where a measured or file-given figure came from and which field, for an error about it;
    /// `None` for a flag or a default.
    pub fn source(&self, input: Input) -> Option<(String, String)> {
        let o = match input {
            Input::RequestsPerMonth => &self.requests_per_month,
            Input::DurationMs => &self.duration_ms,
            Input::RequestBytes => &self.request_bytes,
            Input::ResponseBytes => &self.response_bytes,
            Input::PeakRps | Input::PeakToAverage => &self.peak,
            Input::ThroughputPerVcpu => &self.throughput_rps_per_vcpu,
            Input::LogBytesPerRequest => &self.log_bytes_per_request,
            _ => return None,
        };
        match o {
            Origin::Measured { from, field } => Some((from.clone(), field.clone())),
            Origin::File { path } => Some((path.clone(), input.label().to_string())),
            _ => None,
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
    pub db_cpu_ms_per_request: Origin,
}

impl Default for Origins {
    fn default() -> Self {
        let d = |why: &'static str| Origin::Default { why: why.into() };
        Origins {
            requests_per_month: d("a side project"),
            duration_ms: d("a database-backed handler; measure it with loadgen"),
            request_bytes: d("a small JSON body"),
            response_bytes: d("a short JSON list"),
            peak: d(
                "the weekdays traffic shape at the month's volume: Monday to Friday 09:00-18:00, 45 of the week's 168 hours, run at 168 / 45 x the average",
            ),
            throughput_rps_per_vcpu: d("a conservative guess; measure it with loadgen"),
            log_bytes_per_request: d("one JSON access-log line"),
            db_cpu_ms_per_request: d(
                "not measured: the database class is chosen by its connections alone",
            ),
        }
    }
}
