//! Stopping a replica as an orchestrator does (SIGTERM): requests in flight finish, then open
//! sockets close with 1012 (service restart) so clients reconnect elsewhere, then the process
//! exits 0; and it exits within the shutdown timeout even when a request never ends.

use std::time::Duration;

use backline_audio::testing::tone;
use backline_e2e::Api;
use backline_e2e::replica::Replica;
use futures::SinkExt;

use crate::live::{closed_with, connect_to, subscribe};

async fn replica(timeout_secs: u64) -> anyhow::Result<Replica> {
    Replica::start_fresh(&[
        ("BACKLINE_BLOB_URL", "memory://".into()),
        ("BACKLINE_ANALYSIS_WORKERS", "0".into()),
        ("BACKLINE_SHUTDOWN_TIMEOUT_SECS", timeout_secs.to_string()),
    ])
    .await
}

#[tokio::test]
async fn sigterm_lets_requests_finish_then_closes_sockets_with_1012() -> anyhow::Result<()> {
    let mut replica = replica(20).await?;
    let api = Api::new(&replica.base);
    let user = api.user("sdfin").await?;
    let place = api.hierarchy(&user, "Stopping").await?;
    let mut socket = connect_to(&replica.base, &user.token).await?;
    subscribe(&mut socket, "s1", &place.track).await?;

    let audio = tone(8_000, 1, 8_000);
    let (mut feed, upload) = api.streamed_upload(&user.token, &place.track, "slow.wav");
    feed.send(audio[..audio.len() / 2].to_vec()).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    replica.terminate().await?;
    // The upload is still in flight when the signal arrives; it finishes.
    tokio::time::sleep(Duration::from_millis(700)).await;
    feed.send(audio[audio.len() / 2..].to_vec()).await?;
    drop(feed);
    let uploaded = upload.await??;
    assert!(uploaded.get("errors").is_none(), "{uploaded}");
    assert_eq!(uploaded["data"]["uploadFile"]["version"], 1, "{uploaded}");

    let (code, reason) = closed_with(&mut socket).await?;
    assert_eq!(code, 1012, "{reason}");
    let status = replica.exited_within(Duration::from_secs(30)).await?;
    assert!(status.is_some_and(|status| status.success()), "{status:?}");
    let output = replica.output().join("\n");
    assert!(output.contains("Backline stopped"), "{output}");
    Ok(())
}

#[tokio::test]
async fn sigterm_stops_within_the_timeout_even_while_a_request_never_ends() -> anyhow::Result<()> {
    let mut replica = replica(2).await?;
    let api = Api::new(&replica.base);
    let user = api.user("sdhang").await?;
    let place = api.hierarchy(&user, "Hanging").await?;
    let (mut feed, _upload) = api.streamed_upload(&user.token, &place.track, "never.wav");
    feed.send(tone(8_000, 1, 800)[..100].to_vec()).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    replica.terminate().await?;
    // The upload never ends; the replica stops anyway, shortly after its 2 s timeout.
    let status = replica.exited_within(Duration::from_secs(20)).await?;
    assert!(status.is_some(), "still running 20 s after SIGTERM");
    let output = replica.output().join("\n");
    assert!(output.contains("stopping anyway"), "{output}");
    drop(feed);
    Ok(())
}
