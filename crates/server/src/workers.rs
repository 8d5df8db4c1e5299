//! Background analysis workers: each claims one job at a time from the durable queue and runs
//! it; decoding happens on the blocking pool, so the API stays responsive.

use std::time::Duration;

use backline_application::App;
use backline_application::media::run_next_job;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long an idle worker waits before looking for work again.
const IDLE: Duration = Duration::from_millis(250);
/// How long a stop waits for a busy worker to finish its job.
const GRACE: Duration = Duration::from_secs(5);
/// How long a worker waits after the queue itself failed.
const BACKOFF: Duration = Duration::from_secs(2);

/// Running workers.
pub(crate) struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts `count` workers.
    pub(crate) fn spawn(app: &App, count: usize) -> Self {
        let (stop, stopped) = watch::channel(false);
        let tasks = (0..count)
            .map(|worker| {
                let app = app.clone();
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    tracing::debug!(worker, "analysis worker started");
                    while !*stopped.borrow() {
                        let pause = match run_next_job(&app).await {
                            Ok(true) => continue,
                            Ok(false) => IDLE,
                            Err(error) => {
                                tracing::warn!(worker, %error, "the job queue failed; retrying");
                                BACKOFF
                            }
                        };
                        tokio::select! {
                            () = tokio::time::sleep(pause) => {}
                            _ = stopped.changed() => break,
                        }
                    }
                })
            })
            .collect();
        Self { stop, tasks }
    }

    /// Stops the workers: idle ones at once, busy ones after their job or after a grace
    /// period. A job cut short (by this or a crash) is picked up again when its lease runs out.
    pub(crate) async fn stop(self) {
        let _ = self.stop.send(true);
        for mut task in self.tasks {
            if tokio::time::timeout(GRACE, &mut task).await.is_err() {
                task.abort();
                let _ = task.await;
            }
        }
    }
}
