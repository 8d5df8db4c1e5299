//! Loading ahead (a space, project or list of spaces that loads the projects, tracks,
//! collaborators and people selected below it in one go) answers exactly what level-by-level
//! loading answers, and shows nobody more than their roles allow.

use backline_e2e::{TestApp, code, str_at};
use serde_json::{Value, json};

use crate::workspace::{CREATE_PROJECT, CREATE_TRACK};

/// The titles of the tracks listed at `pointer` (an array of track nodes).
fn titles(data: &Value, pointer: &str) -> Vec<String> {
    data.pointer(pointer)
        .and_then(Value::as_array)
        .map(|nodes| {
            nodes
                .iter()
                .filter_map(|node| node["title"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_collaborator_of_one_track_sees_that_track_and_not_its_siblings() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("aho").await?;
    let one_track = app.user("aht").await?;
    let one_project = app.user("ahp").await?;
    let whole_space = app.user("ahs").await?;
    let place = app.hierarchy(&owner, "Ahead").await?;
    let t = Some(owner.token.as_str());
    let sibling = str_at(
        &app.ok(t, CREATE_TRACK, json!({"p": place.project, "t": "Sibling"}))
            .await?,
        "/createTrack/id",
    )?;
    let other_project = str_at(
        &app.ok(t, CREATE_PROJECT, json!({"s": place.space, "name": "Other"}))
            .await?,
        "/createProject/id",
    )?;
    app.ok(t, CREATE_TRACK, json!({"p": other_project, "t": "Elsewhere"}))
        .await?;
    app.grant(&owner, &place.track, &one_track, "VIEWER").await?;
    app.grant(&owner, &place.project, &one_project, "EDITOR").await?;
    app.grant(&owner, &place.space, &whole_space, "VIEWER").await?;

    let tree = "{ myArtistSpaces { nodes { name projects { nodes { name tracks { nodes { title collaborators { nodes { user { username } } } } } } } } } }";
    let by_project = "query($p: ID!) { project(id: $p) { name tracks { nodes { title collaborators { nodes { role user { username } } } } } } }";
    let by_space = "query($s: ID!) { artistSpace(id: $s) { projects { nodes { tracks { nodes { title } } } } } }";
    let by_track =
        "query($t: ID!) { track(id: $t) { title project { tracks { nodes { title } } } artistSpace { name } } }";

    // The track's collaborator: no space listed, the track alone, nothing above or beside it.
    let listed = app.ok(Some(&one_track.token), tree, json!({})).await?;
    assert_eq!(listed["myArtistSpaces"]["nodes"], json!([]), "{listed}");
    let track = app
        .ok(Some(&one_track.token), by_track, json!({"t": place.track}))
        .await?;
    assert_eq!(track["track"]["title"], "T", "{track}");
    assert_eq!(track["track"]["project"], Value::Null, "{track}");
    assert_eq!(track["track"]["artistSpace"], Value::Null, "{track}");
    for (query, variables) in [
        (by_project, json!({"p": place.project})),
        (by_space, json!({"s": place.space})),
        (by_track, json!({"t": sibling})),
    ] {
        let body = app.gql(Some(&one_track.token), query, variables).await?;
        assert_eq!(code(&body), "NOT_FOUND", "{body}");
    }

    // The project's editor: both of its tracks (with the track's collaborator), nothing of the
    // other project, and not the space.
    let project = app
        .ok(Some(&one_project.token), by_project, json!({"p": place.project}))
        .await?;
    let mut seen = titles(&project, "/project/tracks/nodes");
    seen.sort();
    assert_eq!(seen, ["Sibling", "T"], "{project}");
    let people: Vec<&str> = project["project"]["tracks"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|track| track["collaborators"]["nodes"].as_array().into_iter().flatten())
        .filter_map(|collaborator| collaborator["user"]["username"].as_str())
        .filter(|username| *username != owner.username)
        .collect();
    assert_eq!(
        people,
        [one_track.username.as_str()],
        "besides the owner, on each track: {project}"
    );
    let body = app
        .gql(Some(&one_project.token), by_project, json!({"p": other_project}))
        .await?;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let listed = app.ok(Some(&one_project.token), tree, json!({})).await?;
    assert_eq!(listed["myArtistSpaces"]["nodes"], json!([]), "{listed}");

    // The space's viewer: every project and track, through each root.
    let listed = app.ok(Some(&whole_space.token), tree, json!({})).await?;
    let projects = &listed["myArtistSpaces"]["nodes"][0]["projects"]["nodes"];
    assert_eq!(projects.as_array().map(Vec::len), Some(2), "{listed}");
    let mut all: Vec<String> = (0..2)
        .flat_map(|n| {
            titles(
                &listed,
                &format!("/myArtistSpaces/nodes/0/projects/nodes/{n}/tracks/nodes"),
            )
        })
        .collect();
    all.sort();
    assert_eq!(all, ["Elsewhere", "Sibling", "T"], "{listed}");
    let space = app
        .ok(Some(&whole_space.token), by_space, json!({"s": place.space}))
        .await?;
    assert_eq!(
        space["artistSpace"]["projects"]["nodes"].as_array().map(Vec::len),
        Some(2)
    );
    app.stop().await
}

#[tokio::test]
async fn pages_aliases_and_edges_below_a_space_answer_as_level_by_level() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("ahq").await?;
    let place = app.hierarchy(&owner, "Pages").await?;
    let t = Some(owner.token.as_str());
    for n in 1..=3 {
        app.ok(t, CREATE_TRACK, json!({"p": place.project, "t": format!("N{n}")}))
            .await?;
    }
    // Newest first: N3, N2, N1, T. The same lists through `nodes`, `edges`, two aliases with
    // different pages, a cursor and a variable.
    let query = "query($n: Int!) { artistSpace(id: \"SPACE\") { projects(first: 1) { \
        edges { node { few: tracks(first: $n) { nodes { title } pageInfo { hasNextPage endCursor } } } } \
        nodes { all: tracks(first: 10) { totalCount nodes { title collaborators { nodes { role user { username } } } } } } } } }"
        .replace("SPACE", &place.space);
    let data = app.ok(t, &query, json!({"n": 2})).await?;
    let project = "/artistSpace/projects";
    assert_eq!(
        titles(&data, &format!("{project}/edges/0/node/few/nodes")),
        ["N3", "N2"],
        "{data}"
    );
    assert_eq!(
        data.pointer(&format!("{project}/edges/0/node/few/pageInfo/hasNextPage")),
        Some(&json!(true))
    );
    assert_eq!(
        titles(&data, &format!("{project}/nodes/0/all/nodes")),
        ["N3", "N2", "N1", "T"],
        "{data}"
    );
    assert_eq!(
        data.pointer(&format!("{project}/nodes/0/all/totalCount")),
        Some(&json!(4))
    );
    let owners: Vec<&str> = data
        .pointer(&format!("{project}/nodes/0/all/nodes"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|track| track["collaborators"]["nodes"][0]["user"]["username"].as_str())
        .collect();
    assert_eq!(
        owners,
        [owner.username.as_str(); 4],
        "each track's creator is its owner: {data}"
    );

    let cursor = data
        .pointer(&format!("{project}/edges/0/node/few/pageInfo/endCursor"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_default();
    let next = format!(
        "{{ artistSpace(id: \"{}\") {{ projects {{ nodes {{ tracks(first: 2, after: \"{cursor}\") {{ nodes {{ title }} }} }} }} }} }}",
        place.space
    );
    let data = app.ok(t, &next, json!({})).await?;
    assert_eq!(
        titles(&data, "/artistSpace/projects/nodes/0/tracks/nodes"),
        ["N1", "T"],
        "{data}"
    );

    // A page the resolver refuses is refused the same way, with nothing loaded ahead for it.
    for bad in [
        "tracks(first: 0)",
        "tracks(after: \"nope\")",
        "tracks(first: 1, last: 1)",
    ] {
        let query = format!(
            "{{ artistSpace(id: \"{}\") {{ projects {{ nodes {{ {bad} {{ nodes {{ title }} }} }} }} }} }}",
            place.space
        );
        let body = app.gql(t, &query, json!({})).await?;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{bad}: {body}");
    }
    app.stop().await
}
