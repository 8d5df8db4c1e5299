//! An idle analysis worker costs almost nothing: it sleeps until a job is due rather than
//! polling the queue, and an upload wakes it at once.

use std::time::Duration;

use backline_audio::testing::{Signal, wav};
use backline_e2e::{TestApp, Upload, str_at};

/// How long the tests watch an idle server.
const WATCH: Duration = Duration::from_secs(3);

#[tokio::test]
async fn an_idle_worker_does_not_poll_the_queue() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 2).await?;
    // Let start-up settle, then count what the idle server asks the database.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = app.statements();
    tokio::time::sleep(WATCH).await;
    let idle = app.statements() - before;
    // The relay's own poll (once a second) is all that remains; two workers polling four times
    // a second would have made at least 24.
    assert!(idle <= 6, "{idle} statements in {WATCH:?} of idleness");
    app.stop().await
}

#[tokio::test]
async fn an_upload_wakes_a_sleeping_worker_at_once() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("idle").await?;
    let place = app.hierarchy(&owner, "Idle").await?;
    // The worker has found nothing to do and sleeps for its longest pause (30 s).
    tokio::time::sleep(Duration::from_secs(1)).await;
    let bytes = wav(
        Signal::Sine {
            frequency: 220.0,
            amplitude: 0.4,
        },
        8_000,
        1,
        8_000,
        16,
    );
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("wake.wav", &bytes))
        .await?;
    let id = str_at(&file, "/id")?;
    let analysed = tokio::time::timeout(Duration::from_secs(20), app.analysed(&owner.token, &id))
        .await
        .map_err(|_| anyhow::anyhow!("the upload did not wake the worker"))??;
    assert_eq!(analysed["analysis"]["status"], "READY", "{analysed}");
    app.stop().await
}
