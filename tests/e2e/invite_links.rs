//! Invite links: create, preview, accept, revoke, and every refusal.

use backline_e2e::{TestApp, TestUser, code, str_at};
use serde_json::{Value, json};

const CREATE: &str = "mutation($r: ID!, $role: Role!, $e: DateTime, $m: Int) { createInviteLink(input: {resourceId: $r, role: $role, expiresAt: $e, maxUses: $m}) { id shortCode url role resourceType expiresAt maxUses useCount status revokedAt owner { username } } }";
const ACCEPT: &str = "mutation($c: String!) { acceptInviteLink(shortCode: $c) { role user { username } } }";
const PREVIEW: &str = "query($c: String!) { inviteLink(shortCode: $c) { resourceName resourceType role status expiresAt inviter { username } } }";
const GRANT: &str = "mutation($r: ID!, $u: ID!, $role: Role!) { addCollaborator(input: {resourceId: $r, userId: $u, role: $role}) { role } }";

async fn create(app: &TestApp, user: &TestUser, resource: &str, role: &str, max: Option<i32>) -> anyhow::Result<Value> {
    let data = app
        .ok(
            Some(&user.token),
            CREATE,
            json!({ "r": resource, "role": role, "m": max }),
        )
        .await?;
    Ok(data["createInviteLink"].clone())
}

#[tokio::test]
async fn a_link_brings_a_collaborator_in_once() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, guest) = (app.user("ilown").await?, app.user("ilgst").await?);
    let place = app.hierarchy(&owner, "Links").await?;
    let expires = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let link = app
        .ok(
            Some(&owner.token),
            CREATE,
            json!({ "r": place.project, "role": "EDITOR", "e": expires, "m": 2 }),
        )
        .await?;
    let link = &link["createInviteLink"];
    let short = str_at(link, "/shortCode")?;
    assert_eq!(short.len(), 12);
    assert!(short.chars().all(|c| c.is_ascii_alphanumeric()), "{short}");
    assert!(str_at(link, "/url")?.ends_with(&format!("/join/{short}")));
    assert_eq!(link["status"], "ACTIVE");
    assert_eq!(link["resourceType"], "PROJECT");
    assert!(str_at(link, "/id")?.starts_with("inv_"));

    // Before joining, the guest sees what they would join and nothing else.
    let preview = app.ok(Some(&guest.token), PREVIEW, json!({ "c": short })).await?;
    assert_eq!(
        preview["inviteLink"],
        json!({"resourceName": "P", "resourceType": "PROJECT", "role": "EDITOR", "status": "ACTIVE",
               "expiresAt": link["expiresAt"], "inviter": {"username": owner.username}})
    );
    let hidden = app
        .gql(
            Some(&guest.token),
            "query($p: ID!) { project(id: $p) { name } }",
            json!({ "p": place.project }),
        )
        .await?;
    assert_eq!(code(&hidden), "NOT_FOUND", "{hidden}");

    let joined = app.ok(Some(&guest.token), ACCEPT, json!({ "c": short })).await?;
    assert_eq!(
        joined["acceptInviteLink"],
        json!({"role": "EDITOR", "user": {"username": guest.username}})
    );
    let visible = app
        .ok(
            Some(&guest.token),
            "query($p: ID!) { project(id: $p) { name viewerRole } }",
            json!({ "p": place.project }),
        )
        .await?;
    assert_eq!(visible["project"]["viewerRole"], "EDITOR");
    // Repeating is harmless and does not count again.
    let again = app.ok(Some(&guest.token), ACCEPT, json!({ "c": short })).await?;
    assert_eq!(again["acceptInviteLink"]["role"], "EDITOR");

    let listed = app
        .ok(
            Some(&owner.token),
            "query($p: ID!) { project(id: $p) { inviteLinks { shortCode useCount usedBy { username } } } }",
            json!({ "p": place.project }),
        )
        .await?;
    assert_eq!(
        listed["project"]["inviteLinks"],
        json!([{"shortCode": short, "useCount": 1, "usedBy": [{"username": guest.username}]}])
    );
    // The guest, now an EDITOR, may not list links.
    let refused = app
        .gql(
            Some(&guest.token),
            "query($p: ID!) { project(id: $p) { inviteLinks { id } } }",
            json!({ "p": place.project }),
        )
        .await?;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");

    // The link's owner hears about it.
    let inbox = app
        .ok(
            Some(&owner.token),
            "{ notifications { nodes { type title sender { username } } } }",
            json!({}),
        )
        .await?;
    let first = &inbox["notifications"]["nodes"][0];
    assert_eq!(first["type"], "INVITE_ACCEPTED", "{inbox}");
    assert_eq!(first["sender"]["username"], json!(guest.username));
    app.stop().await
}

#[tokio::test]
async fn refusals_name_their_reason_and_write_nothing() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, admin, editor, first, second) = (
        app.user("rfown").await?,
        app.user("rfadm").await?,
        app.user("rfedi").await?,
        app.user("rfone").await?,
        app.user("rftwo").await?,
    );
    let place = app.hierarchy(&owner, "Refusals").await?;
    for (user, role) in [(&admin, "ADMIN"), (&editor, "EDITOR")] {
        app.ok(
            Some(&owner.token),
            GRANT,
            json!({ "r": place.track, "u": user.id, "role": role }),
        )
        .await?;
    }

    // Who may create, and what.
    let by_editor = app
        .gql(
            Some(&editor.token),
            CREATE,
            json!({ "r": place.track, "role": "VIEWER" }),
        )
        .await?;
    assert_eq!(code(&by_editor), "FORBIDDEN", "{by_editor}");
    let owner_role = app
        .gql(Some(&admin.token), CREATE, json!({ "r": place.track, "role": "OWNER" }))
        .await?;
    assert_eq!(code(&owner_role), "BAD_USER_INPUT", "{owner_role}");
    assert_eq!(owner_role["errors"][0]["extensions"]["field"], "role");
    let above = app
        .gql(
            Some(&admin.token),
            CREATE,
            json!({ "r": place.space, "role": "VIEWER" }),
        )
        .await?;
    assert_eq!(
        code(&above),
        "NOT_FOUND",
        "an admin of the track has nothing on the space: {above}"
    );
    for (vars, field) in [
        (json!({ "r": place.track, "role": "VIEWER", "m": 0 }), "maxUses"),
        (json!({ "r": place.track, "role": "VIEWER", "m": 10_001 }), "maxUses"),
        (
            json!({ "r": place.track, "role": "VIEWER", "e": "2020-01-01T00:00:00Z" }),
            "expiresAt",
        ),
        (json!({ "r": "usr_nope", "role": "VIEWER" }), "resourceId"),
    ] {
        let body = app.gql(Some(&admin.token), CREATE, vars).await?;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let none = app
        .ok(
            Some(&owner.token),
            "query($t: ID!) { track(id: $t) { inviteLinks { id } } }",
            json!({ "t": place.track }),
        )
        .await?;
    assert_eq!(
        none["track"]["inviteLinks"],
        json!([]),
        "refused creations wrote nothing"
    );

    // Used up.
    let single = create(&app, &admin, &place.track, "VIEWER", Some(1)).await?;
    let single_code = str_at(&single, "/shortCode")?;
    app.ok(Some(&first.token), ACCEPT, json!({ "c": single_code })).await?;
    let late = app
        .gql(Some(&second.token), ACCEPT, json!({ "c": single_code }))
        .await?;
    assert_eq!(code(&late), "CONFLICT", "{late}");
    assert!(
        late["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("used as often"),
        "{late}"
    );

    // Revoked.
    let revocable = create(&app, &admin, &place.track, "VIEWER", None).await?;
    let revocable_code = str_at(&revocable, "/shortCode")?;
    let revoked = app
        .ok(
            Some(&owner.token),
            "mutation($id: ID!) { revokeInviteLink(id: $id) { status revokedAt } }",
            json!({ "id": revocable["id"] }),
        )
        .await?;
    assert_eq!(revoked["revokeInviteLink"]["status"], "REVOKED");
    let after_revoke = app
        .gql(Some(&second.token), ACCEPT, json!({ "c": revocable_code }))
        .await?;
    assert_eq!(code(&after_revoke), "CONFLICT");
    assert!(
        after_revoke["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("revoked")
    );
    let preview = app
        .ok(Some(&second.token), PREVIEW, json!({ "c": revocable_code }))
        .await?;
    assert_eq!(preview["inviteLink"]["status"], "REVOKED");
    let by_outsider = app
        .gql(
            Some(&second.token),
            "mutation($id: ID!) { revokeInviteLink(id: $id) { status } }",
            json!({ "id": revocable["id"] }),
        )
        .await?;
    assert_eq!(code(&by_outsider), "NOT_FOUND", "{by_outsider}");

    // Expired.
    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(800)).to_rfc3339();
    let expiring = app
        .ok(
            Some(&admin.token),
            CREATE,
            json!({ "r": place.track, "role": "VIEWER", "e": soon }),
        )
        .await?;
    let expiring_code = str_at(&expiring, "/createInviteLink/shortCode")?;
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    let expired = app
        .gql(Some(&second.token), ACCEPT, json!({ "c": expiring_code }))
        .await?;
    assert_eq!(code(&expired), "CONFLICT");
    assert!(
        expired["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("expired"),
        "{expired}"
    );

    // A higher role already held is kept.
    let viewer_link = create(&app, &owner, &place.track, "VIEWER", None).await?;
    let kept = app
        .ok(Some(&admin.token), ACCEPT, json!({ "c": viewer_link["shortCode"] }))
        .await?;
    assert_eq!(kept["acceptInviteLink"]["role"], "ADMIN");

    // Junk, unknown codes and anonymous callers.
    for junk in ["", "short", "not a code at all!", "ZZZZZZZZZZZZ"] {
        let body = app.gql(Some(&second.token), ACCEPT, json!({ "c": junk })).await?;
        assert_eq!(code(&body), "NOT_FOUND", "{junk}: {body}");
    }
    let anonymous = app.gql(None, ACCEPT, json!({ "c": viewer_link["shortCode"] })).await?;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
    let second_role = app
        .gql(
            Some(&second.token),
            "query($t: ID!) { track(id: $t) { viewerRole } }",
            json!({ "t": place.track }),
        )
        .await?;
    assert_eq!(
        code(&second_role),
        "NOT_FOUND",
        "every refusal left the second user outside"
    );
    app.stop().await
}

#[tokio::test]
async fn concurrent_accepts_never_exceed_the_limit() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let owner = app.user("ccown").await?;
    let place = app.hierarchy(&owner, "Rush").await?;
    let link = create(&app, &owner, &place.space, "VIEWER", Some(3)).await?;
    let short = str_at(&link, "/shortCode")?;
    let mut users = Vec::new();
    for _ in 0..8 {
        users.push(app.user("ccjoin").await?);
    }
    let attempts = users
        .iter()
        .map(|user| app.gql(Some(&user.token), ACCEPT, json!({ "c": short })));
    let results = futures::future::join_all(attempts).await;
    let mut joined = 0;
    for result in results {
        let body = result?;
        match code(&body).as_str() {
            "<no error>" => joined += 1,
            "CONFLICT" => {}
            other => anyhow::bail!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(joined, 3);
    let listed = app
        .ok(
            Some(&owner.token),
            "query($s: ID!) { artistSpace(id: $s) { inviteLinks { useCount status usedBy { username } } } }",
            json!({ "s": place.space }),
        )
        .await?;
    let link = &listed["artistSpace"]["inviteLinks"][0];
    assert_eq!(link["useCount"], 3);
    assert_eq!(link["status"], "USED_UP");
    assert_eq!(link["usedBy"].as_array().map(Vec::len), Some(3));
    app.stop().await
}
