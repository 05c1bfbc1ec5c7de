//! argon2id password hashing on blocking threads, at most one hash per core at a time, each in
//! a reused 19 MiB memory block.
//!
//! Why reuse: with a fresh allocation per hash, glibc keeps the freed 19 MiB in per-thread arenas,
//! and a login burst left the server at ~470 MB RSS (scripts/bench-api). A pool of one block per
//! permit bounds that to permits × 19 MiB, allocated on first use (idle RSS stays small), and skips
//! the page faults of fresh memory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

/// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
pub const M_COST_KIB: u32 = 19_456;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;
const OUTPUT_LEN: usize = 32;

fn params() -> Params {
    Params::new(M_COST_KIB, T_COST, P_COST, Some(OUTPUT_LEN)).expect("valid argon2 parameters")
}

/// A hash with the same parameters, for logins with an unknown email: verifying against it costs
/// what a real verification costs, so response time does not reveal which emails exist.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut memory = vec![Block::default(); M_COST_KIB as usize];
    hash_with(b"dummy password, never matches", &mut memory)
        .expect("argon2 hashing of a constant cannot fail")
});

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// The queue of hashes waiting for a core is full: answer 503 at once rather than make
    /// everyone wait (a login flood would otherwise delay legitimate logins by seconds).
    #[error("password hashing is saturated")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

fn err(e: impl std::fmt::Display) -> HashError {
    HashError::Failed(e.to_string())
}

/// Hashes into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), the same string
/// `argon2::PasswordHasher::hash_password` makes.
fn hash_with(password: &[u8], memory: &mut [Block]) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(err)?;
    let params = params();
    let mut out = [0u8; OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, salt_bytes, &mut out, memory)
        .map_err(err)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(err)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(err)?),
    };
    Ok(phc.to_string())
}

/// Verifies against a PHC string with the parameters it names (so older hashes keep working).
fn verify_with(password: &[u8], phc: &str, memory: &mut Vec<Block>) -> Result<bool, HashError> {
    let parsed = PasswordHash::new(phc).map_err(err)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(err)?;
    let version = Version::try_from(parsed.version.unwrap_or(0x13)).map_err(err)?;
    let params = Params::try_from(&parsed).map_err(err)?;
    let expected = parsed
        .hash
        .ok_or_else(|| err("the stored hash has no output"))?;
    let salt = parsed
        .salt
        .ok_or_else(|| err("the stored hash has no salt"))?;
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(err)?;
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password, salt_bytes, &mut out, &mut memory[..])
        .map_err(err)?;
    // `Output`'s equality is constant-time.
    Ok(Output::new(&out).map_err(err)? == expected)
}

/// Hashes and verifies passwords off the async workers.
#[derive(Clone)]
pub struct Passwords {
    // Each hash holds 19 MiB for ~50 ms; bounding concurrency bounds memory and keeps the
    // blocking pool from growing to hundreds of threads under a login burst.
    permits: Arc<Semaphore>,
    // At most one block per permit ever exists.
    blocks: Arc<Mutex<Vec<Vec<Block>>>>,
    // Hashes admitted (running or waiting for a permit), and how many may be.
    admitted: Arc<AtomicUsize>,
    max_admitted: usize,
}

impl Default for Passwords {
    fn default() -> Self {
        Passwords::with_queue_per_core(crate::config::DEFAULT_PASSWORD_QUEUE_PER_CORE)
    }
}

/// Decrements the admitted count when a hash ends (or its request is dropped).
struct Admission(Arc<AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Passwords {
    /// One hash per core at a time, `per_core` more per core waiting.
    pub fn with_queue_per_core(per_core: usize) -> Passwords {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Passwords::new(cores, cores * (1 + per_core))
    }

    /// `parallel` hashes at a time, at most `max_admitted` running or waiting.
    pub fn new(parallel: usize, max_admitted: usize) -> Passwords {
        Passwords {
            permits: Arc::new(Semaphore::new(parallel.max(1))),
            blocks: Arc::new(Mutex::new(Vec::new())),
            admitted: Arc::new(AtomicUsize::new(0)),
            max_admitted: max_admitted.max(parallel.max(1)),
        }
    }

    fn admit(&self) -> Result<Admission, HashError> {
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.max_admitted {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(HashError::Busy);
        }
        Ok(Admission(self.admitted.clone()))
    }

    /// Runs `f` on a blocking thread with a memory block, under a permit.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _admission = self.admit()?;
        let _permit = self.permits.acquire().await.map_err(err)?;
        let blocks = self.blocks.clone();
        tokio::task::spawn_blocking(move || {
            let taken = blocks.lock().map(|mut b| b.pop()).unwrap_or(None);
            let mut memory = taken.unwrap_or_else(|| vec![Block::default(); M_COST_KIB as usize]);
            let started = std::time::Instant::now();
            let result = f(&mut memory);
            let took = started.elapsed();
            if let Ok(mut b) = blocks.lock() {
                b.push(memory);
            }
            (result, took)
        })
        .await
        .map_err(err)
        .map(|(result, took)| {
            crate::metrics::hash_done(took);
            result
        })
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`).
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move |memory| hash_with(password.as_bytes(), memory))
            .await?
    }

    /// Checks a password against a stored hash, or against the dummy hash when there is none
    /// (always false then, after the same work). An unparsable stored hash is a mismatch.
    /// `Err(Busy)` when the queue is full.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, HashError> {
        let res = self
            .run(move |memory| {
                let known = stored.is_some();
                let phc = stored.unwrap_or_else(|| DUMMY_HASH.clone());
                let ok = verify_with(password.as_bytes(), &phc, memory).unwrap_or(false);
                ok && known
            })
            .await;
        match res {
            Err(HashError::Busy) => Err(HashError::Busy),
            other => Ok(other.unwrap_or(false)),
        }
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
        assert!(
            p.verify("correct horse".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!p.verify("wrong horse".into(), Some(h)).await.unwrap());
        assert!(
            !p.verify("dummy password, never matches".into(), None)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn compatible_with_the_argon2_crates_own_phc_strings() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let p = Passwords::default();
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(b"pw 12345", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(
            p.verify("pw 12345".into(), Some(theirs.clone()))
                .await
                .unwrap()
        );
        assert!(!p.verify("pw 12346".into(), Some(theirs)).await.unwrap());
        let ours = p.hash("pw 12345".into()).await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"pw 12345", &parsed)
                .is_ok()
        );
        // Other parameters (a hash from an older configuration) still verify.
        let old = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 1, 1, None).unwrap(),
        )
        .hash_password(b"old one", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(p.verify("old one".into(), Some(old)).await.unwrap());
        assert!(
            !p.verify("x".into(), Some("not a phc string".into()))
                .await
                .unwrap()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_says_busy_at_once_and_frees_its_places() {
        let p = Passwords::new(1, 2);
        // Two admitted (one running, one waiting), whatever the speed of the machine: the
        // admissions are taken before any hash can finish.
        let a = p.admit().unwrap();
        let b = p.admit().unwrap();
        assert!(matches!(p.hash("x".into()).await, Err(HashError::Busy)));
        assert!(matches!(
            p.verify("x".into(), None).await,
            Err(HashError::Busy)
        ));
        drop((a, b));
        assert!(p.hash("x".into()).await.is_ok());
        assert_eq!(p.admitted.load(Ordering::Acquire), 0);
    }
}
