//! The real router in process over a fresh database, and requests to it read whole.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use journal_api::app::router;
use journal_api::db::{self, Db, DbSettings};
use journal_api::state::AppState;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::db::{Backend, fresh_db};

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret-0123";
pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} response is not JSON ({e}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    /// Asserts the status, that the body is JSON, and returns it.
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        if self.body.is_empty() {
            return Value::Null;
        }
        assert_eq!(
            self.headers
                .get(header::CONTENT_TYPE)
                .map(|v| v.to_str().unwrap()),
            Some("application/json"),
            "content type of a {status}"
        );
        self.json()
    }
    /// Asserts a `{"detail": "<message>"}` error.
    pub fn expect_detail(&self, status: u16, detail: &str) {
        assert_eq!(self.expect(status), json!({ "detail": detail }));
    }
    /// Asserts a 422 and returns its field errors as (loc joined with '.', type).
    pub fn expect_422(&self) -> Vec<(String, String)> {
        let v = self.expect(422);
        let list = v["detail"].as_array().expect("422 detail is a list");
        assert!(!list.is_empty());
        list.iter()
            .map(|e| {
                assert!(e["msg"].is_string(), "{e}");
                let loc: Vec<String> = e["loc"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| match l {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                (loc.join("."), e["type"].as_str().unwrap().to_string())
            })
            .collect()
    }
}

/// Tokens of a registered user.
#[derive(Debug, Clone)]
pub struct User {
    pub email: String,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub async fn new(backend: Backend) -> TestApp {
        let (db, dir) = fresh_db(backend).await;
        TestApp {
            router: router(AppState::from_secret(SECRET, db.clone())),
            db,
            backend,
            _dir: dir,
        }
    }

    /// The router over a database nobody migrated (no tables at all).
    pub async fn unmigrated(url: &str) -> TestApp {
        let db = Db::connect(&DbSettings::new(url)).await.expect("connect");
        TestApp {
            router: router(AppState::from_secret(SECRET, db.clone())),
            db,
            backend: if url.starts_with("sqlite") {
                Backend::Sqlite
            } else {
                Backend::Postgres
            },
            _dir: None,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        Res {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await.unwrap().to_bytes().to_vec(),
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> Res {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        self.send(req.body(body.into()).unwrap()).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Res {
        self.call(Method::GET, path, token, None, Body::empty())
            .await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Res {
        self.call(Method::DELETE, path, token, None, Body::empty())
            .await
    }

    pub async fn json(&self, method: Method, path: &str, token: Option<&str>, body: &Value) -> Res {
        self.call(
            method,
            path,
            token,
            Some("application/json"),
            body.to_string(),
        )
        .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Res {
        self.json(Method::POST, path, token, body).await
    }

    pub async fn register(&self, email: &str) -> User {
        let v = self
            .post(
                "/api/v1/auth/register",
                None,
                &json!({"email": email, "password": PASSWORD}),
            )
            .await
            .expect(200);
        assert_eq!(v["token_type"], "bearer");
        User {
            email: email.to_string(),
            access: v["access_token"].as_str().unwrap().to_string(),
            refresh: v["refresh_token"].as_str().unwrap().to_string(),
        }
    }

    pub async fn create_entry(&self, user: &User, work: &str) -> Value {
        self.post(
            "/api/v1/entries",
            Some(&user.access),
            &json!({"work": work, "struggle": "s", "intention": "i"}),
        )
        .await
        .expect(201)
    }
}

/// Moves the rotation time of every rotated refresh token `by` into the past, as if the reuse
/// came that much later (no test sleeps through the reuse grace window).
pub async fn backdate_rotations(db: &Db, by: chrono::TimeDelta) {
    let at = db::now() - by;
    let sql = "UPDATE refresh_tokens SET revoked_at = $1 WHERE revoked_reason = 'rotated'";
    journal_api::on_pool!(db, p => sqlx::query(sql).persistent(false).bind(at).execute(p).await.map(|_| ()))
        .expect("backdate rotations");
}
