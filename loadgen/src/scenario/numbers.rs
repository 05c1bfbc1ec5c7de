//! The numbers a scenario holds, parsed and bounded before any arithmetic: durations, session
//! lengths, percents, weights.

use super::model::SessionRequests;

pub const MAX_WEIGHT: i64 = 1_000_000;
pub const MAX_SESSION_REQUESTS: u32 = 1_000_000;
/// Think times and refresh margins: at most a day.
pub const MAX_DURATION_S: f64 = 86_400.0;
/// Token lifetimes: at most 30 days.
pub const MAX_LIFETIME_S: f64 = 30.0 * 86_400.0;

/// `500ms`, `20s`, `1.5m`, `1h` (or `0`) as seconds, within `0..=max_s`.
pub fn duration_s(text: &str, max_s: f64) -> Result<f64, String> {
    let t = text.trim();
    let bad = || {
        format!(
            "bad duration '{text}': use a number with ms, s, m or h (e.g. 20s), at most {max_s} s"
        )
    };
    if t == "0" {
        return Ok(0.0);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(bad)?;
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| bad())?;
    let scale = match unit.trim() {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(bad()),
    };
    let s = n * scale;
    if !(s.is_finite() && (0.0..=max_s).contains(&s)) {
        return Err(bad());
    }
    Ok(s)
}

/// `N`, `geo:MEAN` or `MIN..MAX`, every number from 1 to [`MAX_SESSION_REQUESTS`].
pub fn session_requests(text: &str) -> Result<SessionRequests, String> {
    let max = MAX_SESSION_REQUESTS;
    let bad = || {
        format!(
            "bad session_requests '{text}': use N, geo:MEAN (geometric) or MIN..MAX (uniform), from 1 to {max}"
        )
    };
    let t = text.trim();
    let count = |s: &str| -> Result<u32, String> {
        match s.trim().parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(bad()),
        }
    };
    if let Some(m) = t.strip_prefix("geo:") {
        let mean: f64 = m.trim().parse().map_err(|_| bad())?;
        if !(mean.is_finite() && (1.0..=f64::from(max)).contains(&mean)) {
            return Err(bad());
        }
        return Ok(SessionRequests::Geometric(mean));
    }
    if let Some((a, b)) = t.split_once("..") {
        let (a, b) = (count(a)?, count(b)?);
        if b < a {
            return Err(bad());
        }
        return Ok(SessionRequests::Uniform(a, b));
    }
    Ok(SessionRequests::Fixed(count(t)?))
}

/// A TOML integer or float as a percent from 0 to 100, returned as a share from 0 to 1.
pub fn percent_share(v: &toml::Value) -> Result<f64, String> {
    let p = match v {
        toml::Value::Integer(i) if (0..=100).contains(i) => *i as f64,
        toml::Value::Float(f) if f.is_finite() && (0.0..=100.0).contains(f) => *f,
        _ => return Err(format!("bad share {v}: use a percent from 0 to 100")),
    };
    Ok(p / 100.0)
}

pub fn weight(w: i64) -> Result<u32, String> {
    if (0..=MAX_WEIGHT).contains(&w) {
        Ok(w as u32)
    } else {
        Err(format!(
            "bad weight {w}: use a whole number from 0 to {MAX_WEIGHT}"
        ))
    }
}
