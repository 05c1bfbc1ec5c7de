//! JWT HS256 access and refresh tokens.
//!
//! Claims: `sub` (user id), `iat`, `exp`, `type` (`access` | `refresh`) and `sid`, the id of the
//! refresh-token row of the session (so logout can revoke it from an access token).

use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const ACCESS_TTL: TimeDelta = TimeDelta::minutes(15);
pub const REFRESH_TTL: TimeDelta = TimeDelta::days(7);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub iat: i64,
    pub exp: i64,
    #[serde(rename = "type")]
    pub kind: TokenType,
    pub sid: Uuid,
}

/// Signing and verification keys from one secret.
#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl Keys {
    pub fn new(secret: &[u8]) -> Keys {
        let mut validation = Validation::new(Algorithm::HS256);
        // Only HS256 is accepted (so `alg: none` and algorithm swaps fail); exp is checked with
        // a few seconds of leeway for clock skew between instances.
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = 5;
        validation.validate_exp = true;
        // A token that says it is not valid yet is refused (ours carry no `nbf`).
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Signs claims.
    pub fn sign(&self, claims: &Claims) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .expect("HS256 signing of plain claims cannot fail")
    }

    /// Claims of a valid, unexpired token of the expected type; `None` otherwise.
    pub fn verify(&self, token: &str, kind: TokenType) -> Option<Claims> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        (data.claims.kind == kind).then_some(data.claims)
    }

    /// A new pair for a session; the refresh token is unique because `sid` is.
    pub fn pair(&self, user: Uuid, sid: Uuid, now: DateTime<Utc>) -> (String, String) {
        let iat = now.timestamp();
        let access = self.sign(&Claims {
            sub: user,
            iat,
            exp: (now + ACCESS_TTL).timestamp(),
            kind: TokenType::Access,
            sid,
        });
        let refresh = self.sign(&Claims {
            sub: user,
            iat,
            exp: (now + REFRESH_TTL).timestamp(),
            kind: TokenType::Refresh,
            sid,
        });
        (access, refresh)
    }
}

/// What the database stores of a refresh token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_type_check() {
        let keys = Keys::new(&[7u8; 32]);
        let (user, sid) = (Uuid::new_v4(), Uuid::now_v7());
        let (access, refresh) = keys.pair(user, sid, Utc::now());
        let c = keys.verify(&access, TokenType::Access).unwrap();
        assert_eq!((c.sub, c.sid), (user, sid));
        assert_eq!(c.exp - c.iat, 15 * 60);
        assert!(keys.verify(&access, TokenType::Refresh).is_none());
        let r = keys.verify(&refresh, TokenType::Refresh).unwrap();
        assert_eq!(r.exp - r.iat, 7 * 24 * 3600);
        assert!(
            Keys::new(&[8u8; 32])
                .verify(&access, TokenType::Access)
                .is_none()
        );
        assert_eq!(token_hash(&refresh).len(), 32);
        // nbf in the future: refused; in the past: accepted.
        #[derive(Serialize)]
        struct WithNbf<'a> {
            #[serde(flatten)]
            c: &'a Claims,
            nbf: i64,
        }
        let now = Utc::now().timestamp();
        let claims = keys.verify(&access, TokenType::Access).unwrap();
        let sign = |nbf| {
            let c = WithNbf { c: &claims, nbf };
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &c, &keys.encoding).unwrap()
        };
        assert!(keys.verify(&sign(now + 3600), TokenType::Access).is_none());
        assert!(keys.verify(&sign(now - 10), TokenType::Access).is_some());
        assert_ne!(token_hash(&refresh), token_hash(&access));
    }
}
