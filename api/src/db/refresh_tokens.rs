//! The `refresh_tokens` table: one row per issued refresh token, keyed by the token's SHA-256.
//! The token itself is never stored, so a database leak yields no usable refresh token. The rows
//! of one login share `family_id` (the session).

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use super::Db;
use crate::on_pool;

/// A rotated token presented again within this time of its rotation is taken for a client race
/// (two tabs refreshing at once): the loser gets 401, the session lives. After it, the reuse
/// is taken for theft and every session of the user is revoked.
pub const REUSE_GRACE: TimeDelta = TimeDelta::seconds(5);

/// Records a freshly issued refresh token of session `family_id`.
pub async fn insert(
    db: &Db,
    id: Uuid,
    family_id: Uuid,
    user_id: Uuid,
    token_hash: &[u8],
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_pool!(db, p => crate::db::stmt::query(
        "INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(family_id)
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
    /// It was live; it is now revoked. Its user and session.
    Consumed { user: Uuid, family: Uuid },
    /// It was rotated less than [`REUSE_GRACE`] ago: a concurrent refresh lost the race.
    RaceLost,
    /// It was already traded for a new pair a while ago: someone replays it, possible theft.
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
    let live = on_pool!(db, p => crate::db::stmt::query_as::<_, (Uuid, Uuid)>(
        "UPDATE refresh_tokens SET revoked_at = $1, revoked_reason = 'rotated' \
         WHERE token_hash = $2 AND revoked_at IS NULL RETURNING user_id, family_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(p)
    .await)?;
    if let Some((user, family)) = live {
        return Ok(Consume::Consumed { user, family });
    }
    type Known = (Uuid, Option<String>, Option<DateTime<Utc>>);
    let known = crate::retry_on_pool!(db, p => crate::db::stmt::query_as::<_, Known>(
        "SELECT user_id, revoked_reason, revoked_at FROM refresh_tokens WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(p)
    .await)?;
    Ok(match known {
        None => Consume::Unknown,
        Some((user, reason, at)) if reason.as_deref() == Some("rotated") => match at {
            // `now` was taken before the winner's: the difference may be negative.
            Some(at) if now - at <= REUSE_GRACE => Consume::RaceLost,
            _ => Consume::Reused(user),
        },
        Some(_) => Consume::Revoked,
    })
}

/// Ends the session that refresh-token row `id` belongs to (logout): every live token of its
/// family is revoked, whatever rotation happened since `id` was issued. Revoking twice is harmless.
pub async fn revoke_session(
    db: &Db,
    id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    crate::retry_on_pool!(db, p => crate::db::stmt::query(
        "UPDATE refresh_tokens SET revoked_at = $1, revoked_reason = 'logout' \
         WHERE user_id = $3 AND revoked_at IS NULL \
         AND family_id = (SELECT family_id FROM refresh_tokens WHERE id = $2 AND user_id = $3)",
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
    crate::retry_on_pool!(db, p => crate::db::stmt::query(
        "UPDATE refresh_tokens SET revoked_at = $1, revoked_reason = 'reuse' \
         WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(p)
    .await
    .map(|_| ()))
}

/// Deletes expired rows (an expired refresh token fails its JWT check anyway, so its row no
/// longer serves reuse detection); returns how many.
pub async fn prune(db: &Db, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    crate::retry_on_pool!(db, p => crate::db::stmt::query(
        "DELETE FROM refresh_tokens WHERE expires_at < $1",
    )
    .bind(now)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
}
