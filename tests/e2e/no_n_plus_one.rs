//! The nested query costs the same number of statements whatever the amount of data.

use backline_e2e::{TestApp, TestUser, str_at};
use serde_json::json;

use crate::comments::{ADD, LIKE, REPLY};
use crate::workspace::{CREATE_PROJECT, CREATE_SPACE, CREATE_TRACK};

const NESTED: &str = "{ myArtistSpaces(first: 20) { nodes { name projects(first: 20) { nodes { name tracks(first: 10) { nodes { title collaborators(first: 10) { nodes { role user { username } } } } } } } } } }";

async fn fill(app: &TestApp, user: &TestUser, projects: usize, tracks: usize) -> anyhow::Result<()> {
    let t = Some(user.token.as_str());
    let space = str_at(
        &app.ok(t, CREATE_SPACE, json!({"name": "Big"})).await?,
        "/createArtistSpace/id",
    )?;
    for p in 0..projects {
        let project = str_at(
            &app.ok(t, CREATE_PROJECT, json!({"s": space, "name": format!("P{p}")}))
                .await?,
            "/createProject/id",
        )?;
        for n in 0..tracks {
            app.ok(t, CREATE_TRACK, json!({"p": project, "t": format!("T{n}")}))
                .await?;
        }
    }
    Ok(())
}

async fn statements_for(app: &TestApp, user: &TestUser) -> anyhow::Result<(u64, serde_json::Value)> {
    let before = app.statements();
    let data = app.ok(Some(&user.token), NESTED, json!({})).await?;
    Ok((app.statements() - before, data))
}

#[tokio::test]
async fn nested_lists_cost_a_fixed_number_of_statements() -> anyhow::Result<()> {
    // No analysis workers: their polling would blur the count.
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let small = app.user("small").await?;
    let big = app.user("big").await?;
    fill(&app, &small, 1, 1).await?;
    fill(&app, &big, 20, 10).await?;

    let (small_count, _) = statements_for(&app, &small).await?;
    let (big_count, data) = statements_for(&app, &big).await?;
    let projects = data["myArtistSpaces"]["nodes"][0]["projects"]["nodes"]
        .as_array()
        .map(Vec::len);
    let tracks = data["myArtistSpaces"]["nodes"][0]["projects"]["nodes"][0]["tracks"]["nodes"]
        .as_array()
        .map(Vec::len);
    assert_eq!((projects, tracks), (Some(20), Some(10)));
    assert_eq!(small_count, big_count, "statements must not grow with the data");
    assert!(
        big_count <= 5,
        "one statement per level (spaces, projects, tracks, collaborators, users), not {big_count}"
    );
    app.stop().await
}

const VERSIONS: &str = "query($p: ID!) { project(id: $p) { tracks(first: 20) { nodes { title latestFile { version owner { username } } finalFile { id } files(first: 5) { totalCount nodes { version analysis { status } track { title } } } } } } }";

#[tokio::test]
async fn track_versions_cost_a_fixed_number_of_statements() -> anyhow::Result<()> {
    // No analysis workers: their statements would blur the count.
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let user = app.user("versions").await?;
    let t = Some(user.token.as_str());
    let bytes = backline_audio::testing::wav(backline_audio::testing::Signal::Silence, 8_000, 1, 80, 16);
    let mut costs = Vec::new();
    for (tracks, versions) in [(1, 1), (10, 3)] {
        let space = str_at(
            &app.ok(t, CREATE_SPACE, json!({"name": "V"})).await?,
            "/createArtistSpace/id",
        )?;
        let project = str_at(
            &app.ok(t, CREATE_PROJECT, json!({"s": space, "name": "P"})).await?,
            "/createProject/id",
        )?;
        for n in 0..tracks {
            let track = str_at(
                &app.ok(t, CREATE_TRACK, json!({"p": project, "t": format!("T{n}")}))
                    .await?,
                "/createTrack/id",
            )?;
            for _ in 0..versions {
                app.upload_ok(&user.token, &track, backline_e2e::Upload::new("v.wav", &bytes))
                    .await?;
            }
        }
        let before = app.statements();
        let data = app.ok(t, VERSIONS, json!({ "p": project })).await?;
        costs.push(app.statements() - before);
        let nodes = data["project"]["tracks"]["nodes"].as_array().map(Vec::len);
        assert_eq!(nodes, Some(tracks));
        assert_eq!(data["project"]["tracks"]["nodes"][0]["files"]["totalCount"], versions);
        assert_eq!(data["project"]["tracks"]["nodes"][0]["latestFile"]["version"], versions);
    }
    assert_eq!(costs[0], costs[1], "statements must not grow with tracks or versions");
    app.stop().await
}

/// The track page of a web player: the newest and the final version with its analysis and a
/// zoomed-out waveform, and the comments with their replies, likes and authors.
const TRACK_PAGE: &str = "query($t: ID!) { track(id: $t) { title \
    latestFile { version owner { username } analysis { status } metadata { durationSeconds } waveform(samplesPerPixel: 1024) } \
    finalFile { id version } \
    comments(first: 50) { totalCount nodes { content timeStart owner { username } likeCount likedByMe \
        responses(first: 10) { nodes { content owner { username } likeCount likedByMe } } } } } }";

/// A track with `versions` analysed versions (the first approved as final) and `comments`
/// comments, each with `replies` replies, every comment and reply liked by both people.
async fn track_page(
    app: &TestApp,
    owner: &TestUser,
    editor: &TestUser,
    versions: usize,
    comments: usize,
    replies: usize,
) -> anyhow::Result<String> {
    let place = app.hierarchy(owner, "Page").await?;
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: ID!) { addCollaborator(input: {resourceId: $r, userId: $u, role: EDITOR}) { role } }",
        json!({ "r": place.track, "u": editor.id }),
    )
    .await?;
    let bytes = backline_audio::testing::wav(
        backline_audio::testing::Signal::Sine {
            frequency: 220.0,
            amplitude: 0.4,
        },
        8_000,
        1,
        8_000 * 4,
        16,
    );
    let mut latest = String::new();
    for n in 0..versions {
        let file = app
            .upload_ok(&owner.token, &place.track, backline_e2e::Upload::new("v.wav", &bytes))
            .await?;
        latest = str_at(&file, "/id")?;
        app.analysed(&owner.token, &latest).await?;
        if n == 0 {
            app.ok(
                Some(&owner.token),
                "mutation($id: ID!) { approveFileVersion(fileId: $id) { id } }",
                json!({ "id": latest }),
            )
            .await?;
        }
    }
    for n in 0..comments {
        let author = if n % 2 == 0 { owner } else { editor };
        let comment = str_at(
            &app.ok(
                Some(&author.token),
                ADD,
                json!({ "f": latest, "c": format!("note {n}"), "s": 1.0 }),
            )
            .await?,
            "/addComment/id",
        )?;
        let mut liked = vec![comment.clone()];
        for r in 0..replies {
            let by = if r % 2 == 0 { editor } else { owner };
            liked.push(str_at(
                &app.ok(Some(&by.token), REPLY, json!({ "id": comment, "c": format!("re {r}") }))
                    .await?,
                "/replyToComment/id",
            )?);
        }
        for id in liked {
            for person in [owner, editor] {
                app.ok(Some(&person.token), LIKE, json!({ "id": id })).await?;
            }
        }
    }
    Ok(place.track)
}

#[tokio::test]
async fn the_track_page_costs_a_fixed_number_of_statements() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let (owner, editor) = (app.user("page").await?, app.user("pagee").await?);
    let mut costs = Vec::new();
    for (versions, comments, replies) in [(1, 1, 1), (3, 50, 2)] {
        let track = track_page(&app, &owner, &editor, versions, comments, replies).await?;
        // The analysis worker may still be going back to sleep (two statements), and loads
        // that reach a dataloader more than its 1 ms window apart go out as two statements: the
        // fewest of five reads is the page's own cost.
        let mut fewest = u64::MAX;
        let mut data = json!(null);
        for _ in 0..5 {
            let before = app.statements();
            data = app.ok(Some(&editor.token), TRACK_PAGE, json!({ "t": track })).await?;
            fewest = fewest.min(app.statements() - before);
        }
        costs.push(fewest);
        let page = &data["track"];
        assert_eq!(page["latestFile"]["version"], versions, "{page}");
        assert_eq!(page["latestFile"]["analysis"]["status"], "READY", "{page}");
        assert_eq!(page["finalFile"]["version"], 1, "{page}");
        assert!(page["latestFile"]["waveform"]["data"].is_array(), "{page}");
        assert_eq!(page["comments"]["totalCount"], comments, "{page}");
        let first = &page["comments"]["nodes"][0];
        assert_eq!(first["likeCount"], 2, "{first}");
        assert_eq!(first["likedByMe"], true, "{first}");
        assert_eq!(
            first["responses"]["nodes"].as_array().map(Vec::len),
            Some(replies),
            "{first}"
        );
        assert_eq!(first["responses"]["nodes"][0]["likeCount"], 2, "{first}");
    }
    // Fifty comments with a hundred replies cost what one does, give or take the one statement
    // a dataloader's timing window can split (the file's owner and the comments' authors are
    // asked for a moment apart).
    assert!(
        costs[1] <= costs[0] + 1,
        "statements must not grow with versions, comments or replies: {costs:?}"
    );
    // Nine or ten, from fifteen: the comments' page loads their replies, then the likes and
    // mentions of both, then the authors of both, ahead (docs/performance.md).
    assert!(costs[1] <= 10, "the track page took {costs:?} statements");
    app.stop().await
}
