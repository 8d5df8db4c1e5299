//! The `backline` server: configuration, composition root, HTTP router and CLI. Tests start it
//! in-process on an ephemeral port with [`start`].

pub mod compose;
pub mod config;
mod content;
mod http;
mod multipart;
pub mod seed;
pub mod telemetry;
mod workers;
mod ws;

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use compose::{Composition, compose};
pub use config::Config;

/// A server running in the background.
pub struct RunningServer {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// What it runs on (tests read the outbox and count statements through it).
    pub composition: Composition,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    workers: Option<workers::Workers>,
}

impl RunningServer {
    /// Stops accepting connections, lets in-flight requests finish, and waits.
    ///
    /// # Errors
    /// Fails when the server task failed.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        (&mut self.task).await??;
        if let Some(workers) = self.workers.take() {
            workers.stop().await;
        }
        Ok(())
    }
}

/// Binds `config.listen`, applies migrations and serves until `shutdown` resolves.
///
/// # Errors
/// Fails when a store cannot be reached, a setting is bad, or the address is taken.
pub async fn serve(
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let composition = compose(&config).await?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|error| anyhow::anyhow!("BACKLINE_LISTEN {}: {error}", config.listen))?;
    let addr = listener.local_addr()?;
    if config.graphiql_enabled() {
        tracing::info!("GraphiQL: http://{addr}/graphql");
    }
    tracing::info!(%addr, "Backline is listening");
    let workers = workers::Workers::start(&composition.app, &composition.database, &config).await?;
    let router = http::router(composition, &config);
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await?;
    workers.stop().await;
    tracing::info!("Backline stopped");
    Ok(())
}

/// Starts a server in the background (on port 0 for an ephemeral port).
///
/// # Errors
/// Fails when the server cannot start.
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    let composition = compose(&config).await?;
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let workers = workers::Workers::start(&composition.app, &composition.database, &config).await?;
    let router = http::router(composition.clone(), &config);
    let (shutdown, signal) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async {
                let _ = signal.await;
            })
            .await
    });
    Ok(RunningServer {
        addr,
        composition,
        shutdown: Some(shutdown),
        task,
        workers: Some(workers),
    })
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
