//! The `users` table.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Db;
use crate::on_pool;

/// What login needs of a user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserAuth {
    pub id: Uuid,
    pub password_hash: String,
}

/// Inserts a user; `Ok(None)` when the (lower-cased) email is already registered.
pub async fn insert(
    db: &Db,
    email_lower: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let id = Uuid::new_v4();
    let res = on_pool!(db, p => crate::db::stmt::query(
        "INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(email_lower)
    .bind(password_hash)
    .bind(now)
    .execute(p)
    .await
    .map(|_| ()));
    match res {
        Ok(()) => Ok(Some(id)),
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Looks a user up by lower-cased email.
pub async fn find_by_email(db: &Db, email_lower: &str) -> Result<Option<UserAuth>, sqlx::Error> {
    crate::retry_on_pool!(db, p => crate::db::stmt::query_as::<_, UserAuth>(
        "SELECT id, password_hash FROM users WHERE email = $1",
    )
    .bind(email_lower)
    .fetch_optional(p)
    .await)
}

/// The stored PHC string of a user (tests read the argon2 parameters from it).
pub async fn password_hash(db: &Db, id: Uuid) -> Result<Option<String>, sqlx::Error> {
    crate::retry_on_pool!(db, p => crate::db::stmt::query_scalar::<_, String>(
        "SELECT password_hash FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(p)
    .await)
}
