//! Traffic profiles: a rate curve (requests per second of real time) made of linear segments.
//!
//! Pure data and arithmetic, no I/O: the built-in shapes, the TOML profile-file format and
//! `--rate-scale` all end up as a [`Profile`], which [`crate::plan::timeline`] turns into arrivals.
//! The types and [`resolve`] are here; the shapes are in `builtin`, text durations in
//! `duration`, the TOML format in `file`.

mod builtin;
mod duration;
mod file;

pub use builtin::builtin;
pub use duration::parse_duration;
pub use file::parse_file;

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
    #[error("{what} is {found}, more than {most}: {hint}")]
    TooLarge {
        what: &'static str,
        found: String,
        most: String,
        hint: &'static str,
    },
}

/// The longest run played: a year (a longer `--duration` or profile file is refused before its
/// segments are laid out).
pub const MAX_DURATION_S: f64 = 366.0 * DAY_S;
/// The most segments a profile file repeated over `--duration` is laid out as.
pub const MAX_SEGMENTS: f64 = 1e6;
/// The largest profile file read.
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// The highest rate of any segment, arrivals per second.
pub const MAX_RATE_PER_S: f64 = 1e6;
/// The most arrivals one run plans: its timeline holds one f64 per arrival (800 MB at this bound).
pub const MAX_ARRIVALS: f64 = 1e8;

fn too_long(d: f64) -> Result<(), ProfileError> {
    if d.is_finite() && d <= MAX_DURATION_S {
        return Ok(());
    }
    Err(ProfileError::TooLarge {
        what: "the run's length",
        found: format!("{d:.0} s"),
        most: format!("{MAX_DURATION_S:.0} s (a year)"),
        hint: "play a shorter run",
    })
}

/// The bounds of a resolved profile, before a timeline is laid out for it.
fn bounded(p: Profile) -> Result<Profile, ProfileError> {
    too_long(p.duration_s())?;
    let peak = p.peak_rate();
    if !(peak.is_finite() && peak <= MAX_RATE_PER_S) {
        return Err(ProfileError::TooLarge {
            what: "the peak rate",
            found: format!("{peak:.0} req/s"),
            most: format!("{MAX_RATE_PER_S:.0} req/s"),
            hint: "lower the rate scale or the profile's rates",
        });
    }
    let n = p.expected_arrivals();
    if !(n.is_finite() && n <= MAX_ARRIVALS) {
        return Err(ProfileError::TooLarge {
            what: "the run's planned arrivals",
            found: format!("{n:.0}"),
            most: format!("{MAX_ARRIVALS:.0}"),
            hint: "lower the rate or the duration, or split the run into shards",
        });
    }
    Ok(p)
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
        too_long(d)?;
        builtin(spec, d, seed)?
    } else if spec.ends_with(".toml") || std::path::Path::new(spec).is_file() {
        let text = read_bounded(spec).map_err(|message| ProfileError::File {
            path: spec.to_string(),
            message,
        })?;
        let p = parse_file(spec, &text)?;
        too_long(p.duration_s())?;
        match duration_s {
            Some(d) => {
                too_long(d)?;
                let repeats = (d / p.duration_s()).ceil() * p.segments.len() as f64;
                if repeats.is_nan() || repeats > MAX_SEGMENTS {
                    return Err(ProfileError::TooLarge {
                        what: "the profile's segments repeated over the duration",
                        found: format!("{repeats:.0}"),
                        most: format!("{MAX_SEGMENTS:.0}"),
                        hint: "use longer segments or a shorter duration",
                    });
                }
                p.fitted(d)
            }
            None => p,
        }
    } else {
        return Err(ProfileError::Unknown(spec.to_string()));
    };
    bounded(profile.scaled(rate_scale)?)
}

/// A regular file of at most [`MAX_FILE_BYTES`], read no further.
fn read_bounded(path: &str) -> Result<String, String> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| format!("cannot read it: {e}"))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("larger than {} KiB", MAX_FILE_BYTES >> 10));
    }
    Ok(text)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod example_files;
