//! Clients nobody here wrote, each as a web developer would set it up, against the real server:
//! GraphiQL in headless Chromium (offline, under its Content-Security-Policy), GraphQL Code
//! Generator reading the schema from the server's URL, and Apollo Client 4 with persisted
//! queries and apollo-upload-client from another origin. The npm packages come from
//! `tests/node` (`npm ci` on first use); without Node.js, npm or Chromium the tests fail and
//! name what is missing.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use backline_audio::testing::tone;
use backline_e2e::TestApp;
use serde_json::Value;

/// Runs `node SCRIPT ARGS…` in `folder` and parses the JSON line it prints last.
async fn node(folder: &Path, script: &str, args: &[&str]) -> anyhow::Result<Value> {
    let child = tokio::process::Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(folder)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let output = tokio::time::timeout(Duration::from_secs(180), child.wait_with_output()).await??;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    anyhow::ensure!(
        output.status.success(),
        "node {script} failed ({}): {stderr}{stdout}",
        output.status
    );
    let line = stdout
        .lines()
        .rev()
        .find(|line| line.starts_with('{'))
        .ok_or_else(|| anyhow::anyhow!("node {script} printed no result: {stdout}{stderr}"))?;
    Ok(serde_json::from_str(line)?)
}

/// A fresh path under the system's temporary folder.
fn scratch(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("backline-{}-{name}", uuid::Uuid::new_v4().simple()))
}

#[tokio::test]
async fn graphiql_works_offline_in_a_real_browser() -> anyhow::Result<()> {
    let clients = backline_e2e::node::clients().await?;
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let screenshot = scratch("graphiql.png");
    let screenshot_path = screenshot.to_string_lossy().into_owned();
    let seen = node(&clients, "graphiql.mjs", &[app.base.as_str(), screenshot_path.as_str()]).await?;

    assert_eq!(
        seen["blocked"],
        serde_json::json!([]),
        "nothing loaded from another host: {seen}"
    );
    assert_eq!(seen["violations"], serde_json::json!([]), "no policy violation: {seen}");
    assert_eq!(seen["errors"], serde_json::json!([]), "no script error: {seen}");
    assert_eq!(seen["docs"], true, "the Docs pane shows the schema's descriptions");
    assert_eq!(seen["tour"], true, "the editor opens on the tour");
    assert_eq!(
        seen["variables"], "guest_{{run}}",
        "the tour's variables name a word per tab"
    );
    let username = seen["signedUp"].as_str().unwrap_or_default();
    assert!(
        username.starts_with("guest_") && username.len() > "guest_".len() && !username.contains('{'),
        "SignUp ran with {{run}} filled in: {seen}"
    );
    assert_eq!(seen["space"], "the-midnight-owls", "{seen}");
    assert_eq!(
        seen["tracks"],
        serde_json::json!(["Neon Rain"]),
        "each step took the id the one before answered: {seen}"
    );
    assert_eq!(seen["me"], username, "the page sent the token SignUp returned");
    assert_eq!(
        seen["subscription"], "TRACK_UPDATED",
        "a subscription over the page's socket"
    );
    assert_eq!(seen["explorer"], true, "the Explorer plugin opens");
    assert!(std::fs::metadata(&screenshot)?.len() > 10_000, "a screenshot was taken");
    std::fs::remove_file(&screenshot)?;
    app.stop().await
}

#[tokio::test]
async fn graphql_code_generator_types_operations_from_the_server_url() -> anyhow::Result<()> {
    let clients = backline_e2e::node::clients().await?;
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let output = scratch("types.ts");
    let output_path = output.to_string_lossy().into_owned();
    let written = node(&clients, "codegen.mjs", &[app.base.as_str(), output_path.as_str()]).await?;
    assert_eq!(written["written"], output_path.as_str());
    let types = std::fs::read_to_string(&output)?;
    std::fs::remove_file(&output)?;
    for expected in [
        // The schema's types, with their descriptions as doc comments.
        "export type Comment = Node & {",
        "/** The signed-in user; null when not signed in. */",
        "export type PlanSubscription = {",
        "DateTime: { input: string; output: string; }",
        // The operations, typed against it.
        "export type TrackPageQuery = { track: { id: string, title: string",
        "comments: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }",
        "export type CommentsOnTrackSubscription = { commentEvents: { kind: CommentEventKind",
    ] {
        assert!(types.contains(expected), "generated types lack {expected:?}");
    }
    app.stop().await
}

#[tokio::test]
async fn apollo_client_uploads_and_persists_queries_from_another_origin() -> anyhow::Result<()> {
    const ORIGIN: &str = "https://studio.example.com";
    let clients = backline_e2e::node::clients().await?;
    let app = TestApp::with_config(|config| {
        config.cors_origins = Some(ORIGIN.parse().unwrap_or_default());
        config.analysis_workers = 0;
    })
    .await?;
    let owner = app.user("apollo").await?;
    let place = app.hierarchy(&owner, "Apollo").await?;
    let wav = scratch("take.wav");
    std::fs::write(&wav, tone(8_000, 1, 8_000))?;
    let wav_path = wav.to_string_lossy().into_owned();
    let seen = node(
        &clients,
        "apollo.mjs",
        &[
            app.base.as_str(),
            owner.token.as_str(),
            place.track.as_str(),
            wav_path.as_str(),
            ORIGIN,
        ],
    )
    .await?;
    std::fs::remove_file(&wav)?;

    assert_eq!(seen["uploaded"]["version"], 1, "{seen}");
    assert_eq!(seen["uploaded"]["name"], "take-1.wav");
    assert_eq!(seen["uploaded"]["track"]["id"], place.track.as_str());
    let sent = seen["sent"].as_array().cloned().unwrap_or_default();
    // Upload: hash alone (unknown), then with its text; both multipart.
    assert_eq!(seen["afterUpload"], 2, "{seen}");
    assert!(sent[..2].iter().all(|request| request["multipart"] == true));
    assert_eq!(sent[0]["withQuery"], false);
    assert_eq!(sent[1]["withQuery"], true);
    // The query: registered on first use, then sent by hash alone and answered the same.
    assert_eq!(sent.len(), 5, "{seen}");
    assert_eq!(sent[2]["withQuery"], false);
    assert_eq!(sent[3]["withQuery"], true);
    assert_eq!(sent[4]["withQuery"], false, "the second read is by hash alone");
    assert_eq!(sent[4]["hash"], sent[3]["hash"]);
    assert_eq!(seen["first"], seen["second"]);
    assert_eq!(seen["second"]["files"]["totalCount"], 1);
    assert_eq!(seen["second"]["files"]["nodes"][0]["id"], seen["uploaded"]["id"]);
    assert_eq!(
        seen["cachedTitle"], "T",
        "the answer is in the normalized cache: {seen}"
    );
    assert!(
        sent.iter().all(|request| request["allowOrigin"] == ORIGIN),
        "every answer allows the app's origin: {seen}"
    );
    // The version is stored once, though its bytes crossed the wire twice.
    let files = app
        .ok(
            Some(&owner.token),
            "query($t: ID!) { track(id: $t) { files(first: 5) { totalCount } } }",
            serde_json::json!({ "t": place.track }),
        )
        .await?;
    assert_eq!(files["track"]["files"]["totalCount"], 1);
    app.stop().await
}
