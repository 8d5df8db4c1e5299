//! Opening sessions and issuing token pairs; reading access tokens back.

use backline_domain::identity::{Session, User};
use backline_domain::ids::{SessionId, UserId};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::Identity;
use super::session_cache::Known;
use crate::error::{AppError, AppResult};
use crate::ports::RefreshTokenRecord;
use crate::{Actor, ClientMeta};

/// Bytes of randomness in a refresh or email token.
pub(crate) const TOKEN_BYTES: usize = 32;
/// Longest user agent kept on a session.
const MAX_USER_AGENT: usize = 512;

/// What signing up, signing in and refreshing return.
#[derive(Debug, Clone)]
pub struct AuthPayload {
    /// JWT for `Authorization: Bearer`, valid 15 minutes.
    pub access_token: String,
    /// Opaque token for `refreshSession`, valid 30 days, single use.
    pub refresh_token: String,
    /// When the access token expires.
    pub access_token_expires_at: DateTime<Utc>,
    /// The signed-in user.
    pub user: User,
}

/// SHA-256 of a token, hex. Only hashes of tokens are stored.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_refresh_token(identity: &Identity, session_id: SessionId, now: DateTime<Utc>) -> (String, RefreshTokenRecord) {
    let token = identity.ids.secret_token(TOKEN_BYTES);
    let record = RefreshTokenRecord {
        id: identity.ids.uuid(),
        session_id,
        token_hash: hash_token(&token),
        created_at: now,
        expires_at: now + identity.settings.refresh_token_ttl,
        used_at: None,
    };
    (token, record)
}

/// Opens a new session for `user` and issues its first token pair.
pub(crate) async fn open_session(identity: &Identity, user: User, meta: &ClientMeta) -> AppResult<AuthPayload> {
    let now = identity.clock.now();
    let session = Session {
        id: SessionId(identity.ids.uuid()),
        user_id: user.id,
        user_agent: meta
            .user_agent
            .as_ref()
            .map(|agent| agent.chars().take(MAX_USER_AGENT).collect()),
        ip: meta.ip.clone(),
        created_at: now,
        last_active_at: now,
        expires_at: now + identity.settings.refresh_token_ttl,
        revoked_at: None,
    };
    let (refresh_token, record) = new_refresh_token(identity, session.id, now);
    identity.sessions.create(&session, &record).await?;
    let (access_token, access_token_expires_at) = identity.tokens.issue(user.id, session.id, now)?;
    Ok(AuthPayload {
        access_token,
        refresh_token,
        access_token_expires_at,
        user,
    })
}

/// Issues the next pair of an existing session, given the record of the token being exchanged.
pub(crate) async fn rotate_session(
    identity: &Identity,
    user: User,
    old: &RefreshTokenRecord,
) -> AppResult<Option<AuthPayload>> {
    let now = identity.clock.now();
    let (refresh_token, record) = new_refresh_token(identity, old.session_id, now);
    match identity.sessions.rotate(old.id, &record, now).await? {
        crate::ports::RotateOutcome::AlreadyUsed => Ok(None),
        crate::ports::RotateOutcome::Rotated => {
            let (access_token, access_token_expires_at) = identity.tokens.issue(user.id, old.session_id, now)?;
            Ok(Some(AuthPayload {
                access_token,
                refresh_token,
                access_token_expires_at,
                user,
            }))
        }
    }
}

/// Turns an `Authorization` header value into an actor. No header is an anonymous actor; a
/// header with a bad token, or a token whose session has ended, is `UNAUTHENTICATED`, so
/// clients learn to refresh or sign in again.
pub async fn authenticate(identity: &Identity, authorization: Option<&str>) -> AppResult<Actor> {
    authenticate_until(identity, authorization)
        .await
        .map(|(actor, _)| actor)
}

/// [`authenticate`], also telling when the token stops being valid (`None` for anonymous
/// callers), for connections that outlive a request.
pub async fn authenticate_until(
    identity: &Identity,
    authorization: Option<&str>,
) -> AppResult<(Actor, Option<chrono::DateTime<chrono::Utc>>)> {
    let Some(value) = authorization.map(str::trim).filter(|value| !value.is_empty()) else {
        return Ok((Actor::anonymous(), None));
    };
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .unwrap_or(value)
        .trim();
    let claims = identity
        .tokens
        .verify(token)
        .map_err(|reason| AppError::Unauthenticated(format!("invalid access token: {reason}")))?;
    require_live_session(identity, claims.session_id, claims.user_id).await?;
    Ok((Actor::user(claims.user_id, claims.session_id), Some(claims.expires_at)))
}

const SESSION_ENDED: &str = "this session has ended (signed out or revoked); sign in again";

/// Checks that the session an access token was issued for is still active, from this
/// process's [`SessionCache`](super::SessionCache) when it knows, from the store otherwise.
async fn require_live_session(identity: &Identity, session_id: SessionId, user: UserId) -> AppResult<()> {
    let now = identity.clock.now();
    let (known, generation) = identity.session_cache.lookup(session_id, now);
    match known {
        Some(Known::Active(owner)) if owner == user => return Ok(()),
        Some(_) => return Err(AppError::Unauthenticated(SESSION_ENDED.into())),
        None => {}
    }
    match identity.sessions.find(session_id).await? {
        Some(session) if session.user_id == user && session.revoked_at.is_none() && session.expires_at > now => {
            identity
                .session_cache
                .remember_active(session_id, user, now, generation);
            Ok(())
        }
        Some(session) if session.revoked_at.is_some() => {
            identity.session_cache.ended_now(&[session_id], now);
            Err(AppError::Unauthenticated(SESSION_ENDED.into()))
        }
        _ => Err(AppError::Unauthenticated(SESSION_ENDED.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hashes_are_sha256_hex() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
