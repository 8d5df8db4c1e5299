//! Who may upload, approve and delete; content checks; size and storage limits; atomic
//! version numbering under concurrency; storage returned on deletion.

use backline_audio::testing::{Signal, wav};
use backline_e2e::{TestApp, Upload, code, fixture, str_at};
use serde_json::{Value, json};

const APPROVE: &str = "mutation($id: ID!) { approveFileVersion(fileId: $id) { id version isFinalVersion } }";
const DELETE: &str = "mutation($id: ID!) { deleteFile(fileId: $id) }";

fn tone(seconds: u64) -> Vec<u8> {
    wav(
        Signal::Sine {
            frequency: 220.0,
            amplitude: 0.4,
        },
        8_000,
        1,
        8_000 * seconds,
        16,
    )
}

async fn file_count(app: &TestApp, token: &str, track: &str) -> anyhow::Result<i64> {
    let data = app
        .ok(
            Some(token),
            "query($id: ID!) { track(id: $id) { files { totalCount } } }",
            json!({ "id": track }),
        )
        .await?;
    Ok(data["track"]["files"]["totalCount"].as_i64().unwrap_or(-1))
}

#[tokio::test]
async fn roles_decide_who_uploads_approves_and_deletes() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let (owner, editor, viewer, stranger) = (
        app.user("own").await?,
        app.user("edi").await?,
        app.user("vie").await?,
        app.user("str").await?,
    );
    let place = app.hierarchy(&owner, "Roles").await?;
    app.grant(&owner, &place.project, &editor, "EDITOR").await?;
    app.grant(&owner, &place.track, &viewer, "VIEWER").await?;
    let bytes = tone(1);

    let refused = app
        .upload(&viewer.token, &place.track, Upload::new("v.wav", &bytes))
        .await?;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    let hidden = app
        .upload(&stranger.token, &place.track, Upload::new("s.wav", &bytes))
        .await?;
    assert_eq!(code(&hidden), "NOT_FOUND");
    let anonymous = app
        .multipart(
            None,
            "mutation($input: UploadFileInput!) { uploadFile(input: $input) { id } }",
            json!({ "input": { "trackId": place.track, "file": null } }),
            "variables.input.file",
            Upload::new("a.wav", &bytes),
        )
        .await?;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
    assert_eq!(app.storage_used(&viewer.token).await?, 0);

    let first = app
        .upload_ok(&editor.token, &place.track, Upload::new("one.wav", &bytes))
        .await?;
    let second = app
        .upload_ok(&owner.token, &place.track, Upload::new("two.wav", &bytes))
        .await?;
    let (first_id, second_id) = (str_at(&first, "/id")?, str_at(&second, "/id")?);
    assert_eq!(
        app.storage_used(&editor.token).await?,
        bytes.len() as i64,
        "counts against the uploader"
    );

    // Approval: Track U (editor yes, viewer no); one final version per track.
    assert_eq!(
        code(&app.gql(Some(&viewer.token), APPROVE, json!({ "id": first_id })).await?),
        "FORBIDDEN"
    );
    let approved = app.ok(Some(&editor.token), APPROVE, json!({ "id": first_id })).await?;
    assert_eq!(approved["approveFileVersion"]["isFinalVersion"], true);
    app.ok(Some(&owner.token), APPROVE, json!({ "id": second_id })).await?;
    let track = app
        .ok(
            Some(&viewer.token),
            "query($id: ID!) { track(id: $id) { finalFile { id } files { nodes { id isFinalVersion } } } }",
            json!({ "id": place.track }),
        )
        .await?;
    assert_eq!(track["track"]["finalFile"]["id"], json!(second_id));
    let finals: Vec<&Value> = track["track"]["files"]["nodes"]
        .as_array()
        .map(|nodes| nodes.iter().filter(|node| node["isFinalVersion"] == true).collect())
        .unwrap_or_default();
    assert_eq!(finals.len(), 1);

    // Deletion: File D (owner and admin; not editor).
    assert_eq!(
        code(&app.gql(Some(&editor.token), DELETE, json!({ "id": first_id })).await?),
        "FORBIDDEN"
    );
    assert_eq!(
        code(
            &app.gql(Some(&stranger.token), DELETE, json!({ "id": first_id }))
                .await?
        ),
        "NOT_FOUND"
    );
    let deleted = app.ok(Some(&owner.token), DELETE, json!({ "id": second_id })).await?;
    assert_eq!(deleted["deleteFile"], json!(second_id));
    assert_eq!(app.storage_used(&owner.token).await?, 0, "bytes returned");
    assert_eq!(
        code(&app.gql(Some(&owner.token), DELETE, json!({ "id": second_id })).await?),
        "NOT_FOUND"
    );
    let url = str_at(&second, "/url")?;
    assert_eq!(
        app.http().get(&url).send().await?.status(),
        reqwest::StatusCode::NOT_FOUND
    );

    // Version numbers are never reused.
    let third = app
        .upload_ok(&owner.token, &place.track, Upload::new("three.wav", &bytes))
        .await?;
    assert_eq!(third["version"], 3);
    let track = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { track(id: $id) { finalFile { id } latestFile { version } } }",
            json!({ "id": place.track }),
        )
        .await?;
    assert_eq!(
        track["track"]["finalFile"],
        Value::Null,
        "the final version was deleted"
    );
    assert_eq!(track["track"]["latestFile"]["version"], 3);
    app.stop().await
}

#[tokio::test]
async fn content_is_checked_not_trusted() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("chk").await?;
    let place = app.hierarchy(&owner, "Checks").await?;
    let wav_bytes = tone(1);
    let flac = fixture("tone.flac")?;
    let cases: Vec<(Upload<'_>, &str)> = vec![
        (Upload::new("song.wav", &flac).typed("audio/wav"), "does not match"),
        (
            Upload::new("song.mp3", &wav_bytes).typed("audio/mpeg"),
            "does not match",
        ),
        (
            Upload::new("evil.wav", b"#!/bin/sh\nrm -rf /\n"),
            "not a supported format",
        ),
        (
            Upload::new("doc.pdf", b"%PDF-1.7 not audio at all"),
            "not a supported format",
        ),
        (Upload::new("empty.wav", b""), "empty"),
    ];
    for (upload, message) in cases {
        let body = app.upload(&owner.token, &place.track, upload).await?;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{}: {body}", upload.name);
        assert_eq!(body["errors"][0]["extensions"]["field"], "file");
        let text = body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(text.contains(message), "{text}");
    }
    assert_eq!(file_count(&app, &owner.token, &place.track).await?, 0, "nothing stored");
    assert_eq!(app.storage_used(&owner.token).await?, 0);
    assert!(
        app.app().ports().blobs.list("files").await?.is_empty(),
        "no blob left behind"
    );

    // Generic declarations are fine; the stored type comes from the content.
    let generic = app
        .upload_ok(
            &owner.token,
            &place.track,
            Upload::new("../../etc/pass\twd.flac", &flac).typed("application/octet-stream"),
        )
        .await?;
    assert_eq!(generic["contentType"], "audio/flac");
    assert_eq!(generic["name"], "passwd.flac", "path and control characters removed");
    let bad_id = app
        .multipart(
            Some(&owner.token),
            "mutation($input: UploadFileInput!) { uploadFile(input: $input) { id } }",
            json!({ "input": { "trackId": place.project, "file": null } }),
            "variables.input.file",
            Upload::new("x.flac", &flac),
        )
        .await?;
    assert_eq!(code(&bad_id), "BAD_USER_INPUT");
    assert_eq!(bad_id["errors"][0]["extensions"]["field"], "trackId");
    app.stop().await
}

#[tokio::test]
async fn size_and_storage_limits_hold_and_write_nothing() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| {
        config.max_upload_bytes = 50_000;
        config.storage_limit_free = backline_server::config::Limit(Some(60_000));
    })
    .await?;
    let owner = app.user("lim").await?;
    let place = app.hierarchy(&owner, "Limits").await?;
    let big = tone(4); // 64,044 bytes
    let refused = app
        .upload(&owner.token, &place.track, Upload::new("big.wav", &big))
        .await?;
    assert_eq!(code(&refused), "PAYLOAD_TOO_LARGE", "{refused}");
    let small = tone(2); // 32,044 bytes
    app.upload_ok(&owner.token, &place.track, Upload::new("a.wav", &small))
        .await?;
    let over = app
        .upload(&owner.token, &place.track, Upload::new("b.wav", &small))
        .await?;
    assert_eq!(code(&over), "QUOTA_EXCEEDED", "{over}");
    assert_eq!(app.storage_used(&owner.token).await?, small.len() as i64);
    assert_eq!(file_count(&app, &owner.token, &place.track).await?, 1);
    assert_eq!(
        app.app().ports().blobs.list("files").await?.len(),
        1,
        "refused uploads leave no blob"
    );
    let limit = app
        .ok(
            Some(&owner.token),
            "{ me { subscription { storage { used limit } } } }",
            json!({}),
        )
        .await?;
    assert_eq!(limit["me"]["subscription"]["storage"]["limit"], 60_000);

    // Deleting the track returns the bytes and removes the blobs.
    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { deleteTrack(id: $id) }",
        json!({ "id": place.track }),
    )
    .await?;
    assert_eq!(app.storage_used(&owner.token).await?, 0);
    assert!(app.app().ports().blobs.list("files").await?.is_empty());
    app.stop().await
}

#[tokio::test]
async fn concurrent_uploads_get_consecutive_versions_and_exact_storage() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("con").await?;
    let place = app.hierarchy(&owner, "Concurrency").await?;
    let files: Vec<Vec<u8>> = (1..=10).map(|n| tone(1 + n % 3)).collect();
    let uploads = files.iter().enumerate().map(|(n, bytes)| {
        app.upload(
            &owner.token,
            &place.track,
            Upload::new(if n % 2 == 0 { "even.wav" } else { "odd.wav" }, bytes),
        )
    });
    let results = futures::future::join_all(uploads).await;
    let mut versions = Vec::new();
    for result in results {
        let body = result?;
        anyhow::ensure!(body.get("errors").is_none(), "upload failed: {body}");
        versions.push(body["data"]["uploadFile"]["version"].as_i64().unwrap_or(0));
    }
    versions.sort_unstable();
    assert_eq!(versions, (1..=10).collect::<Vec<i64>>(), "no gap, no duplicate");
    let total: usize = files.iter().map(Vec::len).sum();
    assert_eq!(app.storage_used(&owner.token).await?, total as i64);
    app.stop().await
}

#[tokio::test]
async fn multipart_requests_are_bounded_and_checked() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.max_body_bytes = 10_000).await?;
    let owner = app.user("mpt").await?;
    let place = app.hierarchy(&owner, "Multipart").await?;
    let query = "mutation($input: UploadFileInput!) { uploadFile(input: $input) { id } }";
    let send = |form: reqwest::multipart::Form| {
        app.http()
            .post(format!("{}/graphql", app.base))
            .header("apollo-require-preflight", "1")
            .bearer_auth(&owner.token)
            .multipart(form)
            .send()
    };
    let operations = json!({ "query": query, "variables": { "input": { "trackId": place.track, "file": null } } });
    let file = || reqwest::multipart::Part::bytes(tone(1)).file_name("a.wav");

    // An `operations` part past the JSON body limit is refused, whatever the upload limit.
    let padded = json!({ "query": format!("{query}{}", " ".repeat(20_000)), "variables": operations["variables"] });
    let form = reqwest::multipart::Form::new()
        .text("operations", padded.to_string())
        .text("map", json!({ "0": ["variables.input.file"] }).to_string())
        .part("0", file());
    let response = send(form).await?;
    assert_eq!(response.status(), reqwest::StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await?;
    assert_eq!(code(&body), "PAYLOAD_TOO_LARGE");

    // At most four files.
    let mut form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.input.file"] }).to_string());
    for n in 0..5 {
        form = form.part(n.to_string(), file());
    }
    assert_eq!(send(form).await?.status(), reqwest::StatusCode::PAYLOAD_TOO_LARGE);

    // A map naming a part that never comes, and operations that are not JSON.
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "7": ["variables.input.file"] }).to_string());
    let body: Value = send(form).await?.json().await?;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let form = reqwest::multipart::Form::new()
        .text("operations", "{not json")
        .text("map", "{}");
    let body: Value = send(form).await?.json().await?;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");

    // A bad token is refused before the body is read.
    let refused: Value = app
        .http()
        .post(format!("{}/graphql", app.base))
        .header("apollo-require-preflight", "1")
        .bearer_auth("not-a-token")
        .multipart(reqwest::multipart::Form::new().text("operations", operations.to_string()))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(code(&refused), "UNAUTHENTICATED");
    assert_eq!(file_count(&app, &owner.token, &place.track).await?, 0);
    app.stop().await
}
