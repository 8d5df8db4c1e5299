//! The `backline` server: configuration, composition root, HTTP router and CLI. Tests start it
//! in-process on an ephemeral port with [`start`].

pub mod compose;
pub mod config;
mod content;
pub mod cors;
mod documents;
mod graphiql;
mod graphql_http;
mod http;
mod metrics;
mod multipart;
mod overload;
pub mod seed;
mod shutdown;
pub mod telemetry;
mod workers;
mod ws;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use compose::{Composition, compose};
pub use config::Config;

/// A server bound to its address, not serving yet.
pub struct Server {
    config: Config,
    composition: Composition,
    listener: TcpListener,
    addr: SocketAddr,
}

impl Server {
    /// Connects to the stores, applies migrations and binds `config.listen`.
    ///
    /// # Errors
    /// Fails when a store cannot be reached, a setting is bad, or the address is taken.
    pub async fn bind(config: Config) -> anyhow::Result<Self> {
        if let Some(point) = &config.failpoint {
            anyhow::ensure!(
                !config.production(),
                "BACKLINE_FAILPOINT is for tests; production refuses it"
            );
            anyhow::ensure!(
                backline_application::failpoints::arm(point),
                "BACKLINE_FAILPOINT {point:?} is none of {:?}",
                backline_application::failpoints::ALL
            );
            tracing::warn!(failpoint = %point, "a crash point is armed: this process aborts when it reaches it");
        }
        let composition = compose(&config).await?;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|error| anyhow::anyhow!("BACKLINE_LISTEN {}: {error}", config.listen))?;
        let addr = listener.local_addr()?;
        Ok(Self {
            config,
            composition,
            listener,
            addr,
        })
    }

    /// The address it listens on (the real port when `config.listen` asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What it runs on.
    pub fn composition(&self) -> &Composition {
        &self.composition
    }

    /// Serves until `shutdown` resolves, then stops in order: no new connections, HTTP
    /// requests in flight finish, WebSockets close with 1012 (service restart), background
    /// work stops. Past `BACKLINE_SHUTDOWN_TIMEOUT_SECS` after `shutdown` it stops anyway.
    ///
    /// # Errors
    /// Fails when the background work cannot start or the listener fails.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self {
            config,
            composition,
            listener,
            addr,
        } = self;
        if config.graphiql_enabled() {
            tracing::info!("GraphiQL: http://{addr}/graphql");
        }
        let workers = workers::Workers::start(
            &composition.app,
            Arc::clone(&composition.events),
            &composition.database,
            &config,
        )
        .await?;
        let lifecycle = shutdown::Lifecycle::new();
        let router = http::router(composition, &config, lifecycle.clone());
        let timeout = Duration::from_secs(config.shutdown_timeout_secs);
        let (signalled, stopping) = oneshot::channel::<()>();
        let stop_claiming = workers.stop_claiming();
        let serving = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                shutdown.await;
                tracing::info!("shutting down: finishing requests in flight");
                stop_claiming.now();
                let _ = signalled.send(());
            });
        tracing::info!(%addr, "Backline is listening");
        let deadline = async move {
            if stopping.await.is_ok() {
                tokio::time::sleep(timeout).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            served = serving => served?,
            () = deadline => tracing::warn!(?timeout, "requests still running at the shutdown timeout; stopping anyway"),
        }
        lifecycle.close_sockets().await;
        workers.stop().await;
        tracing::info!("Backline stopped");
        Ok(())
    }
}

/// A server running in the background.
pub struct RunningServer {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// What it runs on (tests read the outbox and count statements through it).
    pub composition: Composition,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
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
        (&mut self.task).await?
    }
}

/// Serves until `shutdown` resolves (the binary's `serve`), stopping as [`Server::run_until`]
/// does; a watchdog ends the process if it has not stopped shortly after the shutdown timeout.
///
/// # Errors
/// Fails when a store cannot be reached, a setting is bad, or the address is taken.
pub async fn serve(
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    serve_bound(Server::bind(config).await?, shutdown).await
}

/// [`serve`] for a server already bound (to learn its address first).
///
/// # Errors
/// Fails when the background work cannot start or the listener fails.
pub async fn serve_bound(
    server: Server,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let timeout = Duration::from_secs(server.config.shutdown_timeout_secs);
    server
        .run_until(async move {
            shutdown.await;
            shutdown::arm_watchdog(timeout);
        })
        .await
}

/// Starts a server in the background (on port 0 for an ephemeral port).
///
/// # Errors
/// Fails when the server cannot start.
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    let server = Server::bind(config).await?;
    let addr = server.addr();
    let composition = server.composition().clone();
    let (shutdown, signal) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run_until(async {
        let _ = signal.await;
    }));
    Ok(RunningServer {
        addr,
        composition,
        shutdown: Some(shutdown),
        task,
    })
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed when this is called, not
/// when the future is first polled, so a signal that arrives while the server is still starting
/// stops it in order too. Call it inside the Tokio runtime.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            let wait = |installed: std::io::Result<tokio::signal::unix::Signal>, name: &'static str| async move {
                match installed {
                    Ok(mut signal) => {
                        signal.recv().await;
                    }
                    Err(error) => {
                        tracing::error!(%error, "cannot listen for {name}");
                        std::future::pending::<()>().await;
                    }
                }
            };
            tokio::select! {
                () = wait(interrupt, "SIGINT") => {},
                () = wait(terminate, "SIGTERM") => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    }
}
