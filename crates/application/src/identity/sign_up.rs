//! Creating an account.

use backline_domain::identity::{Subscription, User};
use backline_domain::ids::UserId;
use backline_domain::roles::{AuthMethod, Plan, PlatformRole, SubscriptionStatus};
use backline_domain::values::{Email, Password, Username};

use super::Identity;
use super::email_verification::send_verification;
use super::session_tokens::{AuthPayload, open_session};
use crate::ClientMeta;
use crate::error::{AppError, AppResult};
use crate::ports::{NewUser, RepoError, Unique};

/// Raw sign-up input.
#[derive(Debug, Clone)]
pub struct SignUp {
    /// Email address.
    pub email: String,
    /// Public handle.
    pub username: String,
    /// Password, 8-128 characters.
    pub password: String,
}

/// Creates an ARTIST account on the FREE plan, sends the verification email and signs in.
pub async fn sign_up(identity: &Identity, input: SignUp, meta: &ClientMeta) -> AppResult<AuthPayload> {
    let email = Email::parse(&input.email)?;
    let username = Username::parse(&input.username)?;
    let password = Password::parse(&input.password, "password")?;
    let now = identity.clock.now();
    let user = User {
        id: UserId(identity.ids.uuid()),
        email: email.as_str().to_owned(),
        username: username.as_str().to_owned(),
        image: None,
        auth_method: AuthMethod::Email,
        is_verified: false,
        country_code: None,
        platform_role: PlatformRole::Artist,
        created_at: now,
        updated_at: now,
    };
    let new_user = NewUser {
        password_hash: identity.hasher.hash(password.expose())?,
        subscription: Subscription {
            user_id: user.id,
            plan: Plan::Free,
            status: SubscriptionStatus::Active,
            billing_cycle: None,
            current_period_end: None,
            storage_used: 0,
            created_at: now,
        },
        user: user.clone(),
    };
    identity
        .access
        .users
        .create(&new_user)
        .await
        .map_err(|error| match error {
            RepoError::Duplicate(Unique::Email) => {
                AppError::conflict("email", "an account with this email already exists")
            }
            RepoError::Duplicate(_) => AppError::conflict("username", "this username is taken"),
            other => other.into(),
        })?;
    send_verification(identity, &user).await?;
    open_session(identity, user, meta).await
}

#[cfg(test)]
mod tests {
    use backline_domain::roles::{Plan, PlatformRole};

    use super::*;
    use crate::ports::EmailTokenPurpose;
    use crate::testing::identity_world::{IdentityWorld, PASSWORD};

    fn input(email: &str, username: &str) -> SignUp {
        SignUp {
            email: email.to_owned(),
            username: username.to_owned(),
            password: PASSWORD.to_owned(),
        }
    }

    #[tokio::test]
    async fn signs_up_an_unverified_free_artist_with_a_normalised_email_and_a_session() -> AppResult<()> {
        let world = IdentityWorld::new();
        let payload = sign_up(
            &world.identity,
            input("  Ada@Example.COM ", "Ada"),
            &IdentityWorld::meta(),
        )
        .await?;
        let users = world.users.users();
        let [user] = users.as_slice() else {
            return Err(AppError::NotFound("user"));
        };
        assert_eq!(user.email, "ada@example.com");
        assert_eq!(user.username, "Ada");
        assert!(!user.is_verified);
        assert_eq!(user.platform_role, PlatformRole::Artist);
        assert_eq!(payload.user.id, user.id);
        let plans: Vec<Plan> = world.users.all_subscriptions().iter().map(|held| held.plan).collect();
        assert_eq!(plans, vec![Plan::Free]);
        // One verification token, mailed to the normalised address.
        let tokens = world.email_tokens.tokens_of(user.id);
        assert!(
            matches!(tokens.as_slice(), [row] if row.purpose == EmailTokenPurpose::VerifyEmail && row.used_at.is_none()),
            "{tokens:?}"
        );
        let mailed = world.mailer.sent();
        assert!(
            matches!(mailed.as_slice(), [mail] if mail.to == "ada@example.com"),
            "{mailed:?}"
        );
        // Signed in: a stored session with the client's facts, and tokens for it.
        let sessions = world.sessions.sessions();
        let [session] = sessions.as_slice() else {
            return Err(AppError::NotFound("session"));
        };
        assert_eq!(session.user_id, user.id);
        assert_eq!(session.ip.as_deref(), Some("192.0.2.1"));
        assert_eq!(world.sessions.tokens_of(session.id).len(), 1);
        let issued = world.tokens.issued();
        assert!(
            matches!(issued.as_slice(), [(token, claims)] if *token == payload.access_token
                && claims.session_id == session.id),
            "{issued:?}"
        );
        let actor = world.actor(&payload.access_token).await?;
        assert_eq!(actor.user_id(), Some(user.id));
        assert_eq!(actor.session_id(), Some(session.id));
        Ok(())
    }

    #[tokio::test]
    async fn a_taken_email_or_username_is_a_conflict_on_that_field_and_writes_nothing() -> AppResult<()> {
        let world = IdentityWorld::new();
        world.sign_up("ada").await?;
        let meta = IdentityWorld::meta();
        let taken_email = sign_up(&world.identity, input("ADA@example.com", "someone"), &meta).await;
        assert!(
            matches!(&taken_email, Err(AppError::Conflict { field: Some(field), .. }) if field == "email"),
            "{taken_email:?}"
        );
        let taken_name = sign_up(&world.identity, input("other@example.com", "ADA"), &meta).await;
        assert!(
            matches!(&taken_name, Err(AppError::Conflict { field: Some(field), .. }) if field == "username"),
            "{taken_name:?}"
        );
        let short = sign_up(
            &world.identity,
            SignUp {
                password: "short".to_owned(),
                ..input("new@example.com", "newcomer")
            },
            &meta,
        )
        .await;
        assert!(
            matches!(&short, Err(AppError::InvalidInput { field, .. }) if field == "password"),
            "{short:?}"
        );
        assert_eq!(world.users.users().len(), 1);
        assert_eq!(world.users.all_subscriptions().len(), 1);
        assert_eq!(world.sessions.sessions().len(), 1);
        assert_eq!(world.email_tokens.tokens().len(), 1);
        assert_eq!(world.mailer.sent().len(), 1);
        Ok(())
    }
}
