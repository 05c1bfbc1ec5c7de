//! The edge that measures the server while the run plays: checks the sources before any traffic,
//! then scrapes the metrics every [`SCRAPE_EVERY`] and samples /proc every [`SAMPLE_EVERY`] on
//! tasks of their own, and reads both once more at the end. A source that goes away mid-run is a
//! warning (on stderr at once, in the summary at the end); what it gave until then is kept.

use super::block::{ProcPoint, Recorded, Tree, TreePoint, Warning};
use super::metrics::Snapshot;
use super::proc;
use super::scrape::{ScrapeError, Scraper};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const SCRAPE_EVERY: Duration = Duration::from_secs(2);
pub const SAMPLE_EVERY: Duration = Duration::from_secs(1);

/// What to measure (`loadgen run --server-metrics/--server-pid/--db-pid`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServerOptions {
    pub metrics_url: Option<String>,
    pub api_pid: Option<u32>,
    pub db_pid: Option<u32>,
}

impl ServerOptions {
    pub fn any(&self) -> bool {
        self.metrics_url.is_some() || self.api_pid.is_some() || self.db_pid.is_some()
    }
}

/// A source that cannot be measured, found before any traffic.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("metrics {url}: {error}")]
    Metrics { url: String, error: ScrapeError },
    #[error("process {pid}: no such process")]
    NoProcess { tree: Tree, pid: u32 },
}

/// Checked sources, not yet measuring.
pub struct Armed {
    opts: ServerOptions,
    scraper: Option<Scraper>,
}

/// Fails unless every source answers now: the URL with journal-api's Prometheus text, each PID
/// with a live process.
pub async fn check(opts: &ServerOptions) -> Result<Armed, WatchError> {
    for (tree, pid) in [(Tree::Api, opts.api_pid), (Tree::Db, opts.db_pid)] {
        if let Some(pid) = pid.filter(|p| !proc::exists(*p)) {
            return Err(WatchError::NoProcess { tree, pid });
        }
    }
    let scraper = match &opts.metrics_url {
        Some(url) => {
            let err = |error| WatchError::Metrics {
                url: url.clone(),
                error,
            };
            let s = Scraper::new(url).map_err(err)?;
            s.scrape().await.map_err(err)?;
            Some(s)
        }
        None => None,
    };
    Ok(Armed {
        opts: opts.clone(),
        scraper,
    })
}

#[derive(Default)]
struct State {
    scrapes: Vec<(f64, Snapshot)>,
    proc: Vec<ProcPoint>,
    warnings: Vec<Warning>,
    /// Trees that exited (sampled no more) and whether the metrics endpoint is failing now.
    api_gone: bool,
    db_gone: bool,
    metrics_failing: bool,
}

/// Measuring; times are seconds since `origin` until [`Watch::stop`] shifts them.
pub struct Watch {
    origin: Instant,
    opts: ServerOptions,
    scraper: Option<Arc<Scraper>>,
    state: Arc<Mutex<State>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    units: (f64, f64),
}

impl Armed {
    /// Takes the baseline (call it after the setup phase, just before the first arrival) and
    /// starts the periodic tasks.
    pub async fn start(self) -> Watch {
        let mut w = Watch {
            origin: Instant::now(),
            opts: self.opts,
            scraper: self.scraper.map(Arc::new),
            state: Arc::default(),
            tasks: Vec::new(),
            units: proc::units(),
        };
        w.sample_once();
        w.scrape_once().await;
        if w.opts.api_pid.is_some() || w.opts.db_pid.is_some() {
            let me = w.sampler();
            w.tasks.push(tokio::spawn(async move {
                let mut tick = tokio::time::interval(SAMPLE_EVERY);
                tick.tick().await;
                loop {
                    tick.tick().await;
                    me.sample_once();
                }
            }));
        }
        if w.scraper.is_some() {
            let me = w.sampler();
            w.tasks.push(tokio::spawn(async move {
                let mut tick = tokio::time::interval(SCRAPE_EVERY);
                tick.tick().await;
                loop {
                    tick.tick().await;
                    me.scrape_once().await;
                }
            }));
        }
        w
    }
}

impl Watch {
    /// A handle for a periodic task (the same state, no tasks of its own).
    fn sampler(&self) -> Watch {
        Watch {
            origin: self.origin,
            opts: self.opts.clone(),
            scraper: self.scraper.clone(),
            state: self.state.clone(),
            tasks: Vec::new(),
            units: self.units,
        }
    }

    fn now_s(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    fn sample_once(&self) {
        if self.opts.api_pid.is_none() && self.opts.db_pid.is_none() {
            return;
        }
        let (tck, page) = self.units;
        let all = proc::read_all();
        let t_s = self.now_s();
        let mut st = self.state.lock().expect("watch lock");
        let last_t_s = st.proc.last().map_or(0.0, |p| p.t_s);
        let measure =
            |tree: Tree, pid: Option<u32>, gone: bool| -> (Option<TreePoint>, Option<Warning>) {
                let (Some(pid), false) = (pid, gone) else {
                    return (None, None);
                };
                match proc::tree(pid, &all) {
                    Some(u) => (
                        Some(TreePoint {
                            cpu_s: u.ticks as f64 / tck,
                            rss_bytes: (u.rss_pages as f64 * page) as u64,
                            processes: u.processes,
                        }),
                        None,
                    ),
                    None => (
                        None,
                        Some(Warning::ProcessGone {
                            what: tree,
                            pid,
                            last_t_s,
                        }),
                    ),
                }
            };
        let (api, wa) = measure(Tree::Api, self.opts.api_pid, st.api_gone);
        let (db, wd) = measure(Tree::Db, self.opts.db_pid, st.db_gone);
        for w in [wa, wd].into_iter().flatten() {
            if let Warning::ProcessGone { what, .. } = &w {
                match what {
                    Tree::Api => st.api_gone = true,
                    Tree::Db => st.db_gone = true,
                }
            }
            errln!("loadgen: warning: {w}");
            st.warnings.push(w);
        }
        st.proc.push(ProcPoint { t_s, api, db });
    }

    async fn scrape_once(&self) {
        let Some(s) = &self.scraper else { return };
        let result = s.scrape().await;
        let t_s = self.now_s();
        let mut st = self.state.lock().expect("watch lock");
        match result {
            Ok(snap) => {
                st.metrics_failing = false;
                st.scrapes.push((t_s, snap));
            }
            // Said once per outage, not at every scrape.
            Err(e) if !st.metrics_failing => {
                st.metrics_failing = true;
                let w = Warning::ScrapeFailed {
                    url: self.opts.metrics_url.clone().unwrap_or_default(),
                    t_s,
                    cause: e.to_string(),
                };
                errln!("loadgen: warning: {w}");
                st.warnings.push(w);
            }
            Err(_) => {}
        }
    }

    /// Stops the tasks, reads every source a last time, and returns what was recorded with times
    /// shifted to seconds from `t0` (when the first arrival was due); the caller fills in
    /// `requests_sent`.
    pub async fn stop(self, t0: Instant, window_s: f64) -> Recorded {
        for t in &self.tasks {
            t.abort();
        }
        self.sample_once();
        self.scrape_once().await;
        let shift = t0.saturating_duration_since(self.origin).as_secs_f64();
        let mut st = std::mem::take(&mut *self.state.lock().expect("watch lock"));
        let url = self.opts.metrics_url.clone();
        let metrics_complete = self.scraper.is_some() && !st.metrics_failing;
        if let (Some(url), false, Some(last)) = (&url, metrics_complete, st.scrapes.last()) {
            st.warnings.push(Warning::MetricsLost {
                url: url.clone(),
                last_t_s: last.0,
            });
        }
        for (t, _) in &mut st.scrapes {
            *t -= shift;
        }
        for p in &mut st.proc {
            p.t_s -= shift;
        }
        for w in &mut st.warnings {
            match w {
                Warning::ScrapeFailed { t_s, .. }
                | Warning::MetricsLost { last_t_s: t_s, .. }
                | Warning::ProcessGone { last_t_s: t_s, .. } => *t_s -= shift,
                Warning::RequestsDisagree { .. } => {}
            }
        }
        Recorded {
            window_s,
            requests_sent: 0,
            metrics_url: url,
            scrapes: st.scrapes,
            metrics_complete,
            api_pid: self.opts.api_pid,
            db_pid: self.opts.db_pid,
            proc: st.proc,
            warnings: st.warnings,
        }
    }
}
