//! Refreshing, listing and ending sessions.

use backline_domain::identity::Session;
use backline_domain::ids::SessionId;

use super::Identity;
use super::session_tokens::{AuthPayload, hash_token, rotate_session};
use crate::Actor;
use crate::error::{AppError, AppResult};

const INVALID_REFRESH: &str = "invalid or expired refresh token; sign in again";

/// Exchanges a refresh token for a new pair. Each token works once: presenting a used token
/// again means it was stolen, so its whole session is revoked.
pub async fn refresh_session(identity: &Identity, refresh_token: &str) -> AppResult<AuthPayload> {
    let now = identity.clock.now();
    let Some((record, session)) = identity.sessions.find_token(&hash_token(refresh_token.trim())).await? else {
        return Err(AppError::Unauthenticated(INVALID_REFRESH.into()));
    };
    if session.revoked_at.is_some() || record.expires_at <= now || session.expires_at <= now {
        return Err(AppError::Unauthenticated(INVALID_REFRESH.into()));
    }
    if record.used_at.is_some() {
        end_session(identity, session.id, now).await?;
        tracing::warn!(session = %session.id, user = %session.user_id, "refresh token reused; session revoked");
        return Err(AppError::Unauthenticated(
            "this refresh token was already used; the session was ended for safety. Sign in again".into(),
        ));
    }
    let user = identity
        .access
        .users
        .find(session.user_id)
        .await?
        .ok_or_else(|| AppError::Unauthenticated(INVALID_REFRESH.into()))?;
    match rotate_session(identity, user, &record).await? {
        Some(payload) => Ok(payload),
        None => {
            // Lost a race with another exchange of the same token: treat as reuse.
            end_session(identity, session.id, now).await?;
            Err(AppError::Unauthenticated(INVALID_REFRESH.into()))
        }
    }
}

/// Ends the session a refresh token belongs to: `true` when the token names a session, which
/// is now ended (also when it had ended before); `false` for an unknown token, which is no
/// error (the client's goal, being signed out, holds).
pub async fn log_out(identity: &Identity, refresh_token: &str) -> AppResult<bool> {
    let now = identity.clock.now();
    match identity.sessions.find_token(&hash_token(refresh_token.trim())).await? {
        Some((_, session)) => Ok(end_session(identity, session.id, now).await? || session.revoked_at.is_some()),
        None => Ok(false),
    }
}

/// The caller's active sessions, most recently active first.
pub async fn list_sessions(identity: &Identity, actor: &Actor) -> AppResult<Vec<Session>> {
    let user = actor.require()?;
    Ok(identity.sessions.list_active(user, identity.clock.now()).await?)
}

/// Ends one of the caller's sessions (sign out another device).
pub async fn revoke_session(identity: &Identity, actor: &Actor, session_id: SessionId) -> AppResult<bool> {
    let user = actor.require()?;
    match identity.sessions.find(session_id).await? {
        Some(session) if session.user_id == user => end_session(identity, session_id, identity.clock.now()).await,
        _ => Err(AppError::NotFound("session")),
    }
}

/// Ends a session: stored as revoked with its `SessionsEnded` event (which reaches every other
/// process), and known as ended in this one at once, so its access tokens stop before the
/// answer leaves. `false` when it had already ended.
async fn end_session(identity: &Identity, session: SessionId, now: chrono::DateTime<chrono::Utc>) -> AppResult<bool> {
    let ended = identity.sessions.revoke(session, now).await?;
    identity.session_cache.ended_now(&[session], now);
    Ok(ended)
}

/// One of the caller's sessions (ended ones too); `NOT_FOUND` for anyone else's.
pub async fn find_session(identity: &Identity, actor: &Actor, id: SessionId) -> AppResult<Session> {
    let user = actor.require()?;
    match identity.sessions.find(id).await? {
        Some(session) if session.user_id == user => Ok(session),
        _ => Err(AppError::NotFound("session")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{Known, authenticate, follow_session_ends, log_in};
    use crate::ports::Event;
    use crate::testing::identity_world::{IdentityWorld, PASSWORD};

    /// The one session of the world's first account.
    fn only_session(world: &IdentityWorld) -> AppResult<Session> {
        world
            .sessions
            .sessions()
            .into_iter()
            .next()
            .ok_or(AppError::NotFound("session"))
    }

    #[tokio::test]
    async fn refreshing_rotates_the_token_and_a_reused_one_ends_the_session() -> AppResult<()> {
        let world = IdentityWorld::new();
        let first = world.sign_up("ada").await?;
        let session = only_session(&world)?;
        world.clock.advance(chrono::Duration::hours(1));
        let now = world.now();
        let second = refresh_session(&world.identity, &first.refresh_token).await?;
        assert_ne!(second.refresh_token, first.refresh_token);
        let tokens = world.sessions.tokens_of(session.id);
        assert!(
            matches!(tokens.as_slice(), [old, new] if old.used_at == Some(now) && new.used_at.is_none()),
            "{tokens:?}"
        );
        let Some(refreshed) = world.sessions.session(session.id) else {
            return Err(AppError::NotFound("session"));
        };
        assert_eq!(refreshed.last_active_at, now);
        assert_eq!(refreshed.expires_at, now + world.identity.settings.refresh_token_ttl);
        assert_eq!(world.actor(&second.access_token).await?.session_id(), Some(session.id));

        // The first token again: stolen. The session ends, with everything issued for it.
        let replayed = refresh_session(&world.identity, &first.refresh_token).await;
        assert!(matches!(replayed, Err(AppError::Unauthenticated(_))), "{replayed:?}");
        assert_eq!(
            world.sessions.session(session.id).and_then(|held| held.revoked_at),
            Some(now)
        );
        assert_eq!(
            world.sessions.events(),
            vec![Event::SessionsEnded {
                user: session.user_id,
                sessions: vec![session.id]
            }]
        );
        let newest = refresh_session(&world.identity, &second.refresh_token).await;
        assert!(matches!(newest, Err(AppError::Unauthenticated(_))), "{newest:?}");
        let access = world.actor(&second.access_token).await;
        assert!(matches!(access, Err(AppError::Unauthenticated(_))), "{access:?}");
        let elsewhere = authenticate(&world.other_process(), Some(&second.access_token)).await;
        assert!(matches!(elsewhere, Err(AppError::Unauthenticated(_))), "{elsewhere:?}");
        assert_eq!(world.sessions.tokens_of(session.id).len(), 2, "nothing more was issued");
        Ok(())
    }

    #[tokio::test]
    async fn an_expired_refresh_token_is_refused_without_ending_the_session() -> AppResult<()> {
        let world = IdentityWorld::new();
        let payload = world.sign_up("ada").await?;
        world.clock.advance(world.identity.settings.refresh_token_ttl);
        let refused = refresh_session(&world.identity, &payload.refresh_token).await;
        assert!(matches!(refused, Err(AppError::Unauthenticated(_))), "{refused:?}");
        let session = only_session(&world)?;
        assert_eq!(session.revoked_at, None);
        assert!(world.sessions.tokens().iter().all(|token| token.used_at.is_none()));
        assert!(world.sessions.events().is_empty());
        let unknown = refresh_session(&world.identity, "no such token").await;
        assert!(matches!(unknown, Err(AppError::Unauthenticated(_))), "{unknown:?}");
        Ok(())
    }

    #[tokio::test]
    async fn logging_out_ends_that_session_only_and_its_access_tokens() -> AppResult<()> {
        let world = IdentityWorld::new();
        let laptop = world.sign_up("ada").await?;
        let phone = log_in(&world.identity, "ada@example.com", PASSWORD, &IdentityWorld::meta()).await?;
        let laptop_actor = world.actor(&laptop.access_token).await?;
        let phone_actor = world.actor(&phone.access_token).await?;

        assert!(log_out(&world.identity, &laptop.refresh_token).await?);
        let still = world.actor(&laptop.access_token).await;
        assert!(matches!(still, Err(AppError::Unauthenticated(_))), "{still:?}");
        let Some(ended) = laptop_actor.session_id().and_then(|id| world.sessions.session(id)) else {
            return Err(AppError::NotFound("session"));
        };
        assert_eq!(ended.revoked_at, Some(world.now()));
        let listed: Vec<SessionId> = list_sessions(&world.identity, &phone_actor)
            .await?
            .into_iter()
            .map(|session| session.id)
            .collect();
        assert_eq!(listed, phone_actor.session_id().into_iter().collect::<Vec<_>>());
        assert_eq!(world.actor(&phone.access_token).await?.user_id(), phone_actor.user_id());

        // Signing out again still holds; an unknown token is no error either.
        assert!(log_out(&world.identity, &laptop.refresh_token).await?);
        assert!(!log_out(&world.identity, "no such token").await?);
        assert_eq!(world.sessions.events().len(), 1, "one end, one event");
        Ok(())
    }

    #[tokio::test]
    async fn a_session_ended_in_one_process_ends_in_another_through_its_event() -> AppResult<()> {
        let world = IdentityWorld::new();
        let payload = world.sign_up("ada").await?;
        let session = only_session(&world)?;
        let other = world.other_process();
        let follower = tokio::spawn(follow_session_ends(&other));
        // The other process has seen the session active and would believe it for a while.
        authenticate(&other, Some(&payload.access_token)).await?;
        let mut closed = other.session_cache.ended(session.id);

        assert!(log_out(&world.identity, &payload.refresh_token).await?);
        let mut waited = 0;
        while other.session_cache.lookup(session.id, world.now()).0 != Some(Known::Ended) && waited < 100 {
            tokio::task::yield_now().await;
            waited += 1;
        }
        follower.abort();
        let relayed: Vec<Event> = world.events.logged().into_iter().map(|(_, event)| event).collect();
        assert_eq!(
            relayed,
            world.sessions.events(),
            "the store's event went out on the bus"
        );
        assert_eq!(closed.try_recv(), Ok(Some(())), "its sockets are told");
        let refused = authenticate(&other, Some(&payload.access_token)).await;
        assert!(matches!(refused, Err(AppError::Unauthenticated(_))), "{refused:?}");
        Ok(())
    }

    #[tokio::test]
    async fn only_the_owner_finds_or_revokes_a_session() -> AppResult<()> {
        let world = IdentityWorld::new();
        let ada = world.sign_up("ada").await?;
        let bob = world.sign_up("bob").await?;
        let ada_actor = world.actor(&ada.access_token).await?;
        let bob_actor = world.actor(&bob.access_token).await?;
        let Some(session) = ada_actor.session_id() else {
            return Err(AppError::NotFound("session"));
        };

        let revoked = revoke_session(&world.identity, &bob_actor, session).await;
        assert!(matches!(revoked, Err(AppError::NotFound("session"))), "{revoked:?}");
        let found = find_session(&world.identity, &bob_actor, session).await;
        assert!(matches!(found, Err(AppError::NotFound("session"))), "{found:?}");
        let anonymous = list_sessions(&world.identity, &Actor::anonymous()).await;
        assert!(matches!(anonymous, Err(AppError::Unauthenticated(_))), "{anonymous:?}");
        assert_eq!(world.sessions.session(session).and_then(|held| held.revoked_at), None);

        assert!(revoke_session(&world.identity, &ada_actor, session).await?);
        assert!(
            !revoke_session(&world.identity, &ada_actor, session).await?,
            "already ended"
        );
        assert!(list_sessions(&world.identity, &ada_actor).await?.is_empty());
        let kept = find_session(&world.identity, &ada_actor, session).await?;
        assert!(kept.revoked_at.is_some(), "an ended session can still be looked at");
        assert_eq!(list_sessions(&world.identity, &bob_actor).await?.len(), 1);
        Ok(())
    }
}
