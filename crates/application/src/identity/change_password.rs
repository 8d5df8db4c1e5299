//! Changing the password.

use backline_domain::values::Password;

use super::Identity;
use crate::Actor;
use crate::error::{AppError, AppResult};

/// Changes the caller's password after checking the current one, and revokes every session
/// (every refresh token) of the user: other devices must sign in again.
pub async fn change_password(identity: &Identity, actor: &Actor, current: &str, new: &str) -> AppResult<bool> {
    let user = actor.require()?;
    let new = Password::parse(new, "newPassword")?;
    let stored = identity
        .access
        .users
        .password_hash(user)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if !identity.hasher.verify(current, &stored)? {
        return Err(AppError::invalid("currentPassword", "the current password is wrong"));
    }
    let now = identity.clock.now();
    identity
        .access
        .users
        .set_password_hash(user, &identity.hasher.hash(new.expose())?, now)
        .await?;
    let ended = identity.sessions.revoke_all(user, now).await?;
    identity.session_cache.ended_now(&ended, now);
    Ok(true)
}

/// A new random password, for an operator to hand out.
pub fn generate_password(identity: &Identity) -> String {
    identity.ids.secret_token(12)
}

/// Sets the password of the account with `email` (an operator's reset, e.g. from the CLI; no
/// caller is checked) and revokes its sessions. `NOT_FOUND` when no account has that address.
pub async fn reset_password(identity: &Identity, email: &str, new: &str) -> AppResult<()> {
    let new = Password::parse(new, "password")?;
    let user = identity
        .access
        .users
        .find_by_email(email)
        .await?
        .ok_or(AppError::NotFound("user"))?
        .user
        .id;
    let now = identity.clock.now();
    identity
        .access
        .users
        .set_password_hash(user, &identity.hasher.hash(new.expose())?, now)
        .await?;
    let ended = identity.sessions.revoke_all(user, now).await?;
    identity.session_cache.ended_now(&ended, now);
    Ok(())
}
