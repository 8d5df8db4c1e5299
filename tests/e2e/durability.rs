//! A comment is one transaction with its event and its notifications. A process killed right
//! after the commit (a crash point aborts it there) loses neither: after a restart, a
//! subscriber resuming from its last cursor gets the event and the inbox has the notification.
//! A process killed before the commit leaves no comment, no event and no notification. A new
//! version's notifications commit with it the same way.

use std::time::Duration;

use backline_audio::testing::tone;
use backline_e2e::replica::Replica;
use backline_e2e::{Api, TestUser, Upload, str_at};
use futures::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::live::{Socket, connect_to, next_json};

const WATCH: &str =
    "subscription($t: ID!, $a: String) { commentEvents(trackId: $t, after: $a) { cursor kind comment { content } } }";
const ADD: &str = "mutation($f: ID!, $c: String!) { addComment(input: {fileId: $f, content: $c}) { id } }";
const UNREAD: &str = "{ unreadNotificationCount }";

/// One deployment's database and blob folder, and what the tests set up in it.
struct Place {
    /// Removed when the place is dropped.
    _fresh: backline_db::testing::TestDatabase,
    database: String,
    blobs: String,
    folder: std::path::PathBuf,
    ana: TestUser,
    bob: TestUser,
    track: String,
    file: String,
}

async fn replica(place_db: &str, blobs: &str, failpoint: Option<&str>) -> anyhow::Result<Replica> {
    let mut env = vec![
        ("DATABASE_URL", place_db.to_owned()),
        ("BACKLINE_BLOB_URL", blobs.to_owned()),
        ("BACKLINE_ANALYSIS_WORKERS", "0".to_owned()),
        ("BACKLINE_EVENT_POLL_MS", "100".to_owned()),
    ];
    if let Some(point) = failpoint {
        env.push(("BACKLINE_FAILPOINT", point.to_owned()));
    }
    Replica::start(&env).await
}

async fn watch(socket: &mut Socket, track: &str, after: Option<&str>) -> anyhow::Result<()> {
    let message =
        json!({"id": "1", "type": "subscribe", "payload": {"query": WATCH, "variables": {"t": track, "a": after}}});
    socket.send(Message::text(message.to_string())).await?;
    Ok(())
}

/// The next comment event: (cursor, content).
async fn next_event(socket: &mut Socket) -> anyhow::Result<(String, String)> {
    let message = next_json(socket).await?;
    let event = &message["payload"]["data"]["commentEvents"];
    anyhow::ensure!(event.is_object(), "not a comment event: {message}");
    Ok((str_at(event, "/cursor")?, str_at(event, "/comment/content")?))
}

/// Ana, Bob (EDITOR on her track) and a version; Bob's socket has seen a comment, whose
/// cursor is returned with the place, and his unread count after it.
async fn set_up(name: &str) -> anyhow::Result<(Place, String, i64)> {
    let fresh = backline_db::testing::TestDatabase::new().await?;
    let database = fresh.url().to_owned();
    let folder = std::env::temp_dir().join(format!("backline-{name}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&folder)?;
    let blobs = format!("file://{}", folder.display());
    let first = replica(&database, &blobs, None).await?;
    let api = Api::new(&first.base);
    let ana = api.user(&format!("{name}ana")).await?;
    let bob = api.user(&format!("{name}bob")).await?;
    let hierarchy = api.hierarchy(&ana, name).await?;
    api.ok(
        Some(&ana.token),
        "mutation($s: ID!, $u: String!) { addCollaborator(input: {resourceId: $s, username: $u, role: EDITOR}) { role } }",
        json!({ "s": hierarchy.track, "u": bob.username }),
    )
    .await?;
    let file = api
        .upload_ok(
            &ana.token,
            &hierarchy.track,
            Upload::new("v.wav", &tone(8_000, 1, 8_000)),
        )
        .await?;
    let file = str_at(&file, "/id")?;
    let mut socket = connect_to(&first.base, &bob.token).await?;
    watch(&mut socket, &hierarchy.track, None).await?;
    let mut cursor = None;
    for _ in 0..60 {
        api.ok(Some(&ana.token), ADD, json!({"f": file, "c": "warming up"}))
            .await?;
        if let Ok(event) = tokio::time::timeout(Duration::from_millis(500), next_event(&mut socket)).await {
            cursor = Some(event?.0);
            break;
        }
    }
    let cursor = cursor.ok_or_else(|| anyhow::anyhow!("the subscription never received a comment"))?;
    // Any warm-up comments still on their way come before the cursor's.
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(event) = tokio::time::timeout(Duration::from_millis(300), next_event(&mut socket)).await {
        event?;
    }
    let unread = api.ok(Some(&bob.token), UNREAD, json!({})).await?["unreadNotificationCount"]
        .as_i64()
        .unwrap_or_default();
    assert!(unread >= 1, "Bob was told of the warm-up comment");
    first.terminate().await?;
    let place = Place {
        _fresh: fresh,
        database,
        blobs,
        folder,
        ana,
        bob,
        track: hierarchy.track,
        file,
    };
    Ok((place, cursor, unread))
}

/// Adds a comment on a replica armed with `point` and waits for the process to abort.
async fn crash_while_commenting(place: &Place, point: &str, content: &str) -> anyhow::Result<()> {
    let mut doomed = replica(&place.database, &place.blobs, Some(point)).await?;
    let answer = Api::new(&doomed.base)
        .gql(Some(&place.ana.token), ADD, json!({"f": place.file, "c": content}))
        .await;
    assert!(answer.is_err(), "the process died before answering: {answer:?}");
    let status = doomed
        .exited_within(Duration::from_secs(20))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the armed process did not abort"))?;
    assert!(!status.success(), "{status}");
    Ok(())
}

#[tokio::test]
async fn a_comment_committed_just_before_a_crash_is_delivered_and_notified() -> anyhow::Result<()> {
    let (place, cursor, unread) = set_up("durable").await?;
    crash_while_commenting(
        &place,
        backline_application::failpoints::COMMENT_COMMITTED,
        "said before the crash",
    )
    .await?;

    let restarted = replica(&place.database, &place.blobs, None).await?;
    let api = Api::new(&restarted.base);
    let mut socket = connect_to(&restarted.base, &place.bob.token).await?;
    watch(&mut socket, &place.track, Some(&cursor)).await?;
    let (_, content) = next_event(&mut socket).await?;
    assert_eq!(
        content, "said before the crash",
        "the subscriber resuming from its cursor gets it"
    );
    let after = api.ok(Some(&place.bob.token), UNREAD, json!({})).await?;
    assert_eq!(
        after["unreadNotificationCount"].as_i64(),
        Some(unread + 1),
        "the notification was stored with the comment: {after}"
    );
    restarted.terminate().await?;
    std::fs::remove_dir_all(&place.folder)?;
    Ok(())
}

#[tokio::test]
async fn a_comment_whose_transaction_never_commits_leaves_nothing() -> anyhow::Result<()> {
    let (place, cursor, unread) = set_up("rolledback").await?;
    crash_while_commenting(
        &place,
        backline_application::failpoints::COMMENT_BEFORE_COMMIT,
        "never said",
    )
    .await?;

    let restarted = replica(&place.database, &place.blobs, None).await?;
    let api = Api::new(&restarted.base);
    let mut socket = connect_to(&restarted.base, &place.bob.token).await?;
    watch(&mut socket, &place.track, Some(&cursor)).await?;
    // Nothing followed the cursor: the next event is the one written now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    api.ok(
        Some(&place.ana.token),
        ADD,
        json!({"f": place.file, "c": "said after the restart"}),
    )
    .await?;
    let (_, content) = next_event(&mut socket).await?;
    assert_eq!(content, "said after the restart");
    let comments = api
        .ok(
            Some(&place.ana.token),
            "query($t: ID!) { track(id: $t) { comments(first: 100) { nodes { content } } } }",
            json!({ "t": place.track }),
        )
        .await?;
    assert!(!comments.to_string().contains("never said"), "{comments}");
    let after = api.ok(Some(&place.bob.token), UNREAD, json!({})).await?;
    assert_eq!(
        after["unreadNotificationCount"].as_i64(),
        Some(unread + 1),
        "only the comment written after the restart notified Bob: {after}"
    );
    restarted.terminate().await?;
    std::fs::remove_dir_all(&place.folder)?;
    Ok(())
}

#[tokio::test]
async fn a_version_committed_just_before_a_crash_is_notified() -> anyhow::Result<()> {
    let (place, _, unread) = set_up("version").await?;
    let mut doomed = replica(
        &place.database,
        &place.blobs,
        Some(backline_application::failpoints::VERSION_COMMITTED),
    )
    .await?;
    let answer = Api::new(&doomed.base)
        .upload(
            &place.ana.token,
            &place.track,
            Upload::new("v2.wav", &tone(8_000, 1, 8_000)),
        )
        .await;
    assert!(answer.is_err(), "the process died before answering: {answer:?}");
    let status = doomed
        .exited_within(Duration::from_secs(20))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the armed process did not abort"))?;
    assert!(!status.success(), "{status}");

    let restarted = replica(&place.database, &place.blobs, None).await?;
    let api = Api::new(&restarted.base);
    let versions = api
        .ok(
            Some(&place.bob.token),
            "query($t: ID!) { track(id: $t) { files { nodes { version } } } }",
            json!({ "t": place.track }),
        )
        .await?;
    assert_eq!(
        versions["track"]["files"]["nodes"][0]["version"], 2,
        "the version was stored: {versions}"
    );
    let inbox = api
        .ok(
            Some(&place.bob.token),
            "{ unreadNotificationCount notifications(first: 1) { nodes { type title } } }",
            json!({}),
        )
        .await?;
    assert_eq!(inbox["unreadNotificationCount"].as_i64(), Some(unread + 1), "{inbox}");
    assert_eq!(inbox["notifications"]["nodes"][0]["type"], "FILE_UPLOADED", "{inbox}");
    assert!(
        str_at(&inbox, "/notifications/nodes/0/title")?.contains("uploaded v2"),
        "{inbox}"
    );
    restarted.terminate().await?;
    std::fs::remove_dir_all(&place.folder)?;
    Ok(())
}
