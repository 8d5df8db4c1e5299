//! Not tests: the bodies of child processes that other tests start (see
//! `backline_e2e::replica`). Run on their own, they return at once.

use backline_e2e::replica::{READY, REPLICA_ENV};

/// A replica: serves as the `backline` binary does, with its configuration from the
/// environment, until SIGTERM (or SIGINT).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the body of a replica process, started by the tests that need one"]
async fn replica() -> anyhow::Result<()> {
    if std::env::var(REPLICA_ENV).is_err() {
        return Ok(());
    }
    let config = backline_server::Config::defaults()?;
    let telemetry = backline_server::telemetry::init(config.log_format)?;
    let stop = backline_server::shutdown_signal();
    let server = backline_server::Server::bind(config).await?;
    println!("{READY}http://{}", server.addr());
    let served = backline_server::serve_bound(server, stop).await;
    telemetry.shutdown().await;
    served
}
