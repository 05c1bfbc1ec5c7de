//! The real `journal-api` binary as a Lambda function: each test starts it with
//! `AWS_LAMBDA_RUNTIME_API` pointing at a Runtime API served here on loopback (the same HTTP API
//! that Lambda and cargo-lambda's emulator serve), feeds it the recorded events of
//! `tests/events/` and checks what the function answers. Nothing is called in-process: events go
//! through lambda_runtime, lambda_http's event parsing and response encoding, the router and the
//! database, as on AWS.

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

use crate::support;

const SECRET: &str = "lambda-test-secret-lambda-test-secret-01";
const EVENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/events");

// --- a Runtime API on loopback ----------------------------------------------------------------

/// What the function posted back for one invocation.
#[derive(Debug)]
enum Outcome {
    Response(Bytes),
    Error(Bytes),
}

struct Invocation {
    payload: String,
    reply: oneshot::Sender<Outcome>,
}

struct RuntimeApi {
    queue: tokio::sync::Mutex<mpsc::Receiver<Invocation>>,
    pending: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    next_id: AtomicU64,
    extensions: AtomicU64,
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

/// A function process and the Runtime API that drives it.
struct Function {
    child: Child,
    invoke_tx: mpsc::Sender<Invocation>,
    rt: Arc<RuntimeApi>,
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
type Vars = Vec<(&'static str, String)>;

impl Function {
    /// Starts `journal-api` as the function with `_HANDLER=handler` over `database_url`.
    async fn start(handler: &str, database_url: &str, env: &[(&str, &str)]) -> Function {
        let (invoke_tx, invoke_rx) = mpsc::channel(1);
        let rt = Arc::new(RuntimeApi {
            queue: tokio::sync::Mutex::new(invoke_rx),
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            extensions: AtomicU64::new(0),
        });
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
            .with_state(rt.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });

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
        let mut child = cmd.spawn().expect("start journal-api");
        let logs = Arc::new(Mutex::new(String::new()));
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
        Function {
            child,
            invoke_tx,
            rt,
            logs,
            readers,
            server,
        }
    }

    fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// One invocation with a raw JSON payload, bounded at 30 s.
    async fn invoke(&mut self, payload: String) -> Outcome {
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
    async fn event(&mut self, name: &str, vars: &Vars) -> Reply {
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
    async fn terminate(self) -> (Option<i32>, String) {
        let pid = self.child.id().expect("running") as i32;
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        self.wait_exit().await
    }

    /// Waits (at most 30 s) for the process to exit; returns the exit code and the output.
    async fn wait_exit(mut self) -> (Option<i32>, String) {
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
struct Reply {
    status: u16,
    /// Lower-cased names; `headers` and `multiValueHeaders` merged.
    headers: HashMap<String, Vec<String>>,
    body: Vec<u8>,
    raw: Value,
}

impl Reply {
    fn parse(name: &str, bytes: &[u8]) -> Reply {
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

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// Asserts the status and a JSON body (when there is one) and returns it.
    fn expect(&self, status: u16) -> Value {
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

// --- databases --------------------------------------------------------------------------------

/// A fresh, empty database URL; the temp dir (SQLite) must outlive the function.
async fn fresh_url(backend: support::Backend) -> (String, Option<tempfile::TempDir>) {
    match backend {
        support::Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("journal.db").display());
            (url, Some(dir))
        }
        support::Backend::Postgres => (support::fresh_postgres_url().await, None),
    }
}

/// Runs the `migrate` role twice: the first call applies everything, the second nothing.
async fn migrate_through_lambda(url: &str) {
    let mut f = Function::start("migrate", url, &[]).await;
    let first = match f.invoke("{}".into()).await {
        Outcome::Response(b) => serde_json::from_slice::<Value>(&b).unwrap(),
        Outcome::Error(b) => panic!(
            "migrate failed: {}\n{}",
            String::from_utf8_lossy(&b),
            f.logs()
        ),
    };
    let applied = first["applied"].as_array().expect("applied is a list");
    assert!(!applied.is_empty(), "{first}");
    assert_eq!(first["pending_before"], applied.len(), "{first}");
    assert!(applied[0].as_str().unwrap().starts_with(char::is_numeric));
    // The same environment again (a warm invoke): nothing left to do.
    match f.invoke(r#"{"source":"deploy"}"#.into()).await {
        Outcome::Response(b) => assert_eq!(
            serde_json::from_slice::<Value>(&b).unwrap(),
            json!({"applied": [], "pending_before": 0})
        ),
        Outcome::Error(b) => panic!("second migrate failed: {}", String::from_utf8_lossy(&b)),
    }
}

macro_rules! both_dbs {
    ($name:ident, $f:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$f(super::support::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$f(super::support::Backend::Postgres).await;
            }
        }
    };
}

// --- the tests --------------------------------------------------------------------------------

both_dbs!(migrate_role, migrate_role_applies_then_finds_nothing);
async fn migrate_role_applies_then_finds_nothing(backend: support::Backend) {
    let (url, _dir) = fresh_url(backend).await;
    migrate_through_lambda(&url).await;
}

both_dbs!(http_api_journey, http_api_v2_journey);
/// HTTP API ($default stage): register, log in with a form, create, list, read, update,
/// delete, and the error statuses, all as API Gateway sends them.
async fn http_api_v2_journey(backend: support::Backend) {
    let (url, _dir) = fresh_url(backend).await;
    migrate_through_lambda(&url).await;
    let mut f = Function::start("api", &url, &[]).await;
    let none: Vars = vec![];

    let health = f.event("apigw-v2-health", &none).await;
    assert_eq!(health.expect(200), json!({"status": "healthy"}));
    assert!(health.header("x-request-id").is_some(), "{}", health.raw);

    let reg = f.event("apigw-v2-register-base64", &none).await.expect(200);
    assert_eq!(reg["token_type"], "bearer");
    let login = f
        .event("apigw-v2-login-form-base64", &none)
        .await
        .expect(200);
    let token = login["access_token"].as_str().unwrap().to_string();
    let mut vars: Vars = vec![("ACCESS_TOKEN", token)];

    let created = f.event("apigw-v2-create", &vars).await.expect(201);
    assert_eq!(created["work"], "wrote the lambda adapter");
    let id = created["id"].as_str().unwrap().to_string();
    // A second entry, so that limit=1 has something to cut.
    f.event("apigw-v2-create", &vars).await.expect(201);
    let list = f.event("apigw-v2-list-query", &vars).await.expect(200);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "limit=1: {list}");
    vars.push(("ENTRY_ID", id.clone()));

    let one = f.event("apigw-v2-get", &vars).await.expect(200);
    assert_eq!(one["id"], id.as_str());
    let updated = f.event("apigw-v2-update", &vars).await.expect(200);
    assert_eq!(updated["work"], "edited on lambda");
    assert_eq!(updated["struggle"], "stage prefixes");
    assert_eq!(
        f.event("apigw-v2-delete", &vars).await.expect(204),
        Value::Null
    );
    assert_eq!(
        f.event("apigw-v2-get", &vars).await.expect(404)["detail"],
        "Entry not found"
    );

    assert_eq!(
        f.event("apigw-v2-create-no-token-401", &none)
            .await
            .expect(401)["detail"],
        "Not authenticated"
    );
    assert_eq!(
        f.event("apigw-v2-unknown-route-404", &none)
            .await
            .expect(404),
        json!({"detail": "Not Found"})
    );
    let big = f.event("apigw-v2-create-too-large-413", &vars).await;
    assert!(
        big.expect(413)["detail"]
            .as_str()
            .unwrap()
            .contains("64 KiB")
    );
    let invalid = f
        .event("apigw-v2-register-invalid-422", &none)
        .await
        .expect(422);
    assert!(invalid["detail"].as_array().is_some_and(|d| !d.is_empty()));

    // The same function behind a named HTTP API stage: rawPath is /Prod/...
    assert_eq!(
        f.event("apigw-v2-stage-health", &none).await.expect(200)["status"],
        "healthy"
    );
    let staged = f
        .event("apigw-v2-stage-list-query", &vars)
        .await
        .expect(200);
    assert_eq!(staged.as_array().map(Vec::len), Some(1), "{staged}");
}

both_dbs!(other_sources, function_url_and_alb_events);
/// Function URLs (base64 bodies, cookies) and ALB target groups (plain and multi-value).
async fn function_url_and_alb_events(backend: support::Backend) {
    let (url, _dir) = fresh_url(backend).await;
    migrate_through_lambda(&url).await;
    let mut f = Function::start("api", &url, &[]).await;
    let none: Vars = vec![];

    assert_eq!(
        f.event("url-health", &none).await.expect(200)["status"],
        "healthy"
    );
    let reg = f.event("url-register-base64", &none).await.expect(200);
    let vars: Vars = vec![("ACCESS_TOKEN", reg["access_token"].as_str().unwrap().into())];
    f.event("url-create", &vars).await.expect(201);
    f.event("url-create", &vars).await.expect(201);
    let list = f.event("url-list-query", &vars).await;
    assert_eq!(list.expect(200).as_array().map(Vec::len), Some(2));
    // Function URLs take the HTTP API (v2) response shape: cookies, single-value headers.
    assert!(list.raw["cookies"].is_array(), "{}", list.raw);
    assert_eq!(list.header("content-type"), Some("application/json"));

    let health = f.event("alb-health", &none).await;
    assert_eq!(health.expect(200)["status"], "healthy");
    // ALB wants a status line text back.
    assert_eq!(health.raw["statusDescription"], "200 OK", "{}", health.raw);
    f.event("alb-register", &none).await.expect(200);
    let login = f.event("alb-login-form-multi-base64", &none).await;
    let token = login.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    // A multi-value request gets a multi-value response.
    assert!(login.raw["multiValueHeaders"].is_object(), "{}", login.raw);
    let vars: Vars = vec![("ACCESS_TOKEN", token)];
    let list = f.event("alb-list-query-multi", &vars).await.expect(200);
    assert_eq!(list, json!([]), "the ALB user has no entries yet");
    assert_eq!(
        f.event("alb-list-no-token-401", &none).await.expect(401)["detail"],
        "Not authenticated"
    );
}

both_dbs!(rest_api_stage, rest_api_on_stage_prod);
/// REST API (v1) on stage Prod with AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH (as the SAM template
/// sets it): multi-value headers and query strings, a form login.
async fn rest_api_on_stage_prod(backend: support::Backend) {
    let (url, _dir) = fresh_url(backend).await;
    migrate_through_lambda(&url).await;
    let mut f = Function::start(
        "api",
        &url,
        &[("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "true")],
    )
    .await;
    let none: Vars = vec![];
    assert_eq!(
        f.event("apigw-v1-health", &none).await.expect(200)["status"],
        "healthy"
    );
    f.event("apigw-v1-register", &none).await.expect(200);
    let login = f.event("apigw-v1-login-form", &none).await;
    let token = login.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(login.raw["multiValueHeaders"].is_object(), "{}", login.raw);
    let vars: Vars = vec![("ACCESS_TOKEN", token)];
    f.event("apigw-v1-create", &vars).await.expect(201);
    let list = f.event("apigw-v1-list-query", &vars).await.expect(200);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(
        f.event("apigw-v1-unknown-route-404", &none)
            .await
            .expect(404),
        json!({"detail": "Not Found"})
    );
}

/// Without AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH, lambda_http routes a REST API event to
/// /Prod/health, which is no route: the reason the variable is part of the deployment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_api_stage_without_the_variable_is_404() {
    let (url, _dir) = fresh_url(support::Backend::Sqlite).await;
    let mut f = Function::start("api", &url, &[]).await;
    let r = f.event("apigw-v1-health", &vec![]).await;
    assert_eq!(r.expect(404), json!({"detail": "Not Found"}));
}

/// /health on a cold start answers without dialling the database: the pool is lazy. The
/// database here never answers; /ready then says so (after its 2 s), as a JSON 503, not a crash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_start_health_does_not_wait_for_the_database() {
    // A listener nobody answers on: whether the function dialled it shows in its accept queue,
    // whatever the speed of the machine.
    let db = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    db.set_nonblocking(true).unwrap();
    let port = db.local_addr().unwrap().port();
    let url = format!("postgres://nobody@127.0.0.1:{port}/nothing");
    let mut f = Function::start("api", &url, &[("DB_PROXY", "1")]).await;
    let r = f.event("apigw-v2-health", &vec![]).await;
    assert_eq!(r.expect(200)["status"], "healthy");
    assert!(
        matches!(db.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "/health dialled the database"
    );
    let mut text = std::fs::read_to_string(format!("{EVENTS}/apigw-v2-health.json")).unwrap();
    text = text.replace("\"/health\"", "\"/ready\"");
    match f.invoke(text).await {
        Outcome::Response(b) => {
            let r = Reply::parse("ready", &b);
            assert_eq!(r.expect(503), json!({"detail": "Database unavailable"}));
        }
        Outcome::Error(b) => panic!("{}", String::from_utf8_lossy(&b)),
    }
    assert!(f.logs().contains("statement_cache=false"), "{}", f.logs());
}

/// An unknown `_HANDLER` stops the init with a message that names the two handlers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_handler_is_a_clear_init_error() {
    let f = Function::start("bootstrap", "sqlite::memory:", &[]).await;
    let (code, logs) = f.wait_exit().await;
    assert_eq!(code, Some(1), "{logs}");
    assert!(
        logs.contains("_HANDLER=\"bootstrap\" is not a handler of journal-api")
            && logs.contains("`api`")
            && logs.contains("`migrate`"),
        "{logs}"
    );
}

/// Lambda sends SIGTERM before it ends an environment (only to functions with an extension:
/// the runtime registers one); the hook closes the pool and the process exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_the_pool() {
    let (url, _dir) = fresh_url(support::Backend::Sqlite).await;
    migrate_through_lambda(&url).await;
    let mut f = Function::start("api", &url, &[]).await;
    f.event("apigw-v2-register-base64", &vec![])
        .await
        .expect(200);
    assert_eq!(
        f.rt.extensions.load(Ordering::Relaxed),
        1,
        "no extension registered"
    );
    let (code, logs) = f.terminate().await;
    assert_eq!(code, Some(0), "{logs}");
    assert!(logs.contains("SIGTERM received"), "{logs}");
    assert!(logs.contains("database pool closed"), "{logs}");
}
