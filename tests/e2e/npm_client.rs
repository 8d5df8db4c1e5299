//! The real `graphql-ws` npm client (a client nobody here wrote) against the server: it
//! subscribes, receives a comment added over HTTP, and completes. Node.js is on the machines
//! this project builds on; the client is installed with `npm ci` into `tests/node` (pinned by
//! its lockfile) on first run. Without `node` or `npm` on the PATH the test fails and says so.

use std::process::Stdio;
use std::time::Duration;

use backline_audio::testing::tone;
use backline_e2e::{TestApp, Upload, str_at};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn the_graphql_ws_npm_client_subscribes_receives_and_completes() -> anyhow::Result<()> {
    let clients = backline_e2e::node::clients().await?;
    let app = TestApp::new().await?;
    let owner = app.user("npmclient").await?;
    let place = app.hierarchy(&owner, "Npm").await?;
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
        .await?;
    let file_id = str_at(&file, "/id")?;

    let url = format!("ws://{}/graphql/ws", app.base.trim_start_matches("http://"));
    let mut child = tokio::process::Command::new("node")
        .arg("subscribe.mjs")
        .args([url.as_str(), owner.token.as_str(), place.track.as_str()])
        .current_dir(&clients)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let mut lines = BufReader::new(stdout).lines();
    let mut next_line = async || -> anyhow::Result<Value> {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await??
            .ok_or_else(|| anyhow::anyhow!("the client exited early"))?;
        Ok(serde_json::from_str(&line)?)
    };
    assert_eq!(next_line().await?, json!({"ready": true}), "connection acknowledged");
    // The subscribe message follows the acknowledgement; give the server a moment to start it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.ok(
        Some(&owner.token),
        "mutation($f: ID!) { addComment(input: {fileId: $f, content: \"heard by graphql-ws\"}) { id } }",
        json!({ "f": file_id }),
    )
    .await?;
    let event = next_line().await?;
    assert_eq!(event["data"]["commentEvents"]["kind"], "ADDED", "{event}");
    assert_eq!(
        event["data"]["commentEvents"]["comment"]["content"],
        "heard by graphql-ws"
    );
    assert_eq!(event["data"]["commentEvents"]["fileId"], file_id);
    assert_eq!(next_line().await?, json!({"completed": true}));
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait()).await??;
    assert!(status.success(), "the client exits cleanly");
    app.stop().await
}

#[tokio::test]
async fn the_graphql_ws_client_renews_its_token_and_keeps_its_subscription() -> anyhow::Result<()> {
    let clients = backline_e2e::node::clients().await?;
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let owner = app.user("npmrenew").await?;
    let place = app.hierarchy(&owner, "Renewal").await?;
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
        .await?;
    let file_id = str_at(&file, "/id")?;
    let short_lived = crate::live::expiring_token(&owner, 2)?;

    let url = format!("ws://{}/graphql/ws", app.base.trim_start_matches("http://"));
    let mut child = tokio::process::Command::new("node")
        .arg("renew.mjs")
        .args([
            url.as_str(),
            short_lived.as_str(),
            owner.token.as_str(),
            place.track.as_str(),
        ])
        .current_dir(&clients)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let mut lines = BufReader::new(stdout).lines();
    let mut next_line = async || -> anyhow::Result<Value> {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await??
            .ok_or_else(|| anyhow::anyhow!("the client exited early"))?;
        Ok(serde_json::from_str(&line)?)
    };
    assert_eq!(next_line().await?, json!({"connected": 1}));
    // The first token expires: the server closes with 4403, the client reconnects by itself.
    let closed = next_line().await?;
    assert_eq!(closed["closed"], 4403, "{closed}");
    assert_eq!(
        next_line().await?,
        json!({"connected": 2}),
        "reconnected with the fresh token"
    );
    // Subscribed again without any code of ours: an event after the renewal arrives.
    let mut event = Value::Null;
    for _ in 0..40 {
        app.ok(
            Some(&owner.token),
            "mutation($f: ID!) { addComment(input: {fileId: $f, content: \"after the renewal\"}) { id } }",
            json!({ "f": file_id }),
        )
        .await?;
        if let Ok(line) = tokio::time::timeout(Duration::from_millis(500), next_line()).await {
            event = line?;
            break;
        }
    }
    assert_eq!(
        event["data"]["commentEvents"]["comment"]["content"], "after the renewal",
        "{event}"
    );
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait()).await??;
    assert!(status.success(), "the client exits cleanly");
    app.stop().await
}
