//! Changing the password.

use backline_domain::values::Password;

use crate::error::{AppError, AppResult};
use crate::{Actor, App};

/// Changes the caller's password after checking the current one, and revokes every session
/// (every refresh token) of the user: other devices must sign in again.
pub async fn change_password(app: &App, actor: &Actor, current: &str, new: &str) -> AppResult<bool> {
    let user = actor.require()?;
    let new = Password::parse(new, "newPassword")?;
    let stored = app.users.password_hash(user).await?.ok_or(AppError::NotFound("user"))?;
    if !app.hasher.verify(current, &stored)? {
        return Err(AppError::invalid("currentPassword", "the current password is wrong"));
    }
    let now = app.clock.now();
    app.users
        .set_password_hash(user, &app.hasher.hash(new.expose())?, now)
        .await?;
    let ended = app.sessions.revoke_all(user, now).await?;
    app.session_cache.ended_now(&ended, now);
    Ok(true)
}
