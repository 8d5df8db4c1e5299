//! The access matrix through the API: each role against each operation on spaces, projects
//! and tracks. Non-members get NOT_FOUND (existence does not leak), readers without the right
//! get FORBIDDEN.

use backline_e2e::{Hierarchy, TestApp, TestUser, code, str_at};
use serde_json::{Value, json};

async fn world(app: &TestApp, owner: &TestUser, members: &[(&TestUser, &str)]) -> anyhow::Result<Hierarchy> {
    let world = app.hierarchy(owner, "Matrix").await?;
    for (user, role) in members {
        app.ok(
            Some(&owner.token),
            "mutation($r: ID!, $u: ID!, $role: Role!) { addCollaborator(input: {resourceId: $r, userId: $u, role: $role}) { role } }",
            json!({"r": world.space, "u": user.id, "role": role}),
        )
        .await?;
    }
    Ok(world)
}

fn outcome(body: &Value) -> String {
    if body.get("errors").is_some() {
        code(body)
    } else {
        "OK".to_owned()
    }
}

#[tokio::test]
async fn every_role_against_every_operation() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("mo").await?;
    let admin = app.user("ma").await?;
    let editor = app.user("me").await?;
    let viewer = app.user("mv").await?;
    let stranger = app.user("ms").await?;
    let members = [(&admin, "ADMIN"), (&editor, "EDITOR"), (&viewer, "VIEWER")];

    // (operation, expected for owner, admin, editor, viewer, stranger)
    type Case = (&'static str, &'static str, [&'static str; 5]);
    let cases: [Case; 9] = [
        (
            "read space",
            "query($w: ID!) { artistSpace(id: $w) { id } }",
            ["OK", "OK", "OK", "OK", "NOT_FOUND"],
        ),
        (
            "update space",
            "mutation($w: ID!) { updateArtistSpace(id: $w, input: {name: \"N\"}) { id } }",
            ["OK", "OK", "FORBIDDEN", "FORBIDDEN", "NOT_FOUND"],
        ),
        (
            "create project",
            "mutation($w: ID!) { createProject(input: {artistSpaceId: $w, name: \"N\"}) { id } }",
            ["OK", "OK", "FORBIDDEN", "FORBIDDEN", "NOT_FOUND"],
        ),
        (
            "read project",
            "query($p: ID!) { project(id: $p) { id } }",
            ["OK", "OK", "OK", "OK", "NOT_FOUND"],
        ),
        (
            "update project",
            "mutation($p: ID!) { updateProject(id: $p, input: {status: REVIEW}) { id } }",
            ["OK", "OK", "FORBIDDEN", "FORBIDDEN", "NOT_FOUND"],
        ),
        (
            "create track",
            "mutation($p: ID!) { createTrack(input: {projectId: $p, title: \"N\"}) { id } }",
            ["OK", "OK", "FORBIDDEN", "FORBIDDEN", "NOT_FOUND"],
        ),
        (
            "read track",
            "query($t: ID!) { track(id: $t) { id } }",
            ["OK", "OK", "OK", "OK", "NOT_FOUND"],
        ),
        (
            "update track",
            "mutation($t: ID!) { updateTrack(id: $t, input: {status: REVIEW}) { id } }",
            ["OK", "OK", "OK", "FORBIDDEN", "NOT_FOUND"],
        ),
        (
            "list collaborators",
            "query($t: ID!) { track(id: $t) { collaborators { totalCount } } }",
            ["OK", "OK", "OK", "OK", "NOT_FOUND"],
        ),
    ];
    let actors = [&owner, &admin, &editor, &viewer, &stranger];
    let shared = world(&app, &owner, &members).await?;
    let vars = json!({"w": shared.space, "p": shared.project, "t": shared.track});
    for (name, query, expected) in cases {
        for (actor, want) in actors.iter().zip(expected) {
            let got = outcome(&app.gql(Some(&actor.token), query, vars.clone()).await?);
            assert_eq!(got, want, "{name} as {}", actor.username);
        }
    }

    // Deletes need a fresh world per attempt.
    let deletes: [Case; 3] = [
        (
            "delete track",
            "mutation($t: ID!) { deleteTrack(id: $t) }",
            ["OK", "OK", "FORBIDDEN", "FORBIDDEN", "NOT_FOUND"],
        ),
        (
            "delete project",
            "mutation($p: ID!) { deleteProject(id: $p) }",
            ["OK", "OK", "FORBIDDEN", "FORBIDDEN", "NOT_FOUND"],
        ),
        (
            "delete space",
            "mutation($w: ID!) { deleteArtistSpace(id: $w) }",
            ["OK", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "NOT_FOUND"],
        ),
    ];
    for (name, query, expected) in deletes {
        for (actor, want) in actors.iter().zip(expected) {
            let fresh = world(&app, &owner, &members).await?;
            let vars = json!({"w": fresh.space, "p": fresh.project, "t": fresh.track});
            let got = outcome(&app.gql(Some(&actor.token), query, vars).await?);
            assert_eq!(got, want, "{name} as {}", actor.username);
        }
    }
    let anonymous = app
        .gql(
            None,
            "query($t: ID!) { track(id: $t) { id } }",
            json!({"t": shared.track}),
        )
        .await?;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
    app.stop().await
}

const ADD_COLLABORATOR: &str = "mutation($r: ID!, $u: ID!, $role: Role!) { addCollaborator(input: {resourceId: $r, userId: $u, role: $role}) { role } }";

/// Reads made in one query, where each role looked up is remembered for the rest of it.
const ONE_QUERY: &str = "query($s: ID!, $p: ID!, $a: ID!, $b: ID!) { \
    myArtistSpaces(first: 5) { nodes { id } } \
    artistSpace(id: $s) { id } \
    project(id: $p) { tracks(first: 10) { nodes { id title collaborators(first: 5) { nodes { role } } } } } \
    mine: track(id: $a) { title } \
    sibling: node(id: $b) { id } }";

#[tokio::test]
async fn one_query_sees_exactly_what_each_role_opens_at_every_level() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("qo").await?;
    let one_track = app.user("qt").await?;
    let whole_project = app.user("qp").await?;
    let place = app.hierarchy(&owner, "Levels").await?;
    let sibling = str_at(
        &app.ok(
            Some(&owner.token),
            "mutation($p: ID!) { createTrack(input: {projectId: $p, title: \"Sibling\"}) { id } }",
            json!({ "p": place.project }),
        )
        .await?,
        "/createTrack/id",
    )?;
    for (user, resource) in [(&one_track, &place.track), (&whole_project, &place.project)] {
        app.ok(
            Some(&owner.token),
            ADD_COLLABORATOR,
            json!({ "r": resource, "u": user.id, "role": "VIEWER" }),
        )
        .await?;
    }
    let variables = json!({ "s": place.space, "p": place.project, "a": place.track, "b": sibling });
    let tracks_seen = |body: &Value| -> Vec<String> {
        body.pointer("/data/project/tracks/nodes")
            .and_then(Value::as_array)
            .map(|nodes| {
                nodes
                    .iter()
                    .filter_map(|node| node["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };

    // The owner: everything, with the space's role settling every level below it.
    let all = app.gql(Some(&owner.token), ONE_QUERY, variables.clone()).await?;
    assert!(all.get("errors").is_none(), "{all}");
    assert_eq!(tracks_seen(&all).len(), 2);
    assert_eq!(all["data"]["sibling"]["id"], sibling);

    // A viewer of one track: that track, and not the space, the project or its sibling.
    let one = app.gql(Some(&one_track.token), ONE_QUERY, variables.clone()).await?;
    assert_eq!(one["data"]["myArtistSpaces"]["nodes"], json!([]));
    assert!(one["data"]["artistSpace"].is_null(), "{one}");
    assert!(one["data"]["project"].is_null(), "{one}");
    assert_eq!(
        one["data"]["mine"]["title"].as_str().map(str::is_empty),
        Some(false),
        "{one}"
    );
    assert!(one["data"]["sibling"].is_null(), "{one}");

    // A viewer of the project: both tracks through it, but not the space above.
    let project = app.gql(Some(&whole_project.token), ONE_QUERY, variables).await?;
    assert!(project["data"]["artistSpace"].is_null(), "{project}");
    let mut seen = tracks_seen(&project);
    seen.sort();
    let mut both = vec![place.track.clone(), sibling.clone()];
    both.sort();
    assert_eq!(seen, both, "{project}");
    assert_eq!(project["data"]["sibling"]["id"], sibling);
    Ok(())
}
