//! Labels: organizations with members keep a roster of artist spaces; artist profiles.

use backline_audio::testing::tone;
use backline_e2e::{TestApp, Upload, code, header, str_at};
use serde_json::json;

use crate::live::{connect_to, next_after_warm_up, subscribe, until_live};

const CREATE_ORG: &str =
    "mutation($n: String!, $s: String) { createOrganization(input: {name: $n, slug: $s}) { id name slug viewerRole } }";
const SET_MEMBER: &str = "mutation($o: ID!, $u: ID!, $r: OrganizationRole!) { setOrganizationMember(organizationId: $o, userId: $u, role: $r) { role user { username } } }";
const REMOVE_MEMBER: &str = "mutation($o: ID!, $u: ID!) { removeOrganizationMember(organizationId: $o, userId: $u) }";
const REQUEST: &str = "mutation($o: ID!, $id: ID, $slug: String) { requestRoster(input: {organizationId: $o, artistSpaceId: $id, artistSpaceSlug: $slug}) { id status organizationName artistSpaceName requestedBy { username } } }";
const ACCEPT: &str = "mutation($id: ID!) { acceptRosterRequest(id: $id) { status decidedAt } }";
const DECLINE: &str = "mutation($id: ID!) { declineRosterRequest(id: $id) { status } }";
const LEAVE: &str = "mutation($id: ID!) { removeFromRoster(id: $id) { status } }";
const SPACE: &str = "query($s: ID!) { artistSpace(id: $s) { name viewerRole } }";
const ORG: &str = "query($o: ID!) { organization(id: $o) { name viewerRole members { role user { username } } roster { artistSpaceName status artistSpace { name } } } }";

#[tokio::test]
async fn a_label_rosters_a_space_and_its_admins_act_as_admin_until_it_leaves() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let artist = app.user("lbart").await?;
    let (boss, admin, member, outsider) = (
        app.user("lbbos").await?,
        app.user("lbadm").await?,
        app.user("lbmem").await?,
        app.user("lbout").await?,
    );
    let place = app.hierarchy(&artist, "Midnight Owls").await?;
    let slug = app
        .ok(
            Some(&artist.token),
            "query($s: ID!) { artistSpace(id: $s) { slug } }",
            json!({ "s": place.space }),
        )
        .await?;
    let slug = str_at(&slug, "/artistSpace/slug")?;

    // An organization: a chosen slug needs PRO; the creator is its OWNER.
    let chosen = app
        .gql(
            Some(&boss.token),
            CREATE_ORG,
            json!({ "n": "Night Records", "s": "nightrec" }),
        )
        .await?;
    assert_eq!(code(&chosen), "PLAN_REQUIRED", "{chosen}");
    let org = app
        .ok(Some(&boss.token), CREATE_ORG, json!({ "n": "Night Records" }))
        .await?;
    let org = &org["createOrganization"];
    assert_eq!(org["slug"], "night-records");
    assert_eq!(org["viewerRole"], "OWNER");
    let org_id = str_at(org, "/id")?;
    assert!(org_id.starts_with("org_"));
    let twin = app
        .ok(Some(&outsider.token), CREATE_ORG, json!({ "n": "Night Records" }))
        .await?;
    assert_eq!(twin["createOrganization"]["slug"], "night-records-2");

    app.ok(
        Some(&boss.token),
        SET_MEMBER,
        json!({ "o": org_id, "u": admin.id, "r": "ADMIN" }),
    )
    .await?;
    app.ok(
        Some(&admin.token),
        SET_MEMBER,
        json!({ "o": org_id, "u": member.id, "r": "MEMBER" }),
    )
    .await?;
    // Admins add plain members only; outsiders do not see the organization at all.
    let promote = app
        .gql(
            Some(&admin.token),
            SET_MEMBER,
            json!({ "o": org_id, "u": outsider.id, "r": "ADMIN" }),
        )
        .await?;
    assert_eq!(code(&promote), "FORBIDDEN", "{promote}");
    let hidden = app.gql(Some(&outsider.token), ORG, json!({ "o": org_id })).await?;
    assert_eq!(code(&hidden), "NOT_FOUND", "{hidden}");
    let members = app.ok(Some(&member.token), ORG, json!({ "o": org_id })).await?;
    assert_eq!(members["organization"]["members"][0]["role"], "OWNER");
    assert_eq!(members["organization"]["members"].as_array().map(Vec::len), Some(3));

    // Before the roster, the label's admin cannot see the space.
    let before = app.gql(Some(&admin.token), SPACE, json!({ "s": place.space })).await?;
    assert_eq!(code(&before), "NOT_FOUND", "{before}");

    // Members cannot ask; admins ask by slug; asking twice is a conflict.
    let by_member = app
        .gql(Some(&member.token), REQUEST, json!({ "o": org_id, "slug": slug }))
        .await?;
    assert_eq!(code(&by_member), "FORBIDDEN", "{by_member}");
    let neither = app.gql(Some(&admin.token), REQUEST, json!({ "o": org_id })).await?;
    assert_eq!(code(&neither), "BAD_USER_INPUT", "{neither}");
    let asked = app
        .ok(Some(&admin.token), REQUEST, json!({ "o": org_id, "slug": slug }))
        .await?;
    let asked = &asked["requestRoster"];
    assert_eq!(asked["status"], "PENDING");
    assert_eq!(asked["organizationName"], "Night Records");
    assert_eq!(asked["artistSpaceName"], "Midnight Owls");
    let entry = str_at(asked, "/id")?;
    let again = app
        .gql(Some(&boss.token), REQUEST, json!({ "o": org_id, "slug": slug }))
        .await?;
    assert_eq!(code(&again), "CONFLICT", "{again}");
    // By id, a space the label cannot read is unknown to it.
    let by_id = app
        .gql(Some(&boss.token), REQUEST, json!({ "o": org_id, "id": place.space }))
        .await?;
    assert_eq!(code(&by_id), "NOT_FOUND", "{by_id}");

    // The space's owner sees the request and is told.
    let requests = app
        .ok(
            Some(&artist.token),
            "query($s: ID!) { artistSpace(id: $s) { rosterRequests { id status organizationName } } }",
            json!({ "s": place.space }),
        )
        .await?;
    assert_eq!(
        requests["artistSpace"]["rosterRequests"],
        json!([{ "id": entry, "status": "PENDING", "organizationName": "Night Records" }])
    );
    let inbox = app
        .ok(
            Some(&artist.token),
            "{ notifications(first: 5) { nodes { type title } } }",
            json!({}),
        )
        .await?;
    assert_eq!(inbox["notifications"]["nodes"][0]["type"], "NEW_INVITE");
    assert!(str_at(&inbox, "/notifications/nodes/0/title")?.contains("Night Records"));

    // Only the space's owner answers.
    let self_accept = app.gql(Some(&admin.token), ACCEPT, json!({ "id": entry })).await?;
    assert_eq!(code(&self_accept), "NOT_FOUND", "{self_accept}");
    let accepted = app.ok(Some(&artist.token), ACCEPT, json!({ "id": entry })).await?;
    assert_eq!(accepted["acceptRosterRequest"]["status"], "ACTIVE");

    // Now the label's owners and admins act as ADMIN (never OWNER); plain members do not.
    for user in [&boss, &admin] {
        let space = app.ok(Some(&user.token), SPACE, json!({ "s": place.space })).await?;
        assert_eq!(space["artistSpace"]["viewerRole"], "ADMIN", "{}", user.username);
    }
    let plain = app.gql(Some(&member.token), SPACE, json!({ "s": place.space })).await?;
    assert_eq!(code(&plain), "NOT_FOUND", "{plain}");
    app.ok(
        Some(&admin.token),
        "mutation($s: ID!) { updateArtistProfile(artistSpaceId: $s, input: {about: \"Signed to Night Records\"}) { profile { about } } }",
        json!({ "s": place.space }),
    )
    .await?;
    let delete = app
        .gql(
            Some(&admin.token),
            "mutation($s: ID!) { deleteArtistSpace(id: $s) }",
            json!({ "s": place.space }),
        )
        .await?;
    assert_eq!(code(&delete), "FORBIDDEN", "{delete}");
    // Every member sees the roster; the space itself opens for the owners and admins only.
    let roster = app.ok(Some(&member.token), ORG, json!({ "o": org_id })).await?;
    assert_eq!(
        roster["organization"]["roster"],
        json!([{ "artistSpaceName": "Midnight Owls", "status": "ACTIVE", "artistSpace": null }])
    );
    let roster = app.ok(Some(&admin.token), ORG, json!({ "o": org_id })).await?;
    assert_eq!(
        roster["organization"]["roster"][0]["artistSpace"]["name"],
        "Midnight Owls"
    );

    // The admin watches the track live; leaving the roster ends it and the access.
    let bytes = tone(8_000, 1, 8_000);
    let file = app
        .upload_ok(&artist.token, &place.track, Upload::new("demo.wav", &bytes))
        .await?;
    let mut watcher = connect_to(&app.base, &admin.token).await?;
    subscribe(&mut watcher, "w", &place.track).await?;
    until_live(&app, &mut watcher, &artist.token, &str_at(&file, "/id")?).await?;
    let left = app.ok(Some(&artist.token), LEAVE, json!({ "id": entry })).await?;
    assert_eq!(left["removeFromRoster"]["status"], "REMOVED");
    let ended = next_after_warm_up(&mut watcher).await?;
    assert_eq!(
        ended["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{ended}"
    );
    let after = app.gql(Some(&admin.token), SPACE, json!({ "s": place.space })).await?;
    assert_eq!(code(&after), "NOT_FOUND", "{after}");

    // Asking again (by the public slug: the label no longer reads the space) reopens the
    // entry; the owner may decline.
    let reopened = app
        .ok(Some(&boss.token), REQUEST, json!({ "o": org_id, "slug": slug }))
        .await?;
    assert_eq!(reopened["requestRoster"]["id"], entry.as_str());
    assert_eq!(reopened["requestRoster"]["status"], "PENDING");
    let declined = app.ok(Some(&artist.token), DECLINE, json!({ "id": entry })).await?;
    assert_eq!(declined["declineRosterRequest"]["status"], "DECLINED");
    let late = app.gql(Some(&artist.token), ACCEPT, json!({ "id": entry })).await?;
    assert_eq!(code(&late), "CONFLICT", "{late}");

    // Membership: admins cannot remove owners, the last owner cannot leave, members may leave.
    let oust = app
        .gql(Some(&admin.token), REMOVE_MEMBER, json!({ "o": org_id, "u": boss.id }))
        .await?;
    assert_eq!(code(&oust), "FORBIDDEN", "{oust}");
    let last = app
        .gql(Some(&boss.token), REMOVE_MEMBER, json!({ "o": org_id, "u": boss.id }))
        .await?;
    assert_eq!(code(&last), "CONFLICT", "{last}");
    app.ok(
        Some(&member.token),
        REMOVE_MEMBER,
        json!({ "o": org_id, "u": member.id }),
    )
    .await?;
    let mine = app
        .ok(
            Some(&admin.token),
            "{ myOrganizations { totalCount nodes { name viewerRole } } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        mine["myOrganizations"],
        json!({ "totalCount": 1, "nodes": [{ "name": "Night Records", "viewerRole": "ADMIN" }] })
    );
    app.stop().await
}

const PROFILE: &str = "mutation($s: ID!, $input: UpdateArtistProfileInput!) { updateArtistProfile(artistSpaceId: $s, input: $input) {
  countryCode profile { about socials { platform handle url } pressKits { title url file { id name } } visuals { kind url caption } } } }";

#[tokio::test]
async fn artist_profiles_are_edited_by_admins_and_checked_whole() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, viewer) = (app.user("prown").await?, app.user("prvie").await?);
    let place = app.hierarchy(&owner, "Persona One").await?;
    let other = app.hierarchy(&owner, "Persona Two").await?;
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: ID!) { addCollaborator(input: {resourceId: $r, userId: $u, role: VIEWER}) { role } }",
        json!({ "r": place.space, "u": viewer.id }),
    )
    .await?;
    let bytes = tone(8_000, 1, 8_000);
    let kit = app
        .upload_ok(&owner.token, &place.track, Upload::new("epk-teaser.wav", &bytes))
        .await?;
    let kit = str_at(&kit, "/id")?;
    let foreign = app
        .upload_ok(&owner.token, &other.track, Upload::new("other.wav", &bytes))
        .await?;
    let foreign = str_at(&foreign, "/id")?;

    // A user may own several spaces (personas); `me.artistSpaces` lists them.
    let me = app
        .ok(
            Some(&owner.token),
            "{ me { artistSpaces { totalCount nodes { name } } } }",
            json!({}),
        )
        .await?;
    assert_eq!(me["me"]["artistSpaces"]["totalCount"], 2);

    let full = json!({
        "about": "Midnight Owls are a duo from Malmö.\n\nThey record at night.",
        "socials": [{ "platform": "Instagram", "handle": "@midnightowls", "url": "https://instagram.com/midnightowls" },
                    { "platform": "tiktok", "handle": "@owls" }],
        "pressKits": [{ "title": "EPK 2026", "url": "https://owls.example/epk.pdf" },
                      { "title": "Teaser", "fileId": kit }],
        "visuals": [{ "kind": "PHOTO", "url": "https://owls.example/press.jpg", "caption": "Photo: A. Berg" }],
        "countryCode": "se"
    });
    let saved = app
        .ok(Some(&owner.token), PROFILE, json!({ "s": place.space, "input": full }))
        .await?;
    let saved = &saved["updateArtistProfile"];
    assert_eq!(saved["countryCode"], "SE");
    assert_eq!(saved["profile"]["socials"][0]["platform"], "instagram");
    assert!(saved["profile"]["socials"][1]["url"].is_null());
    assert_eq!(saved["profile"]["pressKits"][1]["file"]["id"], kit.as_str());
    assert_eq!(saved["profile"]["pressKits"][0]["file"], serde_json::Value::Null);
    assert_eq!(saved["profile"]["visuals"][0]["kind"], "PHOTO");

    // Every refusal names its field and writes nothing.
    let refusals = [
        (
            json!({ "about": "changed", "pressKits": [{ "title": "Both", "url": "https://a.example", "fileId": kit }] }),
            "pressKits",
        ),
        (
            json!({ "about": "changed", "pressKits": [{ "title": "Elsewhere", "fileId": foreign }] }),
            "pressKits",
        ),
        (
            json!({ "about": "changed", "socials": [{ "platform": "x", "handle": "a" }, { "platform": "X", "handle": "b" }] }),
            "socials",
        ),
        (
            json!({ "about": "changed", "visuals": [{ "kind": "VIDEO", "url": "javascript:alert(1)" }] }),
            "visuals",
        ),
        (json!({ "about": "x".repeat(20_001) }), "about"),
        (json!({ "about": "changed", "countryCode": "Sweden" }), "countryCode"),
    ];
    for (input, field) in refusals {
        let body = app
            .gql(Some(&owner.token), PROFILE, json!({ "s": place.space, "input": input }))
            .await?;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{field}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let read = app
        .ok(
            Some(&viewer.token),
            "query($s: ID!) { artistSpace(id: $s) { countryCode profile { about socials { handle } } } }",
            json!({ "s": place.space }),
        )
        .await?;
    assert_eq!(read["artistSpace"]["countryCode"], "SE");
    assert_eq!(
        read["artistSpace"]["profile"]["about"],
        "Midnight Owls are a duo from Malmö.\n\nThey record at night."
    );
    assert_eq!(
        read["artistSpace"]["profile"]["socials"].as_array().map(Vec::len),
        Some(2)
    );

    // Viewers read but do not edit; an untouched space has an empty profile.
    let viewer_edit = app
        .gql(
            Some(&viewer.token),
            PROFILE,
            json!({ "s": place.space, "input": { "about": "hi" } }),
        )
        .await?;
    assert_eq!(code(&viewer_edit), "FORBIDDEN", "{viewer_edit}");
    let empty = app
        .ok(
            Some(&owner.token),
            "query($s: ID!) { artistSpace(id: $s) { profile { about socials { handle } pressKits { title } visuals { url } } } }",
            json!({ "s": other.space }),
        )
        .await?;
    assert_eq!(
        empty["artistSpace"]["profile"],
        json!({ "about": null, "socials": [], "pressKits": [], "visuals": [] })
    );
    app.stop().await
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
    let picture = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    let written = DynamicImage::ImageRgb8(picture).write_to(&mut out, ImageFormat::Jpeg);
    assert!(written.is_ok());
    out.into_inner()
}

async fn visual_upload(app: &TestApp, token: &str, space: &str, bytes: &[u8]) -> anyhow::Result<serde_json::Value> {
    app.multipart(
        Some(token),
        "mutation($input: UploadImageInput!) { uploadImage(input: $input) { id width } }",
        json!({ "input": { "target": "ARTIST_VISUAL", "targetId": space, "file": null } }),
        "variables.input.file",
        Upload::new("press.jpg", bytes),
    )
    .await
}

#[tokio::test]
async fn profile_visuals_are_uploaded_images_or_links() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, viewer) = (app.user("vsown").await?, app.user("vsvie").await?);
    let place = app.hierarchy(&owner, "Visual One").await?;
    let other = app.hierarchy(&owner, "Visual Two").await?;
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: ID!) { addCollaborator(input: {resourceId: $r, userId: $u, role: VIEWER}) { role } }",
        json!({ "r": place.space, "u": viewer.id }),
    )
    .await?;
    let before = app.storage_used(&owner.token).await?;
    let (first, second) = (
        visual_upload(&app, &owner.token, &place.space, &jpeg(120, 80)).await?,
        visual_upload(&app, &owner.token, &place.space, &jpeg(60, 60)).await?,
    );
    let first = str_at(&first, "/data/uploadImage/id")?;
    let second = str_at(&second, "/data/uploadImage/id")?;
    assert!(first.starts_with("img_"));
    let elsewhere = visual_upload(&app, &owner.token, &other.space, &jpeg(10, 10)).await?;
    let elsewhere = str_at(&elsewhere, "/data/uploadImage/id")?;
    let by_viewer = visual_upload(&app, &viewer.token, &place.space, &jpeg(10, 10)).await?;
    assert_eq!(code(&by_viewer), "FORBIDDEN", "{by_viewer}");
    // Visuals add up: uploading a second did not replace the first, nor the space's image.
    assert!(app.storage_used(&owner.token).await? > before);

    const VISUALS: &str =
        "mutation($s: ID!, $v: [VisualEntryInput!]) { updateArtistProfile(artistSpaceId: $s, input: {visuals: $v}) {
        profile { visuals { kind url caption image { id width thumbnailUrl } } } } }";
    let saved = app
        .ok(
            Some(&owner.token),
            VISUALS,
            json!({ "s": place.space, "v": [
                { "kind": "PHOTO", "imageId": first, "caption": "Live at Debaser" },
                { "kind": "ARTWORK", "imageId": second },
                { "kind": "VIDEO", "url": "https://video.example/owls" } ] }),
        )
        .await?;
    let visuals = &saved["updateArtistProfile"]["profile"]["visuals"];
    assert_eq!(visuals[0]["image"]["id"], first.as_str());
    assert_eq!(visuals[0]["image"]["width"], 120);
    assert!(visuals[0]["url"].is_null());
    assert_eq!(visuals[2]["url"], "https://video.example/owls");
    assert!(visuals[2]["image"].is_null());
    let thumbnail = app.http().get(str_at(visuals, "/0/image/thumbnailUrl")?).send().await?;
    assert_eq!(thumbnail.status(), 200);

    // Another space's image, or both a url and an image, are refused and nothing changes.
    for bad in [
        json!([{ "kind": "PHOTO", "imageId": elsewhere }]),
        json!([{ "kind": "PHOTO", "imageId": first, "url": "https://a.example/x.jpg" }]),
        json!([{ "kind": "PHOTO" }]),
    ] {
        let body = app
            .gql(Some(&owner.token), VISUALS, json!({ "s": place.space, "v": bad }))
            .await?;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "visuals");
    }

    // Dropping an uploaded visual from the profile deletes it and returns its bytes.
    let with_both = app.storage_used(&owner.token).await?;
    app.ok(
        Some(&owner.token),
        VISUALS,
        json!({ "s": place.space, "v": [{ "kind": "PHOTO", "imageId": first, "caption": "Live at Debaser" }] }),
    )
    .await?;
    assert!(app.storage_used(&owner.token).await? < with_both);
    let gone = app
        .gql(
            Some(&owner.token),
            VISUALS,
            json!({ "s": place.space, "v": [{ "kind": "ARTWORK", "imageId": second }] }),
        )
        .await?;
    assert_eq!(
        code(&gone),
        "BAD_USER_INPUT",
        "a deleted visual cannot come back: {gone}"
    );
    let read = app
        .ok(
            Some(&viewer.token),
            "query($s: ID!) { artistSpace(id: $s) { profile { visuals { caption image { id } } } } }",
            json!({ "s": place.space }),
        )
        .await?;
    assert_eq!(
        read["artistSpace"]["profile"]["visuals"],
        json!([{ "caption": "Live at Debaser", "image": { "id": first } }])
    );

    // An unlisted upload shows among the space's visual images and can be deleted on its own.
    let unlisted = visual_upload(&app, &owner.token, &place.space, &jpeg(30, 30)).await?;
    let unlisted = str_at(&unlisted, "/data/uploadImage/id")?;
    let images = app
        .ok(
            Some(&viewer.token),
            "query($s: ID!) { artistSpace(id: $s) { visualImages { id } } }",
            json!({ "s": place.space }),
        )
        .await?;
    assert_eq!(
        images["artistSpace"]["visualImages"],
        json!([{ "id": unlisted }, { "id": first }])
    );
    let with_unlisted = app.storage_used(&owner.token).await?;
    app.ok(
        Some(&owner.token),
        "mutation($i: ID!) { deleteArtistVisual(imageId: $i) }",
        json!({ "i": unlisted }),
    )
    .await?;
    assert!(app.storage_used(&owner.token).await? < with_unlisted);
    let not_visual = app
        .gql(
            Some(&owner.token),
            "mutation($i: ID!) { deleteArtistVisual(imageId: $i) }",
            json!({ "i": "img_00000000000000000000000000000000" }),
        )
        .await?;
    assert_eq!(code(&not_visual), "NOT_FOUND", "{not_visual}");
    app.stop().await
}

async fn document_upload(
    app: &TestApp,
    token: &str,
    space: &str,
    name: &str,
    bytes: &[u8],
) -> anyhow::Result<serde_json::Value> {
    app.multipart(
        Some(token),
        "mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { id name contentType size url } }",
        json!({ "input": { "artistSpaceId": space, "file": null } }),
        "variables.input.file",
        Upload::new(name, bytes),
    )
    .await
}

#[tokio::test]
async fn press_kit_documents_are_stored_listed_downloaded_and_released() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, viewer) = (app.user("dcown").await?, app.user("dcvie").await?);
    let place = app.hierarchy(&owner, "Docs One").await?;
    let other = app.hierarchy(&owner, "Docs Two").await?;
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: ID!) { addCollaborator(input: {resourceId: $r, userId: $u, role: VIEWER}) { role } }",
        json!({ "r": place.space, "u": viewer.id }),
    )
    .await?;
    let empty = app.storage_used(&owner.token).await?;
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
    let stored = document_upload(&app, &owner.token, &place.space, "EPK 2026.pdf", &pdf).await?;
    let stored = &stored["data"]["uploadDocument"];
    assert_eq!(stored["contentType"], "application/pdf");
    assert_eq!(stored["size"], pdf.len());
    assert_eq!(stored["name"], "EPK 2026.pdf");
    let document = str_at(stored, "/id")?;
    assert!(document.starts_with("doc_"));
    assert_eq!(app.storage_used(&owner.token).await?, empty + pdf.len() as i64);

    // Only PDFs and ZIPs, only by owners and admins.
    let audio = document_upload(&app, &owner.token, &place.space, "kit.pdf", &tone(8_000, 1, 800)).await?;
    assert_eq!(code(&audio), "BAD_USER_INPUT", "{audio}");
    let by_viewer = document_upload(&app, &viewer.token, &place.space, "kit.pdf", &pdf).await?;
    assert_eq!(code(&by_viewer), "FORBIDDEN", "{by_viewer}");
    let zip = document_upload(
        &app,
        &owner.token,
        &other.space,
        "photos.zip",
        b"PK\x03\x04\x14\x00rest-of-archive",
    )
    .await?;
    assert_eq!(zip["data"]["uploadDocument"]["contentType"], "application/zip");
    let foreign = str_at(&zip, "/data/uploadDocument/id")?;
    assert_eq!(app.storage_used(&owner.token).await?, empty + pdf.len() as i64 + 21);

    const KITS: &str = "mutation($s: ID!, $k: [PressKitEntryInput!]) { updateArtistProfile(artistSpaceId: $s, input: {pressKits: $k}) {
        profile { pressKits { title url document { id name url } file { id } } } } }";
    let listed = app
        .ok(
            Some(&owner.token),
            KITS,
            json!({ "s": place.space, "k": [{ "title": "EPK 2026", "documentId": document }] }),
        )
        .await?;
    let kit = &listed["updateArtistProfile"]["profile"]["pressKits"][0];
    assert_eq!(kit["document"]["id"], document.as_str());
    let download = app.http().get(str_at(kit, "/document/url")?).send().await?;
    assert_eq!(download.status(), 200);
    let disposition = header(&download, "content-disposition");
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(download.bytes().await?.to_vec(), pdf);
    let altered = str_at(kit, "/document/url")?.replace("sig=", "sig=00");
    assert_eq!(app.http().get(altered).send().await?.status(), 403);

    // Another space's document, or two sources in one kit, are refused.
    for bad in [
        json!([{ "title": "Theirs", "documentId": foreign }]),
        json!([{ "title": "Both", "documentId": document, "url": "https://a.example/kit.pdf" }]),
    ] {
        let body = app
            .gql(Some(&owner.token), KITS, json!({ "s": place.space, "k": bad }))
            .await?;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "pressKits");
    }

    // Dropping the kit deletes the document; deleting a space releases its documents.
    let url = str_at(kit, "/document/url")?;
    app.ok(Some(&owner.token), KITS, json!({ "s": place.space, "k": [] }))
        .await?;
    assert_eq!(app.http().get(url).send().await?.status(), 404);
    assert_eq!(app.storage_used(&owner.token).await?, empty + 21);

    // An upload never listed can be seen and deleted on its own (owners and admins only).
    let spare = document_upload(&app, &owner.token, &place.space, "spare.pdf", &pdf).await?;
    let spare = str_at(&spare, "/data/uploadDocument/id")?;
    app.ok(
        Some(&owner.token),
        KITS,
        json!({ "s": place.space, "k": [{ "title": "Spare", "documentId": spare }] }),
    )
    .await?;
    let listed = app
        .ok(
            Some(&viewer.token),
            "query($s: ID!) { artistSpace(id: $s) { documents { id name } } }",
            json!({ "s": place.space }),
        )
        .await?;
    assert_eq!(
        listed["artistSpace"]["documents"],
        json!([{ "id": spare, "name": "spare.pdf" }])
    );
    const DELETE: &str = "mutation($id: ID!) { deleteDocument(id: $id) }";
    let refused = app.gql(Some(&viewer.token), DELETE, json!({ "id": spare })).await?;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    app.ok(Some(&owner.token), DELETE, json!({ "id": spare })).await?;
    let profile = app
        .ok(
            Some(&owner.token),
            "query($s: ID!) { artistSpace(id: $s) { documents { id } profile { pressKits { title } } } }",
            json!({ "s": place.space }),
        )
        .await?;
    assert_eq!(profile["artistSpace"]["documents"], json!([]));
    assert_eq!(
        profile["artistSpace"]["profile"]["pressKits"],
        json!([]),
        "taken out of the profile too"
    );
    let twice = app.gql(Some(&owner.token), DELETE, json!({ "id": spare })).await?;
    assert_eq!(code(&twice), "NOT_FOUND", "{twice}");
    assert_eq!(app.storage_used(&owner.token).await?, empty + 21);
    app.ok(
        Some(&owner.token),
        "mutation($s: ID!) { deleteArtistSpace(id: $s) }",
        json!({ "s": other.space }),
    )
    .await?;
    assert_eq!(app.storage_used(&owner.token).await?, empty);
    app.stop().await
}
