//! The `entries` table. Every query is scoped by `user_id`, so another user's entry is simply
//! not found.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::Db;
use crate::on_pool;

/// A journal entry as stored and as returned on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Entry {
    pub id: Uuid,
    pub user_id: Uuid,
    pub work: String,
    pub struggle: String,
    pub intention: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

// A macro, not a const, so that `concat!` builds each query as one `&'static str` at compile time.
macro_rules! columns {
    () => {
        "id, user_id, work, struggle, intention, created_at, updated_at"
    };
}

/// Inserts an entry with a fresh UUIDv7 id; `Ok(None)` if the user no longer exists.
pub async fn insert(
    db: &Db,
    user_id: Uuid,
    work: &str,
    struggle: &str,
    intention: &str,
    now: DateTime<Utc>,
) -> Result<Option<Entry>, sqlx::Error> {
    let entry = Entry {
        id: Uuid::now_v7(),
        user_id,
        work: work.to_string(),
        struggle: struggle.to_string(),
        intention: intention.to_string(),
        created_at: now,
        updated_at: now,
    };
    let res = on_pool!(db, p => crate::db::stmt::query(
        "INSERT INTO entries (id, user_id, work, struggle, intention, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.id)
    .bind(entry.user_id)
    .bind(&entry.work)
    .bind(&entry.struggle)
    .bind(&entry.intention)
    .bind(entry.created_at)
    .bind(entry.updated_at)
    .execute(p)
    .await
    .map(|_| ()));
    match res {
        Ok(()) => Ok(Some(entry)),
        Err(e) if super::is_foreign_key_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Up to `limit` of a user's entries, newest first, strictly older than `before` when given.
pub async fn list(
    db: &Db,
    user_id: Uuid,
    before: Option<Uuid>,
    limit: u32,
) -> Result<Vec<Entry>, sqlx::Error> {
    let limit = i64::from(limit);
    match before {
        None => crate::retry_on_pool!(db, p => crate::db::stmt::query_as::<_, Entry>(concat!(
            "SELECT ", columns!(), " FROM entries WHERE user_id = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(p)
        .await),
        Some(before) => {
            crate::retry_on_pool!(db, p => crate::db::stmt::query_as::<_, Entry>(concat!(
            "SELECT ", columns!(), " FROM entries WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
        ))
        .bind(user_id)
        .bind(before)
        .bind(limit)
        .fetch_all(p)
        .await)
        }
    }
}

/// One of the user's entries.
pub async fn get(db: &Db, user_id: Uuid, id: Uuid) -> Result<Option<Entry>, sqlx::Error> {
    crate::retry_on_pool!(db, p => crate::db::stmt::query_as::<_, Entry>(concat!(
        "SELECT ", columns!(), " FROM entries WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(p)
    .await)
}

/// Changes the given fields (the others stay), moves `updated_at`, returns the new row.
pub async fn update(
    db: &Db,
    user_id: Uuid,
    id: Uuid,
    work: Option<&str>,
    struggle: Option<&str>,
    intention: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Entry>, sqlx::Error> {
    crate::retry_on_pool!(db, p => crate::db::stmt::query_as::<_, Entry>(concat!(
        "UPDATE entries SET work = COALESCE($1, work), struggle = COALESCE($2, struggle), \
         intention = COALESCE($3, intention), updated_at = $4 \
         WHERE id = $5 AND user_id = $6 RETURNING ",
        columns!()
    ))
    .bind(work)
    .bind(struggle)
    .bind(intention)
    .bind(now)
    .bind(id)
    .bind(user_id)
    .fetch_optional(p)
    .await)
}

/// Deletes one of the user's entries; false if there was none.
pub async fn delete(db: &Db, user_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let n = on_pool!(db, p => crate::db::stmt::query("DELETE FROM entries WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Deletes all of the user's entries; returns how many.
pub async fn delete_all(db: &Db, user_id: Uuid) -> Result<u64, sqlx::Error> {
    on_pool!(db, p => crate::db::stmt::query("DELETE FROM entries WHERE user_id = $1")
        .bind(user_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
}
