//! What every handler shares.

use std::sync::Arc;

use crate::auth::password::Passwords;
use crate::auth::tokens::Keys;
use crate::config::Config;
use crate::db::Db;

/// Shared by every request; cloning is cheap.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub keys: Arc<Keys>,
    pub passwords: Passwords,
}

impl AppState {
    /// Builds the state from the configuration (JWT secret) and an open pool.
    pub fn new(config: &Config, db: Db) -> AppState {
        AppState::from_secret(&config.jwt_secret, db)
    }

    /// Builds the state from a JWT secret directly (tests, embedding).
    pub fn from_secret(jwt_secret: &[u8], db: Db) -> AppState {
        AppState {
            db,
            keys: Arc::new(Keys::new(jwt_secret)),
            passwords: Passwords::default(),
        }
    }
}
