//! What the users record while the run is on: one [`ChunkedLog`] of samples, one of drops.
//!
//! Every goose user appends to the same log from whichever runtime worker it runs on. A plain
//! `Mutex<Vec<_>>` works until the Vec doubles: copying 65,536 or 131,072 samples (5 or 10 MB)
//! under the lock stalled the whole runtime for 19-26 ms at 26,000 req/s, long enough for every
//! user to be busy and for arrivals to be dropped. Here the lock only ever guards a push into a chunk of fixed
//! capacity, and a full chunk is set aside, never copied.

use std::sync::Mutex;

/// Items per chunk: big enough that setting a chunk aside is rare, small enough (about 700 KB of
/// samples) that allocating a fresh one is cheap.
const CHUNK: usize = 8192;

/// An append-only log many tasks push to; read once, at the end.
#[derive(Debug)]
pub struct ChunkedLog<T> {
    inner: Mutex<Chunks<T>>,
}

#[derive(Debug)]
struct Chunks<T> {
    full: Vec<Vec<T>>,
    current: Vec<T>,
}

impl<T> Default for ChunkedLog<T> {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Chunks {
                full: Vec::new(),
                current: Vec::new(),
            }),
        }
    }
}

impl<T> ChunkedLog<T> {
    pub fn push(&self, item: T) {
        let mut c = self.inner.lock().expect("log lock");
        if c.current.len() == c.current.capacity() {
            // Allocates a fresh chunk (no copy) and moves the full one aside.
            let full = std::mem::replace(&mut c.current, Vec::with_capacity(CHUNK));
            if !full.is_empty() {
                c.full.push(full);
            }
        }
        c.current.push(item);
    }

    /// Everything pushed so far, in push order; leaves the log empty.
    pub fn take(&self) -> Vec<T> {
        let mut c = self.inner.lock().expect("log lock");
        let current = std::mem::take(&mut c.current);
        let full = std::mem::take(&mut c.full);
        let mut all = Vec::with_capacity(full.iter().map(Vec::len).sum::<usize>() + current.len());
        for chunk in full {
            all.extend(chunk);
        }
        all.extend(current);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn keeps_every_item_in_order_across_chunks() {
        let log = ChunkedLog::default();
        let n = CHUNK * 3 + 17;
        for i in 0..n {
            log.push(i);
        }
        let all = log.take();
        assert_eq!(all, (0..n).collect::<Vec<_>>());
        assert!(log.take().is_empty(), "take leaves the log empty");
    }

    #[test]
    fn chunks_are_never_reallocated() {
        let log = ChunkedLog::default();
        log.push(0u64);
        let first = log.inner.lock().unwrap().current.as_ptr();
        for i in 1..CHUNK as u64 {
            log.push(i);
        }
        // A full chunk still lives where it was first allocated: it was filled, not grown.
        assert_eq!(log.inner.lock().unwrap().current.as_ptr(), first);
        log.push(CHUNK as u64);
        let c = log.inner.lock().unwrap();
        assert_eq!(c.full.len(), 1);
        assert_eq!(c.full[0].as_ptr(), first);
        assert_eq!(c.full[0].capacity(), CHUNK);
    }

    #[test]
    fn concurrent_pushes_lose_nothing() {
        let log = Arc::new(ChunkedLog::default());
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let log = log.clone();
                std::thread::spawn(move || {
                    for i in 0..20_000u64 {
                        log.push(t * 1_000_000 + i);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let mut all = log.take();
        assert_eq!(all.len(), 80_000);
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 80_000, "no item pushed twice or lost");
    }
}
