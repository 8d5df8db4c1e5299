//! Analysis failures on bad media, orphan collection and integrity checks.

use backline_application::media::{collect_orphans, verify_blobs};
use backline_audio::testing::{Signal, random_bytes, tone, wav};
use backline_e2e::{TestApp, Upload, str_at};

#[tokio::test]
async fn bad_media_fails_analysis_but_stays_downloadable() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("bad").await?;
    let place = app.hierarchy(&owner, "Broken").await?;
    let good = tone(44_100, 2, 44_100);
    let mut noise_after_header = b"fLaC".to_vec();
    noise_after_header.extend(random_bytes(100_000, 1));
    let mut absurd = good.clone();
    absurd[22..24].copy_from_slice(&u16::MAX.to_le_bytes());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("header-only.wav", good[..44].to_vec()),
        ("noise.flac", noise_after_header),
        ("channels.wav", absurd),
    ];
    for (name, bytes) in cases {
        let file = app
            .upload_ok(&owner.token, &place.track, Upload::new(name, &bytes))
            .await?;
        let id = str_at(&file, "/id")?;
        let analysed = app.analysed(&owner.token, &id).await?;
        assert_eq!(analysed["analysis"]["status"], "FAILED", "{name}: {analysed}");
        let reason = str_at(&analysed, "/analysis/error")?;
        assert!(!reason.is_empty(), "{name}");
        assert!(analysed["metadata"].is_null() && analysed["loudness"].is_null());
        let download = app.http().get(str_at(&file, "/url")?).send().await?;
        assert_eq!(download.status(), reqwest::StatusCode::OK, "{name}");
        assert_eq!(
            download.bytes().await?.as_ref(),
            &bytes[..],
            "{name} stays downloadable"
        );
    }
    // The worker is not wedged: a good file after the bad ones is analysed.
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("good.wav", &good))
        .await?;
    let analysed = app.analysed(&owner.token, &str_at(&file, "/id")?).await?;
    assert_eq!(analysed["analysis"]["status"], "READY");
    app.stop().await
}

#[tokio::test]
async fn orphans_are_collected_and_corruption_is_reported() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let owner = app.user("gc").await?;
    let place = app.hierarchy(&owner, "Orphans").await?;
    let bytes = wav(Signal::Noise { amplitude: 0.2 }, 8_000, 1, 8_000, 16);
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("kept.wav", &bytes))
        .await?;
    let kept_key = format!("files/{}", uuid_of(&str_at(&file, "/id")?)?);
    // What a crash between writing the blob and committing its row leaves behind.
    let orphan = format!("files/{}", uuid::Uuid::now_v7());
    app.app().ports().blobs.put(&orphan, b"RIFF orphan".to_vec()).await?;
    app.app()
        .ports()
        .blobs
        .put("images/not-an-id/original", b"x".to_vec())
        .await?;

    let young = collect_orphans(&app.app().media, chrono::Duration::hours(1)).await?;
    assert!(
        young.removed.is_empty(),
        "blobs younger than the cut-off are left alone"
    );
    let report = collect_orphans(&app.app().media, chrono::Duration::zero()).await?;
    assert_eq!(report.removed, vec![orphan.clone()]);
    assert_eq!(report.bytes, 11);
    assert!(app.app().ports().blobs.head(&orphan).await?.is_none());
    assert!(
        app.app().ports().blobs.head(&kept_key).await?.is_some(),
        "a committed file's blob stays"
    );

    let clean = verify_blobs(&app.app().media).await?;
    assert_eq!(clean.checked, 1);
    assert!(clean.is_clean());
    app.app()
        .ports()
        .blobs
        .put(&kept_key, b"RIFF tampered".to_vec())
        .await?;
    let dirty = verify_blobs(&app.app().media).await?;
    assert_eq!(dirty.mismatched.len(), 1);
    assert_eq!(dirty.mismatched[0].2, str_at(&file, "/sha256")?);
    app.app().ports().blobs.delete(&kept_key).await?;
    assert_eq!(verify_blobs(&app.app().media).await?.missing.len(), 1);
    app.stop().await
}

fn uuid_of(id: &str) -> anyhow::Result<uuid::Uuid> {
    let simple = id
        .strip_prefix("fil_")
        .ok_or_else(|| anyhow::anyhow!("not a file id: {id}"))?;
    Ok(uuid::Uuid::try_parse(simple)?)
}

#[tokio::test]
async fn transient_failures_retry_then_end_failed() -> anyhow::Result<()> {
    // No background workers: the test runs the worker's unit of work itself.
    let app = TestApp::with_config(|config| {
        config.analysis_workers = 0;
        config.analysis_attempts = 3;
        config.analysis_retry_ms = 0;
    })
    .await?;
    let owner = app.user("rty").await?;
    let place = app.hierarchy(&owner, "Retries").await?;
    let bytes = tone(8_000, 1, 8_000);
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("lost.wav", &bytes))
        .await?;
    assert_eq!(file["analysis"]["status"], "PENDING");
    let id = str_at(&file, "/id")?;
    // The blob store loses the content (an outage, not bad media): every try fails.
    app.app()
        .ports()
        .blobs
        .delete(&format!("files/{}", uuid_of(&id)?))
        .await?;
    let mut runs = 0;
    while backline_application::media::run_next_job(&app.app().media).await? {
        runs += 1;
        anyhow::ensure!(runs < 10, "the job kept running");
    }
    assert_eq!(runs, 3, "one run per allowed attempt");
    let analysed = app.analysed(&owner.token, &id).await?;
    assert_eq!(analysed["analysis"]["status"], "FAILED");
    let reason = str_at(&analysed, "/analysis/error")?;
    assert!(reason.starts_with("gave up after 3 tries"), "{reason}");
    assert_eq!(app.app().ports().jobs.pending().await?, 0);

    // A good upload is analysed by the same unit of work.
    let good = app
        .upload_ok(&owner.token, &place.track, Upload::new("ok.wav", &bytes))
        .await?;
    assert!(backline_application::media::run_next_job(&app.app().media).await?);
    let analysed = app.analysed(&owner.token, &str_at(&good, "/id")?).await?;
    assert_eq!(analysed["analysis"]["status"], "READY");
    assert_eq!(analysed["metadata"]["durationSeconds"], 1.0);
    app.stop().await
}
