//! A resource the caller may not read answers exactly as one that does not exist: the same code
//! and the same message, for another user's real id and for an invented id of the same kind.
//! And a private artist space stays unknown to a label that asks to roster it by id.

use backline_audio::testing::tone;
use backline_e2e::{TestApp, TestUser, Upload, code, str_at};
use serde_json::{Value, json};

/// An invented id of the kind whose prefix is `prefix` (`fil`, `cmt`, …).
fn invented(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

/// The first error's code and message, or the data when there was none.
fn refusal(body: &Value) -> (String, String) {
    (
        code(body),
        body.pointer("/errors/0/message")
            .and_then(Value::as_str)
            .map_or_else(|| format!("no error: {body}"), str::to_owned),
    )
}

fn jpeg() -> Vec<u8> {
    use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
    let picture = RgbImage::from_fn(32, 32, |x, y| Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    let written = DynamicImage::ImageRgb8(picture).write_to(&mut out, ImageFormat::Jpeg);
    assert!(written.is_ok());
    out.into_inner()
}

/// Everything another user owns, one of each kind.
struct Victim {
    file: String,
    comment: String,
    invitation: String,
    invite_link: String,
    review_link: String,
    document: String,
    visual: String,
}

async fn victim(app: &TestApp, owner: &TestUser) -> anyhow::Result<Victim> {
    let token = Some(owner.token.as_str());
    let place = app.hierarchy(owner, "Private Place").await?;
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
        .await?;
    let file = str_at(&file, "/id")?;
    let comment = app
        .ok(
            token,
            "mutation($f: ID!) { addComment(input: {fileId: $f, content: \"mine\"}) { id } }",
            json!({ "f": file }),
        )
        .await?;
    let invitation = app
        .ok(
            token,
            "mutation($r: ID!) { inviteByEmail(input: {resourceId: $r, email: \"someone@example.com\", role: VIEWER}) { id } }",
            json!({ "r": place.project }),
        )
        .await?;
    let invite_link = app
        .ok(
            token,
            "mutation($r: ID!) { createInviteLink(input: {resourceId: $r, role: VIEWER}) { id } }",
            json!({ "r": place.project }),
        )
        .await?;
    let review_link = app
        .ok(
            token,
            "mutation($t: ID!) { createReviewLink(input: {trackId: $t, versions: LATEST}) { id } }",
            json!({ "t": place.track }),
        )
        .await?;
    let document = app
        .multipart(
            token,
            "mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { id } }",
            json!({ "input": { "artistSpaceId": place.space, "file": null } }),
            "variables.input.file",
            Upload::new("kit.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"),
        )
        .await?;
    let visual = app
        .multipart(
            token,
            "mutation($input: UploadImageInput!) { uploadImage(input: $input) { id } }",
            json!({ "input": { "target": "ARTIST_VISUAL", "targetId": place.space, "file": null } }),
            "variables.input.file",
            Upload::new("press.jpg", &jpeg()),
        )
        .await?;
    Ok(Victim {
        file,
        comment: str_at(&comment, "/addComment/id")?,
        invitation: str_at(&invitation, "/inviteByEmail/id")?,
        invite_link: str_at(&invite_link, "/createInviteLink/id")?,
        review_link: str_at(&review_link, "/createReviewLink/id")?,
        document: str_at(&document, "/data/uploadDocument/id")?,
        visual: str_at(&visual, "/data/uploadImage/id")?,
    })
}

#[tokio::test]
async fn another_users_ids_answer_exactly_as_invented_ones() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, outsider) = (app.user("nfown").await?, app.user("nfout").await?);
    let victim = victim(&app, &owner).await?;
    // (what, operation with $id, the real id, the kind's prefix)
    let probes: [(&str, &str, &str, &str); 19] = [
        ("file", "query($id: ID!) { file(id: $id) { id } }", &victim.file, "fil"),
        (
            "approveFileVersion",
            "mutation($id: ID!) { approveFileVersion(fileId: $id) { id } }",
            &victim.file,
            "fil",
        ),
        (
            "deleteFile",
            "mutation($id: ID!) { deleteFile(fileId: $id) }",
            &victim.file,
            "fil",
        ),
        (
            "addComment",
            "mutation($id: ID!) { addComment(input: {fileId: $id, content: \"x\"}) { id } }",
            &victim.file,
            "fil",
        ),
        (
            "comment",
            "query($id: ID!) { comment(id: $id) { id } }",
            &victim.comment,
            "cmt",
        ),
        (
            "editComment",
            "mutation($id: ID!) { editComment(input: {commentId: $id, content: \"x\"}) { id } }",
            &victim.comment,
            "cmt",
        ),
        (
            "replyToComment",
            "mutation($id: ID!) { replyToComment(input: {commentId: $id, content: \"x\"}) { id } }",
            &victim.comment,
            "cmt",
        ),
        (
            "deleteComment",
            "mutation($id: ID!) { deleteComment(commentId: $id) }",
            &victim.comment,
            "cmt",
        ),
        (
            "likeComment",
            "mutation($id: ID!) { likeComment(commentId: $id) { id } }",
            &victim.comment,
            "cmt",
        ),
        (
            "resolveComment",
            "mutation($id: ID!) { resolveComment(commentId: $id) { id } }",
            &victim.comment,
            "cmt",
        ),
        (
            "declineInvitation",
            "mutation($id: ID!) { declineInvitation(id: $id) { id } }",
            &victim.invitation,
            "ivt",
        ),
        (
            "revokeInvitation",
            "mutation($id: ID!) { revokeInvitation(id: $id) { id } }",
            &victim.invitation,
            "ivt",
        ),
        (
            "resendInvitation",
            "mutation($id: ID!) { resendInvitation(id: $id) { id } }",
            &victim.invitation,
            "ivt",
        ),
        (
            "revokeInviteLink",
            "mutation($id: ID!) { revokeInviteLink(id: $id) { id } }",
            &victim.invite_link,
            "inv",
        ),
        (
            "revokeReviewLink",
            "mutation($id: ID!) { revokeReviewLink(id: $id) { id } }",
            &victim.review_link,
            "rvl",
        ),
        (
            "deleteDocument",
            "mutation($id: ID!) { deleteDocument(id: $id) }",
            &victim.document,
            "doc",
        ),
        (
            "deleteArtistVisual",
            "mutation($id: ID!) { deleteArtistVisual(imageId: $id) }",
            &victim.visual,
            "img",
        ),
        (
            "node(file)",
            "query($id: ID!) { node(id: $id) { id } }",
            &victim.file,
            "fil",
        ),
        (
            "node(comment)",
            "query($id: ID!) { node(id: $id) { id } }",
            &victim.comment,
            "cmt",
        ),
    ];
    let mut leaks = Vec::new();
    for (what, operation, real, prefix) in probes {
        let token = Some(outsider.token.as_str());
        let for_real = app.gql(token, operation, json!({ "id": real })).await?;
        let for_invented = app.gql(token, operation, json!({ "id": invented(prefix) })).await?;
        if what.starts_with("node") {
            // `node` answers null for both, without an error.
            if for_real != for_invented {
                leaks.push(format!("{what}: real {for_real} / invented {for_invented}"));
            }
            continue;
        }
        let (real_code, real_message) = refusal(&for_real);
        let (invented_code, invented_message) = refusal(&for_invented);
        assert_eq!(invented_code, "NOT_FOUND", "{what}: {for_invented}");
        if (real_code.as_str(), real_message.as_str()) != (invented_code.as_str(), invented_message.as_str()) {
            leaks.push(format!(
                "{what}: real id → {real_code} '{real_message}', invented → {invented_code} '{invented_message}'"
            ));
        }
    }
    assert!(
        leaks.is_empty(),
        "answers that tell a real id from an invented one:\n{}",
        leaks.join("\n")
    );

    // Nothing was changed by the refused calls: the owner still sees the comment unedited.
    let seen = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { comment(id: $id) { content likeCount isResolved } }",
            json!({ "id": victim.comment }),
        )
        .await?;
    assert_eq!(
        seen["comment"],
        json!({ "content": "mine", "likeCount": 0, "isResolved": false })
    );
    app.stop().await
}

const CREATE_ORG: &str = "mutation($n: String!) { createOrganization(input: {name: $n}) { id } }";
const REQUEST: &str = "mutation($o: ID!, $id: ID, $slug: String) { requestRoster(input: {organizationId: $o, artistSpaceId: $id, artistSpaceSlug: $slug}) { id artistSpaceName } }";

#[tokio::test]
async fn a_private_space_asked_for_by_id_answers_as_a_space_that_does_not_exist() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (artist, label) = (app.user("rsart").await?, app.user("rslab").await?);
    let place = app.hierarchy(&artist, "Secret Band Name").await?;
    let org = app
        .ok(Some(&label.token), CREATE_ORG, json!({ "n": "Snoop Records" }))
        .await?;
    let org = str_at(&org, "/createOrganization/id")?;

    let by_real_id = app
        .gql(Some(&label.token), REQUEST, json!({ "o": org, "id": place.space }))
        .await?;
    let by_invented_id = app
        .gql(Some(&label.token), REQUEST, json!({ "o": org, "id": invented("spc") }))
        .await?;
    assert!(
        !by_real_id.to_string().contains("Secret Band Name"),
        "the private name leaks: {by_real_id}"
    );
    assert_eq!(
        refusal(&by_real_id),
        refusal(&by_invented_id),
        "{by_real_id} / {by_invented_id}"
    );
    assert_eq!(code(&by_real_id), "NOT_FOUND");

    // The artist was told nothing.
    let inbox = app
        .ok(Some(&artist.token), "{ unreadNotificationCount }", json!({}))
        .await?;
    assert_eq!(
        inbox["unreadNotificationCount"], 0,
        "no notification for a refused request"
    );

    // The space's public slug still reaches it, as before.
    let slug = app
        .ok(
            Some(&artist.token),
            "query($s: ID!) { artistSpace(id: $s) { slug } }",
            json!({ "s": place.space }),
        )
        .await?;
    let slug = str_at(&slug, "/artistSpace/slug")?;
    let by_slug = app
        .ok(Some(&label.token), REQUEST, json!({ "o": org, "slug": slug }))
        .await?;
    assert_eq!(by_slug["requestRoster"]["artistSpaceName"], "Secret Band Name");
    let inbox = app
        .ok(Some(&artist.token), "{ unreadNotificationCount }", json!({}))
        .await?;
    assert_eq!(
        inbox["unreadNotificationCount"], 1,
        "the owner hears of a request by slug"
    );
    app.stop().await
}
