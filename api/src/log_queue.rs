//! Log lines written off the request path: a request hands its formatted line to a bounded queue
//! and goes on; one thread writes what is queued to stdout, many lines per `write`. A full queue
//! (stdout slower than the lines coming in) drops the line and counts it, as does a failed write,
//! so a lost line is never silent: [`LineCounts`] reach `/metrics` ([`LogCollector`]).
//! A leaf: `telemetry` fills [`QUEUE`], `metrics` reads it.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;

/// Lines waiting for the writer at most: about 4 MiB of 250-byte access-log lines, seconds of
/// traffic at the rates one instance serves.
pub const QUEUE_LINES: usize = 16_384;

/// A batch is written once it holds this much, or when the queue is empty.
const BATCH_BYTES: usize = 64 * 1024;

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
    /// Lines not written: the queue was full, or writing them failed.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

enum Msg {
    Line(Vec<u8>),
    /// Answered once everything queued before it is written.
    Flush(SyncSender<()>),
}

/// The sending side; cheap to clone.
#[derive(Clone)]
pub struct LineQueue {
    tx: SyncSender<Msg>,
    counts: Arc<LineCounts>,
}

impl LineQueue {
    /// A queue of `capacity` lines and the thread that writes them to `out`.
    pub fn start(capacity: usize, out: impl Write + Send + 'static) -> std::io::Result<LineQueue> {
        let (tx, rx) = mpsc::sync_channel(capacity);
        let counts = Arc::new(LineCounts::default());
        let c = counts.clone();
        std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || write_lines(rx, out, &c))?;
        Ok(LineQueue { tx, counts })
    }

    /// Queues one line (newline included); drops and counts it when the queue is full. Whether
    /// it was queued.
    pub fn push(&self, line: Vec<u8>) -> bool {
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) =
            self.tx.try_send(Msg::Line(line))
        {
            self.counts.dropped.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// The writer's counts.
    pub fn counts(&self) -> &Arc<LineCounts> {
        &self.counts
    }

    /// Waits until every line queued so far is written, at most `limit` (a stdout that blocks
    /// must not hold the process's exit). False when the limit passed.
    pub fn flush(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let (done_tx, done_rx) = mpsc::sync_channel(1);
        let mut msg = Msg::Flush(done_tx);
        loop {
            match self.tx.try_send(msg) {
                Ok(()) => break,
                Err(TrySendError::Disconnected(_)) => return false,
                Err(TrySendError::Full(m)) if Instant::now() < deadline => {
                    msg = m;
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(TrySendError::Full(_)) => return false,
            }
        }
        done_rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .is_ok()
    }
}

/// The writer thread: takes whatever is queued, writes it in one go, repeats.
fn write_lines(rx: Receiver<Msg>, mut out: impl Write, counts: &LineCounts) {
    let mut batch = Vec::with_capacity(BATCH_BYTES);
    let mut lines = 0u64;
    let mut waiting = Vec::new();
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        while let Some(msg) = next {
            match msg {
                Msg::Line(l) => {
                    batch.extend_from_slice(&l);
                    lines += 1;
                }
                Msg::Flush(done) => waiting.push(done),
            }
            if batch.len() >= BATCH_BYTES {
                write_batch(&mut out, &mut batch, &mut lines, counts);
            }
            next = rx.try_recv().ok();
        }
        write_batch(&mut out, &mut batch, &mut lines, counts);
        for done in waiting.drain(..) {
            let _ = done.try_send(());
        }
    }
}

fn write_batch(out: &mut impl Write, batch: &mut Vec<u8>, lines: &mut u64, counts: &LineCounts) {
    if batch.is_empty() {
        return;
    }
    match out.write_all(batch).and_then(|()| out.flush()) {
        Ok(()) => {
            counts.written.fetch_add(*lines, Ordering::Relaxed);
            counts
                .written_bytes
                .fetch_add(batch.len() as u64, Ordering::Relaxed);
        }
        Err(_) => {
            counts.dropped.fetch_add(*lines, Ordering::Relaxed);
        }
    }
    batch.clear();
    *lines = 0;
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
    use std::sync::Mutex;

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
        let q = LineQueue::start(8, s).unwrap();
        for i in 0..5 {
            q.push(format!("line {i}\n").into_bytes());
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
        let q = LineQueue::start(2, s).unwrap();
        q.push(b"first\n".to_vec());
        // The writer holds "first" in a write that waits for the gate: the queue is empty again.
        started.recv_timeout(LONG).unwrap();
        q.push(b"second\n".to_vec());
        q.push(b"third\n".to_vec());
        q.push(b"fourth\n".to_vec());
        q.push(b"fifth\n".to_vec());
        assert_eq!(q.counts().dropped(), 2, "two lines found the queue full");
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
        let q = LineQueue::start(8, s).unwrap();
        q.push(b"a\n".to_vec());
        q.push(b"b\n".to_vec());
        assert!(q.flush(LONG));
        assert!(got.lock().unwrap().is_empty());
        assert_eq!((q.counts().written(), q.counts().dropped()), (0, 2));
    }

    #[test]
    fn a_stuck_stdout_does_not_hold_a_flush_past_its_limit() {
        let (s, _got, started, _gate) = sink(false);
        let q = LineQueue::start(1, s).unwrap();
        q.push(b"stuck\n".to_vec());
        started.recv_timeout(LONG).unwrap();
        assert!(!q.flush(Duration::from_millis(10)));
    }
}
