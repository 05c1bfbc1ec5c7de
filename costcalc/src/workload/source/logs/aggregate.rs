//! The running figures of a set of logs, in memory bounded whatever their size: requests per
//! second in one block of 86,400 counters per day seen (at most 63 days: `MAX_WINDOW_S`),
//! statuses, and per route the requests, bytes and a latency histogram (at most `MAX_ROUTES`
//! routes; later ones are counted together as "other"). Lines may come in any order: the
//! seconds are sorted when read back, so the peak and the gaps do not depend on file order.

use std::collections::{BTreeMap, HashMap};

use super::Record;
use super::histogram::Histogram;

/// Longest window read: 62 days from the first second to the last.
pub const MAX_WINDOW_S: i64 = 62 * 86400;
/// Routes tracked one by one; the rest are "other".
pub const MAX_ROUTES: usize = 1000;
/// The route the requests beyond `MAX_ROUTES` routes are counted under.
pub const OTHER: &str = "other (routes beyond the first 1,000)";

const DAY: i64 = 86400;

/// A sum of figures and how many lines had one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sum {
    pub total: u128,
    pub lines: u64,
}

impl Sum {
    fn add(&mut self, v: Option<u64>) {
        if let Some(v) = v {
            self.total += u128::from(v);
            self.lines += 1;
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteStats {
    pub requests: u64,
    pub request_bytes: Sum,
    pub response_bytes: Sum,
    pub latency: Histogram,
}

/// A request's latency, as a request's time: none for a WebSocket upgrade (101), whose
/// processing time can be the connection's whole life (an hour), not a request's.
fn latency_ms(r: &Record) -> Option<u64> {
    r.latency_ms.filter(|_| r.status != 101)
}

impl RouteStats {
    fn add(&mut self, r: &Record) {
        self.requests += 1;
        self.request_bytes.add(r.request_bytes);
        self.response_bytes.add(r.response_bytes);
        if let Some(ms) = latency_ms(r) {
            self.latency.add(ms);
        }
    }
}

/// A line whose time would stretch the window past `MAX_WINDOW_S`: the window it would make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong {
    pub first_s: i64,
    pub last_s: i64,
}

#[derive(Debug, Default)]
pub struct Aggregate {
    days: BTreeMap<i64, Box<[u32]>>,
    pub first_s: Option<i64>,
    pub last_s: Option<i64>,
    pub requests: u64,
    pub statuses: BTreeMap<u16, u64>,
    routes: HashMap<String, RouteStats>,
    /// Every request, all routes together.
    pub all: RouteStats,
    pub latency_ms: Sum,
}

impl Aggregate {
    /// Count one request under `route`.
    pub fn add(&mut self, r: &Record, route: &str) -> Result<(), TooLong> {
        let s = r.epoch_s;
        let first = self.first_s.map_or(s, |f| f.min(s));
        let last = self.last_s.map_or(s, |l| l.max(s));
        if last - first > MAX_WINDOW_S {
            return Err(TooLong {
                first_s: first,
                last_s: last,
            });
        }
        (self.first_s, self.last_s) = (Some(first), Some(last));
        let block = self
            .days
            .entry(s.div_euclid(DAY))
            .or_insert_with(|| vec![0; DAY as usize].into_boxed_slice());
        let slot = &mut block[s.rem_euclid(DAY) as usize];
        *slot = slot.saturating_add(1);
        self.requests += 1;
        *self.statuses.entry(r.status).or_default() += 1;
        self.all.add(r);
        self.latency_ms.add(latency_ms(r));
        let full = self.routes.len() >= MAX_ROUTES;
        match self.routes.get_mut(route) {
            Some(stats) => stats.add(r),
            None if !full => {
                let mut stats = RouteStats::default();
                stats.add(r);
                self.routes.insert(route.to_string(), stats);
            }
            None => self.routes.entry(OTHER.into()).or_default().add(r),
        }
        Ok(())
    }

    /// Seconds from the first logged second to the end of the last: the window the logs cover.
    pub fn window_s(&self) -> i64 {
        match (self.first_s, self.last_s) {
            (Some(f), Some(l)) => l - f + 1,
            _ => 0,
        }
    }

    /// Every second with a request, in time order, with its count.
    fn busy_seconds(&self) -> impl Iterator<Item = (i64, u32)> + '_ {
        self.days.iter().flat_map(|(day, block)| {
            block
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(move |(i, c)| (day * DAY + i as i64, *c))
        })
    }

    /// The busiest second (the earliest of equals) and its requests.
    pub fn peak(&self) -> Option<(i64, u32)> {
        self.busy_seconds()
            .fold(None, |best: Option<(i64, u32)>, (s, c)| match best {
                Some((_, b)) if b >= c => best,
                _ => Some((s, c)),
            })
    }

    /// The silences of at least `threshold_s` between one request's second and the next's, in
    /// time order, each as the seconds between them.
    pub fn gaps(&self, threshold_s: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut prev: Option<i64> = None;
        for (s, _) in self.busy_seconds() {
            if let Some(p) = prev
                && s - p >= threshold_s
            {
                out.push(s - p);
            }
            prev = Some(s);
        }
        out
    }

    /// Requests in each `step_s` of the window, from its first second (the last step may be
    /// short: it counts what the window holds).
    pub fn per_step(&self, step_s: i64) -> Vec<u64> {
        let Some(first) = self.first_s else {
            return Vec::new();
        };
        let mut out = vec![0u64; (self.window_s() as u64).div_ceil(step_s as u64) as usize];
        for (s, c) in self.busy_seconds() {
            out[((s - first) / step_s) as usize] += u64::from(c);
        }
        out
    }

    /// Routes, the busiest first (ties by name).
    pub fn routes(&self) -> Vec<(&str, &RouteStats)> {
        let mut v: Vec<_> = self.routes.iter().map(|(k, s)| (k.as_str(), s)).collect();
        v.sort_by(|a, b| b.1.requests.cmp(&a.1.requests).then(a.0.cmp(b.0)));
        v
    }
}

/// An aggregate of one `GET /` request at each of `seconds`, for the tests of what reads one.
#[cfg(test)]
pub(super) fn of_seconds(seconds: &[i64]) -> Aggregate {
    let mut a = Aggregate::default();
    for &s in seconds {
        a.add(&tests::at(s), "GET /").unwrap();
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    pub(super) fn at(s: i64) -> Record<'static> {
        Record {
            epoch_s: s,
            method: Cow::Borrowed("GET"),
            path: Cow::Borrowed("/"),
            route_key: None,
            status: 200,
            request_bytes: Some(10),
            response_bytes: Some(100),
            latency_ms: Some(5),
        }
    }

    #[test]
    fn out_of_order_seconds_give_the_same_peak_and_gaps() {
        let mut a = Aggregate::default();
        // Seconds 1000, 1000, 1100, 1005 (out of order), 1300: gaps of 95 and 200 s (1005 to
        // 1100, 1100 to 1300); the 5 s from 1000 to 1005 is below 60.
        for s in [1000, 1000, 1100, 1005, 1300] {
            a.add(&at(s), "GET /").unwrap();
        }
        assert_eq!(a.peak(), Some((1000, 2)));
        assert_eq!(a.gaps(60), vec![95, 200]);
        assert_eq!(a.window_s(), 301);
        assert_eq!(a.requests, 5);
    }

    #[test]
    fn the_window_is_capped_and_routes_beyond_the_cap_are_other() {
        let mut a = Aggregate::default();
        a.add(&at(0), "GET /").unwrap();
        assert_eq!(
            a.add(&at(MAX_WINDOW_S + 1), "GET /"),
            Err(TooLong {
                first_s: 0,
                last_s: MAX_WINDOW_S + 1
            })
        );
        for i in 0..MAX_ROUTES + 5 {
            a.add(&at(10), &format!("GET /{i}")).unwrap();
        }
        assert_eq!(a.routes().len(), MAX_ROUTES + 1);
        let other = a.routes().into_iter().find(|(k, _)| *k == OTHER).unwrap().1;
        assert_eq!(other.requests, 6);
    }
}
