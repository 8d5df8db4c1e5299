//! `node(id:)` answers for every kind of id the API hands out, for whoever may see the object,
//! and answers null (never an error, never a hint) for everyone else.

use backline_audio::testing::tone;
use backline_e2e::{TestApp, Upload, str_at};
use serde_json::{Value, json};

const NODE: &str = "query($id: ID!) { node(id: $id) { id __typename } }";

fn jpeg() -> Vec<u8> {
    use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
    let picture = RgbImage::from_fn(16, 16, |x, y| Rgb([x as u8, y as u8, 7]));
    let mut out = std::io::Cursor::new(Vec::new());
    let written = DynamicImage::ImageRgb8(picture).write_to(&mut out, ImageFormat::Jpeg);
    assert!(written.is_ok());
    out.into_inner()
}

#[tokio::test]
async fn every_kind_of_id_resolves_through_node_for_whoever_may_see_it() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, editor, outsider) = (
        app.user("nodeown").await?,
        app.user("nodeed").await?,
        app.user("nodeout").await?,
    );
    let token = Some(owner.token.as_str());
    let place = app.hierarchy(&owner, "Node Kinds").await?;
    app.ok(
        token,
        "mutation($r: ID!, $u: String!) { addCollaborator(input: {resourceId: $r, username: $u, role: EDITOR}) { role } }",
        json!({"r": place.space, "u": editor.username}),
    )
    .await?;
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
        .await?;
    let file = str_at(&file, "/id")?;
    // The editor's comment notifies the owner.
    let comment = app
        .ok(
            Some(&editor.token),
            "mutation($f: ID!) { addComment(input: {fileId: $f, content: \"node\"}) { id } }",
            json!({"f": file}),
        )
        .await?;
    let notification = app
        .ok(token, "{ notifications(first: 1) { nodes { id } } }", json!({}))
        .await?;
    let session = app.ok(token, "{ me { sessions { id } } }", json!({})).await?;
    let invite_link = app
        .ok(
            token,
            "mutation($r: ID!) { createInviteLink(input: {resourceId: $r, role: VIEWER}) { id } }",
            json!({"r": place.project}),
        )
        .await?;
    let invitation = app
        .ok(
            token,
            "mutation($r: ID!) { inviteByEmail(input: {resourceId: $r, email: \"node@example.com\", role: VIEWER}) { id } }",
            json!({"r": place.track}),
        )
        .await?;
    let alias = app
        .ok(
            token,
            "mutation($s: ID!) { addArtistAlias(input: {artistSpaceId: $s, name: \"Node Alias\"}) { id } }",
            json!({"s": place.space}),
        )
        .await?;
    let review_link = app
        .ok(
            token,
            "mutation($t: ID!) { createReviewLink(input: {trackId: $t, versions: LATEST}) { id } }",
            json!({"t": place.track}),
        )
        .await?;
    let organization = app
        .ok(
            token,
            "mutation { createOrganization(input: {name: \"Node Records\"}) { id } }",
            json!({}),
        )
        .await?;
    let organization = str_at(&organization, "/createOrganization/id")?;
    let slug = app
        .ok(
            token,
            "query($s: ID!) { artistSpace(id: $s) { slug } }",
            json!({"s": place.space}),
        )
        .await?;
    let roster = app
        .ok(
            token,
            "mutation($o: ID!, $slug: String!) { requestRoster(input: {organizationId: $o, artistSpaceSlug: $slug}) { id } }",
            json!({"o": organization, "slug": str_at(&slug, "/artistSpace/slug")?}),
        )
        .await?;
    let image = app
        .multipart(
            token,
            "mutation($input: UploadImageInput!) { uploadImage(input: $input) { id } }",
            json!({"input": {"target": "USER_AVATAR", "targetId": owner.id, "file": null}}),
            "variables.input.file",
            Upload::new("me.jpg", &jpeg()),
        )
        .await?;
    let document = app
        .multipart(
            token,
            "mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { id } }",
            json!({"input": {"artistSpaceId": place.space, "file": null}}),
            "variables.input.file",
            Upload::new("kit.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"),
        )
        .await?;

    let ids: Vec<(&str, String)> = vec![
        ("User", owner.id.clone()),
        ("ArtistSpace", place.space.clone()),
        ("Project", place.project.clone()),
        ("Track", place.track.clone()),
        ("File", file.clone()),
        ("Comment", str_at(&comment, "/addComment/id")?),
        ("Notification", str_at(&notification, "/notifications/nodes/0/id")?),
        ("Session", str_at(&session, "/me/sessions/0/id")?),
        ("InviteLink", str_at(&invite_link, "/createInviteLink/id")?),
        ("Invitation", str_at(&invitation, "/inviteByEmail/id")?),
        ("ArtistAlias", str_at(&alias, "/addArtistAlias/id")?),
        ("ReviewLink", str_at(&review_link, "/createReviewLink/id")?),
        ("Organization", organization.clone()),
        ("RosterEntry", str_at(&roster, "/requestRoster/id")?),
        ("Image", str_at(&image, "/data/uploadImage/id")?),
        ("Document", str_at(&document, "/data/uploadDocument/id")?),
    ];
    let mut prefixes: Vec<&str> = ids.iter().filter_map(|(_, id)| id.split('_').next()).collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    assert_eq!(prefixes.len(), 16, "one of every kind: {prefixes:?}");
    for (typename, id) in &ids {
        let found = app.ok(token, NODE, json!({"id": id})).await?;
        assert_eq!(found["node"], json!({"id": id, "__typename": typename}), "{typename}");
        // A signed-in stranger learns nothing (users are public profiles).
        let stranger = app.gql(Some(&outsider.token), NODE, json!({"id": id})).await?;
        if *typename != "User" {
            assert_eq!(
                stranger,
                json!({"data": {"node": Value::Null}}),
                "{typename}: {stranger}"
            );
        }
    }
    app.stop().await
}
