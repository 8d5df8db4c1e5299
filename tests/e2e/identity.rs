//! Sign-up, sign-in, refresh rotation, sessions, email verification, passwords, plans.

use backline_e2e::{TestApp, code, str_at};
use serde_json::json;

const LOG_IN: &str =
    "mutation($input: LogInInput!) { logIn(input: $input) { accessToken refreshToken user { id email } } }";
const REFRESH: &str = "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }";

#[tokio::test]
async fn sign_up_log_in_and_see_yourself() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let data = app
        .ok(None, "mutation { signUp(input: {email: \" Ana@Example.COM \", username: \"Ana_1\", password: \"correct horse\"}) { accessToken accessTokenExpiresAt user { id username email platformRole isVerified } } }", json!({}))
        .await?;
    assert_eq!(data["signUp"]["user"]["email"], "ana@example.com");
    assert_eq!(data["signUp"]["user"]["platformRole"], "ARTIST");
    assert_eq!(data["signUp"]["user"]["isVerified"], false);

    let duplicate = app.gql(None, "mutation { signUp(input: {email: \"ANA@example.com\", username: \"other\", password: \"correct horse\"}) { accessToken } }", json!({})).await?;
    assert_eq!(code(&duplicate), "CONFLICT");
    let same_name = app.gql(None, "mutation { signUp(input: {email: \"b@example.com\", username: \"ana_1\", password: \"correct horse\"}) { accessToken } }", json!({})).await?;
    assert_eq!(code(&same_name), "CONFLICT");

    let login = app
        .ok(
            None,
            LOG_IN,
            json!({"input": {"email": "ANA@example.com", "password": "correct horse"}}),
        )
        .await?;
    let token = str_at(&login, "/logIn/accessToken")?;
    let me = app
        .ok(
            Some(&token),
            "{ me { username email subscription { plan storage { used limit } } sessions { current } } }",
            json!({}),
        )
        .await?;
    assert_eq!(me["me"]["username"], "Ana_1");
    assert_eq!(me["me"]["subscription"]["plan"], "FREE");
    assert_eq!(me["me"]["subscription"]["storage"]["limit"], 5_i64 << 30);
    assert_eq!(me["me"]["sessions"].as_array().map(Vec::len), Some(2));
    let anonymous = app.ok(None, "{ me { id } }", json!({})).await?;
    assert!(anonymous["me"].is_null());
    app.stop().await
}

#[tokio::test]
async fn wrong_email_and_wrong_password_look_the_same_and_are_throttled() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("thr").await?;
    let wrong_password = app
        .gql(
            None,
            LOG_IN,
            json!({"input": {"email": user.email, "password": "not the password"}}),
        )
        .await?;
    let unknown = app
        .gql(
            None,
            LOG_IN,
            json!({"input": {"email": "nobody@example.com", "password": "not the password"}}),
        )
        .await?;
    assert_eq!(code(&wrong_password), "UNAUTHENTICATED");
    assert_eq!(wrong_password["errors"][0]["message"], unknown["errors"][0]["message"]);
    for _ in 0..4 {
        app.gql(
            None,
            LOG_IN,
            json!({"input": {"email": user.email, "password": "not the password"}}),
        )
        .await?;
    }
    let limited = app
        .gql(
            None,
            LOG_IN,
            json!({"input": {"email": user.email, "password": user.password}}),
        )
        .await?;
    assert_eq!(code(&limited), "RATE_LIMITED");
    assert!(
        limited["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .is_some_and(|seconds| seconds > 0)
    );
    app.stop().await
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("rot").await?;
    let first = app.ok(None, REFRESH, json!({"t": user.refresh})).await?;
    let second_refresh = str_at(&first, "/refreshSession/refreshToken")?;
    assert_ne!(second_refresh, user.refresh);

    // Replaying the used token is theft: the whole session ends, so the newer token dies too.
    let replay = app.gql(None, REFRESH, json!({"t": user.refresh})).await?;
    assert_eq!(code(&replay), "UNAUTHENTICATED");
    let after_replay = app.gql(None, REFRESH, json!({"t": second_refresh})).await?;
    assert_eq!(code(&after_replay), "UNAUTHENTICATED");

    let login = app
        .ok(
            None,
            LOG_IN,
            json!({"input": {"email": user.email, "password": user.password}}),
        )
        .await?;
    let refresh = str_at(&login, "/logIn/refreshToken")?;
    let logged_out = app
        .ok(
            None,
            "mutation($t: String!) { logOut(refreshToken: $t) }",
            json!({"t": refresh}),
        )
        .await?;
    assert_eq!(logged_out["logOut"], true);
    assert_eq!(
        code(&app.gql(None, REFRESH, json!({"t": refresh})).await?),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        code(&app.gql(None, REFRESH, json!({"t": "garbage"})).await?),
        "UNAUTHENTICATED"
    );
    app.stop().await
}

#[tokio::test]
async fn changing_the_password_revokes_every_session() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("pw").await?;
    let wrong = app
        .gql(
            Some(&user.token),
            "mutation { changePassword(input: {currentPassword: \"nope nope\", newPassword: \"new password 1\"}) }",
            json!({}),
        )
        .await?;
    assert_eq!(code(&wrong), "BAD_USER_INPUT");
    assert_eq!(wrong["errors"][0]["extensions"]["field"], "currentPassword");
    let short = app
        .gql(
            Some(&user.token),
            "mutation($c: String!) { changePassword(input: {currentPassword: $c, newPassword: \"short\"}) }",
            json!({"c": user.password}),
        )
        .await?;
    assert_eq!(short["errors"][0]["extensions"]["field"], "newPassword");
    app.ok(
        Some(&user.token),
        "mutation($c: String!) { changePassword(input: {currentPassword: $c, newPassword: \"new password 1\"}) }",
        json!({"c": user.password}),
    )
    .await?;
    assert_eq!(
        code(&app.gql(None, REFRESH, json!({"t": user.refresh})).await?),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        code(
            &app.gql(
                None,
                LOG_IN,
                json!({"input": {"email": user.email, "password": user.password}})
            )
            .await?
        ),
        "UNAUTHENTICATED"
    );
    app.ok(
        None,
        LOG_IN,
        json!({"input": {"email": user.email, "password": "new password 1"}}),
    )
    .await?;
    app.stop().await
}

#[tokio::test]
async fn email_verification_through_the_outbox() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("ver").await?;
    let mail = app.mail_to(&user.email).await?;
    assert_eq!(mail.len(), 1);
    let token = mail[0]
        .body
        .split("code into the app: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned);
    let token = token.ok_or_else(|| anyhow::anyhow!("no token in {:?}", mail[0].body))?;

    app.ok(Some(&user.token), "mutation { resendVerificationEmail }", json!({}))
        .await?;
    let stale = app
        .gql(
            None,
            "mutation($t: String!) { verifyEmail(token: $t) { isVerified } }",
            json!({"t": token}),
        )
        .await?;
    assert_eq!(code(&stale), "BAD_USER_INPUT", "a resend kills the earlier token");

    let mail = app.mail_to(&user.email).await?;
    let fresh = mail[1]
        .body
        .split("code into the app: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_default()
        .to_owned();
    let verified = app
        .ok(
            None,
            "mutation($t: String!) { verifyEmail(token: $t) { isVerified } }",
            json!({"t": fresh}),
        )
        .await?;
    assert_eq!(verified["verifyEmail"]["isVerified"], true);
    let again = app
        .gql(
            None,
            "mutation($t: String!) { verifyEmail(token: $t) { isVerified } }",
            json!({"t": fresh}),
        )
        .await?;
    assert_eq!(code(&again), "BAD_USER_INPUT");
    assert_eq!(
        code(
            &app.gql(Some(&user.token), "mutation { resendVerificationEmail }", json!({}))
                .await?
        ),
        "CONFLICT"
    );
    app.stop().await
}

#[tokio::test]
async fn sessions_can_be_listed_and_revoked_and_emails_stay_private() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let ana = app.user("ses").await?;
    let bob = app.user("ses").await?;
    let second = app
        .ok(
            None,
            LOG_IN,
            json!({"input": {"email": ana.email, "password": ana.password}}),
        )
        .await?;
    let sessions = app
        .ok(Some(&ana.token), "{ me { sessions { id current } } }", json!({}))
        .await?;
    let other = sessions["me"]["sessions"]
        .as_array()
        .and_then(|all| all.iter().find(|session| session["current"] == false))
        .cloned()
        .unwrap_or_default();
    app.ok(
        Some(&ana.token),
        "mutation($id: ID!) { revokeSession(id: $id) }",
        json!({"id": other["id"]}),
    )
    .await?;
    let refresh = str_at(&second, "/logIn/refreshToken")?;
    assert_eq!(
        code(&app.gql(None, REFRESH, json!({"t": refresh})).await?),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        code(
            &app.gql(
                Some(&bob.token),
                "mutation($id: ID!) { revokeSession(id: $id) }",
                json!({"id": other["id"]})
            )
            .await?
        ),
        "NOT_FOUND"
    );

    let seen = app
        .ok(
            Some(&bob.token),
            "query($u: String!) { user(username: $u) { username email subscription { plan } } }",
            json!({"u": ana.username.to_uppercase()}),
        )
        .await?;
    assert_eq!(seen["user"]["username"], ana.username.as_str());
    assert!(seen["user"]["email"].is_null());
    assert!(seen["user"]["subscription"].is_null());
    assert_eq!(
        code(
            &app.gql(
                Some(&bob.token),
                "mutation($u: ID!) { setUserPlan(userId: $u, plan: PRO) { plan } }",
                json!({"u": ana.id})
            )
            .await?
        ),
        "FORBIDDEN"
    );
    let profile = app
        .ok(
            Some(&bob.token),
            "mutation { updateMe(input: {countryCode: \"se\"}) { countryCode } }",
            json!({}),
        )
        .await?;
    assert_eq!(profile["updateMe"]["countryCode"], "SE");
    app.stop().await
}
