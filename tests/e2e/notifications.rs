//! Who is notified of what: one case per event type, and the inbox operations.

use backline_audio::testing::tone;
use backline_e2e::{TestApp, TestUser, Upload, code, str_at};
use serde_json::{Value, json};

const GRANT: &str = "mutation($r: ID!, $u: ID!, $role: Role!) { addCollaborator(input: {resourceId: $r, userId: $u, role: $role}) { role } }";
const INBOX: &str = "{ unreadNotificationCount notifications(first: 50) { totalCount nodes { id type title slug isRead sender { username } } } }";

/// The types in a user's inbox, oldest first.
async fn inbox(app: &TestApp, user: &TestUser) -> anyhow::Result<Vec<String>> {
    let data = app.ok(Some(&user.token), INBOX, json!({})).await?;
    let mut kinds: Vec<String> = data["notifications"]["nodes"]
        .as_array()
        .map(|nodes| {
            nodes
                .iter()
                .filter_map(|node| node["type"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    kinds.reverse();
    Ok(kinds)
}

#[tokio::test]
async fn each_event_reaches_the_right_people() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, editor, viewer, fan, outsider) = (
        app.user("nown").await?,
        app.user("nedi").await?,
        app.user("nvie").await?,
        app.user("nfan").await?,
        app.user("nout").await?,
    );
    let place = app.hierarchy(&owner, "Inbox").await?;
    let t = |user: &TestUser| user.token.clone();
    app.ok(
        Some(&t(&owner)),
        GRANT,
        json!({ "r": place.track, "u": editor.id, "role": "EDITOR" }),
    )
    .await?;
    app.ok(
        Some(&t(&owner)),
        GRANT,
        json!({ "r": place.project, "u": viewer.id, "role": "VIEWER" }),
    )
    .await?;
    // A space-level viewer can read the track but is not on the track or project list.
    app.ok(
        Some(&t(&owner)),
        GRANT,
        json!({ "r": place.space, "u": fan.id, "role": "VIEWER" }),
    )
    .await?;

    // FILE_UPLOADED: the track's owner and the track's and project's collaborators, not the uploader.
    let bytes = tone(8_000, 1, 8_000);
    let file = app
        .upload_ok(&editor.token, &place.track, Upload::new("v1.wav", &bytes))
        .await?;
    let file_id = str_at(&file, "/id")?;
    assert_eq!(inbox(&app, &owner).await?, ["FILE_UPLOADED"]);
    assert_eq!(inbox(&app, &viewer).await?, ["FILE_UPLOADED"]);
    assert!(inbox(&app, &editor).await?.is_empty(), "never the actor");
    assert!(
        inbox(&app, &fan).await?.is_empty(),
        "not listed on the track or project"
    );
    assert!(inbox(&app, &outsider).await?.is_empty());

    // NEW_COMMENT_CREATED, and MENTIONED instead for the mentioned (who can read the track).
    let added = app
        .ok(
            Some(&viewer.token),
            "mutation($f: ID!, $c: String!) { addComment(input: {fileId: $f, content: $c, timeStart: 0.5}) { id } }",
            json!({ "f": file_id, "c": format!("hey @{} and @{}", fan.username, outsider.username) }),
        )
        .await?;
    let comment = str_at(&added, "/addComment/id")?;
    assert_eq!(inbox(&app, &owner).await?, ["FILE_UPLOADED", "NEW_COMMENT_CREATED"]);
    assert_eq!(inbox(&app, &editor).await?, ["NEW_COMMENT_CREATED"]);
    assert_eq!(inbox(&app, &fan).await?, ["MENTIONED"]);
    assert!(inbox(&app, &outsider).await?.is_empty(), "cannot read the track");
    let data = app.ok(Some(&fan.token), INBOX, json!({})).await?;
    let note = &data["notifications"]["nodes"][0];
    assert_eq!(note["sender"]["username"], json!(viewer.username));
    let slug = note["slug"].as_str().unwrap_or("");
    assert!(slug.starts_with("/s/") && slug.contains("v=1&c="), "{slug}");

    // RESPONSE_TO_COMMENT: the parent's author and earlier repliers.
    let reply = "mutation($id: ID!, $c: String!) { replyToComment(input: {commentId: $id, content: $c}) { id } }";
    app.ok(Some(&editor.token), reply, json!({ "id": comment, "c": "on it" }))
        .await?;
    app.ok(Some(&owner.token), reply, json!({ "id": comment, "c": "thanks" }))
        .await?;
    assert_eq!(
        inbox(&app, &viewer).await?.last().map(String::as_str),
        Some("RESPONSE_TO_COMMENT")
    );
    assert_eq!(
        inbox(&app, &editor).await?.last().map(String::as_str),
        Some("RESPONSE_TO_COMMENT")
    );
    assert_eq!(
        inbox(&app, &owner)
            .await?
            .iter()
            .filter(|kind| *kind == "RESPONSE_TO_COMMENT")
            .count(),
        0,
        "the owner replied last and heard nothing of their own reply"
    );

    // LIKE_TO_COMMENT: the author, once however often.
    for _ in 0..10 {
        app.ok(
            Some(&owner.token),
            "mutation($id: ID!) { likeComment(commentId: $id) { id } unlikeComment(commentId: $id) { id } }",
            json!({ "id": comment }),
        )
        .await?;
    }
    let likes = inbox(&app, &viewer)
        .await?
        .iter()
        .filter(|kind| *kind == "LIKE_TO_COMMENT")
        .count();
    assert_eq!(likes, 1);

    // COMMENT_COMPLETED: the author.
    app.ok(
        Some(&editor.token),
        "mutation($id: ID!) { resolveComment(commentId: $id) { id } }",
        json!({ "id": comment }),
    )
    .await?;
    assert_eq!(
        inbox(&app, &viewer).await?.last().map(String::as_str),
        Some("COMMENT_COMPLETED")
    );

    // VERSION_APPROVED: the track's people.
    app.ok(
        Some(&editor.token),
        "mutation($id: ID!) { approveFileVersion(fileId: $id) { id } }",
        json!({ "id": file_id }),
    )
    .await?;
    assert_eq!(
        inbox(&app, &owner).await?.last().map(String::as_str),
        Some("VERSION_APPROVED")
    );
    assert_eq!(
        inbox(&app, &viewer).await?.last().map(String::as_str),
        Some("VERSION_APPROVED")
    );

    // COLLABORATOR_REMOVED: the removed user, though they can no longer read it.
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: ID!) { removeCollaborator(input: {resourceId: $r, userId: $u}) { role } }",
        json!({ "r": place.project, "u": viewer.id }),
    )
    .await?;
    assert_eq!(
        inbox(&app, &viewer).await?.last().map(String::as_str),
        Some("COLLABORATOR_REMOVED")
    );
    assert!(inbox(&app, &outsider).await?.is_empty());
    app.stop().await
}

#[tokio::test]
async fn the_inbox_pages_counts_and_marks_read() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let owner = app.user("iown").await?;
    let editor = app.user("iedi").await?;
    let place = app.hierarchy(&owner, "Reading").await?;
    app.ok(
        Some(&owner.token),
        GRANT,
        json!({ "r": place.track, "u": editor.id, "role": "EDITOR" }),
    )
    .await?;
    let bytes = tone(8_000, 1, 800);
    for _ in 0..3 {
        app.upload_ok(&editor.token, &place.track, Upload::new("v.wav", &bytes))
            .await?;
    }
    let data = app.ok(Some(&owner.token), INBOX, json!({})).await?;
    assert_eq!(data["unreadNotificationCount"], 3);
    assert_eq!(data["notifications"]["totalCount"], 3);
    let newest = str_at(&data, "/notifications/nodes/0/id")?;
    assert!(
        data["notifications"]["nodes"][0]["title"]
            .as_str()
            .unwrap_or("")
            .contains("uploaded v3")
    );

    let read = app
        .ok(
            Some(&owner.token),
            "mutation($id: ID!) { markNotificationRead(id: $id) { isRead } }",
            json!({ "id": newest }),
        )
        .await?;
    assert_eq!(read["markNotificationRead"]["isRead"], true);
    let unread = app
        .ok(
            Some(&owner.token),
            "{ unreadNotificationCount notifications(unreadOnly: true) { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(unread["unreadNotificationCount"], 2);
    assert_eq!(unread["notifications"]["totalCount"], 2);
    let foreign = app
        .gql(
            Some(&editor.token),
            "mutation($id: ID!) { markNotificationRead(id: $id) { isRead } }",
            json!({ "id": newest }),
        )
        .await?;
    assert_eq!(code(&foreign), "NOT_FOUND", "someone else's notification");
    let all = app
        .ok(Some(&owner.token), "mutation { markAllNotificationsRead }", json!({}))
        .await?;
    assert_eq!(all["markAllNotificationsRead"], 2);
    let after = app.ok(Some(&owner.token), INBOX, json!({})).await?;
    assert_eq!(after["unreadNotificationCount"], 0);
    let anonymous = app.gql(None, "{ unreadNotificationCount }", json!({})).await?;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
    assert_eq!(anonymous["data"], Value::Null);
    app.stop().await
}

const SETTINGS: &str = "{ notificationSettings { type inApp email } }";
const CHANGE: &str =
    "mutation($i: [NotificationSettingInput!]!) { updateNotificationSettings(input: $i) { type inApp email } }";

/// One type's setting from a `notificationSettings` list.
fn setting<'a>(list: &'a Value, kind: &str) -> &'a Value {
    list.as_array()
        .and_then(|items| items.iter().find(|item| item["type"] == kind))
        .unwrap_or(&Value::Null)
}

#[tokio::test]
async fn settings_choose_the_inbox_and_the_email_digest() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| {
        config.analysis_workers = 0;
        // Digests are sent by hand below; the background sender would wait an hour.
        config.digest_interval_seconds = 3_600;
    })
    .await?;
    let (owner, editor) = (app.user("sown").await?, app.user("sedi").await?);
    let place = app.hierarchy(&owner, "Settings").await?;
    // Uploaded before the editor joins, so their inbox starts empty.
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
        .await?;
    let file_id = str_at(&file, "/id")?;
    app.ok(
        Some(&owner.token),
        GRANT,
        json!({"r": place.track, "u": editor.id, "role": "EDITOR"}),
    )
    .await?;

    // Defaults: everything in the app; by email only what asks for you personally.
    let defaults = app.ok(Some(&editor.token), SETTINGS, json!({})).await?;
    let defaults = &defaults["notificationSettings"];
    assert_eq!(defaults.as_array().map(Vec::len), Some(10));
    assert_eq!(
        setting(defaults, "MENTIONED"),
        &json!({"type": "MENTIONED", "inApp": true, "email": true})
    );
    assert_eq!(
        setting(defaults, "NEW_COMMENT_CREATED"),
        &json!({"type": "NEW_COMMENT_CREATED", "inApp": true, "email": false})
    );

    // New comments by email only; likes not at all. A channel left out keeps its value.
    let changed = app
        .ok(
            Some(&editor.token),
            CHANGE,
            json!({"i": [
                {"type": "NEW_COMMENT_CREATED", "inApp": false, "email": true},
                {"type": "LIKE_TO_COMMENT", "inApp": false},
            ]}),
        )
        .await?;
    let changed = &changed["updateNotificationSettings"];
    assert_eq!(setting(changed, "NEW_COMMENT_CREATED")["email"], true);
    assert_eq!(
        setting(changed, "LIKE_TO_COMMENT"),
        &json!({"type": "LIKE_TO_COMMENT", "inApp": false, "email": false})
    );

    let add = "mutation($f: ID!, $c: String!) { addComment(input: {fileId: $f, content: $c}) { id } }";
    app.ok(Some(&owner.token), add, json!({"f": file_id, "c": "first pass"}))
        .await?;
    let mine = app
        .ok(Some(&editor.token), add, json!({"f": file_id, "c": "by the editor"}))
        .await?;
    let mine = str_at(&mine, "/addComment/id")?;
    app.ok(
        Some(&owner.token),
        "mutation($c: ID!) { likeComment(commentId: $c) { id } }",
        json!({"c": mine}),
    )
    .await?;
    assert!(
        inbox(&app, &editor).await?.is_empty(),
        "neither the comment nor the like shows in the app"
    );

    // The digest: one email with the comment; none for the like.
    let sent = backline_application::notifications::send_digests(app.app()).await?;
    assert_eq!(sent, 1);
    let mail = app.mail_to(&editor.email).await?;
    let digest = mail
        .iter()
        .find(|message| message.subject.contains("new notification"))
        .ok_or_else(|| anyhow::anyhow!("no digest in {mail:?}"))?;
    assert_eq!(digest.subject, "1 new notification on Backline");
    assert!(digest.body.contains("commented on “T”"), "{}", digest.body);
    assert!(digest.body.contains("/s/"), "deep link: {}", digest.body);
    assert!(!digest.body.contains("liked"), "{}", digest.body);

    // At most one digest per interval: another comment waits for the next one.
    app.ok(Some(&owner.token), add, json!({"f": file_id, "c": "second pass"}))
        .await?;
    assert_eq!(backline_application::notifications::send_digests(app.app()).await?, 0);
    let count = app.mail_to(&editor.email).await?.len();
    assert_eq!(count, mail.len(), "no second email within the interval");
    app.stop().await
}

#[tokio::test]
async fn the_background_sender_delivers_digests_and_skips_what_was_read() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| {
        config.analysis_workers = 0;
        config.digest_interval_seconds = 1;
    })
    .await?;
    let (owner, fan) = (app.user("dgown").await?, app.user("dgfan").await?);
    let place = app.hierarchy(&owner, "Digest").await?;
    app.ok(
        Some(&owner.token),
        GRANT,
        json!({"r": place.track, "u": fan.id, "role": "VIEWER"}),
    )
    .await?;
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
        .await?;
    let file_id = str_at(&file, "/id")?;
    let mention = format!("@{} listen at the drop", fan.username);
    app.ok(
        Some(&owner.token),
        "mutation($f: ID!, $c: String!) { addComment(input: {fileId: $f, content: $c}) { id } }",
        json!({"f": file_id, "c": mention}),
    )
    .await?;
    let mut digest = None;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        digest = app
            .mail_to(&fan.email)
            .await?
            .into_iter()
            .find(|message| message.subject.contains("new notification"));
        if digest.is_some() {
            break;
        }
    }
    let digest = digest.ok_or_else(|| anyhow::anyhow!("no digest arrived"))?;
    assert!(digest.body.contains("mentioned you"), "{}", digest.body);

    // A mention read in the app before the next digest is not emailed.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    app.ok(
        Some(&owner.token),
        "mutation($f: ID!, $c: String!) { addComment(input: {fileId: $f, content: $c}) { id } }",
        json!({"f": file_id, "c": format!("@{} again", fan.username)}),
    )
    .await?;
    app.ok(Some(&fan.token), "mutation { markAllNotificationsRead }", json!({}))
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    let digests = app
        .mail_to(&fan.email)
        .await?
        .into_iter()
        .filter(|message| message.subject.contains("new notification"))
        .count();
    assert_eq!(digests, 1, "what was read is not emailed");
    app.stop().await
}
