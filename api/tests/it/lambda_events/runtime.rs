//! A Lambda Runtime API on loopback (the HTTP API that Lambda and cargo-lambda's emulator serve)
//! and the real binary started as a function against it; what it answers, parsed.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};

const SECRET: &str = "lambda-test-secret-lambda-test-secret-01";
pub(super) const EVENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/events");

// --- a Runtime API on loopback ----------------------------------------------------------------

/// What the function posted back for one invocation.
#[derive(Debug)]
pub(super) enum Outcome {
    Response(Bytes),
    Error(Bytes),
}

struct Invocation {
    payload: String,
    reply: oneshot::Sender<Outcome>,
}

pub(super) struct RuntimeApi {
    queue: tokio::sync::Mutex<mpsc::Receiver<Invocation>>,
    pending: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    next_id: AtomicU64,
    /// How many extensions registered (the graceful-shutdown helper is one).
    pub(super) extensions: AtomicU64,
}

async fn next_invocation(State(rt): State<Arc<RuntimeApi>>) -> Response {
    let Some(inv) = rt.queue.lock().await.recv().await else {
        return StatusCode::GONE.into_response();
    };
    let id = format!("req-{}", rt.next_id.fetch_add(1, Ordering::Relaxed));
    rt.pending.lock().unwrap().insert(id.clone(), inv.reply);
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 30_000;
    (
        [
            ("lambda-runtime-aws-request-id", id),
            ("lambda-runtime-deadline-ms", deadline.to_string()),
            (
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:123456789012:function:journal-api".to_string(),
            ),
            (
                "lambda-runtime-trace-id",
                "Root=1-6746b2a0-0b9c5f3e2a1d4c6b8e7f9a01;Sampled=0".to_string(),
            ),
            ("content-type", "application/json".to_string()),
        ],
        inv.payload,
    )
        .into_response()
}

fn settle(rt: &RuntimeApi, id: &str, outcome: Outcome) -> StatusCode {
    match rt.pending.lock().unwrap().remove(id) {
        Some(tx) => {
            let _ = tx.send(outcome);
            StatusCode::ACCEPTED
        }
        None => StatusCode::BAD_REQUEST,
    }
}

async fn invocation_response(
    State(rt): State<Arc<RuntimeApi>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    settle(&rt, &id, Outcome::Response(body))
}

async fn invocation_error(
    State(rt): State<Arc<RuntimeApi>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    settle(&rt, &id, Outcome::Error(body))
}

async fn register_extension(State(rt): State<Arc<RuntimeApi>>, headers: HeaderMap) -> Response {
    assert!(headers.contains_key("lambda-extension-name"));
    rt.extensions.fetch_add(1, Ordering::Relaxed);
    (
        [("lambda-extension-identifier", "ext-1")],
        axum::Json(
            json!({"functionName": "journal-api", "functionVersion": "$LATEST", "handler": "api"}),
        ),
    )
        .into_response()
}

/// Serves the Runtime API routes over `rt` on a loopback port.
async fn serve_runtime_api(
    rt: Arc<RuntimeApi>,
) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next_invocation))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(invocation_response),
        )
        .route(
            "/2018-06-01/runtime/invocation/{id}/error",
            post(invocation_error),
        )
        .route("/2020-01-01/extension/register", post(register_extension))
        // The graceful-shutdown helper subscribes to no event: its long poll never returns.
        .route(
            "/2020-01-01/extension/event/next",
            get(std::future::pending::<StatusCode>),
        )
        .with_state(rt);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (addr, server)
}

/// The real binary as a function of the Runtime API at `addr`, its output piped.
fn function_command(
    addr: std::net::SocketAddr,
    handler: &str,
    database_url: &str,
    env: &[(&str, &str)],
) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_journal-api"));
    for var in [
        "AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH",
        "DB_PROXY",
        "LOG_FORMAT",
        "DB_MAX_CONNECTIONS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "journal-api")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("_HANDLER", handler)
        .env("DATABASE_URL", database_url)
        .env("JWT_SECRET", SECRET)
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Tasks copying the child's stdout and stderr into `logs` until EOF.
fn copy_output(child: &mut Child, logs: &Arc<Mutex<String>>) -> Vec<tokio::task::JoinHandle<()>> {
    let mut readers = Vec::new();
    for mut out in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn tokio::io::AsyncRead + Send + Unpin>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let logs = logs.clone();
        readers.push(tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                logs.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }));
    }
    readers
}

/// A function process and the Runtime API that drives it.
pub(super) struct Function {
    child: Child,
    invoke_tx: mpsc::Sender<Invocation>,
    pub(super) rt: Arc<RuntimeApi>,
    logs: Arc<Mutex<String>>,
    /// Copy stdout and stderr into `logs` until EOF.
    readers: Vec<tokio::task::JoinHandle<()>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Function {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A tokens-and-ids bag for placeholder substitution.
pub(super) type Vars = Vec<(&'static str, String)>;

impl Function {
    /// Starts `journal-api` as the function with `_HANDLER=handler` over `database_url`.
    pub(super) async fn start(handler: &str, database_url: &str, env: &[(&str, &str)]) -> Function {
        let (invoke_tx, invoke_rx) = mpsc::channel(1);
        let rt = Arc::new(RuntimeApi {
            queue: tokio::sync::Mutex::new(invoke_rx),
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            extensions: AtomicU64::new(0),
        });
        let (addr, server) = serve_runtime_api(rt.clone()).await;
        let mut child = function_command(addr, handler, database_url, env)
            .spawn()
            .expect("start journal-api");
        let logs = Arc::new(Mutex::new(String::new()));
        let readers = copy_output(&mut child, &logs);
        Function {
            child,
            invoke_tx,
            rt,
            logs,
            readers,
            server,
        }
    }

    pub(super) fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// One invocation with a raw JSON payload, bounded at 30 s.
    pub(super) async fn invoke(&mut self, payload: String) -> Outcome {
        let (tx, rx) = oneshot::channel();
        let inv = Invocation { payload, reply: tx };
        let wait = async {
            self.invoke_tx.send(inv).await.ok()?;
            rx.await.ok()
        };
        match tokio::time::timeout(Duration::from_secs(30), wait).await {
            Ok(Some(outcome)) => outcome,
            _ => {
                let status = self.child.try_wait().ok().flatten();
                panic!(
                    "the function did not answer within 30 s (exit status: {status:?}); its output:\n{}",
                    self.logs()
                )
            }
        }
    }

    /// Invokes with a recorded event (placeholders filled in) and decodes the HTTP reply.
    pub(super) async fn event(&mut self, name: &str, vars: &Vars) -> Reply {
        let mut text = std::fs::read_to_string(format!("{EVENTS}/{name}.json"))
            .unwrap_or_else(|e| panic!("recorded event {name}: {e}"));
        for (k, v) in vars {
            text = text.replace(&format!("{{{{{k}}}}}"), v);
        }
        assert!(
            !text.contains("{{"),
            "{name}: a placeholder was left unfilled"
        );
        match self.invoke(text).await {
            Outcome::Response(body) => Reply::parse(name, &body),
            Outcome::Error(body) => panic!(
                "{name}: invocation error {}\n{}",
                String::from_utf8_lossy(&body),
                self.logs()
            ),
        }
    }

    /// SIGTERM, as Lambda sends at shutdown; returns the exit code and the output.
    pub(super) async fn terminate(self) -> (Option<i32>, String) {
        let pid = self.child.id().expect("running") as i32;
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        self.wait_exit().await
    }

    /// Waits (at most 30 s) for the process to exit; returns the exit code and the output.
    pub(super) async fn wait_exit(mut self) -> (Option<i32>, String) {
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("the function exits within 30 s")
            .unwrap();
        // The last lines may still be in the pipes when wait() returns: read them to EOF.
        for reader in std::mem::take(&mut self.readers) {
            tokio::time::timeout(Duration::from_secs(30), reader)
                .await
                .expect("the output closes within 30 s of the exit")
                .unwrap();
        }
        (status.code(), self.logs())
    }
}

/// An HTTP response as lambda_http encodes it for the event's source.
#[derive(Debug)]
pub(super) struct Reply {
    status: u16,
    /// Lower-cased names; `headers` and `multiValueHeaders` merged.
    headers: HashMap<String, Vec<String>>,
    body: Vec<u8>,
    pub(super) raw: Value,
}

impl Reply {
    pub(super) fn parse(name: &str, bytes: &[u8]) -> Reply {
        let raw: Value = serde_json::from_slice(bytes)
            .unwrap_or_else(|e| panic!("{name}: the function's response is not JSON: {e}"));
        let status = raw["statusCode"].as_u64().expect("statusCode") as u16;
        let mut headers: HashMap<String, Vec<String>> = HashMap::new();
        if let Some(h) = raw["headers"].as_object() {
            for (k, v) in h {
                headers
                    .entry(k.to_ascii_lowercase())
                    .or_default()
                    .push(v.as_str().unwrap().to_string());
            }
        }
        if let Some(h) = raw["multiValueHeaders"].as_object() {
            for (k, vs) in h {
                let e = headers.entry(k.to_ascii_lowercase()).or_default();
                for v in vs.as_array().unwrap() {
                    let v = v.as_str().unwrap().to_string();
                    if !e.contains(&v) {
                        e.push(v);
                    }
                }
            }
        }
        let body = match raw["body"].as_str() {
            None => Vec::new(),
            Some(b) if raw["isBase64Encoded"] == true => base64::engine::general_purpose::STANDARD
                .decode(b)
                .expect("base64 body"),
            Some(b) => b.as_bytes().to_vec(),
        };
        Reply {
            status,
            headers,
            body,
            raw,
        }
    }

    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// Asserts the status and a JSON body (when there is one) and returns it.
    pub(super) fn expect(&self, status: u16) -> Value {
        let text = String::from_utf8_lossy(&self.body);
        assert_eq!(self.status, status, "body: {text}; reply: {}", self.raw);
        if self.body.is_empty() {
            return Value::Null;
        }
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{}",
            self.raw
        );
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }
}
