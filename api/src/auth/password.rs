//! argon2id password hashing on blocking threads, at most one hash per core at a time.

use std::sync::{Arc, LazyLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
pub const M_COST_KIB: u32 = 19_456;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash with the same parameters, for logins with an unknown email: verifying against it costs
/// what a real verification costs, so response time does not reveal which emails exist.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    argon2()
        .hash_password(
            b"dummy password, never matches",
            &SaltString::generate(&mut OsRng),
        )
        .expect("argon2 hashing of a constant cannot fail")
        .to_string()
});

/// Hashes and verifies passwords off the async workers.
#[derive(Clone)]
pub struct Passwords {
    // Each hash holds 19 MiB for ~50 ms; bounding concurrency bounds memory and keeps the
    // blocking pool from growing to hundreds of threads under a login burst.
    permits: Arc<Semaphore>,
}

impl Default for Passwords {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Passwords {
            permits: Arc::new(Semaphore::new(cores)),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

impl Passwords {
    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`).
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            argon2()
                .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
                .map(|h| h.to_string())
                .map_err(|e| HashError(e.to_string()))
        })
        .await
        .map_err(|e| HashError(e.to_string()))?
    }

    /// Checks a password against a stored hash, or against the dummy hash when there is none
    /// (always false then, after the same work).
    pub async fn verify(&self, password: String, stored: Option<String>) -> bool {
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        tokio::task::spawn_blocking(move || {
            let known = stored.is_some();
            let phc = stored.unwrap_or_else(|| DUMMY_HASH.clone());
            let Ok(parsed) = PasswordHash::new(&phc) else {
                return false;
            };
            // Verify with our own instance: the parameters come from the PHC string.
            let ok = argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            ok && known
        })
        .await
        .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_verifies_and_carries_the_parameters() {
        let p = Passwords::default();
        let h = p.hash("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(p.verify("correct horse".into(), Some(h.clone())).await);
        assert!(!p.verify("wrong horse".into(), Some(h)).await);
        assert!(!p.verify("dummy password, never matches".into(), None).await);
    }
}
