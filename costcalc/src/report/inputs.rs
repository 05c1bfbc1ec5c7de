//! The report's inputs: every figure the workload rests on, its value, where it came from, and
//! whether it decides the outcome (halving or doubling it changes which deployment is cheapest).

use rust_decimal::Decimal;

use crate::catalog::PriceSnapshot;
use crate::deployment::{self, Kind, Options};
use crate::error::Result;
use crate::money;
use crate::workload::duration::Duration;
use crate::workload::{Origin, Workload};

/// A workload figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    RequestsPerMonth,
    DurationMs,
    RequestBytes,
    ResponseBytes,
    Peak,
    ThroughputPerVcpu,
    LogBytesPerRequest,
    DbCpuPerRequest,
}

impl Figure {
    pub const ALL: [Figure; 8] = [
        Figure::RequestsPerMonth,
        Figure::DurationMs,
        Figure::RequestBytes,
        Figure::ResponseBytes,
        Figure::Peak,
        Figure::ThroughputPerVcpu,
        Figure::LogBytesPerRequest,
        Figure::DbCpuPerRequest,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Figure::RequestsPerMonth => "Requests per month",
            Figure::DurationMs => "Duration per request",
            Figure::RequestBytes => "Request body",
            Figure::ResponseBytes => "Response body",
            Figure::Peak => "Peak rate",
            Figure::ThroughputPerVcpu => "Requests per second per vCPU",
            Figure::LogBytesPerRequest => "Log bytes per request",
            Figure::DbCpuPerRequest => "Database CPU per request",
        }
    }

    fn origin(self, w: &Workload) -> &Origin {
        let g = &w.origins;
        match self {
            Figure::RequestsPerMonth => &g.requests_per_month,
            Figure::DurationMs => &g.duration_ms,
            Figure::RequestBytes => &g.request_bytes,
            Figure::ResponseBytes => &g.response_bytes,
            Figure::Peak => &g.peak,
            Figure::ThroughputPerVcpu => &g.throughput_rps_per_vcpu,
            Figure::LogBytesPerRequest => &g.log_bytes_per_request,
            Figure::DbCpuPerRequest => &g.db_cpu_ms_per_request,
        }
    }

    fn value(self, w: &Workload, o: &Options) -> String {
        let q = |d: Decimal| money::quantity(d, 4);
        match self {
            Figure::RequestsPerMonth => q(w.requests_per_month),
            Figure::DurationMs => match &w.duration {
                Duration::Tuned { .. } | Duration::Server { .. } => format!(
                    "{} ms billed at {} MB",
                    q(w.billed_ms_per_request(o.lambda_memory_mb)),
                    q(o.lambda_memory_mb)
                ),
                Duration::InFunction | Duration::ClientLatency => {
                    format!("{} ms", q(w.duration_ms))
                }
            },
            Figure::RequestBytes => format!("{} B", q(w.request_bytes)),
            Figure::ResponseBytes => format!("{} B", q(w.response_bytes)),
            Figure::Peak => match w.peak_rps {
                Some(p) => format!("{} req/s", q(p)),
                None => format!(
                    "{} x the average ({} req/s)",
                    q(w.peak_to_average),
                    q(w.peak(o.hours))
                ),
            },
            Figure::ThroughputPerVcpu => q(w.throughput_rps_per_vcpu),
            Figure::LogBytesPerRequest => format!("{} B", q(w.log_bytes_per_request)),
            Figure::DbCpuPerRequest => match w.db_cpu_ms_per_request {
                Some(ms) => format!("{} ms of one vCPU", q(ms)),
                None => "not measured".into(),
            },
        }
    }

    /// The workload with this figure multiplied by `factor`.
    fn scaled(self, w: &Workload, factor: Decimal, hours: Decimal) -> Workload {
        let mut w = w.clone();
        match self {
            Figure::RequestsPerMonth => return w.scaled_to(w.requests_per_month * factor, hours),
            Figure::DurationMs => {
                w.duration_ms *= factor;
                match &mut w.duration {
                    Duration::Server { routes } => {
                        for r in routes {
                            r.cpu_ms *= factor;
                            r.wait_ms *= factor;
                        }
                    }
                    Duration::Tuned { sizes } => {
                        for s in sizes {
                            s.billed_ms = (s.billed_ms * factor).ceil();
                        }
                    }
                    Duration::InFunction | Duration::ClientLatency => {}
                }
            }
            Figure::RequestBytes => w.request_bytes *= factor,
            Figure::ResponseBytes => w.response_bytes *= factor,
            Figure::Peak => match &mut w.peak_rps {
                Some(p) => *p *= factor,
                None => w.peak_to_average *= factor,
            },
            Figure::ThroughputPerVcpu => w.throughput_rps_per_vcpu *= factor,
            Figure::LogBytesPerRequest => w.log_bytes_per_request *= factor,
            Figure::DbCpuPerRequest => {
                if let Some(ms) = &mut w.db_cpu_ms_per_request {
                    *ms *= factor;
                }
            }
        }
        w
    }
}

/// One input figure of a report.
#[derive(Debug, Clone)]
pub struct InputRow {
    pub figure: Figure,
    pub value: String,
    pub origin: Origin,
    /// At half or double this figure, this deployment would be the cheapest instead.
    pub decides: Option<Kind>,
}

/// The workload's figures with their origins, each tried at half and double.
pub fn rows(w: &Workload, o: &Options, p: &PriceSnapshot, cheapest: Kind) -> Result<Vec<InputRow>> {
    Figure::ALL
        .iter()
        .map(|f| {
            Ok(InputRow {
                figure: *f,
                value: f.value(w, o),
                origin: f.origin(w).clone(),
                decides: decides(*f, w, o, p, cheapest)?,
            })
        })
        .collect()
}

/// The deployment that becomes the cheapest when `f` is halved or doubled, if any. A variation
/// the engine refuses (a peak below the average, beyond a limit) is not tried.
fn decides(
    f: Figure,
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    cheapest: Kind,
) -> Result<Option<Kind>> {
    for factor in [Decimal::TWO, Decimal::ONE / Decimal::TWO] {
        let varied = f.scaled(w, factor, o.hours);
        if varied.validate(o.hours).is_err() {
            continue;
        }
        // As the report picks it: an incomplete total (a database too small) only after the rest.
        let mut best: Option<((bool, Decimal), Kind)> = None;
        for k in Kind::ALL {
            let Ok(d) = deployment::build(k, &varied, o, p) else {
                continue;
            };
            let key = (d.incomplete, d.total_usd);
            if best.is_none_or(|(t, _)| key < t) {
                best = Some((key, k));
            }
        }
        if let Some((_, k)) = best
            && k != cheapest
        {
            return Ok(Some(k));
        }
    }
    Ok(None)
}
