//! An analysis whose worker process dies every time (SIGKILL mid-analysis, as an out-of-memory
//! kill would) ends FAILED after `BACKLINE_ANALYSIS_ATTEMPTS` claims, with a reason, instead of
//! being handed to the next worker forever.

use std::time::Duration;

use backline_audio::testing::tone;
use backline_e2e::replica::Replica;
use backline_e2e::{Api, Upload, str_at};
use serde_json::json;

/// A worker process: one analysis worker, a one-second lease, two tries.
async fn worker(database: &str, blobs: &str) -> anyhow::Result<Replica> {
    Replica::start(&[
        ("DATABASE_URL", database.to_owned()),
        ("BACKLINE_BLOB_URL", blobs.to_owned()),
        ("BACKLINE_ANALYSIS_WORKERS", "1".into()),
        ("BACKLINE_ANALYSIS_ATTEMPTS", "2".into()),
        ("BACKLINE_ANALYSIS_LEASE_SECS", "1".into()),
        ("BACKLINE_EVENT_POLL_MS", "100".into()),
    ])
    .await
}

/// Waits until `replica` logs that it started analysing (at most a minute).
async fn started(replica: &Replica) -> anyhow::Result<()> {
    for _ in 0..1200 {
        if replica.output().iter().any(|line| line.contains("analysis started")) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("the worker never started the analysis: {:?}", replica.output())
}

#[tokio::test]
async fn a_job_whose_worker_keeps_dying_ends_failed() -> anyhow::Result<()> {
    let fresh = backline_db::testing::TestDatabase::new().await?;
    let database = fresh.url().to_owned();
    let folder = std::env::temp_dir().join(format!("backline-poison-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&folder)?;
    let blobs = format!("file://{}", folder.display());
    // The API, with no worker of its own.
    let front = Replica::start(&[
        ("DATABASE_URL", database.clone()),
        ("BACKLINE_BLOB_URL", blobs.clone()),
        ("BACKLINE_ANALYSIS_WORKERS", "0".into()),
        ("BACKLINE_EVENT_POLL_MS", "100".into()),
    ])
    .await?;
    let api = Api::new(&front.base);
    let user = api.user("poison").await?;
    let place = api.hierarchy(&user, "Poison").await?;
    // Three minutes of audio: long enough to be killed in the middle of.
    let file = api
        .upload_ok(
            &user.token,
            &place.track,
            Upload::new("long.wav", &tone(22_050, 1, 22_050 * 180)),
        )
        .await?;
    let file = str_at(&file, "/id")?;

    for _ in 0..2 {
        let mut dying = worker(&database, &blobs).await?;
        started(&dying).await?;
        dying.kill().await?;
    }
    // The third worker claims the job a third time: it ends it instead of analysing.
    let last = worker(&database, &blobs).await?;
    let analysed = api.analysed(&user.token, &file).await?;
    assert_eq!(analysed["analysis"]["status"], "FAILED", "{analysed}");
    let error = analysed["analysis"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("worker died during analysis"), "{analysed}");
    assert!(
        !last.output().iter().any(|line| line.contains("analysis started")),
        "the last worker did not run it again"
    );
    // And it stays so: no worker takes it up again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let again = api
        .ok(
            Some(&user.token),
            "query($id: ID!) { file(id: $id) { analysis { status } } }",
            json!({ "id": file }),
        )
        .await?;
    assert_eq!(again["file"]["analysis"]["status"], "FAILED");
    drop(last);
    drop(front);
    std::fs::remove_dir_all(&folder)?;
    Ok(())
}
