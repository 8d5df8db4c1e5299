//! Collaborator management and its rules.

use backline_e2e::{TestApp, code, str_at};
use serde_json::{Value, json};

use crate::workspace::{CREATE_PROJECT, CREATE_SPACE};

const ADD: &str = "mutation($r: ID!, $u: ID!, $role: Role!) { addCollaborator(input: {resourceId: $r, userId: $u, role: $role}) { role user { username } } }";
const UPDATE: &str = "mutation($r: ID!, $u: ID!, $role: Role!) { updateCollaboratorRole(input: {resourceId: $r, userId: $u, role: $role}) { role } }";
const REMOVE: &str = "mutation($r: ID!, $u: ID!) { removeCollaborator(input: {resourceId: $r, userId: $u}) { role } }";

#[tokio::test]
async fn managing_collaborators_follows_the_rules() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let (owner, admin, editor, other) = (
        app.user("own").await?,
        app.user("adm").await?,
        app.user("edt").await?,
        app.user("oth").await?,
    );
    let space = str_at(
        &app.ok(Some(&owner.token), CREATE_SPACE, json!({"name": "Crew"}))
            .await?,
        "/createArtistSpace/id",
    )?;
    let added = app
        .ok(
            Some(&owner.token),
            ADD,
            json!({"r": space, "u": admin.id, "role": "ADMIN"}),
        )
        .await?;
    assert_eq!(added["addCollaborator"]["role"], "ADMIN");
    let by_name = app
        .ok(Some(&owner.token), "mutation($r: ID!, $n: String!) { addCollaborator(input: {resourceId: $r, username: $n, role: EDITOR}) { role } }", json!({"r": space, "n": editor.username.to_uppercase()}))
        .await?;
    assert_eq!(by_name["addCollaborator"]["role"], "EDITOR");

    assert_eq!(
        code(
            &app.gql(
                Some(&owner.token),
                ADD,
                json!({"r": space, "u": admin.id, "role": "VIEWER"})
            )
            .await?
        ),
        "CONFLICT"
    );
    assert_eq!(
        code(
            &app.gql(
                Some(&owner.token),
                ADD,
                json!({"r": space, "u": other.id, "role": "OWNER"})
            )
            .await?
        ),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(
            &app.gql(
                Some(&editor.token),
                ADD,
                json!({"r": space, "u": other.id, "role": "VIEWER"})
            )
            .await?
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        code(
            &app.gql(
                Some(&other.token),
                ADD,
                json!({"r": space, "u": other.id, "role": "VIEWER"})
            )
            .await?
        ),
        "NOT_FOUND"
    );
    assert_eq!(
        code(
            &app.gql(
                Some(&admin.token),
                UPDATE,
                json!({"r": space, "u": owner.id, "role": "VIEWER"})
            )
            .await?
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        code(
            &app.gql(Some(&admin.token), REMOVE, json!({"r": space, "u": owner.id}))
                .await?
        ),
        "FORBIDDEN"
    );

    // An editor of the space made ADMIN of one project cannot grant more than ADMIN there.
    let project = str_at(
        &app.ok(Some(&owner.token), CREATE_PROJECT, json!({"s": space, "name": "LP"}))
            .await?,
        "/createProject/id",
    )?;
    app.ok(
        Some(&owner.token),
        ADD,
        json!({"r": project, "u": editor.id, "role": "ADMIN"}),
    )
    .await?;
    app.ok(
        Some(&editor.token),
        ADD,
        json!({"r": project, "u": other.id, "role": "VIEWER"}),
    )
    .await?;
    assert_eq!(
        code(
            &app.gql(
                Some(&editor.token),
                ADD,
                json!({"r": space, "u": other.id, "role": "VIEWER"})
            )
            .await?
        ),
        "FORBIDDEN"
    );

    app.ok(
        Some(&admin.token),
        UPDATE,
        json!({"r": space, "u": editor.id, "role": "VIEWER"}),
    )
    .await?;
    app.ok(Some(&admin.token), REMOVE, json!({"r": space, "u": editor.id}))
        .await?;
    let left = app
        .ok(
            Some(&other.token),
            "mutation($r: ID!) { leaveResource(resourceId: $r) { role } }",
            json!({"r": project}),
        )
        .await?;
    assert_eq!(left["leaveResource"]["role"], "VIEWER");
    assert_eq!(
        code(
            &app.gql(
                Some(&owner.token),
                "mutation($r: ID!) { leaveResource(resourceId: $r) { role } }",
                json!({"r": space})
            )
            .await?
        ),
        "FORBIDDEN"
    );

    assert_eq!(
        code(
            &app.gql(
                Some(&admin.token),
                "mutation($r: ID!, $u: ID!) { transferOwnership(input: {resourceId: $r, userId: $u}) { role } }",
                json!({"r": space, "u": admin.id})
            )
            .await?
        ),
        "FORBIDDEN"
    );
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: ID!) { transferOwnership(input: {resourceId: $r, userId: $u}) { role } }",
        json!({"r": space, "u": admin.id}),
    )
    .await?;
    let roles = app.ok(Some(&admin.token), "query($id: ID!) { artistSpace(id: $id) { owner { username } viewerRole collaborators { nodes { role user { username } } } } }", json!({"id": space})).await?;
    assert_eq!(roles["artistSpace"]["owner"]["username"], admin.username.as_str());
    assert_eq!(roles["artistSpace"]["viewerRole"], "OWNER");
    let previous_owner_role = roles["artistSpace"]["collaborators"]["nodes"]
        .as_array()
        .and_then(|rows| {
            rows.iter()
                .find(|row| row["user"]["username"] == owner.username.as_str())
        })
        .map(|row| row["role"].clone());
    assert_eq!(previous_owner_role, Some(json!("ADMIN")));
    app.stop().await
}

#[tokio::test]
async fn roles_on_a_track_do_not_reveal_the_space() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let (owner, guest) = (app.user("own").await?, app.user("gst").await?);
    let backline_e2e::Hierarchy { space, track, .. } = app.hierarchy(&owner, "Private").await?;
    app.ok(
        Some(&owner.token),
        ADD,
        json!({"r": track, "u": guest.id, "role": "VIEWER"}),
    )
    .await?;
    let seen = app
        .ok(
            Some(&guest.token),
            "query($id: ID!) { track(id: $id) { title viewerRole project { id } artistSpace { id } } }",
            json!({"id": track}),
        )
        .await?;
    assert_eq!(seen["track"]["viewerRole"], "VIEWER");
    assert!(seen["track"]["project"].is_null());
    assert!(seen["track"]["artistSpace"].is_null());
    // A role on the track alone still lists the track's collaborators (its own row decides).
    let listed = app
        .ok(
            Some(&guest.token),
            "query($id: ID!) { track(id: $id) { collaborators { totalCount } } }",
            json!({"id": track}),
        )
        .await?;
    assert_eq!(listed["track"]["collaborators"]["totalCount"], 2);
    assert_eq!(
        code(
            &app.gql(
                Some(&guest.token),
                "query($id: ID!) { artistSpace(id: $id) { name } }",
                json!({"id": space})
            )
            .await?
        ),
        "NOT_FOUND"
    );
    app.stop().await
}

#[tokio::test]
async fn removal_keeps_a_history_of_former_collaborators() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let (owner, editor, viewer) = (
        app.user("hsown").await?,
        app.user("hsedi").await?,
        app.user("hsvie").await?,
    );
    let place = app.hierarchy(&owner, "History").await?;
    let grant = "mutation($r: ID!, $u: ID!, $role: Role!) { addCollaborator(input: {resourceId: $r, userId: $u, role: $role}) { role status joinedAt } }";
    let added = app
        .ok(
            Some(&owner.token),
            grant,
            json!({ "r": place.track, "u": editor.id, "role": "EDITOR" }),
        )
        .await?;
    assert_eq!(added["addCollaborator"]["status"], "ACTIVE");
    app.ok(
        Some(&owner.token),
        grant,
        json!({ "r": place.track, "u": viewer.id, "role": "VIEWER" }),
    )
    .await?;
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: ID!) { removeCollaborator(input: {resourceId: $r, userId: $u}) { role } }",
        json!({ "r": place.track, "u": editor.id }),
    )
    .await?;
    app.ok(
        Some(&viewer.token),
        "mutation($r: ID!) { leaveResource(resourceId: $r) { role } }",
        json!({ "r": place.track }),
    )
    .await?;
    let history = "query($t: ID!) { track(id: $t) { collaborators { totalCount } formerCollaborators { user { username } role status joinedAt removedAt removedBy { username } } } }";
    let seen = app.ok(Some(&owner.token), history, json!({ "t": place.track })).await?;
    let former = &seen["track"]["formerCollaborators"];
    assert_eq!(
        seen["track"]["collaborators"]["totalCount"], 1,
        "only the owner is left"
    );
    assert_eq!(former.as_array().map(Vec::len), Some(2));
    assert_eq!(
        former[0]["user"]["username"],
        json!(viewer.username),
        "most recent first"
    );
    assert_eq!(former[0]["removedBy"], Value::Null, "left on their own");
    assert_eq!(former[1]["user"]["username"], json!(editor.username));
    assert_eq!(former[1]["role"], "EDITOR");
    assert_eq!(former[1]["status"], "REMOVED");
    assert_eq!(former[1]["removedBy"]["username"], json!(owner.username));
    assert_eq!(former[1]["joinedAt"], added["addCollaborator"]["joinedAt"]);

    // Access is gone, and only OWNER and ADMIN see the history.
    let gone = app
        .gql(
            Some(&editor.token),
            "query($t: ID!) { track(id: $t) { title } }",
            json!({ "t": place.track }),
        )
        .await?;
    assert_eq!(code(&gone), "NOT_FOUND");
    // Coming back works as a new membership, and the history stays.
    let back = app
        .ok(
            Some(&owner.token),
            grant,
            json!({ "r": place.track, "u": editor.id, "role": "VIEWER" }),
        )
        .await?;
    assert_eq!(back["addCollaborator"]["status"], "ACTIVE");
    let rejoined = back["addCollaborator"]["joinedAt"].as_str().unwrap_or_default();
    let first = added["addCollaborator"]["joinedAt"].as_str().unwrap_or_default();
    assert!(
        chrono::DateTime::parse_from_rfc3339(rejoined)? > chrono::DateTime::parse_from_rfc3339(first)?,
        "joined again at {rejoined}, after {first}"
    );
    let refused = app
        .gql(Some(&editor.token), history, json!({ "t": place.track }))
        .await?;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    let again = app.ok(Some(&owner.token), history, json!({ "t": place.track })).await?;
    assert_eq!(again["track"]["formerCollaborators"].as_array().map(Vec::len), Some(2));
    app.stop().await
}
