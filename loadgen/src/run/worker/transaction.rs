//! One goose transaction: claim the next arrival, wait until it is due, send the next request
//! of a session and record what came back.

use super::Shared;
use crate::plan::dispatch::{Arrival, Claim};
use crate::plan::session::Now;
use crate::scenario::{RenderedBody, Request, Response};
use crate::summary::Sample;
use goose::goose::GooseResponse;
use goose::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

/// A goose user's own state.
#[derive(Clone)]
struct Worker {
    rng: ChaCha8Rng,
    finished: bool,
}
/// Claims arrivals until one can start on time, recording the ones too late to send, and sleeps
/// until it is due; `None` when the timeline is done.
async fn next_due(shared: &Shared) -> Option<Arrival> {
    let t0 = shared.t0();
    loop {
        let now = Instant::now().saturating_duration_since(t0);
        match shared.clock.dispatch.claim(&shared.clock.timeline, now) {
            Claim::Exhausted => return None,
            Claim::Dropped(a) => {
                shared.tally.dropped.push(a.wall_s);
                shared.tally.n_dropped.fetch_add(1, Relaxed);
            }
            Claim::Due(a) => {
                // tokio's timer (1 ms resolution, rounds up). A dedicated OS-thread clock on a
                // condvar was tried: sub-ms when idle, but one thread wake-up plus one runtime
                // unpark per arrival tripled loadgen's CPU per request and made the p99 worse
                // under load.
                // Stopping first (Ctrl-C, SIGTERM): the arrival stays unsent.
                let due =
                    crate::run::due::sleep_until_due(t0 + a.due(), goose::is_killswitch_triggered);
                return due.await.then_some(a);
            }
        }
    }
}

/// The user's own state, made on its first transaction.
fn worker<'u>(shared: &Shared, user: &'u mut GooseUser) -> &'u mut Worker {
    if user.get_session_data::<Worker>().is_none() {
        let i = user.weighted_users_index as u64;
        user.set_session_data(Worker {
            rng: ChaCha8Rng::seed_from_u64(shared.seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            finished: false,
        });
    }
    user.get_session_data_unchecked_mut::<Worker>()
}

/// Marks the user done with the timeline; the last one to be done stops goose.
fn user_done(shared: &Shared, user: &mut GooseUser) {
    worker(shared, user).finished = true;
    if shared.tally.finished_users.fetch_add(1, Relaxed) + 1 == shared.users {
        let _ = shared.tally.ended.set(Instant::now());
        goose::trigger_killswitch("the schedule is complete");
    }
}

/// The goose request for `req`, built on the user's client; named `route` (goose groups its
/// metrics by name).
fn goose_request(
    user: &GooseUser,
    req: Request,
    route: &'static str,
) -> Result<GooseRequest<'static>, Box<TransactionError>> {
    let bad = |e: String| Box::new(TransactionError::Custom(e));
    // The URL parsed once, against the already parsed base: goose's get_request_builder parses
    // the path, then base + path, then reqwest the resulting string again (host, IDNA and all),
    // which perf put at 4% of loadgen's CPU at 40,000 req/s.
    let url = (user.base_url.join(&req.path))
        .map_err(|e| bad(format!("bad request path {}: {e}", req.path)))?;
    let method = reqwest::Method::from_bytes(req.method.as_bytes())
        .map_err(|e| bad(format!("bad method {}: {e}", req.method)))?;
    let mut rb = user.client.request(method, url);
    for (name, value) in &req.headers {
        rb = rb.header(name, value);
    }
    match req.body {
        RenderedBody::None => {}
        RenderedBody::Json(s) => rb = rb.header("content-type", "application/json").body(s),
        RenderedBody::Form(s) => {
            rb = rb
                .header("content-type", "application/x-www-form-urlencoded")
                .body(s)
        }
    }
    Ok(GooseRequest::builder()
        .name(route)
        .set_request_builder(rb)
        .build())
}

/// A response's headers as captures read them.
pub fn header_list(h: &reqwest::header::HeaderMap) -> Vec<(String, Vec<u8>)> {
    h.iter()
        .map(|(k, v)| (k.as_str().to_string(), v.as_bytes().to_vec()))
        .collect()
}

/// One goose transaction: claim the next arrival, wait for it, send it.
pub async fn arrival(shared: &Shared, user: &mut GooseUser) -> TransactionResult {
    if worker(shared, user).finished {
        // Waits for the last user to be done and stop goose.
        tokio::time::sleep(Duration::from_millis(50)).await;
        return Ok(());
    }
    if shared.quiet_goose {
        // goose sets its log level when its attack starts, before the first transaction.
        static QUIET: std::sync::Once = std::sync::Once::new();
        QUIET.call_once(|| log::set_max_level(log::LevelFilter::Error));
    }
    let Some(due) = next_due(shared).await else {
        user_done(shared, user);
        return Ok(());
    };
    let now = Now {
        sched_s: due.sched_s,
        wall_s: due.wall_s,
    };
    let probes_only = shared.crowd.probes_only;
    let rng = &mut worker(shared, user).rng;
    let Some((session, next)) = shared.session_for(now, rng, probes_only) else {
        // Stopping: the arrival stays unsent.
        return Ok(());
    };
    let kind = session.kind(&next);
    let (method, route) = (next.step.method.as_str(), next.step.route.as_str());
    let request_bytes = match &next.request.body {
        RenderedBody::None => 0,
        RenderedBody::Json(b) | RenderedBody::Form(b) => b.len() as u64,
    };
    let request = goose_request(user, next.request, route)?;
    let headers_wanted = shared.crowd.headers_wanted;
    let t0 = shared.t0();
    let sent = Instant::now();
    let answer = async {
        match user.request(request).await {
            Ok(GooseResponse {
                response: Ok(r), ..
            }) => {
                let status = r.status().as_u16();
                let headers = if headers_wanted {
                    header_list(r.headers())
                } else {
                    Vec::new()
                };
                Some((status, headers, crate::body::read(r).await))
            }
            _ => None,
        }
    };
    // Stopping (Ctrl-C, SIGTERM): the request is cancelled and counted as a transport error.
    let response = tokio::select! {
        r = answer => r,
        () = shared.stop.stopped(goose::is_killswitch_triggered) => None,
    };
    let latency_ms = sent.elapsed().as_secs_f64() * 1000.0;
    // No response, or a body cut short (by the server, or at the read bound), is a transport
    // error (status 0); its bytes are still counted.
    let (status, headers, body, response_bytes) = match &response {
        Some((status, h, b)) if b.complete => (*status, &h[..], &b.kept[..], b.len),
        Some((_, _, b)) => (0, &[][..], &[][..], b.len),
        None => (0, &[][..], &[][..], 0),
    };
    // The answer's time in schedule seconds: latency is not compressed, so under --compress F
    // a session's think time starts F x latency after its request was due.
    let answered_s = now.sched_s
        + (Instant::now().saturating_duration_since(t0).as_secs_f64() - due.wall_s)
            * shared.clock.timeline.compression;
    let resp = Response {
        status,
        headers,
        body,
    };
    let ok = shared.answered(session, (kind, method, route), &resp, now, answered_s);
    shared.tally.samples.push(Sample {
        method,
        route,
        status,
        ok,
        due_wall_s: due.wall_s,
        sent_wall_s: sent.saturating_duration_since(t0).as_secs_f64(),
        latency_ms,
        request_bytes,
        response_bytes,
    });
    Ok(())
}
