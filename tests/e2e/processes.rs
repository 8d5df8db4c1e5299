//! Several `backline` processes on one database: a comment written through process A reaches a
//! subscriber connected to process B. Process B is a real second OS process: this test binary
//! runs itself again with only the ignored `child_server` test, which starts a server and
//! prints its address.

use std::process::Stdio;
use std::time::Duration;

use backline_audio::testing::tone;
use backline_e2e::{TestApp, Upload, str_at};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

use crate::live::{connect_to, next_json, subscribe};

/// Tells the child which database to share.
const CHILD_DATABASE: &str = "BACKLINE_E2E_CHILD_DATABASE_URL";
/// Tells the child which blob folder to share.
const CHILD_BLOBS: &str = "BACKLINE_E2E_CHILD_BLOB_URL";
/// What the child prints before its address.
const READY: &str = "BACKLINE_CHILD_LISTENING ";

/// Not a test on its own: the body of process B. It serves until its stdin closes.
#[tokio::test]
#[ignore = "run by a_comment_written_through_one_process_reaches_a_subscriber_on_another"]
async fn child_server() -> anyhow::Result<()> {
    let (Ok(database), Ok(blobs)) = (std::env::var(CHILD_DATABASE), std::env::var(CHILD_BLOBS)) else {
        // Run by hand without a parent: nothing to join.
        return Ok(());
    };
    let is_postgres = database.starts_with("postgres");
    let app = TestApp::with_config(|config| {
        config.database_url = database;
        config.blob_url = blobs;
        config.analysis_workers = 0;
        // On PostgreSQL the outbox is read only when LISTEN/NOTIFY says so (polling once an
        // hour); SQLite has no notifications and polls.
        config.event_poll_ms = if is_postgres { 3_600_000 } else { 200 };
    })
    .await?;
    println!("{READY}{}", app.base);
    let mut stdin = tokio::io::stdin();
    let mut sink = Vec::new();
    let _ = stdin.read_to_end(&mut sink).await;
    app.stop().await
}

#[tokio::test]
async fn a_comment_written_through_one_process_reaches_a_subscriber_on_another() -> anyhow::Result<()> {
    let blobs = std::env::temp_dir().join(format!("backline-e2e-shared-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&blobs)?;
    let blob_url = format!("file://{}", blobs.display());
    let shared = blob_url.clone();
    let a = TestApp::with_config(|config| config.blob_url = shared).await?;

    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args([
            "--exact",
            "processes::child_server",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DATABASE, &a.database_url)
        .env(CHILD_BLOBS, &blob_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let mut lines = BufReader::new(stdout).lines();
    let b_base = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await? {
            // The test harness may print the test's name on the same line first.
            if let Some(at) = line.find(READY) {
                return Ok::<String, anyhow::Error>(line[at + READY.len()..].trim().to_owned());
            }
        }
        anyhow::bail!("process B exited before it listened")
    })
    .await??;
    assert_ne!(b_base, a.base, "two servers");

    let owner = a.user("procown").await?;
    let place = a.hierarchy(&owner, "Two processes").await?;
    let file = a
        .upload_ok(&owner.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
        .await?;
    let file_id = str_at(&file, "/id")?;

    let mut on_b = connect_to(&b_base, &owner.token).await?;
    subscribe(&mut on_b, "b1", &place.track).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let added = a
        .ok(
            Some(&owner.token),
            "mutation($f: ID!) { addComment(input: {fileId: $f, content: \"written on A\", timeStart: 0.1}) { id } }",
            json!({ "f": file_id }),
        )
        .await?;
    let event = next_json(&mut on_b).await?;
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(event["id"], "b1");
    let payload = &event["payload"]["data"]["commentEvents"];
    assert_eq!(payload["kind"], "ADDED", "{event}");
    assert_eq!(payload["comment"]["content"], "written on A");
    assert_eq!(payload["fileId"], file_id);
    assert!(!str_at(&added, "/addComment/id")?.is_empty());

    drop(child.stdin.take());
    let _ = tokio::time::timeout(Duration::from_secs(20), child.wait()).await;
    let _ = std::fs::remove_dir_all(&blobs);
    a.stop().await
}
