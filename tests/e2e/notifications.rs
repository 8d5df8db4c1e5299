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

/// The people of one track: its owner; an EDITOR on the track; a VIEWER on its project; a
/// VIEWER on the space (can read the track, but is not listed on it or its project); and an
/// outsider. The editor has uploaded version 1.
struct Cast {
    app: TestApp,
    owner: TestUser,
    editor: TestUser,
    viewer: TestUser,
    fan: TestUser,
    outsider: TestUser,
    file: String,
}

impl Cast {
    async fn new() -> anyhow::Result<Self> {
        let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
        let (owner, editor, viewer, fan, outsider) = (
            app.user("nown").await?,
            app.user("nedi").await?,
            app.user("nvie").await?,
            app.user("nfan").await?,
            app.user("nout").await?,
        );
        let place = app.hierarchy(&owner, "Inbox").await?;
        for (resource, user, role) in [
            (&place.track, &editor, "EDITOR"),
            (&place.project, &viewer, "VIEWER"),
            (&place.space, &fan, "VIEWER"),
        ] {
            app.ok(
                Some(&owner.token),
                GRANT,
                json!({ "r": resource, "u": user.id, "role": role }),
            )
            .await?;
        }
        let file = app
            .upload_ok(
                &editor.token,
                &place.track,
                Upload::new("v1.wav", &tone(8_000, 1, 8_000)),
            )
            .await?;
        let file = str_at(&file, "/id")?;
        Ok(Self {
            app,
            owner,
            editor,
            viewer,
            fan,
            outsider,
            file,
        })
    }

    /// The viewer comments (mentioning `mentions`); returns the comment's id.
    async fn comment(&self, content: &str) -> anyhow::Result<String> {
        let added = self
            .app
            .ok(
                Some(&self.viewer.token),
                "mutation($f: ID!, $c: String!) { addComment(input: {fileId: $f, content: $c, timeStart: 0.5}) { id } }",
                json!({ "f": self.file, "c": content }),
            )
            .await?;
        str_at(&added, "/addComment/id")
    }

    /// The types in `user`'s inbox, oldest first.
    async fn inbox(&self, user: &TestUser) -> anyhow::Result<Vec<String>> {
        inbox(&self.app, user).await
    }

    /// How many notifications of `kind` `user` has.
    async fn count(&self, user: &TestUser, kind: &str) -> anyhow::Result<usize> {
        Ok(self.inbox(user).await?.iter().filter(|item| *item == kind).count())
    }
}

#[tokio::test]
async fn file_uploaded_reaches_the_tracks_people_but_not_the_uploader() -> anyhow::Result<()> {
    let cast = Cast::new().await?;
    assert_eq!(cast.inbox(&cast.owner).await?, ["FILE_UPLOADED"]);
    assert_eq!(cast.inbox(&cast.viewer).await?, ["FILE_UPLOADED"]);
    assert!(cast.inbox(&cast.editor).await?.is_empty(), "never the actor");
    assert!(
        cast.inbox(&cast.fan).await?.is_empty(),
        "not listed on the track or project"
    );
    assert!(cast.inbox(&cast.outsider).await?.is_empty());
    cast.app.stop().await
}

#[tokio::test]
async fn new_comment_created_reaches_the_tracks_people() -> anyhow::Result<()> {
    let cast = Cast::new().await?;
    cast.comment("the bass is muddy").await?;
    assert_eq!(cast.count(&cast.owner, "NEW_COMMENT_CREATED").await?, 1);
    assert_eq!(cast.count(&cast.editor, "NEW_COMMENT_CREATED").await?, 1);
    assert_eq!(
        cast.count(&cast.viewer, "NEW_COMMENT_CREATED").await?,
        0,
        "never the author"
    );
    assert!(
        cast.inbox(&cast.fan).await?.is_empty(),
        "not listed on the track or project"
    );
    assert!(cast.inbox(&cast.outsider).await?.is_empty());
    let data = cast.app.ok(Some(&cast.owner.token), INBOX, json!({})).await?;
    let note = &data["notifications"]["nodes"][0];
    assert_eq!(note["sender"]["username"], json!(cast.viewer.username));
    let slug = note["slug"].as_str().unwrap_or("");
    assert!(slug.starts_with("/s/") && slug.contains("v=1&c="), "{slug}");
    cast.app.stop().await
}

#[tokio::test]
async fn mentioned_reaches_mentioned_readers_only() -> anyhow::Result<()> {
    let cast = Cast::new().await?;
    cast.comment(&format!(
        "hey @{} and @{} and @{}",
        cast.fan.username, cast.outsider.username, cast.editor.username
    ))
    .await?;
    assert_eq!(cast.inbox(&cast.fan).await?, ["MENTIONED"]);
    assert!(cast.inbox(&cast.outsider).await?.is_empty(), "cannot read the track");
    assert_eq!(
        cast.inbox(&cast.editor).await?,
        ["MENTIONED"],
        "a mention replaces the new-comment notice"
    );
    cast.app.stop().await
}

#[tokio::test]
async fn response_to_comment_reaches_the_thread() -> anyhow::Result<()> {
    let cast = Cast::new().await?;
    let comment = cast.comment("intro too long").await?;
    let reply = "mutation($id: ID!, $c: String!) { replyToComment(input: {commentId: $id, content: $c}) { id } }";
    cast.app
        .ok(Some(&cast.editor.token), reply, json!({ "id": comment, "c": "on it" }))
        .await?;
    assert_eq!(
        cast.count(&cast.viewer, "RESPONSE_TO_COMMENT").await?,
        1,
        "the parent's author"
    );
    assert_eq!(
        cast.count(&cast.editor, "RESPONSE_TO_COMMENT").await?,
        0,
        "never the actor"
    );
    cast.app
        .ok(Some(&cast.owner.token), reply, json!({ "id": comment, "c": "thanks" }))
        .await?;
    assert_eq!(cast.count(&cast.viewer, "RESPONSE_TO_COMMENT").await?, 2);
    assert_eq!(
        cast.count(&cast.editor, "RESPONSE_TO_COMMENT").await?,
        1,
        "an earlier replier"
    );
    assert_eq!(
        cast.count(&cast.owner, "RESPONSE_TO_COMMENT").await?,
        0,
        "never the actor"
    );
    assert!(cast.inbox(&cast.fan).await?.is_empty(), "not in the thread");
    cast.app.stop().await
}

#[tokio::test]
async fn like_to_comment_reaches_the_author_once() -> anyhow::Result<()> {
    let cast = Cast::new().await?;
    let comment = cast.comment("love the pad").await?;
    for _ in 0..10 {
        cast.app
            .ok(
                Some(&cast.owner.token),
                "mutation($id: ID!) { likeComment(commentId: $id) { id } unlikeComment(commentId: $id) { id } }",
                json!({ "id": comment }),
            )
            .await?;
    }
    assert_eq!(
        cast.count(&cast.viewer, "LIKE_TO_COMMENT").await?,
        1,
        "ten likes, one notice"
    );
    assert_eq!(cast.count(&cast.owner, "LIKE_TO_COMMENT").await?, 0);
    assert_eq!(cast.count(&cast.editor, "LIKE_TO_COMMENT").await?, 0);
    cast.app.stop().await
}

#[tokio::test]
async fn comment_completed_reaches_the_author() -> anyhow::Result<()> {
    let cast = Cast::new().await?;
    let comment = cast.comment("kick and bass clash").await?;
    cast.app
        .ok(
            Some(&cast.editor.token),
            "mutation($id: ID!) { resolveComment(commentId: $id) { id } }",
            json!({ "id": comment }),
        )
        .await?;
    assert_eq!(cast.count(&cast.viewer, "COMMENT_COMPLETED").await?, 1);
    assert_eq!(cast.count(&cast.owner, "COMMENT_COMPLETED").await?, 0);
    assert_eq!(
        cast.count(&cast.editor, "COMMENT_COMPLETED").await?,
        0,
        "never the actor"
    );
    cast.app.stop().await
}

#[tokio::test]
async fn version_approved_reaches_the_tracks_people() -> anyhow::Result<()> {
    let cast = Cast::new().await?;
    cast.app
        .ok(
            Some(&cast.editor.token),
            "mutation($id: ID!) { approveFileVersion(fileId: $id) { id } }",
            json!({ "id": cast.file }),
        )
        .await?;
    assert_eq!(cast.count(&cast.owner, "VERSION_APPROVED").await?, 1);
    assert_eq!(cast.count(&cast.viewer, "VERSION_APPROVED").await?, 1);
    assert_eq!(
        cast.count(&cast.editor, "VERSION_APPROVED").await?,
        0,
        "never the actor"
    );
    assert_eq!(cast.count(&cast.fan, "VERSION_APPROVED").await?, 0);
    assert_eq!(cast.count(&cast.outsider, "VERSION_APPROVED").await?, 0);
    cast.app.stop().await
}

#[tokio::test]
async fn collaborator_removed_reaches_the_removed_user_only() -> anyhow::Result<()> {
    let cast = Cast::new().await?;
    let place = cast
        .app
        .ok(
            Some(&cast.owner.token),
            "{ myArtistSpaces { nodes { projects { nodes { id } } } } }",
            json!({}),
        )
        .await?;
    let project = str_at(&place, "/myArtistSpaces/nodes/0/projects/nodes/0/id")?;
    cast.app
        .ok(
            Some(&cast.owner.token),
            "mutation($r: ID!, $u: ID!) { removeCollaborator(input: {resourceId: $r, userId: $u}) { role } }",
            json!({ "r": project, "u": cast.viewer.id }),
        )
        .await?;
    assert_eq!(
        cast.inbox(&cast.viewer).await?.last().map(String::as_str),
        Some("COLLABORATOR_REMOVED"),
        "told, though they can no longer read it"
    );
    assert_eq!(
        cast.count(&cast.owner, "COLLABORATOR_REMOVED").await?,
        0,
        "never the actor"
    );
    assert_eq!(cast.count(&cast.editor, "COLLABORATOR_REMOVED").await?, 0);
    cast.app.stop().await
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
    let sent = backline_application::notifications::send_digests(&app.app().notifications).await?;
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
    assert_eq!(
        backline_application::notifications::send_digests(&app.app().notifications).await?,
        0
    );
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
