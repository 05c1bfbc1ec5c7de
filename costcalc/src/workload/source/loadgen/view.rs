//! What a loadgen run looked like, for the HTML report's charts: latency per endpoint, the
//! timeline (requests, errors and dropped arrivals per second), the idle gaps, and latency
//! percentiles along the run. Read leniently: every part is optional, and a chart appears only
//! when its part is there.

use serde::Deserialize;

use crate::limits::{LIST_ENTRIES, TIMELINE_SECONDS};

#[derive(Debug, Clone, Default)]
pub struct View {
    /// v1.7: the scenario the run played; absent from older summaries.
    pub scenario: Option<Scenario>,
    pub compression: f64,
    /// The profile's real length, seconds.
    pub profile_seconds: Option<f64>,
    pub endpoints: Vec<Endpoint>,
    pub timeline: Vec<Second>,
    pub idle_gaps: Vec<IdleGap>,
    pub windows: Vec<Window>,
}

/// summary.json's `scenario` block: the name a report gives the API, and the text's hash.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Scenario {
    pub name: String,
    /// `builtin` (journal-api's journeys, compiled into loadgen) or `file`.
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub sha256: String,
}

/// The longest scenario name read (loadgen writes at most 64 characters).
pub const MAX_SCENARIO_NAME_CHARS: usize = 64;

impl Scenario {
    /// loadgen's built-in scenario, journal-api's journeys (or a file of that name: journal.toml).
    pub fn is_journal(&self) -> bool {
        self.name == "journal"
    }

    /// Name and bound: a printable name of at most [`MAX_SCENARIO_NAME_CHARS`], a hash of 64 hex
    /// digits when there is one. One line naming the field otherwise.
    pub fn check(&self) -> Result<(), String> {
        let n = self.name.chars().count();
        if n == 0 || n > MAX_SCENARIO_NAME_CHARS || self.name.chars().any(char::is_control) {
            return Err(format!(
                "scenario.name is not a name of 1 to {MAX_SCENARIO_NAME_CHARS} printable characters: re-run the load with loadgen, which writes it"
            ));
        }
        let hex = self.sha256.len() == 64 && self.sha256.bytes().all(|b| b.is_ascii_hexdigit());
        if !self.sha256.is_empty() && !hex {
            return Err("scenario.sha256 is not 64 hex digits: re-run the load with loadgen, which writes it".into());
        }
        Ok(())
    }

    /// "scenario fastapi-journal, sha256 0123456789ab" for a report's provenance.
    pub fn describe(&self) -> String {
        let short: String = self.sha256.chars().take(12).collect();
        if short.is_empty() {
            format!("scenario {}", self.name)
        } else {
            format!("scenario {}, sha256 {short}", self.name)
        }
    }
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
        // Read strictly with the summary (`from_json`), which puts it here.
        scenario: None,
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

/// The most entries of the summary's lists, refused while the file is parsed
/// (`strict_json::value_bounded`): a file within the size bound can still hold 60,000 endpoints,
/// hundreds of megabytes once parsed.
pub const LIST_BOUNDS: [(&str, usize); 4] = [
    ("endpoints", LIST_ENTRIES),
    ("timeline", TIMELINE_SECONDS),
    ("idle_gaps", LIST_ENTRIES),
    ("windows", TIMELINE_SECONDS),
];

/// The view's lists are of a size a chart can draw and its figures finite and in range (the
/// summary's own figures are checked where they are read).
pub fn check(v: &View) -> Result<(), String> {
    use crate::limits::entries;
    entries("endpoints", v.endpoints.len(), LIST_ENTRIES)?;
    entries("timeline", v.timeline.len(), TIMELINE_SECONDS)?;
    entries("idle_gaps", v.idle_gaps.len(), LIST_ENTRIES)?;
    entries("windows", v.windows.len(), TIMELINE_SECONDS)?;
    let count = 1e15;
    let ms = 1e9;
    let secs = 1e9;
    let f = |name: &str, x: f64, max: f64| {
        if x.is_finite() && (0.0..=max).contains(&x) {
            Ok(())
        } else {
            Err(format!("{name} = {x} is out of range (expected 0..{max})"))
        }
    };
    for e in &v.endpoints {
        f("endpoints[].count", e.count as f64, count)?;
        f("endpoints[].latency_ms.p50", e.latency_ms.p50, ms)?;
        f("endpoints[].latency_ms.p90", e.latency_ms.p90, ms)?;
        f("endpoints[].latency_ms.p99", e.latency_ms.p99, ms)?;
    }
    for t in &v.timeline {
        f("timeline[].second", t.second as f64, secs)?;
        f("timeline[].sent", t.sent as f64, count)?;
        f("timeline[].errors", t.errors as f64, count)?;
        f("timeline[].dropped", t.dropped as f64, count)?;
    }
    for g in &v.idle_gaps {
        f("idle_gaps[].start_s", g.start_s, secs)?;
        f("idle_gaps[].real_seconds", g.real_seconds, secs)?;
    }
    for w in &v.windows {
        f("windows[].start_s", w.start_s, secs)?;
        f("windows[].seconds", w.seconds, secs)?;
        f("windows[].p50_ms", w.p50_ms, ms)?;
        f("windows[].p99_ms", w.p99_ms, ms)?;
    }
    Ok(())
}
