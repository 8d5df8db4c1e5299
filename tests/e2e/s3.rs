//! Backline on a real S3 protocol (moto, started by the test): a 50 MiB upload goes up in
//! multipart parts, streams back with Range, is verified, collected as an orphan when its row
//! is gone, deleted with its file; and readiness reports a store that stops answering.

use backline_application::media::{collect_orphans, verify_blobs};
use backline_audio::testing::tone;
use backline_e2e::{TestApp, Upload, header, str_at};
use backline_storage::testing::S3TestServer;
use serde_json::json;

#[tokio::test]
async fn a_50_mib_version_lives_in_s3_from_upload_to_delete() -> anyhow::Result<()> {
    let mut s3 = S3TestServer::start()?;
    let bucket = s3.bucket("backline-e2e")?;
    let app = TestApp::with_config(|config| {
        config.blob_url = bucket.into();
        config.analysis_workers = 0;
    })
    .await?;
    let owner = app.user("s3own").await?;
    let place = app.hierarchy(&owner, "S3 Band").await?;
    // 50 MiB of 44.1 kHz stereo: more than ten 5 MiB parts.
    let audio = tone(44_100, 2, (50 << 20) / 4);
    assert!(audio.len() >= 50 << 20);
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("big.wav", &audio))
        .await?;
    assert_eq!(file["size"].as_u64(), Some(audio.len() as u64));
    let url = str_at(&file, "/url")?;

    let ranged = app
        .http()
        .get(&url)
        .header("range", "bytes=30000000-30000999")
        .send()
        .await?;
    assert_eq!(ranged.status(), 206);
    assert_eq!(
        header(&ranged, "content-range"),
        format!("bytes 30000000-30000999/{}", audio.len())
    );
    assert_eq!(ranged.bytes().await?.as_ref(), &audio[30_000_000..30_001_000]);

    let verified = verify_blobs(&app.app().media).await?;
    assert_eq!(verified.checked, 1);
    assert!(verified.is_clean(), "the S3 copy hashes to what was recorded");

    // An orphan (a blob whose upload never committed) is collected; the file's blob is not.
    let orphan = format!("files/{}", uuid::Uuid::now_v7());
    app.app().ports().blobs.put(&orphan, b"RIFF orphan".to_vec()).await?;
    let collected = collect_orphans(&app.app().media, chrono::Duration::zero()).await?;
    assert_eq!(collected.removed, vec![orphan]);

    let deleted = app
        .ok(
            Some(&owner.token),
            "mutation($f: ID!) { deleteFile(fileId: $f) }",
            json!({ "f": str_at(&file, "/id")? }),
        )
        .await?;
    assert!(deleted["deleteFile"].is_string());
    assert!(
        app.app().ports().blobs.list("files").await?.is_empty(),
        "the blob went with the file"
    );
    assert_eq!(app.storage_used(&owner.token).await?, 0);

    let ready = app.http().get(format!("{}/readyz", app.base)).send().await?;
    assert_eq!(ready.status(), 200);
    s3.stop();
    // Readiness answers are reused for a second.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let unready = app.http().get(format!("{}/readyz", app.base)).send().await?;
    assert_eq!(unready.status(), 503);
    let body: serde_json::Value = unready.json().await?;
    assert_eq!(body["checks"]["blobStore"], "failing", "{body}");
    assert_eq!(body["checks"]["database"], "ok");
    app.stop().await
}
