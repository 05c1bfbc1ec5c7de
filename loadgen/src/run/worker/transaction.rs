//! One goose transaction: claim the next arrival, wait until it is due, send the next request
//! of a session and record what came back.

use super::Shared;
use crate::plan::dispatch::{Arrival, Claim};
use crate::plan::journey::{Body, Planned};
use crate::plan::session::Now;
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

/// The goose request for `plan`, built on the user's client.
fn goose_request(
    user: &GooseUser,
    plan: Planned,
) -> Result<GooseRequest<'static>, Box<TransactionError>> {
    // The URL parsed once, against the already parsed base: goose's get_request_builder parses
    // the path, then base + path, then reqwest the resulting string again (host, IDNA and all),
    // which perf put at 4% of loadgen's CPU at 40,000 req/s.
    let url = user.base_url.join(&plan.path).map_err(|e| {
        Box::new(TransactionError::Custom(format!(
            "bad request path {}: {e}",
            plan.path
        )))
    })?;
    let mut rb = user.client.request(plan.method.clone(), url);
    match plan.body {
        Body::None => {}
        Body::Json(s) => rb = rb.header("content-type", "application/json").body(s),
        Body::Form(s) => {
            rb = rb
                .header("content-type", "application/x-www-form-urlencoded")
                .body(s)
        }
    }
    if let Some(t) = &plan.bearer {
        rb = rb.bearer_auth(t);
    }
    // goose takes the method and URL from the request builder; the name groups its metrics.
    Ok(GooseRequest::builder()
        .name(plan.route)
        .set_request_builder(rb)
        .build())
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
    let (session, plan) = shared.session_for(now, &mut worker(shared, user).rng);
    let (step, method, route) = (plan.step, plan.method, plan.route);
    let request_bytes = plan.body.len() as u64;
    let request = goose_request(user, plan)?;
    let t0 = shared.t0();
    let sent = Instant::now();
    let answer = async {
        match user.request(request).await {
            Ok(GooseResponse {
                response: Ok(r), ..
            }) => {
                let status = r.status().as_u16();
                Some((status, crate::body::read(r).await))
            }
            _ => None,
        }
    };
    // Stopping (Ctrl-C, SIGTERM): the request is cancelled and counted as a transport error.
    let response = tokio::select! {
        r = answer => r,
        () = shared.stop.stopped(goose::is_killswitch_triggered) => {
            shared.tally.cancelled.fetch_add(1, Relaxed);
            None
        }
    };
    let latency_ms = sent.elapsed().as_secs_f64() * 1000.0;
    // No response, or a body cut short (by the server, or at the read bound), is a transport
    // error (status 0); its bytes are still counted.
    let (status, body, response_bytes) = match &response {
        Some((status, b)) if b.complete => (*status, &b.kept[..], b.len),
        Some((_, b)) => (0, &[][..], b.len),
        None => (0, &[][..], 0),
    };
    // The answer's time in schedule seconds: latency is not compressed, so under --compress F
    // a session's think time starts F x latency after its request was due.
    let answered_s = now.sched_s
        + (Instant::now().saturating_duration_since(t0).as_secs_f64() - due.wall_s)
            * shared.clock.timeline.compression;
    let ok = shared.answered(session, step, status, body, now, answered_s);
    shared.tally.samples.push(Sample {
        method: method.as_str(),
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
