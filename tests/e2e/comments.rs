//! Time-synced comments: threads, permissions, likes, resolution, pins, mentions, ordering.

use backline_audio::testing::tone;
use backline_e2e::{TestApp, TestUser, Upload, code, str_at};
use serde_json::{Value, json};

pub(crate) const ADD: &str = "mutation($f: ID!, $c: String!, $s: Float, $e: Float) { addComment(input: {fileId: $f, content: $c, timeStart: $s, timeEnd: $e}) { id content timeStart timeEnd owner { username } mentions { username } } }";
pub(crate) const REPLY: &str = "mutation($id: ID!, $c: String!) { replyToComment(input: {commentId: $id, content: $c}) { id parent { id } timeStart } }";
const EDIT: &str =
    "mutation($id: ID!, $c: String!) { editComment(input: {commentId: $id, content: $c}) { content editedAt } }";
const DELETE: &str = "mutation($id: ID!) { deleteComment(commentId: $id) }";
const RESOLVE: &str = "mutation($id: ID!) { resolveComment(commentId: $id) { isResolved resolvedBy { username } } }";
pub(crate) const LIKE: &str = "mutation($id: ID!) { likeComment(commentId: $id) { id } }";
const GRANT: &str = "mutation($r: ID!, $u: ID!, $role: Role!) { addCollaborator(input: {resourceId: $r, userId: $u, role: $role}) { role } }";
const THREADS: &str = "query($t: ID!, $o: CommentOrder!, $r: Boolean!) { track(id: $t) { comments(orderBy: $o, includeResolved: $r) { totalCount nodes { id content isPinned isDeleted owner { username } likeCount likedByMe likes { totalCount nodes { username } } file { version } responses { totalCount nodes { content owner { username } } } } } } }";

async fn comment(
    app: &TestApp,
    user: &TestUser,
    file: &str,
    content: &str,
    start: Option<f64>,
) -> anyhow::Result<String> {
    let data = app
        .ok(Some(&user.token), ADD, json!({ "f": file, "c": content, "s": start }))
        .await?;
    str_at(&data, "/addComment/id")
}

#[tokio::test]
async fn threads_follow_the_comment_rules() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let (owner, editor, viewer, stranger) = (
        app.user("cown").await?,
        app.user("cedi").await?,
        app.user("cvie").await?,
        app.user("cstr").await?,
    );
    let place = app.hierarchy(&owner, "Comments").await?;
    app.ok(
        Some(&owner.token),
        GRANT,
        json!({ "r": place.track, "u": editor.id, "role": "EDITOR" }),
    )
    .await?;
    app.ok(
        Some(&owner.token),
        GRANT,
        json!({ "r": place.project, "u": viewer.id, "role": "VIEWER" }),
    )
    .await?;
    let bytes = tone(8_000, 1, 8_000 * 10);
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("mix.wav", &bytes))
        .await?;
    let file_id = str_at(&file, "/id")?;
    app.analysed(&owner.token, &file_id).await?;

    // Viewers comment; strangers cannot see the file at all.
    let added = app
        .ok(
            Some(&viewer.token),
            ADD,
            json!({
                "f": file_id,
                "c": format!("  snare too loud, @{} and @nobody and @{}  ", editor.username.to_uppercase(), stranger.username),
                "s": 1.5,
                "e": 2.25
            }),
        )
        .await?;
    let first = str_at(&added, "/addComment/id")?;
    assert_eq!(
        added["addComment"]["content"],
        json!(format!(
            "snare too loud, @{} and @nobody and @{}",
            editor.username.to_uppercase(),
            stranger.username
        ))
    );
    assert_eq!(added["addComment"]["timeStart"], 1.5);
    assert_eq!(added["addComment"]["timeEnd"], 2.25);
    assert_eq!(
        added["addComment"]["mentions"],
        json!([{ "username": editor.username }]),
        "unknown users and users who cannot read the track are not mentioned"
    );
    let hidden = app
        .gql(Some(&stranger.token), ADD, json!({ "f": file_id, "c": "hi" }))
        .await?;
    assert_eq!(code(&hidden), "NOT_FOUND");

    // Bad input writes nothing.
    for (variables, field) in [
        (json!({ "f": file_id, "c": "   " }), "content"),
        (json!({ "f": file_id, "c": "x".repeat(5_001) }), "content"),
        (json!({ "f": file_id, "c": "late", "s": 11.0 }), "timeStart"),
        (json!({ "f": file_id, "c": "backwards", "s": 5.0, "e": 4.0 }), "timeEnd"),
        (json!({ "f": file_id, "c": "no start", "e": 4.0 }), "timeEnd"),
        (json!({ "f": place.track, "c": "wrong id" }), "fileId"),
    ] {
        let refused = app.gql(Some(&viewer.token), ADD, variables).await?;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], field, "{refused}");
    }

    // Replies join the top-level thread and carry no time.
    let reply = app
        .ok(Some(&editor.token), REPLY, json!({ "id": first, "c": "fixed in v2" }))
        .await?;
    let reply_id = str_at(&reply, "/replyToComment/id")?;
    assert_eq!(reply["replyToComment"]["parent"]["id"], json!(first));
    assert_eq!(reply["replyToComment"]["timeStart"], Value::Null);
    let nested = app
        .ok(Some(&owner.token), REPLY, json!({ "id": reply_id, "c": "thanks" }))
        .await?;
    assert_eq!(
        nested["replyToComment"]["parent"]["id"],
        json!(first),
        "a reply to a reply joins the thread"
    );

    // Authors edit their own; viewers cannot edit others'; editors can.
    let edited = app
        .ok(
            Some(&viewer.token),
            EDIT,
            json!({ "id": first, "c": "snare way too loud" }),
        )
        .await?;
    assert!(edited["editComment"]["editedAt"].is_string());
    assert_eq!(
        code(
            &app.gql(Some(&viewer.token), EDIT, json!({ "id": reply_id, "c": "nope" }))
                .await?
        ),
        "FORBIDDEN"
    );
    app.ok(
        Some(&editor.token),
        EDIT,
        json!({ "id": first, "c": "snare too loud (edited by editor)" }),
    )
    .await?;

    // Likes are idempotent; resolving is for the author and Comment U.
    for _ in 0..3 {
        app.ok(Some(&owner.token), LIKE, json!({ "id": first })).await?;
    }
    app.ok(Some(&editor.token), LIKE, json!({ "id": first })).await?;
    let second = comment(&app, &owner, &file_id, "intro is great", Some(0.0)).await?;
    assert_eq!(
        code(&app.gql(Some(&viewer.token), RESOLVE, json!({ "id": second })).await?),
        "FORBIDDEN"
    );
    let resolved = app.ok(Some(&viewer.token), RESOLVE, json!({ "id": first })).await?;
    assert_eq!(
        resolved["resolveComment"]["resolvedBy"]["username"],
        json!(viewer.username),
        "authors resolve their own"
    );
    let untimed = comment(&app, &editor, &file_id, "overall: needs more bass", None).await?;
    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { pinComment(commentId: $id) { isPinned } }",
        json!({ "id": untimed }),
    )
    .await?;

    // Ordering: pinned first, then by time; resolved ones can be hidden.
    let threads = app
        .ok(
            Some(&viewer.token),
            THREADS,
            json!({ "t": place.track, "o": "TIMESTAMP", "r": true }),
        )
        .await?;
    let nodes = &threads["track"]["comments"]["nodes"];
    let ids: Vec<&str> = nodes
        .as_array()
        .map(|nodes| nodes.iter().filter_map(|node| node["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids, vec![untimed.as_str(), second.as_str(), first.as_str()]);
    assert_eq!(threads["track"]["comments"]["totalCount"], 3);
    let thread = &nodes[2];
    assert_eq!(thread["likeCount"], 2);
    assert_eq!(thread["likedByMe"], false);
    assert_eq!(thread["file"]["version"], 1);
    assert_eq!(thread["likes"]["totalCount"], 2);
    assert_eq!(thread["likes"]["nodes"].as_array().map(Vec::len), Some(2));
    assert_eq!(thread["responses"]["totalCount"], 2);
    assert_eq!(thread["responses"]["nodes"].as_array().map(Vec::len), Some(2));
    assert_eq!(thread["responses"]["nodes"][0]["content"], "fixed in v2");
    // Replies page like every other list: one at a time, oldest first, then the next.
    const REPLIES: &str = "query($c: ID!, $after: String) { comment(id: $c) { responses(first: 1, after: $after) { totalCount edges { cursor node { content } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }";
    let page = app.ok(Some(&viewer.token), REPLIES, json!({ "c": first })).await?;
    let replies = &page["comment"]["responses"];
    assert_eq!(replies["edges"][0]["node"]["content"], "fixed in v2");
    assert_eq!(replies["pageInfo"]["hasNextPage"], true);
    assert_eq!(replies["pageInfo"]["hasPreviousPage"], false);
    let next = app
        .ok(
            Some(&viewer.token),
            REPLIES,
            json!({ "c": first, "after": replies["pageInfo"]["endCursor"] }),
        )
        .await?;
    let rest = &next["comment"]["responses"];
    assert_eq!(rest["edges"].as_array().map(Vec::len), Some(1));
    assert_ne!(rest["edges"][0]["node"]["content"], "fixed in v2");
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    assert_eq!(rest["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(rest["totalCount"], 2);
    let open = app
        .ok(
            Some(&viewer.token),
            THREADS,
            json!({ "t": place.track, "o": "NEWEST", "r": false }),
        )
        .await?;
    assert_eq!(
        open["track"]["comments"]["totalCount"], 2,
        "the resolved comment is left out"
    );
    assert_eq!(
        open["track"]["comments"]["nodes"][0]["id"],
        json!(untimed),
        "pinned first"
    );

    // Deleting: viewers only their own; a comment with replies stays as [deleted].
    assert_eq!(
        code(&app.gql(Some(&viewer.token), DELETE, json!({ "id": second })).await?),
        "FORBIDDEN"
    );
    app.ok(Some(&viewer.token), DELETE, json!({ "id": first })).await?;
    app.ok(Some(&editor.token), DELETE, json!({ "id": second })).await?;
    let after = app
        .ok(
            Some(&owner.token),
            THREADS,
            json!({ "t": place.track, "o": "NEWEST", "r": true }),
        )
        .await?;
    let nodes = after["track"]["comments"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(nodes.len(), 2);
    let placeholder = nodes
        .iter()
        .find(|node| node["id"] == json!(first))
        .cloned()
        .unwrap_or_default();
    assert_eq!(placeholder["content"], "[deleted]");
    assert_eq!(placeholder["isDeleted"], true);
    assert_eq!(placeholder["owner"], Value::Null);
    assert_eq!(
        placeholder["responses"]["nodes"].as_array().map(Vec::len),
        Some(2),
        "the thread survives"
    );
    let gone = app
        .gql(
            Some(&owner.token),
            "query($id: ID!) { comment(id: $id) { id } }",
            json!({ "id": second }),
        )
        .await?;
    assert_eq!(code(&gone), "NOT_FOUND");
    let by_node = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { node(id: $id) { ... on Comment { content } } }",
            json!({ "id": reply_id }),
        )
        .await?;
    assert_eq!(by_node["node"]["content"], "fixed in v2");
    assert_eq!(
        code(
            &app.gql(Some(&owner.token), EDIT, json!({ "id": first, "c": "revive" }))
                .await?
        ),
        "NOT_FOUND"
    );
    app.stop().await
}

#[tokio::test]
async fn comment_lists_page_by_time_without_gaps() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let owner = app.user("cpag").await?;
    let place = app.hierarchy(&owner, "Paging").await?;
    let bytes = tone(8_000, 1, 800);
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("v.wav", &bytes))
        .await?;
    let file_id = str_at(&file, "/id")?;
    // Equal times tie-break by age; untimed comments come last.
    let mut expected = Vec::new();
    for (n, start) in [Some(3.0), Some(1.0), None, Some(1.0), Some(2.0), None, Some(0.5)]
        .into_iter()
        .enumerate()
    {
        expected.push((
            start.unwrap_or(f64::MAX),
            n,
            comment(&app, &owner, &file_id, &format!("c{n}"), start).await?,
        ));
    }
    expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let expected: Vec<String> = expected.into_iter().map(|(_, _, id)| id).collect();
    let query = "query($f: ID!, $after: String) { file(id: $f) { comments(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }";
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = app
            .ok(Some(&owner.token), query, json!({ "f": file_id, "after": after }))
            .await?;
        let connection = &data["file"]["comments"];
        for edge in connection["edges"].as_array().cloned().unwrap_or_default() {
            seen.push(str_at(&edge, "/node/id")?);
        }
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = Some(str_at(connection, "/pageInfo/endCursor")?);
        anyhow::ensure!(seen.len() < 20, "paging does not end");
    }
    assert_eq!(seen, expected);
    app.stop().await
}
