//! The workload being priced: traffic, per-request duration and sizes, peak rate, sizing inputs.
//! From flags, a TOML workload file, or a loadgen `summary.json` (see `loadgen_summary`).

use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Every figure the deployments need, with where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Workload {
    /// Where the figures came from: "defaults", "flags", a file path, "loadgen FILE".
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

    /// The same workload at another monthly volume (peak scales with it).
    pub fn scaled_to(&self, requests_per_month: Decimal) -> Workload {
        let mut w = self.clone();
        if let Some(p) = w.peak_rps
            && !self.requests_per_month.is_zero()
        {
            w.peak_rps = Some(p * requests_per_month / self.requests_per_month);
        }
        w.requests_per_month = requests_per_month;
        w
    }

    pub fn validate(&self, origin: &str) -> Result<()> {
        let fields = [
            ("requests_per_month", self.requests_per_month),
            ("duration_ms", self.duration_ms),
            ("request_bytes", self.request_bytes),
            ("response_bytes", self.response_bytes),
            ("peak_to_average", self.peak_to_average),
            ("log_bytes_per_request", self.log_bytes_per_request),
        ];
        for (name, v) in fields {
            if v.is_sign_negative() && !v.is_zero() {
                return Err(Error::file(
                    origin,
                    format!("`{name}` must be >= 0, got {v}"),
                ));
            }
        }
        if self.throughput_rps_per_vcpu <= Decimal::ZERO {
            return Err(Error::file(origin, "`throughput_rps_per_vcpu` must be > 0"));
        }
        if let Some(p) = self.peak_rps
            && p.is_sign_negative()
            && !p.is_zero()
        {
            return Err(Error::file(
                origin,
                format!("`peak_rps` must be >= 0, got {p}"),
            ));
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
    let d = Workload::default();
    let w = Workload {
        source: format!("workload file {origin}"),
        requests_per_month: f.requests_per_month.unwrap_or(d.requests_per_month),
        duration_ms: f.duration_ms.unwrap_or(d.duration_ms),
        request_bytes: f.request_bytes.unwrap_or(d.request_bytes),
        response_bytes: f.response_bytes.unwrap_or(d.response_bytes),
        peak_rps: f.peak_rps,
        peak_to_average: f.peak_to_average.unwrap_or(d.peak_to_average),
        throughput_rps_per_vcpu: f
            .throughput_rps_per_vcpu
            .unwrap_or(d.throughput_rps_per_vcpu),
        log_bytes_per_request: f.log_bytes_per_request.unwrap_or(d.log_bytes_per_request),
    };
    w.validate(origin)?;
    Ok(w)
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
