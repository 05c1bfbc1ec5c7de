//! A run's stop as a future: goose only sets a flag (its killswitch: Ctrl-C, SIGTERM, the
//! schedule done), which a request waiting for a server that never answers would not see before
//! its timeout. ECS kills a task 30 s after SIGTERM, so in-flight requests give way to the stop.

use crate::run::due::STOP_CHECK;
use std::sync::{Arc, OnceLock};
use tokio::sync::watch;

/// One run's stop signal. One watcher task looks at the flag every [`STOP_CHECK`] while the
/// `Stop` lives; a request waits on a channel, not a timer of its own (the hot path).
pub struct Stop {
    tx: Arc<watch::Sender<bool>>,
    watcher: OnceLock<()>,
}

impl Default for Stop {
    fn default() -> Stop {
        Stop {
            tx: Arc::new(watch::channel(false).0),
            watcher: OnceLock::new(),
        }
    }
}

impl Stop {
    /// Resolves once `stopping()` is true (looked at from the first call on, in the runtime).
    pub fn stopped(
        &self,
        stopping: fn() -> bool,
    ) -> impl std::future::Future<Output = ()> + 'static {
        self.watcher.get_or_init(|| {
            let weak = Arc::downgrade(&self.tx);
            tokio::spawn(async move {
                while let Some(tx) = weak.upgrade() {
                    if stopping() {
                        let _ = tx.send(true);
                        return;
                    }
                    drop(tx);
                    tokio::time::sleep(STOP_CHECK).await;
                }
            });
        });
        let mut rx = self.tx.subscribe();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    }
}
