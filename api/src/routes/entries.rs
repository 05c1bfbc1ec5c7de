//! Journal entries of the calling user.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use utoipa::ToSchema;

use super::extract::CurrentUser;
use crate::body::JsonObject;
use crate::db::{self, entries, entries::Entry};
use crate::error::{ApiError, HttpError, ValidationErrorBody};
use crate::state::AppState;
use crate::validate;

#[derive(ToSchema)]
#[allow(dead_code)] // schema only: validated by `validate::new_entry`
pub struct EntryCreate {
    /// What you worked on.
    #[schema(min_length = 1, max_length = 256, pattern = "^[^\\u0000]*$")]
    work: String,
    /// What you struggled with.
    #[schema(min_length = 1, max_length = 256, pattern = "^[^\\u0000]*$")]
    struggle: String,
    /// What you intend to do next.
    #[schema(min_length = 1, max_length = 256, pattern = "^[^\\u0000]*$")]
    intention: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct EntryUpdate {
    #[schema(min_length = 1, max_length = 256, pattern = "^[^\\u0000]*$")]
    work: Option<String>,
    #[schema(min_length = 1, max_length = 256, pattern = "^[^\\u0000]*$")]
    struggle: Option<String>,
    #[schema(min_length = 1, max_length = 256, pattern = "^[^\\u0000]*$")]
    intention: Option<String>,
}

const NOT_FOUND: &str = "Entry not found";

fn parse_id(raw: &str) -> Result<uuid::Uuid, ApiError> {
    validate::entry_id(raw).map_err(|e| ApiError::validation(vec![e]))
}

/// Writes an entry.
#[utoipa::path(post, path = "/api/v1/entries", tag = "entries", security(("bearer" = [])),
    request_body = EntryCreate,
    responses(
        (status = 201, description = "Created", body = Entry),
        (status = 401, description = "Missing or invalid access token", body = HttpError),
        (status = 413, description = "Body over 64 KiB", body = HttpError),
        (status = 415, description = "Body is not JSON", body = HttpError),
        (status = 422, description = "Invalid body", body = ValidationErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonObject(body): JsonObject,
) -> Result<impl IntoResponse, ApiError> {
    let new = validate::new_entry(&body).map_err(ApiError::validation)?;
    let entry = entries::insert(
        &state.db,
        user.id,
        &new.work,
        &new.struggle,
        &new.intention,
        db::now(),
    )
    .await?
    .ok_or_else(ApiError::invalid_credentials)?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// Lists entries, newest first. For the next page pass the last entry's `id` as `before`.
#[utoipa::path(get, path = "/api/v1/entries", tag = "entries", security(("bearer" = [])),
    params(
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "Page size (default 100)"),
        ("before" = Option<uuid::Uuid>, Query, description = "Only entries older than this entry id")),
    responses(
        (status = 200, description = "Entries, newest first", body = Vec<Entry>),
        (status = 401, description = "Missing or invalid access token", body = HttpError),
        (status = 422, description = "Invalid query", body = ValidationErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<Entry>>, ApiError> {
    let q = validate::list_query(query.as_deref()).map_err(ApiError::validation)?;
    Ok(Json(
        entries::list(&state.db, user.id, q.before, q.limit).await?,
    ))
}

/// Reads one entry.
#[utoipa::path(get, path = "/api/v1/entries/{entry_id}", tag = "entries", security(("bearer" = [])),
    params(("entry_id" = uuid::Uuid, Path, description = "Entry id")),
    responses(
        (status = 200, description = "The entry", body = Entry),
        (status = 401, description = "Missing or invalid access token", body = HttpError),
        (status = 404, description = "No such entry of yours", body = HttpError),
        (status = 422, description = "The id is not a UUID", body = ValidationErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Entry>, ApiError> {
    let id = parse_id(&id)?;
    entries::get(&state.db, user.id, id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(NOT_FOUND))
}

/// Changes any subset of the three fields; `updated_at` moves.
#[utoipa::path(put, path = "/api/v1/entries/{entry_id}", tag = "entries", security(("bearer" = [])),
    params(("entry_id" = uuid::Uuid, Path, description = "Entry id")),
    request_body = EntryUpdate,
    responses(
        (status = 200, description = "The updated entry", body = Entry),
        (status = 401, description = "Missing or invalid access token", body = HttpError),
        (status = 404, description = "No such entry of yours", body = HttpError),
        (status = 413, description = "Body over 64 KiB", body = HttpError),
        (status = 415, description = "Body is not JSON", body = HttpError),
        (status = 422, description = "Invalid id or body", body = ValidationErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Entry>, ApiError> {
    let id = parse_id(&id)?;
    let patch = validate::entry_patch(&body).map_err(ApiError::validation)?;
    entries::update(
        &state.db,
        user.id,
        id,
        patch.work.as_deref(),
        patch.struggle.as_deref(),
        patch.intention.as_deref(),
        db::now(),
    )
    .await?
    .map(Json)
    .ok_or_else(|| ApiError::not_found(NOT_FOUND))
}

/// Deletes one entry.
#[utoipa::path(delete, path = "/api/v1/entries/{entry_id}", tag = "entries", security(("bearer" = [])),
    params(("entry_id" = uuid::Uuid, Path, description = "Entry id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or invalid access token", body = HttpError),
        (status = 404, description = "No such entry of yours", body = HttpError),
        (status = 422, description = "The id is not a UUID", body = ValidationErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    if entries::delete(&state.db, user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(NOT_FOUND))
    }
}

/// Deletes all of the caller's entries.
#[utoipa::path(delete, path = "/api/v1/entries", tag = "entries", security(("bearer" = [])),
    responses(
        (status = 204, description = "All your entries are deleted"),
        (status = 401, description = "Missing or invalid access token", body = HttpError)))]
pub async fn delete_all(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<StatusCode, ApiError> {
    entries::delete_all(&state.db, user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
