//! The native server (`serve`) and the migration task (`migrate`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::app::router;
use crate::config::Config;
use crate::db::{self, Db, DbSettings, MigrationReport};
use crate::metrics::Metrics;
use crate::state::AppState;

/// Options of `journal-api serve`.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Overrides `HOST`/`PORT`.
    pub addr: Option<SocketAddr>,
    /// Apply pending migrations before listening.
    pub migrate: bool,
}

/// Connects, migrates, serves until SIGTERM/SIGINT, lets in-flight requests finish (within
/// `SHUTDOWN_GRACE_SECONDS`; those still running then answer 503), closes the pool (bounded), so
/// the process exits within grace + 1 s whatever the database does.
pub async fn serve(config: Config, opts: ServeOptions) -> anyhow::Result<()> {
    let db = Db::connect(&DbSettings::for_server(&config)).await?;
    if opts.migrate {
        let report = db::migrate(&db).await?;
        tracing::info!(applied = ?report.applied, "migrations up to date");
    }
    // Registered before the socket opens: a SIGTERM that arrives as soon as the server answers
    // must take the graceful path, not the default action (the process dying with no exit code).
    let signal = shutdown_signal().context("cannot install the SIGTERM/SIGINT handlers")?;
    let addr = opts.addr.unwrap_or_else(|| config.addr());
    let metrics_addr = config.metrics_listener(addr)?;
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, database = db.kind(), "listening");

    let (grace_over, grace_rx) = watch::channel(false);
    let mut state = AppState::new(&config, db.clone()).with_grace(grace_rx);
    if let Some(metrics_addr) = metrics_addr {
        state = state.with_metrics(serve_metrics(metrics_addr, &db).await?);
    }
    let app = router(state);
    let stopping = Arc::new(Notify::new());
    let notify = stopping.clone();
    let server = crate::conn::serve(listener, app, async move {
        signal.await;
        tracing::info!("shutting down: no new connections, finishing in-flight requests");
        notify.notify_one();
    });
    let mut server = std::pin::pin!(server);
    let grace = config.shutdown_grace;
    tokio::select! {
        () = &mut server => {}
        () = async { stopping.notified().await; tokio::time::sleep(grace).await } => {
            tracing::warn!(?grace, "grace period over: answering 503 to requests still in flight");
            let _ = grace_over.send(true);
            // The 503s are written by the connections' tasks; give them a moment.
            if tokio::time::timeout(FLUSH_503, &mut server).await.is_err() {
                tracing::warn!("connections still open after the 503s: closing them");
            }
        }
    }
    close_bounded(&db).await;
    tracing::info!("stopped");
    Ok(())
}

/// Opens the metrics listener and serves it in the background (it stops with the runtime).
async fn serve_metrics(addr: SocketAddr, db: &Db) -> anyhow::Result<Arc<Metrics>> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on METRICS_ADDR {addr}"))?;
    let local = listener.local_addr()?;
    let metrics = Arc::new(Metrics::new(db.clone()));
    // The public port's connection loop, so that half-sent requests are closed here too.
    let app = crate::metrics::router(metrics.clone());
    tokio::spawn(crate::conn::serve(listener, app, std::future::pending()));
    tracing::info!(addr = %local, "metrics listening on GET /metrics");
    Ok(metrics)
}

/// After the grace period, how long the 503s of the requests still in flight may take to go out.
const FLUSH_503: Duration = Duration::from_millis(500);
/// How long closing the pool may take: closing waits for connections checked out by queries that
/// a hung database never answers, and the process must exit within grace + 1 s regardless.
const CLOSE_POOL: Duration = Duration::from_millis(300);

async fn close_bounded(db: &Db) {
    if tokio::time::timeout(CLOSE_POOL, db.close()).await.is_err() {
        tracing::warn!("database pool did not close in time (the database hangs?): exiting anyway");
    }
}

/// Applies pending migrations and returns what was done.
pub async fn migrate(config: &Config) -> anyhow::Result<MigrationReport> {
    let db = Db::connect(&DbSettings::for_server(config)).await?;
    let report = db::migrate(&db).await;
    close_bounded(&db).await;
    Ok(report?)
}

/// SIGTERM (ECS, systemd, Kubernetes) or SIGINT (Ctrl-C). The handlers are installed when this is
/// called, not when the returned future is first polled, so no signal is missed in between.
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
