//! Registration, login (OAuth2 password form or JSON), refresh-token rotation, logout.

use std::sync::atomic::{AtomicI64, Ordering};

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::extract::CurrentUser;
use crate::auth::password::HashError;
use crate::auth::tokens::{REFRESH_TTL, TokenType, token_hash};
use crate::body::{BodyKind, JsonObject, body_kind, read_bytes, unsupported_media_type};
use crate::db::refresh_tokens::{self, Consume};
use crate::db::{self, users};
use crate::error::{ApiError, HttpError, ValidationErrorBody};
use crate::state::AppState;
use crate::validate;

/// An access and a refresh token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// JWT, 15 minutes; send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// JWT, 7 days; single use: `POST /api/v1/auth/refresh` returns a new pair.
    pub refresh_token: String,
    /// Always `bearer`.
    pub token_type: &'static str,
}

#[derive(ToSchema)]
#[allow(dead_code)] // schema only: the body is validated by `validate::registration`
pub struct RegisterRequest {
    #[schema(format = Email, max_length = 254, example = "ada@example.com")]
    email: String,
    #[schema(min_length = 8, max_length = 128, example = "correct horse battery")]
    password: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LoginForm {
    /// The email address (OAuth2 calls it username).
    #[schema(max_length = 254)]
    username: String,
    #[schema(max_length = 128)]
    password: String,
    /// Optional; `password` if given.
    grant_type: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LoginJson {
    #[schema(max_length = 254)]
    email: String,
    #[schema(max_length = 128)]
    password: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RefreshRequest {
    refresh_token: String,
}

/// Issues a pair for `user`: a new session, or the next pair of session `family`.
async fn issue(
    state: &AppState,
    user: Uuid,
    family: Option<Uuid>,
) -> Result<Json<TokenPair>, ApiError> {
    let now = db::now();
    let sid = Uuid::now_v7();
    let (access_token, refresh_token) = state.keys.pair(user, sid, now);
    refresh_tokens::insert(
        &state.db,
        sid,
        family.unwrap_or(sid),
        user,
        &token_hash(&refresh_token),
        now,
        now + REFRESH_TTL,
    )
    .await
    .map_err(|e| {
        if db::is_foreign_key_violation(&e) {
            ApiError::invalid_credentials()
        } else {
            e.into()
        }
    })?;
    prune_now_and_then(state, now).await;
    Ok(Json(TokenPair {
        access_token,
        refresh_token,
        token_type: "bearer",
    }))
}

/// Expired refresh-token rows are deleted at most once per [`PRUNE_EVERY`] per process, by the
/// token issue that finds it due (no scheduler needed, and a Lambda environment prunes too).
/// Awaited rather than spawned: a second query running beside the request would be a second
/// client on a transaction pooler's one server connection, where sqlx's unnamed statements of
/// two clients can interleave.
const PRUNE_EVERY: i64 = 3600;
static LAST_PRUNE: AtomicI64 = AtomicI64::new(0);

async fn prune_now_and_then(state: &AppState, now: chrono::DateTime<chrono::Utc>) {
    let last = LAST_PRUNE.load(Ordering::Relaxed);
    let due = now.timestamp() - last >= PRUNE_EVERY;
    if !due
        || LAST_PRUNE
            .compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    match refresh_tokens::prune(&state.db, now).await {
        Ok(n) => tracing::info!(deleted = n, "expired refresh tokens pruned"),
        Err(e) => tracing::warn!(error = %e, "pruning expired refresh tokens failed"),
    }
}

fn hash_failed(e: HashError) -> ApiError {
    match e {
        HashError::Busy => {
            tracing::warn!(request_id = %crate::access_log::request_id(), "password hashing saturated: 503");
            ApiError::unavailable("Too many logins in progress: try again")
        }
        HashError::Failed(e) => {
            tracing::error!(request_id = %crate::access_log::request_id(), error = %e, "password hashing failed");
            ApiError::internal()
        }
    }
}

/// Creates an account and logs it in.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 200, description = "Registered; a token pair", body = TokenPair),
        (status = 400, description = "Email already registered", body = HttpError),
        (status = 413, description = "Body over 64 KiB", body = HttpError),
        (status = 415, description = "Body is not JSON", body = HttpError),
        (status = 422, description = "Invalid body", body = ValidationErrorBody),
        (status = 429, description = "Too many requests from this client (or failed logins of this account); see Retry-After", body = HttpError),
        (status = 503, description = "Database unavailable, password hashing saturated or request timed out; see Retry-After", body = HttpError)))]
pub async fn register(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<TokenPair>, ApiError> {
    let creds = validate::registration(&body).map_err(ApiError::validation)?;
    let hash = state
        .passwords
        .hash(creds.password)
        .await
        .map_err(hash_failed)?;
    let email = validate::normalize_email(&creds.email);
    let Some(user) = users::insert(&state.db, &email, &hash, db::now()).await? else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Email already registered",
        ));
    };
    issue(&state, user, None).await
}

/// Same as register (the FastAPI API's name for it).
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 200, description = "Registered; a token pair", body = TokenPair),
        (status = 400, description = "Email already registered", body = HttpError),
        (status = 413, description = "Body over 64 KiB", body = HttpError),
        (status = 415, description = "Body is not JSON", body = HttpError),
        (status = 422, description = "Invalid body", body = ValidationErrorBody),
        (status = 429, description = "Too many requests from this client (or failed logins of this account); see Retry-After", body = HttpError),
        (status = 503, description = "Database unavailable, password hashing saturated or request timed out; see Retry-After", body = HttpError)))]
pub async fn signup(state: State<AppState>, body: JsonObject) -> Result<Json<TokenPair>, ApiError> {
    register(state, body).await
}

fn wrong_login() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "Incorrect email or password").challenge()
}

/// Logs in with the OAuth2 password form (`username`, `password`) or JSON (`email`, `password`).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body(content(
        (LoginForm = "application/x-www-form-urlencoded"),
        (LoginJson = "application/json"))),
    responses(
        (status = 200, description = "A token pair", body = TokenPair),
        (status = 401, description = "Wrong email or password", body = HttpError),
        (status = 413, description = "Body over 64 KiB", body = HttpError),
        (status = 415, description = "Neither form nor JSON", body = HttpError),
        (status = 422, description = "Missing fields", body = ValidationErrorBody),
        (status = 429, description = "Too many requests from this client (or failed logins of this account); see Retry-After", body = HttpError),
        (status = 503, description = "Database unavailable, password hashing saturated or request timed out; see Retry-After", body = HttpError)))]
pub async fn login(
    State(state): State<AppState>,
    req: Request,
) -> Result<Json<TokenPair>, ApiError> {
    let kind = body_kind(req.headers());
    let creds = match kind {
        BodyKind::Form => {
            let bytes = read_bytes(req, &state).await?;
            let raw = std::str::from_utf8(&bytes).map_err(|_| {
                ApiError::field(&["body"], "value_error", "Form body is not valid UTF-8")
            })?;
            let mut username = None;
            let mut password = None;
            for (k, v) in validate::form_urlencoded_pairs(raw) {
                match k.as_str() {
                    "username" => username = Some(Value::String(v)),
                    "password" => password = Some(Value::String(v)),
                    _ => {}
                }
            }
            validate::login_fields(username.as_ref(), password.as_ref(), "username")
        }
        BodyKind::Json => {
            let bytes = read_bytes(req, &state).await?;
            let obj = validate::json_object(&bytes).map_err(|e| ApiError::validation(vec![e]))?;
            validate::login_fields(obj.get("email"), obj.get("password"), "email")
        }
        BodyKind::Other => {
            return Err(unsupported_media_type(
                "Unsupported media type: send application/x-www-form-urlencoded or application/json",
            ));
        }
    }
    .map_err(ApiError::validation)?;

    let email = validate::normalize_email(&creds.email);
    state.limits.check_account(&email)?;
    // No stored email contains NUL (and PostgreSQL cannot even take it as a parameter).
    let user = if email.contains('\0') {
        None
    } else {
        users::find_by_email(&state.db, &email).await?
    };
    // Unknown email: verify against the dummy hash anyway, then give the same answer.
    let (id, stored) = match user {
        Some(u) => (Some(u.id), Some(u.password_hash)),
        None => (None, None),
    };
    if !state
        .passwords
        .verify(creds.password, stored)
        .await
        .map_err(hash_failed)?
    {
        state.limits.login_failed(&email);
        return Err(wrong_login());
    }
    let id = id.ok_or_else(wrong_login)?;
    issue(&state, id, None).await
}

/// Trades a refresh token for a new pair; the old refresh token stops working.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair", body = TokenPair),
        (status = 401, description = "Invalid, expired, used or revoked refresh token", body = HttpError),
        (status = 413, description = "Body over 64 KiB", body = HttpError),
        (status = 415, description = "Body is not JSON", body = HttpError),
        (status = 422, description = "Invalid body", body = ValidationErrorBody),
        (status = 429, description = "Too many requests from this client (or failed logins of this account); see Retry-After", body = HttpError),
        (status = 503, description = "Database unavailable, password hashing saturated or request timed out; see Retry-After", body = HttpError)))]
pub async fn refresh(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<TokenPair>, ApiError> {
    let token = match body.get("refresh_token") {
        None => {
            return Err(ApiError::field(
                &["body", "refresh_token"],
                "missing",
                "Field required",
            ));
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(ApiError::field(
                &["body", "refresh_token"],
                "string_type",
                "Input should be a valid string",
            ));
        }
    };
    let claims = state
        .keys
        .verify(&token, TokenType::Refresh)
        .ok_or_else(ApiError::invalid_credentials)?;
    match refresh_tokens::consume(&state.db, &token_hash(&token), db::now()).await? {
        Consume::Consumed { user, family } if user == claims.sub => {
            issue(&state, user, Some(family)).await
        }
        Consume::Consumed { .. } | Consume::Unknown | Consume::Revoked => {
            Err(ApiError::invalid_credentials())
        }
        Consume::RaceLost => {
            // Two refreshes with one token at once (two tabs): one won; the session lives.
            tracing::info!(request_id = %crate::access_log::request_id(), user = %claims.sub, "concurrent refresh lost the race");
            Err(ApiError::invalid_credentials())
        }
        Consume::Reused(user) => {
            // A revoked token came back: whoever holds the live one may be a thief. End every
            // session of the user; they log in again.
            tracing::warn!(user = %user, "refresh token reuse: revoking all sessions");
            refresh_tokens::revoke_all(&state.db, user, db::now()).await?;
            Err(ApiError::invalid_credentials())
        }
    }
}

/// Ends the session of the access token: its refresh tokens are revoked, including those issued
/// by refreshes since the access token was.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "Missing or invalid access token", body = HttpError)))]
pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<impl IntoResponse, ApiError> {
    refresh_tokens::revoke_session(&state.db, user.session, user.id, db::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
