//! Email invitations: invite an address, accept with the mailed token as the verified owner of
//! that address, decline, revoke, resend; and the refusals.

use backline_e2e::{TestApp, TestUser, code, str_at};
use serde_json::{Value, json};

const INVITE: &str = "mutation($r: ID!, $e: String!, $role: Role!, $m: String) { inviteByEmail(input: {resourceId: $r, email: $e, role: $role, message: $m}) { id email role status message resourceName resourceType expiresAt inviter { username } } }";
const ACCEPT: &str = "mutation($t: String!) { acceptInvitation(token: $t) { role user { username } } }";

/// The token in the newest invitation mailed to `email`.
async fn mailed_token(app: &TestApp, email: &str) -> anyhow::Result<String> {
    let mail = app.mail_to(email).await?;
    mail.iter()
        .rev()
        .find_map(|message| {
            message
                .body
                .split("accept?token=")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .map(str::to_owned)
        })
        .ok_or_else(|| anyhow::anyhow!("no invitation in {mail:?}"))
}

/// Verifies `user`'s address with the token from their sign-up email.
async fn verify(app: &TestApp, user: &TestUser) -> anyhow::Result<()> {
    let mail = app.mail_to(&user.email).await?;
    let token = mail
        .iter()
        .find_map(|message| {
            message
                .body
                .split("code into the app: ")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .map(str::to_owned)
        })
        .ok_or_else(|| anyhow::anyhow!("no verification mail"))?;
    app.ok(
        None,
        "mutation($t: String!) { verifyEmail(token: $t) { isVerified } }",
        json!({ "t": token }),
    )
    .await?;
    Ok(())
}

async fn invite(app: &TestApp, by: &TestUser, resource: &str, email: &str, role: &str) -> anyhow::Result<Value> {
    let data = app
        .ok(
            Some(&by.token),
            INVITE,
            json!({ "r": resource, "e": email, "role": role, "m": "Come play bass on this" }),
        )
        .await?;
    Ok(data["inviteByEmail"].clone())
}

#[tokio::test]
async fn an_invited_address_joins_with_the_mailed_token() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, bob) = (app.user("ivown").await?, app.user("ivbob").await?);
    let place = app.hierarchy(&owner, "Invites").await?;

    // An address with no account yet: the mail goes out all the same.
    let stranger = "Future.Member@Example.com";
    let pending = invite(&app, &owner, &place.space, stranger, "VIEWER").await?;
    assert_eq!(pending["email"], "future.member@example.com");
    assert_eq!(pending["status"], "PENDING");
    assert_eq!(pending["resourceType"], "ARTIST_SPACE");
    let mail = app.mail_to("future.member@example.com").await?;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].body.contains("Come play bass on this"), "{}", mail[0].body);
    assert!(mail[0].subject.contains("Invites"), "{}", mail[0].subject);

    // A user's address: mail and a NEW_INVITE notification.
    let invitation = invite(&app, &owner, &place.project, &bob.email.to_uppercase(), "EDITOR").await?;
    let inbox = app
        .ok(Some(&bob.token), "{ notifications { nodes { type } } }", json!({}))
        .await?;
    assert_eq!(inbox["notifications"]["nodes"][0]["type"], "NEW_INVITE");
    let mine = app
        .ok(
            Some(&bob.token),
            "{ myInvitations { totalCount nodes { id role resourceName status inviter { username } } } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        mine["myInvitations"],
        json!({"totalCount": 1, "nodes": [{"id": invitation["id"], "role": "EDITOR", "resourceName": "P",
                "status": "PENDING", "inviter": {"username": owner.username}}]})
    );

    // Only a verified address may accept.
    let token = mailed_token(&app, &bob.email).await?;
    let unverified = app.gql(Some(&bob.token), ACCEPT, json!({ "t": token })).await?;
    assert_eq!(code(&unverified), "FORBIDDEN", "{unverified}");
    verify(&app, &bob).await?;
    let joined = app.ok(Some(&bob.token), ACCEPT, json!({ "t": token })).await?;
    assert_eq!(
        joined["acceptInvitation"],
        json!({"role": "EDITOR", "user": {"username": bob.username}})
    );
    let role = app
        .ok(
            Some(&bob.token),
            "query($p: ID!) { project(id: $p) { viewerRole } }",
            json!({ "p": place.project }),
        )
        .await?;
    assert_eq!(role["project"]["viewerRole"], "EDITOR");
    let again = app.gql(Some(&bob.token), ACCEPT, json!({ "t": token })).await?;
    assert_eq!(code(&again), "CONFLICT", "a token works once: {again}");
    assert!(
        again["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("accepted")
    );
    let owner_inbox = app
        .ok(
            Some(&owner.token),
            "{ notifications { nodes { type sender { username } } } }",
            json!({}),
        )
        .await?;
    assert_eq!(owner_inbox["notifications"]["nodes"][0]["type"], "INVITE_ACCEPTED");
    let mine = app
        .ok(Some(&bob.token), "{ myInvitations { nodes { id } } }", json!({}))
        .await?;
    assert_eq!(mine["myInvitations"]["nodes"], json!([]));

    // The owner's side: each resource lists its invitations; pending ones are PENDING members.
    const SENT: &str = "query($s: ID!, $p: ID!) { artistSpace(id: $s) { invitations { email status membershipStatus } }
        project(id: $p) { invitations { email status membershipStatus } } }";
    let sent = app
        .ok(
            Some(&owner.token),
            SENT,
            json!({ "s": place.space, "p": place.project }),
        )
        .await?;
    assert_eq!(
        sent["artistSpace"]["invitations"],
        json!([{"email": "future.member@example.com", "status": "PENDING", "membershipStatus": "PENDING"}])
    );
    assert_eq!(
        sent["project"]["invitations"],
        json!([{"email": bob.email.to_lowercase(), "status": "ACCEPTED", "membershipStatus": "ACTIVE"}])
    );
    let editor_view = app
        .gql(
            Some(&bob.token),
            "query($p: ID!) { project(id: $p) { invitations { email } } }",
            json!({ "p": place.project }),
        )
        .await?;
    assert_eq!(code(&editor_view), "FORBIDDEN", "{editor_view}");

    // Once Bob is removed, his accepted invitation says so.
    app.ok(
        Some(&owner.token),
        "mutation($p: ID!, $u: ID!) { removeCollaborator(input: {resourceId: $p, userId: $u}) { role } }",
        json!({ "p": place.project, "u": bob.id }),
    )
    .await?;
    let after = app
        .ok(
            Some(&owner.token),
            SENT,
            json!({ "s": place.space, "p": place.project }),
        )
        .await?;
    assert_eq!(
        after["project"]["invitations"],
        json!([{"email": bob.email.to_lowercase(), "status": "ACCEPTED", "membershipStatus": "REMOVED"}])
    );
    app.stop().await
}

#[tokio::test]
async fn refusals_decline_revoke_and_resend() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, admin, editor, bob, eve) = (
        app.user("irown").await?,
        app.user("iradm").await?,
        app.user("iredi").await?,
        app.user("irbob").await?,
        app.user("ireve").await?,
    );
    verify(&app, &bob).await?;
    verify(&app, &eve).await?;
    let place = app.hierarchy(&owner, "Refused").await?;
    for (user, role) in [(&admin, "ADMIN"), (&editor, "EDITOR")] {
        app.ok(
            Some(&owner.token),
            "mutation($r: ID!, $u: ID!, $role: Role!) { addCollaborator(input: {resourceId: $r, userId: $u, role: $role}) { role } }",
            json!({ "r": place.track, "u": user.id, "role": role }),
        )
        .await?;
    }

    // Who may invite, and with what.
    let by_editor = app
        .gql(
            Some(&editor.token),
            INVITE,
            json!({ "r": place.track, "e": bob.email, "role": "VIEWER" }),
        )
        .await?;
    assert_eq!(code(&by_editor), "FORBIDDEN");
    for (vars, field) in [
        (
            json!({ "r": place.track, "e": "not an address", "role": "VIEWER" }),
            "email",
        ),
        (json!({ "r": place.track, "e": bob.email, "role": "OWNER" }), "role"),
        (
            json!({ "r": place.track, "e": bob.email, "role": "VIEWER", "m": "x".repeat(2_001) }),
            "message",
        ),
        (json!({ "r": "cmt_1", "e": bob.email, "role": "VIEWER" }), "resourceId"),
    ] {
        let body = app.gql(Some(&admin.token), INVITE, vars).await?;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    assert!(
        app.mail_to(&bob.email)
            .await?
            .iter()
            .all(|mail| !mail.body.contains("accept?token=")),
        "refusals mailed nothing"
    );

    // One pending invitation per resource and address.
    let first = invite(&app, &admin, &place.track, &bob.email, "VIEWER").await?;
    let twice = app
        .gql(
            Some(&owner.token),
            INVITE,
            json!({ "r": place.track, "e": bob.email, "role": "EDITOR" }),
        )
        .await?;
    assert_eq!(code(&twice), "CONFLICT", "{twice}");

    // The wrong person cannot accept or decline.
    let token = mailed_token(&app, &bob.email).await?;
    let wrong = app.gql(Some(&eve.token), ACCEPT, json!({ "t": token })).await?;
    assert_eq!(code(&wrong), "FORBIDDEN", "{wrong}");
    let decline = "mutation($id: ID!) { declineInvitation(id: $id) { status } }";
    // By id (not by its secret token) someone else's invitation is unknown to the caller.
    let wrong_decline = app.gql(Some(&eve.token), decline, json!({ "id": first["id"] })).await?;
    assert_eq!(code(&wrong_decline), "NOT_FOUND", "{wrong_decline}");
    for junk in ["", "nope"] {
        let body = app.gql(Some(&bob.token), ACCEPT, json!({ "t": junk })).await?;
        assert_eq!(code(&body), "NOT_FOUND", "{junk}: {body}");
    }

    // Resend: a new token; the old one is dead.
    let resend = "mutation($id: ID!) { resendInvitation(id: $id) { status expiresAt } }";
    let by_stranger = app.gql(Some(&eve.token), resend, json!({ "id": first["id"] })).await?;
    assert_eq!(code(&by_stranger), "NOT_FOUND", "{by_stranger}");
    app.ok(Some(&owner.token), resend, json!({ "id": first["id"] })).await?;
    let fresh = mailed_token(&app, &bob.email).await?;
    assert_ne!(fresh, token);
    let stale = app.gql(Some(&bob.token), ACCEPT, json!({ "t": token })).await?;
    assert_eq!(code(&stale), "NOT_FOUND", "{stale}");

    // Decline: nothing joins, and the token is spent.
    let declined = app.ok(Some(&bob.token), decline, json!({ "id": first["id"] })).await?;
    assert_eq!(declined["declineInvitation"]["status"], "DECLINED");
    let after = app.gql(Some(&bob.token), ACCEPT, json!({ "t": fresh })).await?;
    assert_eq!(code(&after), "CONFLICT");
    assert!(
        after["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("declined")
    );

    // Revoke: by the inviter or an admin; the token dies.
    let second = invite(&app, &owner, &place.track, &eve.email, "VIEWER").await?;
    let eve_token = mailed_token(&app, &eve.email).await?;
    let revoked = app
        .ok(
            Some(&admin.token),
            "mutation($id: ID!) { revokeInvitation(id: $id) { status } }",
            json!({ "id": second["id"] }),
        )
        .await?;
    assert_eq!(revoked["revokeInvitation"]["status"], "REVOKED");
    let dead = app.gql(Some(&eve.token), ACCEPT, json!({ "t": eve_token })).await?;
    assert_eq!(code(&dead), "CONFLICT");
    assert!(dead["errors"][0]["message"].as_str().unwrap_or("").contains("revoked"));
    for user in [&bob, &eve] {
        let outside = app
            .gql(
                Some(&user.token),
                "query($t: ID!) { track(id: $t) { title } }",
                json!({ "t": place.track }),
            )
            .await?;
        assert_eq!(code(&outside), "NOT_FOUND", "nobody joined");
    }

    // Removing the space removes its invitations.
    invite(&app, &owner, &place.space, "later@example.com", "VIEWER").await?;
    app.ok(
        Some(&owner.token),
        "mutation($s: ID!) { deleteArtistSpace(id: $s) }",
        json!({ "s": place.space }),
    )
    .await?;
    let leftover = app.mail_to("later@example.com").await?;
    assert_eq!(leftover.len(), 1);
    let token = mailed_token(&app, "later@example.com").await?;
    let gone = app.gql(Some(&bob.token), ACCEPT, json!({ "t": token })).await?;
    assert_eq!(code(&gone), "NOT_FOUND", "{gone}");
    assert!(!str_at(&first, "/id")?.is_empty());
    app.stop().await
}
