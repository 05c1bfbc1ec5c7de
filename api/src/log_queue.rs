//! Log lines written off the request path: a request copies its formatted line into one shared,
//! bounded buffer and goes on; one thread takes the whole buffer at a time and writes it to
//! stdout, many lines per `write`. The writer is not woken per line: it sleeps while nothing is
//! buffered, is woken by the first line after that, then lets lines gather for [`TICK`] (or until
//! [`BATCH_BYTES`] are buffered) before it writes. So a busy server makes one `write` and at most
//! one wake-up per tick, not a channel message, an allocation and a futex call per request.
//! A full buffer (stdout slower than the lines coming in) drops the line and counts it, as does a
//! failed write, so a lost line is never silent: [`LineCounts`] reach `/metrics`
//! ([`LogCollector`]). A leaf: `telemetry` fills [`QUEUE`], `metrics` reads it.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;

/// Bytes waiting for the writer at most: about 16,000 access-log lines of 250 bytes, seconds of
/// traffic at the rates one instance serves.
pub const QUEUE_BYTES: usize = 4 << 20;

/// The writer writes once this much is buffered, without waiting for the tick.
const BATCH_BYTES: usize = 256 << 10;

/// How long lines gather before the writer writes them: the most a line waits to be written
/// on a server that is not flushing (a log line 10 ms late is still in order and on time).
const TICK: Duration = Duration::from_millis(10);

/// What the writer did with the lines handed to it.
#[derive(Debug, Default)]
pub struct LineCounts {
    written: AtomicU64,
    written_bytes: AtomicU64,
    dropped: AtomicU64,
}

impl LineCounts {
    /// Lines written.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }
    /// Bytes of the lines written.
    pub fn written_bytes(&self) -> u64 {
        self.written_bytes.load(Ordering::Relaxed)
    }
    /// Lines not written: the buffer was full, or writing them failed.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// The buffer and what the writer and the flushers tell each other, under one lock.
#[derive(Default)]
struct State {
    buf: Vec<u8>,
    lines: u64,
    /// The writer waits for a line (nothing buffered): the next line wakes it.
    idle: bool,
    /// Flushes asked for, and the last one whose lines are written.
    asked: u64,
    done: u64,
}

struct Shared {
    state: Mutex<State>,
    /// The writer waits on it; a first line or a flush wakes it.
    wake: Condvar,
    /// Flushers wait on it; the writer wakes them after each write.
    written: Condvar,
    capacity: usize,
    counts: Arc<LineCounts>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves a consistent buffer (appends and swaps only).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The sending side; cheap to clone.
#[derive(Clone)]
pub struct LineQueue {
    shared: Arc<Shared>,
}

impl LineQueue {
    /// A buffer of at most `capacity` bytes and the thread that writes it to `out`.
    pub fn start(capacity: usize, out: impl Write + Send + 'static) -> std::io::Result<LineQueue> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            written: Condvar::new(),
            capacity,
            counts: Arc::default(),
        });
        let s = shared.clone();
        std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || write_lines(&s, out))?;
        Ok(LineQueue { shared })
    }

    /// Queues one line (newline included); drops and counts it when the buffer cannot take it.
    /// Whether it was queued.
    pub fn push(&self, line: &[u8]) -> bool {
        let mut st = self.shared.lock();
        if st.buf.len() + line.len() > self.shared.capacity {
            drop(st);
            self.shared.counts.dropped.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        st.buf.extend_from_slice(line);
        st.lines += 1;
        // One wake-up when the writer sleeps, one when a batch is full; none for the lines between.
        let wake =
            st.idle || (st.buf.len() >= BATCH_BYTES && st.buf.len() - line.len() < BATCH_BYTES);
        st.idle = false;
        drop(st);
        if wake {
            self.shared.wake.notify_one();
        }
        true
    }

    /// The writer's counts.
    pub fn counts(&self) -> &Arc<LineCounts> {
        &self.shared.counts
    }

    /// Waits until every line queued so far is written, at most `limit` (a stdout that blocks
    /// must not hold the process's exit). False when the limit passed.
    pub fn flush(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut st = self.shared.lock();
        st.asked += 1;
        let want = st.asked;
        self.shared.wake.notify_one();
        while st.done < want {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            st = match self.shared.written.wait_timeout(st, left) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
        true
    }
}

/// The writer thread: waits for lines, lets them gather for a tick, writes them all in one go.
fn write_lines(shared: &Shared, mut out: impl Write) {
    let mut spare = Vec::new();
    let mut st = shared.lock();
    loop {
        if st.buf.is_empty() && st.asked == st.done {
            st.idle = true;
            st = shared.wake.wait(st).unwrap_or_else(|e| e.into_inner());
            st.idle = false;
            continue;
        }
        if st.buf.len() < BATCH_BYTES && st.asked == st.done {
            // Woken by a first line: let the lines of the next tick join it.
            st = match shared.wake.wait_timeout(st, TICK) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
        let asked = st.asked;
        std::mem::swap(&mut st.buf, &mut spare);
        let lines = std::mem::take(&mut st.lines);
        drop(st);
        write_batch(&mut out, &spare, lines, &shared.counts);
        spare.clear();
        st = shared.lock();
        st.done = asked;
        shared.written.notify_all();
    }
}

fn write_batch(out: &mut impl Write, batch: &[u8], lines: u64, counts: &LineCounts) {
    if batch.is_empty() {
        return;
    }
    match out.write_all(batch).and_then(|()| out.flush()) {
        Ok(()) => {
            counts.written.fetch_add(lines, Ordering::Relaxed);
            counts
                .written_bytes
                .fetch_add(batch.len() as u64, Ordering::Relaxed);
        }
        Err(_) => {
            counts.dropped.fetch_add(lines, Ordering::Relaxed);
        }
    }
}

/// The server's queue to stdout, once `telemetry::init` made it.
pub static QUEUE: OnceLock<LineQueue> = OnceLock::new();

/// What the server's log writer did so far (`None` without the queue: Lambda, `migrate`).
pub fn line_counts() -> Option<&'static LineCounts> {
    QUEUE.get().map(|q| &**q.counts())
}

/// The log writer's counts at each scrape of `/metrics` (nothing without the queue).
#[derive(Debug)]
pub struct LogCollector;

impl prometheus_client::collector::Collector for LogCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> std::fmt::Result {
        let Some(c) = line_counts() else {
            return Ok(());
        };
        for (name, help, value) in [
            (
                "journal_log_lines_written",
                "Log lines written to stdout",
                c.written(),
            ),
            (
                "journal_log_lines_dropped",
                "Log lines not written: the log writer's queue was full, or writing failed",
                c.dropped(),
            ),
            (
                "journal_log_bytes_written",
                "Bytes of log lines written to stdout",
                c.written_bytes(),
            ),
        ] {
            let m = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
            ConstCounter::new(value).encode(m)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{self, Receiver, SyncSender};

    /// A stdout that records what it is given and, while `gate` holds a receiver, blocks each
    /// write until the test lets it go (after saying it has started one).
    struct Sink {
        got: Arc<Mutex<Vec<u8>>>,
        started: SyncSender<()>,
        gate: Receiver<()>,
        fail: bool,
    }

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let _ = self.started.try_send(());
            let _ = self.gate.recv();
            if self.fail {
                return Err(std::io::Error::other("disk full"));
            }
            self.got.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The sink, what it got, its "started a write" signal and its gate.
    type Parts = (Sink, Arc<Mutex<Vec<u8>>>, Receiver<()>, SyncSender<()>);

    fn sink(fail: bool) -> Parts {
        let got = Arc::new(Mutex::new(Vec::new()));
        let (started_tx, started_rx) = mpsc::sync_channel(16);
        let (gate_tx, gate_rx) = mpsc::sync_channel(16);
        let s = Sink {
            got: got.clone(),
            started: started_tx,
            gate: gate_rx,
            fail,
        };
        (s, got, started_rx, gate_tx)
    }

    const LONG: Duration = Duration::from_secs(60);

    #[test]
    fn every_line_is_written_in_order() {
        let (s, got, _started, gate) = sink(false);
        drop(gate); // no gate: every write goes through
        let q = LineQueue::start(1 << 10, s).unwrap();
        for i in 0..5 {
            q.push(format!("line {i}\n").as_bytes());
        }
        assert!(q.flush(LONG));
        assert_eq!(
            String::from_utf8(got.lock().unwrap().clone()).unwrap(),
            "line 0\nline 1\nline 2\nline 3\nline 4\n"
        );
        assert_eq!((q.counts().written(), q.counts().dropped()), (5, 0));
        assert_eq!(q.counts().written_bytes(), 35);
    }

    #[test]
    fn a_full_queue_counts_the_lines_it_drops() {
        let (s, got, started, gate) = sink(false);
        // Room for "second\n" and "third\n" (13 bytes) while the writer holds "first".
        let q = LineQueue::start(13, s).unwrap();
        q.push(b"first\n");
        // The writer holds "first" in a write that waits for the gate: the queue is empty again.
        started.recv_timeout(LONG).unwrap();
        q.push(b"second\n");
        q.push(b"third\n");
        q.push(b"fourth\n");
        q.push(b"fifth\n");
        assert_eq!(q.counts().dropped(), 2, "two lines found the buffer full");
        drop(gate);
        assert!(q.flush(LONG));
        assert_eq!(
            String::from_utf8(got.lock().unwrap().clone()).unwrap(),
            "first\nsecond\nthird\n"
        );
        assert_eq!((q.counts().written(), q.counts().dropped()), (3, 2));
    }

    #[test]
    fn lines_that_cannot_be_written_are_counted_as_dropped() {
        let (s, got, _started, gate) = sink(true);
        drop(gate);
        let q = LineQueue::start(1 << 10, s).unwrap();
        q.push(b"a\n");
        q.push(b"b\n");
        assert!(q.flush(LONG));
        assert!(got.lock().unwrap().is_empty());
        assert_eq!((q.counts().written(), q.counts().dropped()), (0, 2));
    }

    #[test]
    fn a_stuck_stdout_does_not_hold_a_flush_past_its_limit() {
        let (s, _got, started, _gate) = sink(false);
        let q = LineQueue::start(64, s).unwrap();
        q.push(b"stuck\n");
        started.recv_timeout(LONG).unwrap();
        assert!(!q.flush(Duration::from_millis(10)));
    }
}
