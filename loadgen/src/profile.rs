//! Traffic profiles: a rate curve (requests per second of real time) made of linear segments.
//!
//! Pure data and arithmetic, no I/O: the built-in shapes, the TOML profile-file format and
//! `--rate-scale` all end up as a [`Profile`], which [`crate::timeline`] turns into arrivals.

use serde::Deserialize;
use std::fmt;

/// Seconds in a day, the period of the diurnal and side-project shapes.
pub const DAY_S: f64 = 86_400.0;

/// The names `--profile` accepts besides a file path.
pub const BUILTIN_NAMES: [&str; 5] = ["steady", "ramp", "spike", "diurnal", "side-project"];

/// One stretch of the curve: the rate goes linearly from `from_per_s` to `to_per_s`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub duration_s: f64,
    pub from_per_s: f64,
    pub to_per_s: f64,
}

impl Segment {
    pub fn constant(duration_s: f64, rate: f64) -> Segment {
        Segment {
            duration_s,
            from_per_s: rate,
            to_per_s: rate,
        }
    }

    /// Expected arrivals in the segment: the integral of its rate.
    pub fn expected_arrivals(&self) -> f64 {
        (self.from_per_s + self.to_per_s) / 2.0 * self.duration_s
    }
}

/// Where a profile came from, recorded in summary.json.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Builtin,
    File(String),
}

/// A named rate curve of real (uncompressed) time.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    pub name: String,
    pub source: Source,
    pub segments: Vec<Segment>,
}

/// What was wrong with a profile name, file or parameter.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ProfileError {
    #[error(
        "unknown profile '{0}': use one of steady, ramp, spike, diurnal, side-project, or the path of a .toml profile file"
    )]
    Unknown(String),
    #[error("profile file {path}: {message}")]
    File { path: String, message: String },
    #[error("invalid duration '{0}': use a number with a unit, like 90s, 10m, 1h30m or 1d")]
    Duration(String),
    #[error("profile '{0}' needs --duration (a built-in shape has no length of its own)")]
    NeedsDuration(String),
    #[error("--rate-scale must be a finite number > 0, got {0}")]
    RateScale(f64),
}

impl Profile {
    /// Length of the schedule in real seconds.
    pub fn duration_s(&self) -> f64 {
        self.segments.iter().map(|s| s.duration_s).sum()
    }

    /// Expected arrivals over the whole profile.
    pub fn expected_arrivals(&self) -> f64 {
        self.segments.iter().map(Segment::expected_arrivals).sum()
    }

    pub fn mean_rate(&self) -> f64 {
        let d = self.duration_s();
        if d > 0.0 {
            self.expected_arrivals() / d
        } else {
            0.0
        }
    }

    pub fn peak_rate(&self) -> f64 {
        self.segments
            .iter()
            .map(|s| s.from_per_s.max(s.to_per_s))
            .fold(0.0, f64::max)
    }

    /// The rate at real time `t_s` (0 outside the profile).
    pub fn rate_at(&self, t_s: f64) -> f64 {
        let mut start = 0.0;
        for s in &self.segments {
            if t_s >= start && t_s < start + s.duration_s {
                let f = (t_s - start) / s.duration_s;
                return s.from_per_s + (s.to_per_s - s.from_per_s) * f;
            }
            start += s.duration_s;
        }
        0.0
    }

    /// Every rate multiplied by `x` (`--rate-scale`).
    pub fn scaled(mut self, x: f64) -> Result<Profile, ProfileError> {
        if !(x.is_finite() && x > 0.0) {
            return Err(ProfileError::RateScale(x));
        }
        for s in &mut self.segments {
            s.from_per_s *= x;
            s.to_per_s *= x;
        }
        Ok(self)
    }

    /// The curve played for exactly `duration_s`: segments repeat from the start when the
    /// profile is shorter, and the last one is cut when it is longer.
    pub fn fitted(mut self, duration_s: f64) -> Profile {
        let base = std::mem::take(&mut self.segments);
        let mut left = duration_s;
        'outer: while left > 1e-9 {
            for s in &base {
                if left <= 1e-9 {
                    break 'outer;
                }
                let mut s = *s;
                if s.duration_s > left {
                    // Cut a ramp at the rate it has reached, so the shape is kept.
                    let f = left / s.duration_s;
                    s.to_per_s = s.from_per_s + (s.to_per_s - s.from_per_s) * f;
                    s.duration_s = left;
                }
                left -= s.duration_s;
                self.segments.push(s);
            }
        }
        self
    }
}

/// The built-in shapes, for a schedule of `duration_s` real seconds. Rates are the shapes'
/// nominal ones (see README); `--rate-scale` multiplies them. `seed` only matters for
/// `side-project`, whose bursts fall at random times of day.
pub fn builtin(name: &str, duration_s: f64, seed: u64) -> Result<Profile, ProfileError> {
    let segments = match name {
        "steady" => vec![Segment::constant(duration_s, 10.0)],
        "ramp" => vec![Segment {
            duration_s,
            from_per_s: 1.0,
            to_per_s: 20.0,
        }],
        "spike" => spike(duration_s),
        "diurnal" => diurnal(duration_s),
        "side-project" => side_project(duration_s, seed),
        other => return Err(ProfileError::Unknown(other.to_string())),
    };
    Ok(Profile {
        name: name.to_string(),
        source: Source::Builtin,
        segments,
    })
}

/// Base 5 req/s with three bursts to 50 req/s at 1/4, 1/2 and 3/4 of the schedule, each lasting
/// 5% of it but at most a minute (bursts are short by nature).
fn spike(d: f64) -> Vec<Segment> {
    let (base, peak) = (5.0, 50.0);
    let burst = (d * 0.05).min(60.0);
    let mut out = Vec::new();
    let mut t = 0.0;
    for k in 1..=3 {
        let at = d * k as f64 / 4.0 - burst / 2.0;
        out.push(Segment::constant(at - t, base));
        out.push(Segment::constant(burst, peak));
        t = at + burst;
    }
    out.push(Segment::constant(d - t, base));
    out.retain(|s| s.duration_s > 0.0);
    out
}

/// Night trough of 2 req/s at 02:00, daytime peak of 20 req/s at 14:00 (a raised cosine), as
/// hourly linear segments starting at midnight; a schedule longer than a day repeats it.
fn diurnal(d: f64) -> Vec<Segment> {
    let (trough, peak) = (2.0, 20.0);
    let at = |h: f64| {
        let shape = (1.0 - ((h - 2.0) / 24.0 * std::f64::consts::TAU).cos()) / 2.0;
        trough + (peak - trough) * shape
    };
    let day: Vec<Segment> = (0..24)
        .map(|h| Segment {
            duration_s: 3600.0,
            from_per_s: at(h as f64),
            to_per_s: at(h as f64 + 1.0),
        })
        .collect();
    Profile {
        name: String::new(),
        source: Source::Builtin,
        segments: day,
    }
    .fitted(d)
    .segments
}

/// A hobby API: about 200 requests a day (×0.05 to ×5 with --rate-scale spans 10 to 1,000),
/// silent most of the time. Each day has 12 visits of 2 minutes at 1/8 req/s (15 requests
/// each) at seeded random times, two thirds of them between 08:00 and 23:00.
fn side_project(d: f64, seed: u64) -> Vec<Segment> {
    use rand::{Rng, SeedableRng};
    let (visits, visit_s, rate) = (12usize, 120.0, 0.125);
    // A stream of its own, so the same seed gives the same days whatever else is drawn.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_51de);
    let mut out = Vec::new();
    let mut t = 0.0;
    let mut day_start = 0.0;
    while day_start < d {
        let mut starts: Vec<f64> = (0..visits)
            .map(|_| {
                if rng.random_bool(2.0 / 3.0) {
                    rng.random_range(8.0 * 3600.0..23.0 * 3600.0 - visit_s)
                } else {
                    rng.random_range(0.0..DAY_S - visit_s)
                }
            })
            .collect();
        starts.sort_by(f64::total_cmp);
        for s in starts {
            let s = day_start + s;
            // Overlapping visits merge into one longer one.
            let begin = s.max(t);
            let end = s + visit_s;
            if end <= t {
                continue;
            }
            if begin > t {
                out.push(Segment::constant(begin - t, 0.0));
            }
            out.push(Segment::constant(end - begin, rate));
            t = end;
        }
        day_start += DAY_S;
    }
    if t < day_start {
        out.push(Segment::constant(day_start - t, 0.0));
    }
    Profile {
        name: String::new(),
        source: Source::Builtin,
        segments: out,
    }
    .fitted(d)
    .segments
}

/// A duration as text: `90`, `90s`, `10m`, `1h30m`, `1.5h`, `1d`, `250ms`.
pub fn parse_duration(text: &str) -> Result<f64, ProfileError> {
    let bad = || ProfileError::Duration(text.to_string());
    let t = text.trim();
    if t.is_empty() {
        return Err(bad());
    }
    if let Ok(n) = t.parse::<f64>() {
        return if n.is_finite() && n > 0.0 {
            Ok(n)
        } else {
            Err(bad())
        };
    }
    let mut total = 0.0;
    let mut rest = t;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if num_len == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            "d" => DAY_S,
            _ => return Err(bad()),
        };
        total += n * unit;
        rest = &rest[unit_len..];
    }
    if total > 0.0 && total.is_finite() {
        Ok(total)
    } else {
        Err(bad())
    }
}

/// The TOML profile file. Unknown keys are errors, so a typo is not silently ignored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileProfile {
    name: Option<String>,
    #[allow(dead_code)] // documentation for the reader of the file
    description: Option<String>,
    #[serde(rename = "segment", default)]
    segments: Vec<FileSegment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSegment {
    duration: DurationValue,
    rate: Option<f64>,
    from: Option<f64>,
    to: Option<f64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DurationValue {
    Seconds(f64),
    Text(String),
}

impl fmt::Display for DurationValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationValue::Seconds(n) => write!(f, "{n}"),
            DurationValue::Text(t) => write!(f, "{t}"),
        }
    }
}

/// Parses a profile file's text; `path` names it in errors and in the summary.
pub fn parse_file(path: &str, text: &str) -> Result<Profile, ProfileError> {
    let err = |message: String| ProfileError::File {
        path: path.to_string(),
        message,
    };
    let file: FileProfile = toml::from_str(text).map_err(|e| {
        // toml's message spans several lines; the first says what and where.
        let msg = e.to_string();
        err(msg
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .trim()
            .to_string()
            + &e.span()
                .map(|s| format!(" (at byte {})", s.start))
                .unwrap_or_default()
            + ": "
            + e.message())
    })?;
    if file.segments.is_empty() {
        return Err(err(
            "no segments: add [[segment]] tables with duration and rate (or from and to)".into(),
        ));
    }
    let mut segments = Vec::new();
    for (i, s) in file.segments.iter().enumerate() {
        let n = i + 1;
        let duration_s = match &s.duration {
            DurationValue::Seconds(x) if x.is_finite() && *x > 0.0 => *x,
            DurationValue::Text(t) => parse_duration(t).map_err(|_| {
                err(format!(
                    "segment {n}: invalid duration '{t}' (use 90s, 10m, 1h30m, 1d or seconds)"
                ))
            })?,
            other => {
                return Err(err(format!(
                    "segment {n}: duration must be > 0, got {other}"
                )));
            }
        };
        let (from, to) = match (s.rate, s.from, s.to) {
            (Some(r), None, None) => (r, r),
            (None, Some(a), Some(b)) => (a, b),
            _ => {
                return Err(err(format!(
                    "segment {n}: give either rate, or both from and to (requests per second)"
                )));
            }
        };
        for r in [from, to] {
            if !(r.is_finite() && r >= 0.0) {
                return Err(err(format!(
                    "segment {n}: rates must be finite and >= 0, got {r}"
                )));
            }
        }
        segments.push(Segment {
            duration_s,
            from_per_s: from,
            to_per_s: to,
        });
    }
    let name = file.name.unwrap_or_else(|| {
        std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into())
    });
    Ok(Profile {
        name,
        source: Source::File(path.to_string()),
        segments,
    })
}

/// Resolves `--profile` (a built-in name or a file path), `--duration` and `--rate-scale`.
/// A file is read here; everything else is pure.
pub fn resolve(
    spec: &str,
    duration_s: Option<f64>,
    rate_scale: f64,
    seed: u64,
) -> Result<Profile, ProfileError> {
    let profile = if BUILTIN_NAMES.contains(&spec) {
        let d = duration_s.ok_or_else(|| ProfileError::NeedsDuration(spec.to_string()))?;
        builtin(spec, d, seed)?
    } else if spec.ends_with(".toml") || std::path::Path::new(spec).is_file() {
        let text = std::fs::read_to_string(spec).map_err(|e| ProfileError::File {
            path: spec.to_string(),
            message: format!("cannot read it: {e}"),
        })?;
        let p = parse_file(spec, &text)?;
        match duration_s {
            Some(d) => p.fitted(d),
            None => p,
        }
    } else {
        return Err(ProfileError::Unknown(spec.to_string()));
    };
    profile.scaled(rate_scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6 * b.abs().max(1.0)
    }

    #[test]
    fn steady_is_flat_and_integrates_to_rate_times_duration() {
        let p = builtin("steady", 20.0, 1).unwrap().scaled(10.0).unwrap();
        assert_eq!(p.rate_at(0.0), 100.0);
        assert_eq!(p.rate_at(19.9), 100.0);
        assert_eq!(p.rate_at(20.0), 0.0);
        assert!(close(p.expected_arrivals(), 2000.0));
        assert_eq!(p.peak_rate(), 100.0);
    }

    #[test]
    fn ramp_is_linear_from_1_to_20() {
        let p = builtin("ramp", 100.0, 1).unwrap();
        assert!(close(p.rate_at(0.0), 1.0));
        assert!(close(p.rate_at(50.0), 10.5));
        assert!(close(p.rate_at(99.999), 20.0 - 19.0 * 0.001 / 100.0));
        assert!(close(p.expected_arrivals(), 1050.0));
    }

    #[test]
    fn spike_has_three_short_bursts_on_a_base() {
        let p = builtin("spike", 3600.0, 1).unwrap();
        assert!(close(p.duration_s(), 3600.0));
        // Bursts are capped at a minute and centred on the quarters.
        assert_eq!(p.rate_at(900.0), 50.0);
        assert_eq!(p.rate_at(1800.0), 50.0);
        assert_eq!(p.rate_at(2700.0), 50.0);
        assert_eq!(p.rate_at(900.0 - 31.0), 5.0);
        assert_eq!(p.rate_at(900.0 + 31.0), 5.0);
        let bursts = p.segments.iter().filter(|s| s.from_per_s == 50.0).count();
        assert_eq!(bursts, 3);
        // 3 minutes at 50, the rest at 5.
        assert!(close(p.expected_arrivals(), 180.0 * 50.0 + 3420.0 * 5.0));
    }

    #[test]
    fn diurnal_has_night_trough_and_afternoon_peak() {
        let p = builtin("diurnal", DAY_S, 1).unwrap();
        assert!(close(p.rate_at(2.0 * 3600.0), 2.0));
        assert!(close(p.rate_at(14.0 * 3600.0), 20.0));
        assert!(p.rate_at(8.0 * 3600.0) > 5.0 && p.rate_at(8.0 * 3600.0) < 15.0);
        // The hourly chords of a raised cosine average to the midpoint: 11 req/s.
        assert!((p.mean_rate() - 11.0).abs() < 0.05, "{}", p.mean_rate());
        // Two days repeat the first.
        let two = builtin("diurnal", 2.0 * DAY_S, 1).unwrap();
        assert!(close(two.rate_at(DAY_S + 14.0 * 3600.0), 20.0));
        assert!(close(two.expected_arrivals(), 2.0 * p.expected_arrivals()));
    }

    #[test]
    fn side_project_is_mostly_idle_about_200_a_day_and_seeded() {
        let p = builtin("side-project", 7.0 * DAY_S, 42).unwrap();
        assert!(close(p.duration_s(), 7.0 * DAY_S));
        let per_day = p.expected_arrivals() / 7.0;
        // 12 visits of 15 requests unless two overlap and merge.
        assert!((150.0..=180.0 + 1e-6).contains(&per_day), "{per_day}");
        let busy: f64 = p
            .segments
            .iter()
            .filter(|s| s.from_per_s > 0.0)
            .map(|s| s.duration_s)
            .sum();
        assert!(
            busy / p.duration_s() < 0.02,
            "busy fraction {}",
            busy / p.duration_s()
        );
        assert_eq!(p, builtin("side-project", 7.0 * DAY_S, 42).unwrap());
        assert_ne!(p, builtin("side-project", 7.0 * DAY_S, 43).unwrap());
        // The documented --rate-scale range spans 10 to 1,000 a day.
        let lo = p.clone().scaled(0.05).unwrap().expected_arrivals() / 7.0;
        let hi = p.scaled(5.0).unwrap().expected_arrivals() / 7.0;
        assert!(
            (5.0..=10.0).contains(&lo) && (750.0..=1000.0).contains(&hi),
            "{lo} {hi}"
        );
    }

    #[test]
    fn fitted_repeats_and_cuts_ramps_at_the_reached_rate() {
        let p = Profile {
            name: "x".into(),
            source: Source::Builtin,
            segments: vec![Segment {
                duration_s: 10.0,
                from_per_s: 0.0,
                to_per_s: 10.0,
            }],
        };
        let f = p.fitted(25.0);
        assert_eq!(f.segments.len(), 3);
        assert!(close(f.duration_s(), 25.0));
        assert!(close(f.segments[2].to_per_s, 5.0));
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("90").unwrap(), 90.0);
        assert_eq!(parse_duration("20s").unwrap(), 20.0);
        assert_eq!(parse_duration("1h30m").unwrap(), 5400.0);
        assert_eq!(parse_duration("1.5h").unwrap(), 5400.0);
        assert_eq!(parse_duration("1d").unwrap(), 86400.0);
        assert_eq!(parse_duration("250ms").unwrap(), 0.25);
        for bad in ["", "0", "-5", "10x", "h", "1h30", "abc"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn profile_file_with_rates_and_ramps() {
        let p = parse_file(
            "launch.toml",
            r#"
            name = "launch-day"
            description = "quiet, then a ramp to a launch peak"
            [[segment]]
            duration = "10m"
            rate = 2
            [[segment]]
            duration = 300
            from = 2.0
            to = 50.0
            "#,
        )
        .unwrap();
        assert_eq!(p.name, "launch-day");
        assert_eq!(p.source, Source::File("launch.toml".into()));
        assert!(close(p.duration_s(), 900.0));
        assert!(close(p.expected_arrivals(), 1200.0 + 7800.0));
        assert!(close(p.rate_at(750.0), 26.0));
    }

    #[test]
    fn malformed_profile_files_say_what_is_wrong() {
        let cases = [
            ("", "no segments"),
            ("[[segment]]\nduration = \"1m\"\n", "give either rate"),
            (
                "[[segment]]\nduration = \"1m\"\nrate = 1\nfrom = 1\nto = 2\n",
                "give either rate",
            ),
            (
                "[[segment]]\nduration = \"1q\"\nrate = 1\n",
                "invalid duration '1q'",
            ),
            (
                "[[segment]]\nduration = -3\nrate = 1\n",
                "duration must be > 0",
            ),
            ("[[segment]]\nduration = 5\nrate = -1\n", ">= 0"),
            ("[[segment]]\nduration = 5\nrat = 1\n", "unknown field"),
            ("[[segment]\n", "p.toml"),
        ];
        for (text, want) in cases {
            let e = parse_file("p.toml", text).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
            assert!(e.starts_with("profile file p.toml: "), "{e}");
            assert!(!e.contains('\n'), "one line: {e}");
        }
    }

    #[test]
    fn resolve_rejects_unknown_names_and_bad_scales() {
        let e = resolve("stedy", Some(10.0), 1.0, 1).unwrap_err();
        assert!(e.to_string().starts_with("unknown profile 'stedy'"));
        assert!(matches!(
            resolve("steady", None, 1.0, 1),
            Err(ProfileError::NeedsDuration(_))
        ));
        assert!(matches!(
            resolve("steady", Some(1.0), 0.0, 1),
            Err(ProfileError::RateScale(_))
        ));
        let e = resolve("/nonexistent/x.toml", None, 1.0, 1).unwrap_err();
        assert!(e.to_string().contains("cannot read it"), "{e}");
    }
}

#[cfg(test)]
mod example_files {
    use super::*;

    /// The example files shipped in profiles/ (also shown in README.md) parse as documented.
    #[test]
    fn shipped_examples_parse() {
        let launch = parse_file(
            "launch-day.toml",
            include_str!("../profiles/launch-day.toml"),
        )
        .unwrap();
        assert_eq!(launch.name, "launch-day");
        assert!((launch.duration_s() - DAY_S).abs() < 1e-9);
        assert_eq!(launch.peak_rate(), 40.0);
        let office = parse_file(
            "business-hours.toml",
            include_str!("../profiles/business-hours.toml"),
        )
        .unwrap();
        assert_eq!(office.name, "business-hours");
        assert!((office.duration_s() - DAY_S).abs() < 1e-9);
        let week = office.fitted(7.0 * DAY_S);
        assert_eq!(week.segments.len(), 35);
    }
}
