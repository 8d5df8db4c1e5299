//! Background work: analysis workers (each claims one job at a time from the durable queue and
//! runs it; decoding happens on the blocking pool, so the API stays responsive), the event relay
//! (outbox to live subscribers), the notification digest sender, the session watcher and the
//! pruning of old rate windows.

use std::sync::Arc;
use std::time::Duration;

use backline_application::App;
use backline_application::identity::{follow_session_ends, prune_throttles};
use backline_application::media::{idle_wait, run_next_job, wakes_workers};
use backline_application::notifications::send_digests;
use backline_application::persisted::prune_persisted;
use backline_application::ports::{EventBus, EventStream};
use backline_db::{Database, EventRelay, RelayOptions};
use futures::StreamExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;

/// The longest an idle worker sleeps: an upload wakes it at once (its event, through the
/// outbox relay, in every process), a retry or a dead worker's lease when it is due.
const IDLE_MAX: Duration = Duration::from_secs(30);
/// The shortest pause between two looks at an empty queue.
const IDLE_MIN: Duration = Duration::from_millis(50);
/// How long a stop waits for a busy worker to finish its job.
const GRACE: Duration = Duration::from_secs(5);
/// How long a worker waits after the queue itself failed.
const BACKOFF: Duration = Duration::from_secs(2);
/// The digest sender looks for due digests at least this often.
const DIGEST_CHECK: Duration = Duration::from_secs(30);
/// How often old rate windows and failed attempts are removed.
const PRUNE_THROTTLES: Duration = Duration::from_secs(300);

/// Running background work.
pub(crate) struct Workers {
    stop: watch::Sender<bool>,
    claiming: Arc<watch::Sender<bool>>,
    tasks: Vec<JoinHandle<()>>,
    relay: EventRelay,
}

/// Tells the analysis workers to claim no new job (when a stop begins: the jobs left wait for
/// another replica rather than being cut short here).
#[derive(Clone)]
pub(crate) struct StopClaiming(Arc<watch::Sender<bool>>);

impl StopClaiming {
    /// No new job from now on.
    pub(crate) fn now(&self) {
        let _ = self.0.send(true);
    }
}

impl Workers {
    /// Starts the event relay, the digest sender and `config.analysis_workers` analysis workers.
    ///
    /// # Errors
    /// Fails when the relay cannot start (the database does not answer).
    pub(crate) async fn start(
        app: &App,
        events: Arc<dyn EventBus>,
        database: &Database,
        config: &Config,
    ) -> anyhow::Result<Self> {
        let relay = EventRelay::start(
            database.clone(),
            Arc::clone(&events),
            RelayOptions {
                poll_interval: Duration::from_millis(config.event_poll_ms.max(10)),
                ..RelayOptions::default()
            },
        )
        .await?;
        let (stop, stopped) = watch::channel(false);
        let (claiming, no_claims) = watch::channel(false);
        let mut tasks: Vec<JoinHandle<()>> = (0..config.analysis_workers)
            .map(|worker| {
                tokio::spawn(analysis_worker(
                    app.clone(),
                    Arc::clone(&events),
                    worker,
                    no_claims.clone(),
                ))
            })
            .collect();
        // Subscribed before the server accepts a request, so no session end is missed.
        let session_ends = follow_session_ends(&app.identity);
        let mut until_stopped = stopped.clone();
        tasks.push(tokio::spawn(async move {
            tokio::select! {
                () = session_ends => {}
                _ = until_stopped.changed() => {}
            }
        }));
        tasks.push(tokio::spawn(digest_sender(app.clone(), stopped.clone())));
        tasks.push(tokio::spawn(throttle_pruner(app.clone(), stopped)));
        Ok(Self {
            stop,
            claiming: Arc::new(claiming),
            tasks,
            relay,
        })
    }

    /// What stops the analysis workers from claiming new jobs.
    pub(crate) fn stop_claiming(&self) -> StopClaiming {
        StopClaiming(Arc::clone(&self.claiming))
    }

    /// Stops everything: idle workers at once, busy ones after their job, all within one grace
    /// period ([`GRACE`]). A job cut short (by this or a crash) is picked up again when its
    /// lease runs out.
    pub(crate) async fn stop(self) {
        let _ = self.claiming.send(true);
        let _ = self.stop.send(true);
        let mut tasks = self.tasks;
        let all = futures::future::join_all(tasks.iter_mut());
        if tokio::time::timeout(GRACE, all).await.is_err() {
            for task in &tasks {
                task.abort();
            }
            tracing::warn!(
                "background work still busy after {GRACE:?}; cut short (its jobs are retried when their leases run out)"
            );
        }
        self.relay.stop().await;
    }
}

async fn analysis_worker(app: App, events: Arc<dyn EventBus>, worker: usize, mut stopped: watch::Receiver<bool>) {
    // `stopped` turns true when the stop begins: finish the job in hand, claim no other.
    tracing::debug!(worker, "analysis worker started");
    let mut wakeups: Option<EventStream> = Some(events.subscribe());
    while !*stopped.borrow() {
        let pause = match run_next_job(&app.media).await {
            Ok(true) => continue,
            Ok(false) => match idle_wait(&app.media, IDLE_MAX).await {
                Ok(pause) => pause.max(IDLE_MIN),
                Err(error) => {
                    tracing::warn!(worker, %error, "the job queue failed; retrying");
                    BACKOFF
                }
            },
            Err(error) => {
                tracing::warn!(worker, %error, "the job queue failed; retrying");
                BACKOFF
            }
        };
        let sleep = tokio::time::sleep(pause);
        tokio::pin!(sleep);
        loop {
            let next = async {
                match wakeups.as_mut() {
                    Some(stream) => stream.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = &mut sleep => break,
                _ = stopped.changed() => return,
                next = next => match next {
                    Some(Ok((_, event))) if wakes_workers(&event) => break,
                    Some(Ok(_)) => {}
                    // Fell behind while busy: subscribe again, and look for work now.
                    Some(Err(_)) => {
                        wakeups = Some(events.subscribe());
                        break;
                    }
                    // The bus is gone (the server is stopping): sleep out the pause alone.
                    None => wakeups = None,
                },
            }
        }
    }
}

async fn digest_sender(app: App, mut stopped: watch::Receiver<bool>) {
    let every = app
        .settings
        .digest_interval
        .to_std()
        .unwrap_or(DIGEST_CHECK)
        .min(DIGEST_CHECK)
        .max(Duration::from_millis(200));
    loop {
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stopped.changed() => return,
        }
        match send_digests(&app.notifications).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "notification digests sent"),
            Err(error) => tracing::warn!(%error, "could not send notification digests"),
        }
    }
}

async fn throttle_pruner(app: App, mut stopped: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(PRUNE_THROTTLES) => {}
            _ = stopped.changed() => return,
        }
        if let Err(error) = prune_throttles(&app.identity).await {
            tracing::warn!(%error, "could not prune old rate windows");
        }
        if let Err(error) = prune_persisted(&app.documents).await {
            tracing::warn!(%error, "could not prune persisted queries");
        }
    }
}
