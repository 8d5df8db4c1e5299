//! Resumable subscriptions: every event carries a cursor; subscribing again with `after` gives
//! what followed it, in order, then the live events, with no gap and no duplicate.

use backline_audio::testing::tone;
use backline_e2e::{TestApp, Upload, str_at};
use futures::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::live::{Socket, connect_to, next_json, until_live};

const WATCH: &str =
    "subscription($t: ID!, $a: String) { commentEvents(trackId: $t, after: $a) { cursor kind comment { content } } }";
const INBOX: &str = "subscription($a: String) { notificationAdded(after: $a) { cursor unreadNotificationCount notification { type } } }";
const ADD: &str = "mutation($f: ID!, $c: String!) { addComment(input: {fileId: $f, content: $c}) { id } }";

async fn watch(socket: &mut Socket, id: &str, track: &str, after: Option<&str>) -> anyhow::Result<()> {
    let message =
        json!({"id": id, "type": "subscribe", "payload": {"query": WATCH, "variables": {"t": track, "a": after}}});
    socket.send(Message::text(message.to_string())).await?;
    Ok(())
}

/// The next comment event's (cursor, content).
async fn next_comment(socket: &mut Socket) -> anyhow::Result<(String, String)> {
    let message = next_json(socket).await?;
    let event = &message["payload"]["data"]["commentEvents"];
    anyhow::ensure!(event.is_object(), "not a comment event: {message}");
    Ok((str_at(event, "/cursor")?, str_at(event, "/comment/content")?))
}

#[tokio::test]
async fn a_subscriber_that_reconnects_with_its_cursor_misses_nothing_and_gets_nothing_twice() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let owner = app.user("resume").await?;
    let place = app.hierarchy(&owner, "Resume").await?;
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
        .await?;
    let file = str_at(&file, "/id")?;
    let token = Some(owner.token.as_str());

    let mut socket = connect_to(&app.base, &owner.token).await?;
    watch(&mut socket, "w1", &place.track, None).await?;
    until_live(&app, &mut socket, &owner.token, &file).await?;
    app.ok(token, ADD, json!({"f": file, "c": "before the cut"})).await?;
    let (cursor, content) = loop {
        let (cursor, content) = next_comment(&mut socket).await?;
        if content != "warming up" {
            break (cursor, content);
        }
    };
    assert_eq!(content, "before the cut");
    assert!(cursor.starts_with("evt_"), "{cursor}");
    drop(socket);

    // Three comments while the client is away.
    for n in 1..=3 {
        app.ok(token, ADD, json!({"f": file, "c": format!("missed {n}")}))
            .await?;
    }
    let mut socket = connect_to(&app.base, &owner.token).await?;
    watch(&mut socket, "w2", &place.track, Some(&cursor)).await?;
    let mut cursors = vec![cursor.clone()];
    for n in 1..=3 {
        let (next_cursor, content) = next_comment(&mut socket).await?;
        assert_eq!(content, format!("missed {n}"), "replayed in order");
        cursors.push(next_cursor);
    }
    // Then live, after the replay, without repeating it.
    app.ok(token, ADD, json!({"f": file, "c": "live again"})).await?;
    let (last, content) = next_comment(&mut socket).await?;
    assert_eq!(content, "live again");
    cursors.push(last);
    let mut sorted = cursors.clone();
    sorted.sort_by_key(|cursor| cursor.trim_start_matches("evt_").parse::<i64>().unwrap_or_default());
    sorted.dedup();
    assert_eq!(sorted, cursors, "cursors grow and never repeat");

    // Resuming from the newest cursor replays nothing.
    let mut quiet = connect_to(&app.base, &owner.token).await?;
    watch(&mut quiet, "w3", &place.track, cursors.last().map(String::as_str)).await?;
    app.ok(token, ADD, json!({"f": file, "c": "only this"})).await?;
    assert_eq!(next_comment(&mut quiet).await?.1, "only this");
    app.stop().await
}

#[tokio::test]
async fn cursors_that_were_never_handed_out_are_refused() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let owner = app.user("badcursor").await?;
    let place = app.hierarchy(&owner, "Bad Cursor").await?;
    let mut socket = connect_to(&app.base, &owner.token).await?;
    for (id, after) in [("b1", "nope"), ("b2", "evt_-4"), ("b3", "evt_999999999")] {
        watch(&mut socket, id, &place.track, Some(after)).await?;
        let refused = loop {
            let message = next_json(&mut socket).await?;
            if message["id"] == id && message["type"] != "complete" {
                break message;
            }
        };
        let code = refused["payload"][0]["extensions"]["code"]
            .as_str()
            .or_else(|| refused["payload"]["errors"][0]["extensions"]["code"].as_str());
        assert_eq!(code, Some("BAD_USER_INPUT"), "{after}: {refused}");
    }
    app.stop().await
}

#[tokio::test]
async fn notifications_resume_from_a_cursor() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, guest) = (app.user("nres").await?, app.user("nresg").await?);
    let place = app.hierarchy(&owner, "Inbox Resume").await?;
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: String!) { addCollaborator(input: {resourceId: $r, username: $u, role: EDITOR}) { role } }",
        json!({"r": place.space, "u": guest.username}),
    )
    .await?;
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
        .await?;
    let file = str_at(&file, "/id")?;
    let subscribe = |after: Option<String>| {
        json!({"id": "n", "type": "subscribe", "payload": {"query": INBOX, "variables": {"a": after}}}).to_string()
    };
    let mut socket = connect_to(&app.base, &owner.token).await?;
    socket.send(Message::text(subscribe(None))).await?;
    let mut first: Option<Value> = None;
    for _ in 0..40 {
        app.ok(Some(&guest.token), ADD, json!({"f": file, "c": "ping"})).await?;
        if let Ok(event) = tokio::time::timeout(std::time::Duration::from_millis(250), next_json(&mut socket)).await {
            first = Some(event?);
            break;
        }
    }
    let first = first.ok_or_else(|| anyhow::anyhow!("no notification arrived"))?;
    let cursor = str_at(&first, "/payload/data/notificationAdded/cursor")?;
    drop(socket);
    // Drain late "ping" notifications: count what exists, then add two more while away.
    let before = app
        .ok(Some(&owner.token), "{ unreadNotificationCount }", json!({}))
        .await?["unreadNotificationCount"]
        .as_i64()
        .unwrap_or_default();
    app.ok(Some(&guest.token), ADD, json!({"f": file, "c": "while away 1"}))
        .await?;
    app.ok(Some(&guest.token), ADD, json!({"f": file, "c": "while away 2"}))
        .await?;
    let mut socket = connect_to(&app.base, &owner.token).await?;
    socket.send(Message::text(subscribe(Some(cursor)))).await?;
    // Every notification after the cursor, the ping ones first, then the two missed ones.
    let after_cursor = before + 2 - 1;
    let mut received = 0;
    while received < after_cursor {
        let event = next_json(&mut socket).await?;
        assert_eq!(
            event["payload"]["data"]["notificationAdded"]["notification"]["type"], "NEW_COMMENT_CREATED",
            "{event}"
        );
        received += 1;
    }
    assert_eq!(received, after_cursor);
    app.stop().await
}
