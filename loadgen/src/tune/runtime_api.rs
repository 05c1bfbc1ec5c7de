//! A minimal Lambda Runtime API on loopback: hands out one event at a time on
//! `GET /2018-06-01/runtime/invocation/next` and takes the answer on `.../{id}/response` or
//! `.../{id}/error`, timing exactly what Lambda bills (event handed out -> answer received).
//!
//! One server per function process: a killed process's pending `/next` can then never take an
//! event meant for its successor.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{get, post};
use tokio::sync::{Mutex, mpsc, oneshot, watch};

/// Why an invocation gave no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InvokeError {
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("the function reported an invocation error: {0}")]
    Function(String),
    #[error("the function reported an init error: {0}")]
    Init(String),
    #[error("the runtime API stopped")]
    Closed,
}

/// One answered invocation.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Event handed out on /next to the answer on /response: Lambda's billed duration.
    pub duration: Duration,
    pub answered: Instant,
    pub body: Bytes,
}

struct Outgoing {
    id: String,
    event: Bytes,
    deadline_ms: u64,
    done: oneshot::Sender<Result<Answer, InvokeError>>,
}

type Inflight = HashMap<String, (Instant, oneshot::Sender<Result<Answer, InvokeError>>)>;

struct Shared {
    queue: Mutex<mpsc::Receiver<Outgoing>>,
    inflight: Mutex<Inflight>,
    /// When the function first polled /next: the end of its init phase.
    first_poll: watch::Sender<Option<Instant>>,
    init_error: watch::Sender<Option<String>>,
    function_arn: String,
}

pub struct RuntimeApi {
    pub addr: SocketAddr,
    queue: mpsc::Sender<Outgoing>,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
    next_id: u64,
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl RuntimeApi {
    /// Listens on a free loopback port.
    pub async fn start(function_name: &str) -> std::io::Result<RuntimeApi> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = mpsc::channel(1);
        let shared = Arc::new(Shared {
            queue: Mutex::new(rx),
            inflight: Mutex::new(HashMap::new()),
            first_poll: watch::channel(None).0,
            init_error: watch::channel(None).0,
            function_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{function_name}"),
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            // lambda_runtime's graceful-shutdown helper registers an internal extension during
            // init (as on Lambda, where that is what lets SIGTERM reach the process).
            .route("/2020-01-01/extension/register", post(register_extension))
            .route("/2020-01-01/extension/event/next", get(extension_next))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(RuntimeApi {
            addr,
            queue: tx,
            shared,
            server,
            next_id: 0,
        })
    }

    /// Waits until the function polls /next for the first time (its init is over), or reports an
    /// init error.
    pub async fn first_poll(&self) -> Result<Instant, InvokeError> {
        let mut polled = self.shared.first_poll.subscribe();
        let mut init = self.shared.init_error.subscribe();
        tokio::select! {
            r = polled.wait_for(Option::is_some) => r.ok().and_then(|v| *v).ok_or(InvokeError::Closed),
            r = init.wait_for(Option::is_some) => Err(InvokeError::Init(
                r.ok().and_then(|v| v.clone()).unwrap_or_default(),
            )),
        }
    }

    /// Hands `event` to the function and waits for its answer, at most `timeout`.
    pub async fn invoke(
        &mut self,
        event: Vec<u8>,
        timeout: Duration,
    ) -> Result<Answer, InvokeError> {
        self.next_id += 1;
        let (done, answer) = oneshot::channel();
        let out = Outgoing {
            id: format!("tune-{:08}", self.next_id),
            event: Bytes::from(event),
            deadline_ms: epoch_ms() + timeout.as_millis() as u64,
            done,
        };
        let mut init = self.shared.init_error.subscribe();
        let wait = async {
            self.queue
                .send(out)
                .await
                .map_err(|_| InvokeError::Closed)?;
            tokio::select! {
                a = answer => a.unwrap_or(Err(InvokeError::Closed)),
                r = init.wait_for(Option::is_some) => Err(InvokeError::Init(
                    r.ok().and_then(|v| v.clone()).unwrap_or_default(),
                )),
            }
        };
        tokio::time::timeout(timeout, wait)
            .await
            .unwrap_or(Err(InvokeError::Timeout(timeout)))
    }
}

async fn next(State(s): State<Arc<Shared>>) -> Result<(HeaderMap, Bytes), StatusCode> {
    s.first_poll.send_if_modified(|v| {
        let first = v.is_none();
        if first {
            *v = Some(Instant::now());
        }
        first
    });
    let out = s.queue.lock().await.recv().await.ok_or(StatusCode::GONE)?;
    let mut h = HeaderMap::new();
    let value = |v: &str| HeaderValue::from_str(v).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR);
    h.insert("lambda-runtime-aws-request-id", value(&out.id)?);
    h.insert(
        "lambda-runtime-deadline-ms",
        value(&out.deadline_ms.to_string())?,
    );
    h.insert(
        "lambda-runtime-invoked-function-arn",
        value(&s.function_arn)?,
    );
    h.insert(
        "lambda-runtime-trace-id",
        value(&format!("Root=1-00000000-{};Sampled=0", out.id))?,
    );
    h.insert("content-type", HeaderValue::from_static("application/json"));
    // Timed from here: the event leaves for the function now.
    s.inflight
        .lock()
        .await
        .insert(out.id.clone(), (Instant::now(), out.done));
    Ok((h, out.event))
}

async fn response(State(s): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    let answered = Instant::now();
    match s.inflight.lock().await.remove(&id) {
        Some((handed_out, done)) => {
            let _ = done.send(Ok(Answer {
                duration: answered - handed_out,
                answered,
                body,
            }));
            StatusCode::ACCEPTED
        }
        None => StatusCode::BAD_REQUEST,
    }
}

async fn error(State(s): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    match s.inflight.lock().await.remove(&id) {
        Some((_, done)) => {
            let text = String::from_utf8_lossy(&body).chars().take(300).collect();
            let _ = done.send(Err(InvokeError::Function(text)));
            StatusCode::ACCEPTED
        }
        None => StatusCode::BAD_REQUEST,
    }
}

async fn init_error(State(s): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    let text: String = String::from_utf8_lossy(&body).chars().take(300).collect();
    s.init_error.send_replace(Some(text));
    StatusCode::ACCEPTED
}

async fn register_extension(State(s): State<Arc<Shared>>) -> (HeaderMap, String) {
    let mut h = HeaderMap::new();
    h.insert(
        "lambda-extension-identifier",
        HeaderValue::from_static("loadgen-tune-extension"),
    );
    h.insert("content-type", HeaderValue::from_static("application/json"));
    let name = s.function_arn.rsplit(':').next().unwrap_or("function");
    let body = serde_json::json!({
        "functionName": name,
        "functionVersion": "$LATEST",
        "handler": "api",
    });
    (h, body.to_string())
}

/// No extension event is ever sent (the sweep ends processes with SIGKILL): wait forever.
async fn extension_next() -> StatusCode {
    std::future::pending::<()>().await;
    StatusCode::OK
}

#[cfg(test)]
#[path = "runtime_api_tests.rs"]
mod tests;
