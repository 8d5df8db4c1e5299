//! Spaces, projects, tracks: creation, slugs, look-ups, updates, deletion, pagination.

use backline_e2e::{TestApp, code, str_at};
use serde_json::json;

pub(crate) const CREATE_SPACE: &str =
    "mutation($name: String!) { createArtistSpace(input: {name: $name}) { id shortId slug slugType } }";
pub(crate) const CREATE_PROJECT: &str = "mutation($s: ID!, $name: String!) { createProject(input: {artistSpaceId: $s, name: $name}) { id shortId slug status } }";
pub(crate) const CREATE_TRACK: &str = "mutation($p: ID!, $t: String!) { createTrack(input: {projectId: $p, title: $t}) { id shortId slug status isPublic } }";

#[tokio::test]
async fn hierarchy_slugs_lookups_and_cascading_delete() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let ana = app.user("ws").await?;
    let t = Some(ana.token.as_str());
    let first = app.ok(t, CREATE_SPACE, json!({"name": "Björk & Friends"})).await?;
    let second = app.ok(t, CREATE_SPACE, json!({"name": "Bjork & Friends"})).await?;
    assert_eq!(first["createArtistSpace"]["slug"], "bjork-friends");
    assert_eq!(second["createArtistSpace"]["slug"], "bjork-friends-2");
    assert_eq!(first["createArtistSpace"]["slugType"], "AUTO");
    assert_eq!(str_at(&first, "/createArtistSpace/shortId")?.len(), 6);
    let space = str_at(&first, "/createArtistSpace/id")?;

    let premium = app
        .gql(
            t,
            "mutation { createArtistSpace(input: {name: \"X\", slug: \"my-band\"}) { slug } }",
            json!({}),
        )
        .await?;
    assert_eq!(code(&premium), "PLAN_REQUIRED");
    assert_eq!(premium["errors"][0]["extensions"]["requiredPlan"], "PRO");
    assert!(
        premium["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("PRO")
    );

    let project = app
        .ok(t, CREATE_PROJECT, json!({"s": space, "name": "Night Drive EP"}))
        .await?;
    let project_id = str_at(&project, "/createProject/id")?;
    assert_eq!(project["createProject"]["status"], "DRAFT");
    let track = app
        .ok(t, CREATE_TRACK, json!({"p": project_id, "t": "Neon Rain"}))
        .await?;
    let track_id = str_at(&track, "/createTrack/id")?;
    let short = str_at(&track, "/createTrack/shortId")?;

    let by_short = app
        .ok(
            t,
            "query($s: String!) { track(shortId: $s) { title project { name } artistSpace { slug } viewerRole } }",
            json!({"s": short}),
        )
        .await?;
    assert_eq!(by_short["track"]["project"]["name"], "Night Drive EP");
    assert_eq!(by_short["track"]["artistSpace"]["slug"], "bjork-friends");
    assert_eq!(by_short["track"]["viewerRole"], "OWNER");
    let by_slug = app
        .ok(t, "{ artistSpace(slug: \"bjork-friends\") { name } }", json!({}))
        .await?;
    assert_eq!(by_slug["artistSpace"]["name"], "Björk & Friends");
    let node = app
        .ok(
            t,
            "query($id: ID!) { node(id: $id) { __typename id ... on Track { title } } }",
            json!({"id": track_id}),
        )
        .await?;
    assert_eq!(node["node"]["__typename"], "Track");

    let updated = app
        .ok(t, "mutation($id: ID!) { updateTrack(id: $id, input: {title: \"Neon Rain (v2)\", status: REVIEW, isPublic: true}) { title status isPublic slug } }", json!({"id": track_id}))
        .await?;
    assert_eq!(updated["updateTrack"]["status"], "REVIEW");
    assert_eq!(updated["updateTrack"]["slug"], "neon-rain", "renaming keeps the slug");
    let space_update = app
        .ok(t, "mutation($id: ID!) { updateArtistSpace(id: $id, input: {bio: \"Hi\", countryCode: \"ng\", links: {website: \"https://x.example\"}}) { bio countryCode links } }", json!({"id": space}))
        .await?;
    assert_eq!(space_update["updateArtistSpace"]["countryCode"], "NG");
    assert_eq!(
        space_update["updateArtistSpace"]["links"]["website"],
        "https://x.example"
    );

    app.ok(
        t,
        "mutation($id: ID!) { deleteArtistSpace(id: $id) }",
        json!({"id": space}),
    )
    .await?;
    let gone = app
        .gql(t, "query($id: ID!) { track(id: $id) { id } }", json!({"id": track_id}))
        .await?;
    assert_eq!(code(&gone), "NOT_FOUND");
    let gone_project = app
        .ok(t, "query($id: ID!) { node(id: $id) { id } }", json!({"id": project_id}))
        .await?;
    assert!(gone_project["node"].is_null());
    app.stop().await
}

#[tokio::test]
async fn connections_page_forward_and_backward() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let ana = app.user("pg").await?;
    let t = Some(ana.token.as_str());
    let space = str_at(
        &app.ok(t, CREATE_SPACE, json!({"name": "Pager"})).await?,
        "/createArtistSpace/id",
    )?;
    let mut names = Vec::new();
    for i in 0..5 {
        let name = format!("P{i}");
        app.ok(t, CREATE_PROJECT, json!({"s": space, "name": name})).await?;
        names.push(name);
    }
    let query = "query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { artistSpace(id: $id) { projects(first: $first, after: $after, last: $last, before: $before) { totalCount nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }";
    let page1 = app.ok(t, query, json!({"id": space, "first": 2})).await?;
    let projects = &page1["artistSpace"]["projects"];
    assert_eq!(projects["totalCount"], 5);
    assert_eq!(projects["nodes"], json!([{"name": "P4"}, {"name": "P3"}]));
    assert_eq!(projects["pageInfo"]["hasNextPage"], true);
    let page2 = app
        .ok(
            t,
            query,
            json!({"id": space, "first": 2, "after": projects["pageInfo"]["endCursor"]}),
        )
        .await?;
    assert_eq!(
        page2["artistSpace"]["projects"]["nodes"],
        json!([{"name": "P2"}, {"name": "P1"}])
    );
    let back = app
        .ok(
            t,
            query,
            json!({"id": space, "last": 2, "before": page2["artistSpace"]["projects"]["pageInfo"]["startCursor"]}),
        )
        .await?;
    assert_eq!(
        back["artistSpace"]["projects"]["nodes"],
        json!([{"name": "P4"}, {"name": "P3"}])
    );
    for bad in [
        json!({"id": space, "first": 0}),
        json!({"id": space, "first": 101}),
        json!({"id": space, "first": 1, "last": 1}),
        json!({"id": space, "after": "zzz"}),
    ] {
        assert_eq!(code(&app.gql(t, query, bad).await?), "BAD_USER_INPUT");
    }
    let mine = app
        .ok(
            t,
            "{ myArtistSpaces(first: 10) { totalCount nodes { name } } me { artistSpaces { totalCount } } }",
            json!({}),
        )
        .await?;
    assert_eq!(mine["myArtistSpaces"]["totalCount"], 1);
    assert_eq!(mine["me"]["artistSpaces"]["totalCount"], 1);
    app.stop().await
}
