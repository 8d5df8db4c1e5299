//! Public review links: guests without an account open a track's chosen versions, play them,
//! and comment when allowed; owners and admins see counts and revoke; passwords and plans.

use backline_audio::testing::tone;
use backline_domain::ids::UserId;
use backline_domain::roles::Plan;
use backline_e2e::{TestApp, TestUser, Upload, code, header, str_at};
use futures::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::live::{connect_to, next_after_warm_up, until_live};

const CREATE: &str = "mutation($t: ID!, $v: ReviewVersions!, $f: [ID!], $p: String, $e: DateTime, $d: Boolean, $c: Boolean) {
  createReviewLink(input: {trackId: $t, versions: $v, fileIds: $f, password: $p, expiresAt: $e, allowDownload: $d, allowComments: $c}) {
    id code url versions fileIds hasPassword expiresAt allowDownload allowComments viewCount playCount revokedAt status } }";
const OPEN: &str = "query($c: String!, $p: String) { reviewLink(code: $c, password: $p) {
  code allowComments allowDownload expiresAt
  track { title projectName cover { url } }
  artistSpace { name image { url } }
  files { id version name durationSeconds streamUrl downloadUrl waveformJsonUrl waveform(samplesPerPixel: 8000) }
  comments { id content authorName isGuest fileId timeStart timeEnd responses { content authorName isGuest } } } }";
const GUEST: &str = "mutation($c: String!, $p: String, $f: ID!, $n: String!, $t: String!, $s: Float) {
  addReviewComment(input: {code: $c, password: $p, fileId: $f, guestName: $n, content: $t, timeStart: $s}) {
    id content authorName isGuest timeStart } }";
const LINKS: &str = "query($t: ID!) { track(id: $t) { reviewLinks { id viewCount playCount status } } }";
const REVOKE: &str = "mutation($id: ID!) { revokeReviewLink(id: $id) { id status revokedAt } }";
const GRANT: &str = "mutation($r: ID!, $u: ID!, $role: Role!) { addCollaborator(input: {resourceId: $r, userId: $u, role: $role}) { role } }";

async fn upgrade(app: &TestApp, user: &TestUser) -> anyhow::Result<()> {
    let id = uuid::Uuid::parse_str(user.id.trim_start_matches("usr_"))?;
    app.app().ports().users.set_plan(UserId(id), Plan::Pro).await?;
    Ok(())
}

async fn create(app: &TestApp, user: &TestUser, variables: Value) -> anyhow::Result<Value> {
    let data = app.ok(Some(&user.token), CREATE, variables).await?;
    Ok(data["createReviewLink"].clone())
}

async fn version(app: &TestApp, user: &TestUser, track: &str, name: &str) -> anyhow::Result<String> {
    let bytes = tone(8_000, 1, 8_000 * 4);
    let file = app.upload_ok(&user.token, track, Upload::new(name, &bytes)).await?;
    let id = str_at(&file, "/id")?;
    app.analysed(&user.token, &id).await?;
    Ok(id)
}

#[tokio::test]
async fn guests_open_play_and_comment_through_a_review_link() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let (owner, viewer) = (app.user("rvown").await?, app.user("rvvie").await?);
    let place = app.hierarchy(&owner, "Night Shift").await?;
    app.ok(
        Some(&owner.token),
        GRANT,
        json!({ "r": place.track, "u": viewer.id, "role": "VIEWER" }),
    )
    .await?;
    let v1 = version(&app, &owner, &place.track, "v1.wav").await?;
    let v2 = version(&app, &owner, &place.track, "v2.wav").await?;
    let expires = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let link = create(
        &app,
        &owner,
        json!({ "t": place.track, "v": "LATEST", "e": expires, "c": true }),
    )
    .await?;
    let code_value = str_at(&link, "/code")?;
    assert_eq!(code_value.len(), 12);
    assert!(str_at(&link, "/url")?.ends_with(&format!("/review/{code_value}")));
    assert!(str_at(&link, "/id")?.starts_with("rvl_"));
    assert_eq!(link["status"], "ACTIVE");
    assert_eq!(link["hasPassword"], false);
    assert_eq!(link["allowDownload"], false);

    // Anyone with the code, without an account, sees the newest version and nothing more.
    let opened = app.ok(None, OPEN, json!({ "c": code_value })).await?;
    let session = &opened["reviewLink"];
    assert_eq!(session["track"]["title"], "T");
    assert_eq!(session["track"]["projectName"], "P");
    assert_eq!(session["artistSpace"]["name"], "Night Shift");
    let files = session["files"].as_array().cloned().unwrap_or_default();
    assert_eq!(files.len(), 1, "{session}");
    assert_eq!(files[0]["id"], v2.as_str());
    assert_eq!(files[0]["version"], 2);
    assert!(files[0]["downloadUrl"].is_null(), "downloads are off");
    assert!(files[0]["waveform"]["data"].is_array(), "{session}");
    assert_eq!(session["comments"], json!([]));
    let stream = app.http().get(str_at(&files[0], "/streamUrl")?).send().await?;
    assert_eq!(stream.status(), 200);
    assert!(!stream.bytes().await?.is_empty());
    // Without downloads the stream URL cannot be turned into a download; the waveform still draws.
    let forced = app
        .http()
        .get(format!("{}&download=1", str_at(&files[0], "/streamUrl")?))
        .send()
        .await?;
    assert_eq!(forced.status(), 403);
    let peaks = app.http().get(str_at(&files[0], "/waveformJsonUrl")?).send().await?;
    assert_eq!(peaks.status(), 200);

    // Guests comment under a name; they cannot comment on a version the link does not show.
    let nameless = app
        .gql(
            None,
            GUEST,
            json!({ "c": code_value, "f": v2, "n": "  ", "t": "Love the chorus" }),
        )
        .await?;
    assert_eq!(code(&nameless), "BAD_USER_INPUT", "{nameless}");
    assert_eq!(nameless["errors"][0]["extensions"]["field"], "guestName");
    let hidden_version = app
        .gql(
            None,
            GUEST,
            json!({ "c": code_value, "f": v1, "n": "Ana", "t": "old mix" }),
        )
        .await?;
    assert_eq!(code(&hidden_version), "NOT_FOUND", "{hidden_version}");
    // The team watches the track live while the guest comments.
    let mut watcher = connect_to(&app.base, &owner.token).await?;
    let watch = json!({"id": "g", "type": "subscribe", "payload": {
        "query": "subscription($t: ID!) { commentEvents(trackId: $t) { kind comment { isGuest guestName owner { username } } } }",
        "variables": {"t": place.track}}});
    watcher.send(Message::text(watch.to_string())).await?;
    until_live(&app, &mut watcher, &viewer.token, &v1).await?;
    let guest = app
        .ok(
            None,
            GUEST,
            json!({ "c": code_value, "f": v2, "n": " Ana (label) ", "t": "Vocals too quiet at the drop", "s": 1.5 }),
        )
        .await?;
    let live = next_after_warm_up(&mut watcher).await?;
    assert_eq!(
        live["payload"]["data"]["commentEvents"],
        json!({ "kind": "ADDED", "comment": { "isGuest": true, "guestName": "Ana (label)", "owner": null } }),
        "{live}"
    );
    let guest = &guest["addReviewComment"];
    assert_eq!(guest["authorName"], "Ana (label)");
    assert_eq!(guest["isGuest"], true);
    let guest_id = str_at(guest, "/id")?;

    // The team sees it as a guest comment, and the owner is told.
    let team = app
        .ok(
            Some(&owner.token),
            "query($t: ID!) { track(id: $t) { comments { nodes { id isGuest guestName owner { username } content } } } }",
            json!({ "t": place.track }),
        )
        .await?;
    let nodes = team["track"]["comments"]["nodes"].clone();
    let guest_node = nodes
        .as_array()
        .and_then(|nodes| nodes.iter().find(|node| node["id"] == guest_id.as_str()))
        .cloned();
    assert_eq!(
        guest_node,
        Some(
            json!({ "id": guest_id, "isGuest": true, "guestName": "Ana (label)", "owner": null,
                     "content": "Vocals too quiet at the drop" })
        )
    );
    let inbox = app
        .ok(
            Some(&owner.token),
            "{ notifications(first: 10) { nodes { type title sender { username } } } }",
            json!({}),
        )
        .await?;
    let first = &inbox["notifications"]["nodes"][0];
    assert_eq!(first["type"], "NEW_COMMENT_CREATED");
    assert!(first["sender"].is_null());
    assert!(
        str_at(first, "/title")?.contains("Guest reviewer “Ana (label)”"),
        "{first}"
    );

    // The owner replies to the guest and also leaves a team-only comment: the guest sees the
    // reply in their thread, never the team's own comments.
    app.ok(
        Some(&owner.token),
        "mutation($c: ID!) { replyToComment(input: {commentId: $c, content: \"Fixed in v3\"}) { id } }",
        json!({ "c": guest_id }),
    )
    .await?;
    app.ok(
        Some(&viewer.token),
        "mutation($f: ID!) { addComment(input: {fileId: $f, content: \"internal: label hates it\"}) { id } }",
        json!({ "f": v2 }),
    )
    .await?;
    let again = app.ok(None, OPEN, json!({ "c": code_value })).await?;
    assert_eq!(
        again["reviewLink"]["comments"],
        json!([{ "id": guest_id, "content": "Vocals too quiet at the drop", "authorName": "Ana (label)",
                 "isGuest": true, "fileId": v2, "timeStart": 1.5, "timeEnd": null,
                 "responses": [{ "content": "Fixed in v3", "authorName": owner.username, "isGuest": false }] }])
    );

    // Plays are counted when the player reports them; views on every open.
    let played = app
        .ok(
            None,
            "mutation($c: String!, $f: ID!) { recordReviewPlay(code: $c, fileId: $f) }",
            json!({ "c": code_value, "f": v2 }),
        )
        .await?;
    assert_eq!(played["recordReviewPlay"], 1);
    let counts = app.ok(Some(&owner.token), LINKS, json!({ "t": place.track })).await?;
    assert_eq!(
        counts["track"]["reviewLinks"],
        json!([{ "id": link["id"], "viewCount": 2, "playCount": 1, "status": "ACTIVE" }])
    );

    // Viewers neither list nor make links.
    let listing = app.gql(Some(&viewer.token), LINKS, json!({ "t": place.track })).await?;
    assert_eq!(code(&listing), "FORBIDDEN", "{listing}");
    let making = app
        .gql(Some(&viewer.token), CREATE, json!({ "t": place.track, "v": "LATEST" }))
        .await?;
    assert_eq!(code(&making), "FORBIDDEN", "{making}");

    // Revoking closes the link at once, for reading and for commenting.
    let revoked = app.ok(Some(&owner.token), REVOKE, json!({ "id": link["id"] })).await?;
    assert_eq!(revoked["revokeReviewLink"]["status"], "REVOKED");
    let closed = app.gql(None, OPEN, json!({ "c": code_value })).await?;
    assert_eq!(code(&closed), "FORBIDDEN", "{closed}");
    assert!(str_at(&closed, "/errors/0/message")?.contains("revoked"));
    let late = app
        .gql(
            None,
            GUEST,
            json!({ "c": code_value, "f": v2, "n": "Ana", "t": "one more" }),
        )
        .await?;
    assert_eq!(code(&late), "FORBIDDEN", "{late}");
    for unknown in ["AAAAAAAAAAAA", "x", "../../etc"] {
        let body = app.gql(None, OPEN, json!({ "c": unknown })).await?;
        assert_eq!(code(&body), "NOT_FOUND", "{unknown}: {body}");
    }
    app.stop().await
}

#[tokio::test]
async fn versions_downloads_comments_and_expiry_follow_the_link() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("rvver").await?;
    let place = app.hierarchy(&owner, "Versions").await?;
    let other = app.hierarchy(&owner, "Elsewhere").await?;
    let v1 = version(&app, &owner, &place.track, "v1.wav").await?;
    let v2 = version(&app, &owner, &place.track, "v2.wav").await?;
    let foreign = version(&app, &owner, &other.track, "x.wav").await?;
    upgrade(&app, &owner).await?;

    // SPECIFIC shows exactly the chosen versions of this track; other tracks' files are refused.
    let wrong = app
        .gql(
            Some(&owner.token),
            CREATE,
            json!({ "t": place.track, "v": "SPECIFIC", "f": [foreign] }),
        )
        .await?;
    assert_eq!(code(&wrong), "BAD_USER_INPUT", "{wrong}");
    let empty = app
        .gql(
            Some(&owner.token),
            CREATE,
            json!({ "t": place.track, "v": "SPECIFIC", "f": [] }),
        )
        .await?;
    assert_eq!(code(&empty), "BAD_USER_INPUT", "{empty}");
    let latest_with_files = app
        .gql(
            Some(&owner.token),
            CREATE,
            json!({ "t": place.track, "v": "LATEST", "f": [v1] }),
        )
        .await?;
    assert_eq!(code(&latest_with_files), "BAD_USER_INPUT");
    let past = app
        .gql(
            Some(&owner.token),
            CREATE,
            json!({ "t": place.track, "v": "LATEST", "e": "2020-01-01T00:00:00Z" }),
        )
        .await?;
    assert_eq!(code(&past), "BAD_USER_INPUT", "{past}");
    let specific = create(
        &app,
        &owner,
        json!({ "t": place.track, "v": "SPECIFIC", "f": [v1], "d": true }),
    )
    .await?;
    assert_eq!(specific["fileIds"], json!([v1]));
    let opened = app.ok(None, OPEN, json!({ "c": specific["code"] })).await?;
    let files = &opened["reviewLink"]["files"];
    assert_eq!(files.as_array().map(Vec::len), Some(1));
    assert_eq!(files[0]["id"], v1.as_str());
    let download = app.http().get(str_at(files, "/0/downloadUrl")?).send().await?;
    assert_eq!(download.status(), 200);
    let disposition = header(&download, "content-disposition");
    assert!(disposition.starts_with("attachment"), "{disposition}");

    // Comments off: the guest sees none and cannot add one.
    let refused = app
        .gql(
            None,
            GUEST,
            json!({ "c": specific["code"], "f": v1, "n": "Bo", "t": "hi" }),
        )
        .await?;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    assert!(str_at(&refused, "/errors/0/message")?.contains("comments are switched off"));

    // FINAL follows the approved version.
    let final_link = create(&app, &owner, json!({ "t": place.track, "v": "FINAL" })).await?;
    let before = app.ok(None, OPEN, json!({ "c": final_link["code"] })).await?;
    assert_eq!(before["reviewLink"]["files"], json!([]));
    app.ok(
        Some(&owner.token),
        "mutation($f: ID!) { approveFileVersion(fileId: $f) { id } }",
        json!({ "f": v2 }),
    )
    .await?;
    let after = app.ok(None, OPEN, json!({ "c": final_link["code"] })).await?;
    assert_eq!(after["reviewLink"]["files"][0]["id"], v2.as_str());

    // An expiring link stops opening when its time passes.
    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(1_500)).to_rfc3339();
    let brief = create(&app, &owner, json!({ "t": place.track, "v": "LATEST", "e": soon })).await?;
    app.ok(None, OPEN, json!({ "c": brief["code"] })).await?;
    tokio::time::sleep(std::time::Duration::from_millis(1_700)).await;
    let expired = app.gql(None, OPEN, json!({ "c": brief["code"] })).await?;
    assert_eq!(code(&expired), "FORBIDDEN", "{expired}");
    assert!(str_at(&expired, "/errors/0/message")?.contains("expired"));
    let listed = app.ok(Some(&owner.token), LINKS, json!({ "t": place.track })).await?;
    assert_eq!(listed["track"]["reviewLinks"][0]["status"], "EXPIRED");
    app.stop().await
}

#[tokio::test]
async fn passwords_and_more_than_three_links_need_pro() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| {
        config.analysis_workers = 0;
        config.login_attempts = 3;
    })
    .await?;
    let owner = app.user("rvpla").await?;
    let place = app.hierarchy(&owner, "Plans").await?;

    let password = app
        .gql(
            Some(&owner.token),
            CREATE,
            json!({ "t": place.track, "v": "LATEST", "p": "s3cret-mix" }),
        )
        .await?;
    assert_eq!(code(&password), "PLAN_REQUIRED", "{password}");
    assert_eq!(password["errors"][0]["extensions"]["requiredPlan"], "PRO");
    assert!(str_at(&password, "/errors/0/message")?.contains("PRO"));
    let mut links = Vec::new();
    for _ in 0..3 {
        links.push(create(&app, &owner, json!({ "t": place.track, "v": "LATEST" })).await?);
    }
    let fourth = app
        .gql(Some(&owner.token), CREATE, json!({ "t": place.track, "v": "LATEST" }))
        .await?;
    assert_eq!(code(&fourth), "PLAN_REQUIRED", "{fourth}");
    assert_eq!(fourth["errors"][0]["extensions"]["requiredPlan"], "PRO");
    // A revoked link no longer counts.
    app.ok(Some(&owner.token), REVOKE, json!({ "id": links[0]["id"] }))
        .await?;
    create(&app, &owner, json!({ "t": place.track, "v": "LATEST" })).await?;

    upgrade(&app, &owner).await?;
    let short = app
        .gql(
            Some(&owner.token),
            CREATE,
            json!({ "t": place.track, "v": "LATEST", "p": "abc" }),
        )
        .await?;
    assert_eq!(code(&short), "BAD_USER_INPUT", "{short}");
    let guarded = create(
        &app,
        &owner,
        json!({ "t": place.track, "v": "LATEST", "p": "s3cret-mix" }),
    )
    .await?;
    assert_eq!(guarded["hasPassword"], true);
    let code_value = str_at(&guarded, "/code")?;

    let missing = app.gql(None, OPEN, json!({ "c": code_value })).await?;
    assert_eq!(code(&missing), "UNAUTHENTICATED", "{missing}");
    let right = app
        .ok(None, OPEN, json!({ "c": code_value, "p": "s3cret-mix" }))
        .await?;
    assert_eq!(right["reviewLink"]["code"], code_value.as_str());
    for _ in 0..3 {
        let wrong = app.gql(None, OPEN, json!({ "c": code_value, "p": "guess" })).await?;
        assert_eq!(code(&wrong), "UNAUTHENTICATED", "{wrong}");
    }
    // After three wrong tries the link refuses even the right password for a while.
    let throttled = app
        .gql(None, OPEN, json!({ "c": code_value, "p": "s3cret-mix" }))
        .await?;
    assert_eq!(code(&throttled), "RATE_LIMITED", "{throttled}");
    assert!(throttled["errors"][0]["extensions"]["retryAfter"].as_u64().is_some());
    app.stop().await
}

#[tokio::test]
async fn a_public_track_opens_by_short_id_for_anyone() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let (owner, stranger) = (app.user("pbown").await?, app.user("pbstr").await?);
    let place = app.hierarchy(&owner, "Public").await?;
    version(&app, &owner, &place.track, "v1.wav").await?;
    let v2 = version(&app, &owner, &place.track, "v2.wav").await?;
    app.ok(
        Some(&owner.token),
        "mutation($f: ID!) { addComment(input: {fileId: $f, content: \"private note\"}) { id } }",
        json!({ "f": v2 }),
    )
    .await?;
    let short = app
        .ok(
            Some(&owner.token),
            "query($t: ID!) { track(id: $t) { shortId } }",
            json!({ "t": place.track }),
        )
        .await?;
    let short = str_at(&short, "/track/shortId")?;
    const PUBLIC: &str = "query($s: String!) { track(shortId: $s) { title isPublic viewerRole
        latestFile { id version url } finalFile { id }
        files { totalCount nodes { id } } comments { totalCount nodes { content } } artistSpace { id } } }";

    // Private: nobody outside sees it.
    let private = app.gql(None, PUBLIC, json!({ "s": short })).await?;
    assert!(private["data"]["track"].is_null(), "{private}");
    let private = app.gql(Some(&stranger.token), PUBLIC, json!({ "s": short })).await?;
    assert_eq!(code(&private), "NOT_FOUND", "{private}");

    app.ok(
        Some(&owner.token),
        "mutation($t: ID!) { updateTrack(id: $t, input: {isPublic: true}) { isPublic } }",
        json!({ "t": place.track }),
    )
    .await?;
    for token in [None, Some(stranger.token.as_str())] {
        let body = app.ok(token, PUBLIC, json!({ "s": short })).await?;
        let track = &body["track"];
        assert_eq!(track["title"], "T");
        assert_eq!(track["isPublic"], true);
        assert!(track["viewerRole"].is_null());
        assert_eq!(track["latestFile"]["id"], v2.as_str(), "{track}");
        assert!(track["finalFile"].is_null());
        // Only the latest or final version; no version list, comments or space.
        assert_eq!(track["files"]["nodes"], json!([]), "{track}");
        assert_eq!(track["comments"]["nodes"], json!([]), "{track}");
        assert!(track["artistSpace"].is_null());
        let audio = app.http().get(str_at(track, "/latestFile/url")?).send().await?;
        assert_eq!(audio.status(), 200);
    }
    // Collaborators and emails never show.
    let people = app
        .gql(
            None,
            "query($s: String!) { track(shortId: $s) { collaborators { nodes { user { email } } } owner { email } } }",
            json!({ "s": short }),
        )
        .await?;
    let collaborators = &people["data"]["track"]["collaborators"]["nodes"];
    assert!(collaborators.is_null() || collaborators == &json!([]), "{people}");
    assert!(people["data"]["track"]["owner"]["email"].is_null(), "{people}");
    app.stop().await
}
