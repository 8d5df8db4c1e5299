//! Stopping in order. On SIGTERM the server stops accepting connections and lets the HTTP
//! requests in flight finish; then it closes every WebSocket with 1012 (service restart), so
//! clients reconnect to another replica; then it stops its background work. The whole takes at
//! most the graceful shutdown timeout: past it the server stops anyway, and a watchdog thread
//! ends the process even if its runtime were wedged.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, watch};

/// How long open sockets get to send their close frames.
const SOCKET_CLOSE_GRACE: Duration = Duration::from_secs(2);
/// How long past the graceful timeout the watchdog waits before it ends the process: room
/// for the sockets' close frames, the background work's grace and the exporters' flush.
const WATCHDOG_SLACK: Duration = Duration::from_secs(15);

/// Open sockets, and the signal that tells them to close.
#[derive(Debug, Clone)]
pub(crate) struct Lifecycle {
    closing: watch::Sender<bool>,
    sockets: Arc<Sockets>,
}

#[derive(Debug, Default)]
struct Sockets {
    open: AtomicUsize,
    none_left: Notify,
}

/// One open socket; dropping it counts it closed.
#[derive(Debug)]
pub(crate) struct SocketHeld {
    sockets: Arc<Sockets>,
}

impl Drop for SocketHeld {
    fn drop(&mut self) {
        if self.sockets.open.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.sockets.none_left.notify_waiters();
        }
        metrics::gauge!(crate::metrics::OPEN_SOCKETS).decrement(1.0);
    }
}

impl Lifecycle {
    /// A lifecycle with no socket open.
    pub(crate) fn new() -> Self {
        Self {
            closing: watch::channel(false).0,
            sockets: Arc::default(),
        }
    }

    /// Counts one more open socket until the returned value drops.
    pub(crate) fn hold_socket(&self) -> SocketHeld {
        self.sockets.open.fetch_add(1, Ordering::AcqRel);
        metrics::gauge!(crate::metrics::OPEN_SOCKETS).increment(1.0);
        SocketHeld {
            sockets: Arc::clone(&self.sockets),
        }
    }

    /// Changes to `true` when sockets must close.
    pub(crate) fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Tells every socket to close with 1012 and waits (briefly) until they have.
    pub(crate) async fn close_sockets(&self) {
        let _ = self.closing.send(true);
        let all_closed = async {
            loop {
                let waiting = self.sockets.none_left.notified();
                if self.sockets.open.load(Ordering::Acquire) == 0 {
                    return;
                }
                waiting.await;
            }
        };
        if tokio::time::timeout(SOCKET_CLOSE_GRACE, all_closed).await.is_err() {
            tracing::warn!(
                open = self.sockets.open.load(Ordering::Acquire),
                "sockets still open after their close frames; stopping anyway"
            );
        }
    }
}

/// Ends the process if it has not stopped `timeout` (plus a little) from now: the last resort
/// when something ignores the orderly stop.
pub(crate) fn arm_watchdog(timeout: Duration) {
    let spawned = std::thread::Builder::new()
        .name("shutdown-watchdog".into())
        .spawn(move || {
            std::thread::sleep(timeout + WATCHDOG_SLACK);
            eprintln!("backline: still running {timeout:?} after the shutdown signal; exiting");
            std::process::exit(1);
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "could not start the shutdown watchdog");
    }
}
