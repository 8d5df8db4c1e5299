//! Bad input to every mutation gets BAD_USER_INPUT (with the field) and writes nothing.

use backline_e2e::{TestApp, code};
use serde_json::json;

#[tokio::test]
async fn every_mutation_refuses_bad_input_and_writes_nothing() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let ana = app.user("bad").await?;
    let t = Some(ana.token.as_str());
    let backline_e2e::Hierarchy { space, project, track } = app.hierarchy(&ana, "Solid").await?;
    let long = "x".repeat(121);
    let cases: Vec<(&str, String, serde_json::Value, &str)> = vec![
        ("signUp email", "mutation { signUp(input: {email: \"nope\", username: \"fine_name\", password: \"long enough\"}) { accessToken } }".into(), json!({}), "email"),
        ("signUp username", "mutation { signUp(input: {email: \"a@b.example\", username: \"a b\", password: \"long enough\"}) { accessToken } }".into(), json!({}), "username"),
        ("signUp password", "mutation { signUp(input: {email: \"a@b.example\", username: \"fine_name\", password: \"short\"}) { accessToken } }".into(), json!({}), "password"),
        ("createArtistSpace name", "mutation { createArtistSpace(input: {name: \"   \"}) { id } }".into(), json!({}), "name"),
        ("createArtistSpace country", "mutation { createArtistSpace(input: {name: \"A\", countryCode: \"XX\"}) { id } }".into(), json!({}), "countryCode"),
        ("createArtistSpace links", "mutation { createArtistSpace(input: {name: \"A\", links: {x: \"javascript:alert(1)\"}}) { id } }".into(), json!({}), "links"),
        ("updateArtistSpace name", "mutation($id: ID!, $n: String!) { updateArtistSpace(id: $id, input: {name: $n}) { id } }".into(), json!({"id": space, "n": long}), "name"),
        ("updateArtistSpace id", "mutation { updateArtistSpace(id: \"trk_nope\", input: {name: \"A\"}) { id } }".into(), json!({}), "id"),
        ("createProject space id", "mutation($p: ID!) { createProject(input: {artistSpaceId: $p, name: \"A\"}) { id } }".into(), json!({"p": project}), "artistSpaceId"),
        ("createProject description", "mutation($s: ID!, $d: String!) { createProject(input: {artistSpaceId: $s, name: \"A\", description: $d}) { id } }".into(), json!({"s": space, "d": "x".repeat(5001)}), "description"),
        ("updateProject name", "mutation($id: ID!) { updateProject(id: $id, input: {name: \"\"}) { id } }".into(), json!({"id": project}), "name"),
        ("createTrack title", "mutation($p: ID!) { createTrack(input: {projectId: $p, title: \"\\u0000\"}) { id } }".into(), json!({"p": project}), "title"),
        ("updateTrack title", "mutation($id: ID!) { updateTrack(id: $id, input: {title: \" \"}) { id } }".into(), json!({"id": track}), "title"),
        ("deleteTrack id", "mutation { deleteTrack(id: \"garbage\") }".into(), json!({}), "id"),
        ("addCollaborator resource", "mutation($u: ID!) { addCollaborator(input: {resourceId: \"usr_x\", userId: $u, role: VIEWER}) { role } }".into(), json!({"u": ana.id}), "resourceId"),
        ("addCollaborator user", "mutation($r: ID!) { addCollaborator(input: {resourceId: $r, role: VIEWER}) { role } }".into(), json!({"r": space}), "userId"),
        ("updateMe username", "mutation { updateMe(input: {username: \"x\"}) { id } }".into(), json!({}), "username"),
        ("updateMe country", "mutation { updateMe(input: {countryCode: \"ZZ\"}) { id } }".into(), json!({}), "countryCode"),
        ("logIn email shape", "mutation { logIn(input: {email: 5, password: \"x\"}) { accessToken } }".into(), json!({}), ""),
        ("updateCollaboratorRole user", "mutation($r: ID!) { updateCollaboratorRole(input: {resourceId: $r, userId: \"spc_1\", role: VIEWER}) { role } }".into(), json!({"r": space}), "userId"),
        ("updateCollaboratorRole role", "mutation($r: ID!, $u: ID!) { updateCollaboratorRole(input: {resourceId: $r, userId: $u, role: CAPTAIN}) { role } }".into(), json!({"r": space, "u": ana.id}), ""),
        ("removeCollaborator resource", "mutation($u: ID!) { removeCollaborator(input: {resourceId: \"nope\", userId: $u}) { role } }".into(), json!({"u": ana.id}), "resourceId"),
        ("leaveResource resource", "mutation { leaveResource(resourceId: \"ses_0190\") { role } }".into(), json!({}), "resourceId"),
        ("transferOwnership user", "mutation($r: ID!) { transferOwnership(input: {resourceId: $r, userId: \"trk_x\"}) { role } }".into(), json!({"r": space}), "userId"),
        ("transferOwnership self", "mutation($r: ID!, $u: ID!) { transferOwnership(input: {resourceId: $r, userId: $u}) { role } }".into(), json!({"r": space, "u": ana.id}), "userId"),
        ("revokeSession id", "mutation { revokeSession(id: \"garbage\") }".into(), json!({}), "id"),
        ("setUserPlan user", "mutation { setUserPlan(userId: \"prj_1\", plan: PRO) { plan } }".into(), json!({}), "userId"),
        ("verifyEmail token", "mutation { verifyEmail(token: \"\") { id } }".into(), json!({}), "token"),
        ("changePassword new", "mutation { changePassword(input: {currentPassword: \"correct horse battery\", newPassword: \"short\"}) }".into(), json!({}), "newPassword"),
        ("createProject status", "mutation($s: ID!) { createProject(input: {artistSpaceId: $s, name: \"A\", status: DONE}) { id } }".into(), json!({"s": space}), ""),
        ("updateTrack slug", "mutation($id: ID!) { updateTrack(id: $id, input: {slug: \"Not Valid\"}) { id } }".into(), json!({"id": track}), ""),
        ("approveFileVersion id", "mutation($id: ID!) { approveFileVersion(fileId: $id) { id } }".into(), json!({"id": track}), "fileId"),
        ("deleteFile id", "mutation { deleteFile(fileId: \"fil_zz\") }".into(), json!({}), "fileId"),
        ("addComment file", "mutation($t: ID!) { addComment(input: {fileId: $t, content: \"hi\"}) { id } }".into(), json!({"t": track}), "fileId"),
        ("replyToComment id", "mutation { replyToComment(input: {commentId: \"cmt_\", content: \"hi\"}) { id } }".into(), json!({}), "commentId"),
        ("editComment id", "mutation($s: ID!) { editComment(input: {commentId: $s, content: \"hi\"}) { id } }".into(), json!({"s": space}), "commentId"),
        ("deleteComment id", "mutation { deleteComment(commentId: \"x\") }".into(), json!({}), "commentId"),
        ("likeComment id", "mutation { likeComment(commentId: \"usr_1\") { id } }".into(), json!({}), "commentId"),
        ("unlikeComment id", "mutation { unlikeComment(commentId: \"\") { id } }".into(), json!({}), "commentId"),
        ("resolveComment id", "mutation { resolveComment(commentId: \"fil_1\") { id } }".into(), json!({}), "commentId"),
        ("reopenComment id", "mutation { reopenComment(commentId: \"cmt_nope\") { id } }".into(), json!({}), "commentId"),
        ("pinComment id", "mutation { pinComment(commentId: \"1\") { id } }".into(), json!({}), "commentId"),
        ("unpinComment id", "mutation { unpinComment(commentId: \"trk_1\") { id } }".into(), json!({}), "commentId"),
        ("markNotificationRead id", "mutation { markNotificationRead(id: \"cmt_1\") { id } }".into(), json!({}), "id"),
        ("createInviteLink maxUses", "mutation($s: ID!) { createInviteLink(input: {resourceId: $s, role: VIEWER, maxUses: 0}) { id } }".into(), json!({"s": space}), "maxUses"),
        ("createInviteLink role", "mutation($s: ID!) { createInviteLink(input: {resourceId: $s, role: OWNER}) { id } }".into(), json!({"s": space}), "role"),
        ("revokeInviteLink id", "mutation { revokeInviteLink(id: \"cmt_1\") { id } }".into(), json!({}), "id"),
        ("inviteByEmail email", "mutation($s: ID!) { inviteByEmail(input: {resourceId: $s, email: \"nope\", role: VIEWER}) { id } }".into(), json!({"s": space}), "email"),
        ("declineInvitation id", "mutation { declineInvitation(id: \"x\") { id } }".into(), json!({}), "id"),
        ("revokeInvitation id", "mutation { revokeInvitation(id: \"inv_1\") { id } }".into(), json!({}), "id"),
        ("resendInvitation id", "mutation { resendInvitation(id: \"\") { id } }".into(), json!({}), "id"),
        ("addArtistAlias name", "mutation($s: ID!) { addArtistAlias(input: {artistSpaceId: $s, name: \"\"}) { id } }".into(), json!({"s": space}), "name"),
        ("updateArtistAlias id", "mutation { updateArtistAlias(input: {id: \"spc_1\", name: \"x\"}) { id } }".into(), json!({}), "id"),
        ("updateNotificationSettings empty", "mutation { updateNotificationSettings(input: []) { type } }".into(), json!({}), "input"),
        ("updateNotificationSettings twice", "mutation { updateNotificationSettings(input: [{type: MENTIONED, email: false}, {type: MENTIONED, inApp: false}]) { type } }".into(), json!({}), "input"),
        ("updateNotificationSettings type", "mutation { updateNotificationSettings(input: [{type: EVERYTHING, email: false}]) { type } }".into(), json!({}), ""),
    ];
    let before = app
        .ok(
            t,
            "query($s: ID!) { artistSpace(id: $s) { name inviteLinks { id } aliases { id } projects { totalCount } } myArtistSpaces { totalCount } notificationSettings { type inApp email } }",
            json!({"s": space}),
        )
        .await?;
    for (name, query, vars, field) in cases {
        let body = app.gql(t, &query, vars).await?;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{name}: {body}");
        if !field.is_empty() {
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{name}: {body}");
        }
    }
    let after = app
        .ok(
            t,
            "query($s: ID!) { artistSpace(id: $s) { name inviteLinks { id } aliases { id } projects { totalCount } } myArtistSpaces { totalCount } notificationSettings { type inApp email } }",
            json!({"s": space}),
        )
        .await?;
    assert_eq!(before, after, "refused mutations wrote nothing");
    app.stop().await
}
