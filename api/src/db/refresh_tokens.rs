//! The `refresh_tokens` table: one row per issued refresh token, keyed by the token's SHA-256.
//! The token itself is never stored, so a database leak yields no usable refresh token.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Db;
use crate::on_pool;

/// Records a freshly issued refresh token.
pub async fn insert(
    db: &Db,
    id: Uuid,
    user_id: Uuid,
    token_hash: &[u8],
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_pool!(db, p => crate::db::stmt::query(
        "INSERT INTO refresh_tokens (id, user_id, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(user_id)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(p)
    .await
    .map(|_| ()))
}

/// What happened when a refresh token was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consume {
    /// It was live; it is now revoked and belonged to this user.
    Consumed(Uuid),
    /// It was already traded for a new pair: someone replays it, possible theft.
    Reused(Uuid),
    /// It was revoked by logout (or by a reuse alarm).
    Revoked,
    /// No such token.
    Unknown,
}

/// Atomically revokes a live token (one UPDATE, so two concurrent uses cannot both win).
pub async fn consume(
    db: &Db,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Consume, sqlx::Error> {
    let live = on_pool!(db, p => crate::db::stmt::query_scalar::<_, Uuid>(
        "UPDATE refresh_tokens SET revoked_at = $1, revoked_reason = 'rotated' \
         WHERE token_hash = $2 AND revoked_at IS NULL RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(p)
    .await)?;
    if let Some(user) = live {
        return Ok(Consume::Consumed(user));
    }
    let known = on_pool!(db, p => crate::db::stmt::query_as::<_, (Uuid, Option<String>)>(
        "SELECT user_id, revoked_reason FROM refresh_tokens WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(p)
    .await)?;
    Ok(match known {
        None => Consume::Unknown,
        Some((user, reason)) if reason.as_deref() == Some("rotated") => Consume::Reused(user),
        Some(_) => Consume::Revoked,
    })
}

/// Revokes one session's refresh token (logout). Revoking twice is harmless.
pub async fn revoke(
    db: &Db,
    id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_pool!(db, p => crate::db::stmt::query(
        "UPDATE refresh_tokens SET revoked_at = $1, revoked_reason = 'logout' \
         WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(user_id)
    .execute(p)
    .await
    .map(|_| ()))
}

/// Revokes every live refresh token of a user (reuse of a revoked token suggests it was stolen).
pub async fn revoke_all(db: &Db, user_id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_pool!(db, p => crate::db::stmt::query(
        "UPDATE refresh_tokens SET revoked_at = $1, revoked_reason = 'reuse' \
         WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(p)
    .await
    .map(|_| ()))
}
