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

/// Ends the session a refresh token belongs to. Unknown tokens succeed silently (the client's
/// goal, being signed out, holds).
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
