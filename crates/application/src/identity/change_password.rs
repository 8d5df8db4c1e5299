//! Changing the password.

use backline_domain::values::Password;

use crate::error::{AppError, AppResult};
use crate::{Actor, App};

/// Changes the caller's password after checking the current one, and revokes every session
/// (every refresh token) of the user: other devices must sign in again.
pub async fn change_password(app: &App, actor: &Actor, current: &str, new: &str) -> AppResult<bool> {
    let user = actor.require()?;
    let new = Password::parse(new, "newPassword")?;
    let stored = app
        .ports
        .users
        .password_hash(user)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if !app.ports.hasher.verify(current, &stored)? {
        return Err(AppError::invalid("currentPassword", "the current password is wrong"));
    }
    let now = app.ports.clock.now();
    app.ports
        .users
        .set_password_hash(user, &app.ports.hasher.hash(new.expose())?, now)
        .await?;
    let ended = app.ports.sessions.revoke_all(user, now).await?;
    app.session_cache.ended_now(&ended, now);
    Ok(true)
}

/// A new random password, for an operator to hand out.
pub fn generate_password(app: &App) -> String {
    app.ports.ids.secret_token(12)
}

/// Sets the password of the account with `email` (an operator's reset, e.g. from the CLI; no
/// caller is checked) and revokes its sessions. `NOT_FOUND` when no account has that address.
pub async fn reset_password(app: &App, email: &str, new: &str) -> AppResult<()> {
    let new = Password::parse(new, "password")?;
    let user = app
        .ports
        .users
        .find_by_email(email)
        .await?
        .ok_or(AppError::NotFound("user"))?
        .user
        .id;
    let now = app.ports.clock.now();
    app.ports
        .users
        .set_password_hash(user, &app.ports.hasher.hash(new.expose())?, now)
        .await?;
    let ended = app.ports.sessions.revoke_all(user, now).await?;
    app.session_cache.ended_now(&ended, now);
    Ok(())
}
