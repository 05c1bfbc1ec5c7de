//! The TOML workload file (format in costcalc/README.md, "Workload file").

use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::error::{Error, Input, Result};
use crate::workload::{Origin, Workload};

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
    let text = crate::input_file::read(path, crate::input_file::Kind::Workload)?;
    from_toml(&text, &path.display().to_string())
}

pub fn from_toml(text: &str, origin: &str) -> Result<Workload> {
    let f: WorkloadFile = toml::from_str(text).map_err(|e| {
        let e = crate::input_file::toml_error(text, &e);
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
    use rust_decimal_macros::dec;

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
