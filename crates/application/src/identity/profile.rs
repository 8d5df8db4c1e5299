//! Reading users and editing one's own profile.

use backline_domain::identity::User;
use backline_domain::ids::UserId;
use backline_domain::values::{CountryCode, Username};

use super::Identity;
use crate::Actor;
use crate::error::{AppError, AppResult};
use crate::ports::RepoError;

/// Profile changes; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct UpdateProfile {
    /// New username.
    pub username: Option<String>,
    /// New country code, or clear it.
    pub country_code: Option<Option<String>>,
}

/// A user by id. User profiles (without email) are public to signed-in callers.
pub async fn find_user(identity: &Identity, actor: &Actor, id: UserId) -> AppResult<User> {
    actor.require()?;
    identity.access.users.find(id).await?.ok_or(AppError::NotFound("user"))
}

/// A user by username, case-insensitively.
pub async fn find_user_by_username(identity: &Identity, actor: &Actor, username: &str) -> AppResult<User> {
    actor.require()?;
    let username = Username::parse(username).map_err(|_| AppError::NotFound("user"))?;
    identity
        .access
        .users
        .find_by_username(&username.key())
        .await?
        .ok_or(AppError::NotFound("user"))
}

/// Users by id, for batched loading of authors and collaborators.
pub async fn users_by_ids(identity: &Identity, ids: &[UserId]) -> AppResult<Vec<User>> {
    Ok(identity.access.users.find_many(ids).await?)
}

/// A user's email as the caller may see it: their own, or anyone's for platform admins.
pub async fn visible_email(identity: &Identity, actor: &Actor, user: &User) -> AppResult<Option<String>> {
    if actor.user_id() == Some(user.id) {
        return Ok(Some(user.email.clone()));
    }
    let admin = actor
        .platform_role(&identity.access)
        .await?
        .is_some_and(|role| role.is_platform_admin());
    Ok(admin.then(|| user.email.clone()))
}

/// Changes the caller's own profile.
pub async fn update_profile(identity: &Identity, actor: &Actor, input: UpdateProfile) -> AppResult<User> {
    let id = actor.require()?;
    let mut user = identity
        .access
        .users
        .find(id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if let Some(username) = input.username {
        user.username = Username::parse(&username)?.as_str().to_owned();
    }
    if let Some(country) = input.country_code {
        user.country_code = country
            .map(|code| CountryCode::parse(&code))
            .transpose()?
            .map(|code| code.as_str().to_owned());
    }
    user.updated_at = identity.clock.now();
    identity
        .access
        .users
        .update_profile(&user)
        .await
        .map_err(|error| match error {
            RepoError::Duplicate(_) => AppError::conflict("username", "this username is taken"),
            other => other.into(),
        })?;
    Ok(user)
}
