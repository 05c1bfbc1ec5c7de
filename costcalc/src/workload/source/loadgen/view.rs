//! What a loadgen run looked like, for the HTML report's charts: latency per endpoint, the
//! timeline (requests, errors and dropped arrivals per second), the idle gaps, and latency
//! percentiles along the run. Read leniently: every part is optional, and a chart appears only
//! when its part is there.

use serde::Deserialize;

#[derive(Debug, Clone, Default)]
pub struct View {
    pub compression: f64,
    /// The profile's real length, seconds.
    pub profile_seconds: Option<f64>,
    pub endpoints: Vec<Endpoint>,
    pub timeline: Vec<Second>,
    pub idle_gaps: Vec<IdleGap>,
    pub windows: Vec<Window>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Endpoint {
    pub method: String,
    pub route: String,
    #[serde(default)]
    pub count: u64,
    pub latency_ms: Latency,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Latency {
    #[serde(default)]
    pub p50: f64,
    #[serde(default)]
    pub p90: f64,
    #[serde(default)]
    pub p99: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Second {
    pub second: u64,
    #[serde(default)]
    pub sent: u64,
    #[serde(default)]
    pub errors: u64,
    #[serde(default)]
    pub dropped: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IdleGap {
    pub start_s: f64,
    pub real_seconds: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Window {
    pub start_s: f64,
    pub seconds: f64,
    #[serde(default)]
    pub p50_ms: f64,
    #[serde(default)]
    pub p99_ms: f64,
}

/// The view of a summary's JSON; an unreadable part is left empty, the others kept.
pub fn read(raw: &serde_json::Value) -> View {
    fn part<T: serde::de::DeserializeOwned + Default>(raw: &serde_json::Value, key: &str) -> T {
        raw.get(key)
            .cloned()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    }
    View {
        compression: raw
            .get("compression")
            .and_then(|c| c.as_f64())
            .unwrap_or(1.0),
        profile_seconds: raw
            .get("profile_seconds")
            .and_then(|v| v.as_f64())
            .or_else(|| raw.pointer("/profile/duration_s").and_then(|v| v.as_f64())),
        endpoints: part(raw, "endpoints"),
        timeline: part(raw, "timeline"),
        idle_gaps: part(raw, "idle_gaps"),
        windows: part(raw, "windows"),
    }
}
