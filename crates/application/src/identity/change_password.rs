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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::log_in;
    use crate::ports::{Event, UserRepository};
    use crate::testing::identity_world::{IdentityWorld, PASSWORD};

    const NEW_PASSWORD: &str = "a brand new password";

    #[tokio::test]
    async fn changing_the_password_needs_the_current_one_and_ends_every_session() -> AppResult<()> {
        let world = IdentityWorld::new();
        let laptop = world.sign_up("ada").await?;
        let meta = IdentityWorld::meta();
        let phone = log_in(&world.identity, "ada@example.com", PASSWORD, &meta).await?;
        let actor = world.actor(&laptop.access_token).await?;
        let user = laptop.user.id;
        let before = world.users.password_hash(user).await?;

        let wrong = change_password(&world.identity, &actor, "not it", NEW_PASSWORD).await;
        assert!(
            matches!(&wrong, Err(AppError::InvalidInput { field, .. }) if field == "currentPassword"),
            "{wrong:?}"
        );
        let short = change_password(&world.identity, &actor, PASSWORD, "short").await;
        assert!(
            matches!(&short, Err(AppError::InvalidInput { field, .. }) if field == "newPassword"),
            "{short:?}"
        );
        assert_eq!(world.users.password_hash(user).await?, before, "unchanged");
        assert!(
            world
                .sessions
                .sessions()
                .iter()
                .all(|session| session.revoked_at.is_none())
        );

        assert!(change_password(&world.identity, &actor, PASSWORD, NEW_PASSWORD).await?);
        assert_ne!(world.users.password_hash(user).await?, before);
        let sessions = world.sessions.sessions();
        assert!(
            sessions.len() == 2 && sessions.iter().all(|session| session.revoked_at == Some(world.now())),
            "{sessions:?}"
        );
        assert_eq!(
            world.sessions.events(),
            vec![Event::SessionsEnded {
                user,
                sessions: sessions.iter().map(|session| session.id).collect()
            }],
            "one event for every session"
        );
        for token in [&laptop.access_token, &phone.access_token] {
            let refused = world.actor(token).await;
            assert!(matches!(refused, Err(AppError::Unauthenticated(_))), "{refused:?}");
        }
        let old = log_in(&world.identity, "ada@example.com", PASSWORD, &meta).await;
        assert!(matches!(old, Err(AppError::Unauthenticated(_))), "{old:?}");
        log_in(&world.identity, "ada@example.com", NEW_PASSWORD, &meta).await?;
        Ok(())
    }

    #[tokio::test]
    async fn an_operator_reset_sets_the_password_and_ends_the_sessions() -> AppResult<()> {
        let world = IdentityWorld::new();
        let payload = world.sign_up("ada").await?;
        let missing = reset_password(&world.identity, "nobody@example.com", NEW_PASSWORD).await;
        assert!(matches!(missing, Err(AppError::NotFound("user"))), "{missing:?}");
        reset_password(&world.identity, "ada@example.com", NEW_PASSWORD).await?;
        let revoked: Vec<bool> = world
            .sessions
            .sessions()
            .iter()
            .map(|session| session.revoked_at.is_some())
            .collect();
        assert_eq!(revoked, vec![true], "the one session is kept, as revoked");
        let refused = world.actor(&payload.access_token).await;
        assert!(matches!(refused, Err(AppError::Unauthenticated(_))), "{refused:?}");
        log_in(&world.identity, "ada@example.com", NEW_PASSWORD, &IdentityWorld::meta()).await?;
        Ok(())
    }
}
