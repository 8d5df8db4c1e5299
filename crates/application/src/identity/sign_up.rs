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
