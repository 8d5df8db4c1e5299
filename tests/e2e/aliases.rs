//! Artist aliases: other names of a space, with slugs in the space namespace.

use backline_domain::ids::UserId;
use backline_domain::roles::Plan;
use backline_e2e::{TestApp, TestUser, code, str_at};
use serde_json::json;

const ADD: &str = "mutation($s: ID!, $n: String!, $slug: String) { addArtistAlias(input: {artistSpaceId: $s, name: $n, slug: $slug}) { id name slug status } }";
const BY_SLUG: &str = "query($slug: String!) { artistSpace(slug: $slug) { id name aliases { name slug status } } }";

async fn upgrade(app: &TestApp, user: &TestUser) -> anyhow::Result<()> {
    let id = uuid::Uuid::parse_str(user.id.trim_start_matches("usr_"))?;
    app.app().ports().users.set_plan(UserId(id), Plan::Pro).await?;
    Ok(())
}

#[tokio::test]
async fn aliases_share_the_space_namespace_and_open_the_space() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, viewer) = (app.user("alown").await?, app.user("alvie").await?);
    let place = app.hierarchy(&owner, "Midnight Owls").await?;
    let space = app
        .ok(
            Some(&owner.token),
            "query($s: ID!) { artistSpace(id: $s) { slug } }",
            json!({ "s": place.space }),
        )
        .await?;
    let space_slug = str_at(&space, "/artistSpace/slug")?;

    // A derived slug skips taken ones, including the space's own.
    let first = app
        .ok(
            Some(&owner.token),
            ADD,
            json!({ "s": place.space, "n": "Midnight Owls" }),
        )
        .await?;
    let first = &first["addArtistAlias"];
    assert_ne!(str_at(first, "/slug")?, space_slug);
    assert!(str_at(first, "/slug")?.starts_with(&space_slug), "{first}");
    assert_eq!(first["status"], "ACTIVE");
    assert!(str_at(first, "/id")?.starts_with("als_"));

    // A chosen slug needs PRO, and must be free among spaces and aliases.
    let free_plan = app
        .gql(
            Some(&owner.token),
            ADD,
            json!({ "s": place.space, "n": "DJ Owl", "slug": "dj-owl" }),
        )
        .await?;
    assert_eq!(code(&free_plan), "PLAN_REQUIRED", "{free_plan}");
    assert_eq!(free_plan["errors"][0]["extensions"]["requiredPlan"], "PRO");
    upgrade(&app, &owner).await?;
    app.ok(
        Some(&owner.token),
        ADD,
        json!({ "s": place.space, "n": "DJ Owl", "slug": "dj-owl" }),
    )
    .await?;
    for taken in ["dj-owl", space_slug.as_str()] {
        let body = app
            .gql(
                Some(&owner.token),
                ADD,
                json!({ "s": place.space, "n": "Again", "slug": taken }),
            )
            .await?;
        assert_eq!(code(&body), "CONFLICT", "{taken}: {body}");
    }
    let clash = app
        .gql(
            Some(&owner.token),
            "mutation { createArtistSpace(input: {name: \"Other\", slug: \"dj-owl\"}) { id } }",
            json!({}),
        )
        .await?;
    assert_eq!(code(&clash), "CONFLICT", "a space cannot take an alias's slug: {clash}");

    // The alias slug opens the space, for those who can read it.
    let opened = app.ok(Some(&owner.token), BY_SLUG, json!({ "slug": "dj-owl" })).await?;
    assert_eq!(opened["artistSpace"]["id"], json!(place.space));
    assert_eq!(opened["artistSpace"]["aliases"].as_array().map(Vec::len), Some(2));
    let hidden = app
        .gql(Some(&viewer.token), BY_SLUG, json!({ "slug": "dj-owl" }))
        .await?;
    assert_eq!(code(&hidden), "NOT_FOUND");

    // Archived: the slug stays reserved but no longer opens the space. Only ArtistSpace U.
    let alias_id = app.ok(Some(&owner.token), BY_SLUG, json!({ "slug": "dj-owl" })).await?;
    let dj = alias_id["artistSpace"]["aliases"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["slug"] == "dj-owl"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(dj["name"], "DJ Owl");
    let listed = app
        .ok(
            Some(&owner.token),
            "query($s: ID!) { artistSpace(id: $s) { aliases { id slug } } }",
            json!({ "s": place.space }),
        )
        .await?;
    let dj_id = listed["artistSpace"]["aliases"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["slug"] == "dj-owl"))
        .map(|item| item["id"].clone())
        .unwrap_or_default();
    let update =
        "mutation($id: ID!, $status: AliasStatus) { updateArtistAlias(input: {id: $id, status: $status}) { status } }";
    let by_viewer = app
        .gql(
            Some(&viewer.token),
            update,
            json!({ "id": dj_id, "status": "ARCHIVED" }),
        )
        .await?;
    assert_eq!(code(&by_viewer), "NOT_FOUND", "{by_viewer}");
    let archived = app
        .ok(Some(&owner.token), update, json!({ "id": dj_id, "status": "ARCHIVED" }))
        .await?;
    assert_eq!(archived["updateArtistAlias"]["status"], "ARCHIVED");
    let closed = app
        .gql(Some(&owner.token), BY_SLUG, json!({ "slug": "dj-owl" }))
        .await?;
    assert_eq!(code(&closed), "NOT_FOUND", "{closed}");
    let still_taken = app
        .gql(
            Some(&owner.token),
            ADD,
            json!({ "s": place.space, "n": "Again", "slug": "dj-owl" }),
        )
        .await?;
    assert_eq!(code(&still_taken), "CONFLICT");

    // Bad input.
    let empty = app
        .gql(Some(&owner.token), ADD, json!({ "s": place.space, "n": "  " }))
        .await?;
    assert_eq!(code(&empty), "BAD_USER_INPUT");
    assert_eq!(empty["errors"][0]["extensions"]["field"], "name");
    let wrong_id = app
        .gql(Some(&owner.token), ADD, json!({ "s": place.track, "n": "X" }))
        .await?;
    assert_eq!(code(&wrong_id), "BAD_USER_INPUT");
    assert_eq!(wrong_id["errors"][0]["extensions"]["field"], "artistSpaceId");
    app.stop().await
}

#[tokio::test]
async fn a_slug_raced_for_by_a_space_and_an_alias_goes_to_exactly_one() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let owner = app.user("alrac").await?;
    let place = app.hierarchy(&owner, "Racers").await?;
    upgrade(&app, &owner).await?;
    const SPACE: &str = "mutation($slug: String!) { createArtistSpace(input: {name: \"Rival\", slug: $slug}) { id } }";
    const RENAME: &str =
        "mutation($s: ID!, $slug: String!) { updateArtistSpace(id: $s, input: {slug: $slug}) { slug } }";
    for round in 0..6 {
        let slug = format!("contested-{round}");
        // A new space, an alias and a slug change of an existing space all want the same slug.
        let (created, aliased, renamed) = tokio::join!(
            app.gql(Some(&owner.token), SPACE, json!({ "slug": slug })),
            app.gql(
                Some(&owner.token),
                ADD,
                json!({ "s": place.space, "n": "Alias", "slug": slug })
            ),
            app.gql(Some(&owner.token), RENAME, json!({ "s": place.space, "slug": slug })),
        );
        let outcomes = [created?, aliased?, renamed?];
        let winners = outcomes.iter().filter(|body| body.get("errors").is_none()).count();
        assert_eq!(winners, 1, "round {round}: {outcomes:?}");
        for body in outcomes.iter().filter(|body| body.get("errors").is_some()) {
            assert_eq!(code(body), "CONFLICT", "{body}");
        }
        // Whoever won, the slug opens exactly one space.
        let opened = app.ok(Some(&owner.token), BY_SLUG, json!({ "slug": slug })).await?;
        assert!(opened["artistSpace"]["id"].is_string(), "{opened}");
    }
    app.stop().await
}
