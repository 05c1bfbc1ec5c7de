//! `Authorization: Bearer <access token>` -> the calling user.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use uuid::Uuid;

use crate::auth::tokens::TokenType;
use crate::error::ApiError;
use crate::state::AppState;

/// The authenticated caller of a request.
#[derive(Debug, Clone, Copy)]
pub struct CurrentUser {
    pub id: Uuid,
    /// The session (refresh-token row) the access token belongs to.
    pub session: Uuid,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::not_authenticated)?;
        let (scheme, token) = header
            .split_once(' ')
            .ok_or_else(ApiError::not_authenticated)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(ApiError::not_authenticated());
        }
        let claims = state
            .keys
            .verify(token.trim(), TokenType::Access)
            .ok_or_else(ApiError::invalid_credentials)?;
        Ok(CurrentUser {
            id: claims.sub,
            session: claims.sid,
        })
    }
}
