//! In-memory fakes of the identity ports: sessions and refresh tokens, email tokens, access tokens.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use backline_domain::identity::Session;
use backline_domain::ids::{SessionId, UserId};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use super::{Locked, MemoryEvents};
use crate::ports::{
    AccessClaims, Clock, EmailTokenPurpose, EmailTokenRepository, Event, RefreshTokenRecord, RepoError, RepoResult,
    RotateOutcome, SessionRepository, TokenIssuer, Unique,
};

/// The error an insert of a refresh token whose session does not exist gets from the SQL
/// store's foreign key.
fn missing_session(id: SessionId) -> RepoError {
    RepoError::Unknown(anyhow::anyhow!(
        "FOREIGN KEY constraint failed: refresh_tokens.session_id ({id})"
    ))
}

/// What [`MemorySessions`] holds.
#[derive(Default)]
struct SessionsState {
    /// The `sessions` table, in insertion order.
    sessions: Vec<Session>,
    /// The `refresh_tokens` table, in insertion order.
    tokens: Vec<RefreshTokenRecord>,
    /// The outbox: events recorded with the changes, in order.
    events: Vec<Event>,
}

impl SessionsState {
    fn session_mut(&mut self, id: SessionId) -> Option<&mut Session> {
        self.sessions.iter_mut().find(|session| session.id == id)
    }

    /// The rules of an insert into `refresh_tokens`: a unique id and hash, and an existing
    /// session (`also` is one being inserted in the same transaction).
    fn check_new_token(&self, token: &RefreshTokenRecord, also: Option<SessionId>) -> RepoResult<()> {
        if self
            .tokens
            .iter()
            .any(|held| held.id == token.id || held.token_hash == token.token_hash)
        {
            return Err(RepoError::Duplicate(Unique::Other));
        }
        if also != Some(token.session_id) && !self.sessions.iter().any(|held| held.id == token.session_id) {
            return Err(missing_session(token.session_id));
        }
        Ok(())
    }
}

/// Sessions and their refresh tokens in memory, with the SQL store's rules: a session is stored
/// with its first token or not at all, token ids and hashes are unique and a token needs its
/// session; rotating marks the old token used only when it was unused (otherwise `AlreadyUsed`
/// and nothing is stored) and moves the session's activity and expiry; revoking keeps the first
/// revocation time and records `Event::SessionsEnded` only for sessions it ended (`revoke_all`
/// ends expired but unrevoked sessions too); active sessions are unrevoked and unexpired, most
/// recently active first.
///
/// The events go to the fake's outbox ([`MemorySessions::events`]) and, when made
/// [`MemorySessions::relaying`], are also recorded (logged and published) on a
/// [`MemoryEvents`], as the relay would after the commit.
#[derive(Default)]
pub struct MemorySessions {
    state: Locked<SessionsState>,
    relay: Option<Arc<MemoryEvents>>,
}

impl MemorySessions {
    /// An empty store whose events stay in its outbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store whose events are also recorded on `events` once written.
    pub fn relaying(events: Arc<MemoryEvents>) -> Self {
        Self {
            state: Locked::default(),
            relay: Some(events),
        }
    }

    /// Every session stored, in the order they were created, as stored now.
    pub fn sessions(&self) -> Vec<Session> {
        self.state
            .lock()
            .map(|state| state.sessions.clone())
            .unwrap_or_default()
    }

    /// One stored session as it is now.
    pub fn session(&self, id: SessionId) -> Option<Session> {
        self.sessions().into_iter().find(|session| session.id == id)
    }

    /// Every refresh token stored, in the order they were issued.
    pub fn tokens(&self) -> Vec<RefreshTokenRecord> {
        self.state.lock().map(|state| state.tokens.clone()).unwrap_or_default()
    }

    /// The refresh tokens of one session, in the order they were issued.
    pub fn tokens_of(&self, session: SessionId) -> Vec<RefreshTokenRecord> {
        self.tokens()
            .into_iter()
            .filter(|token| token.session_id == session)
            .collect()
    }

    /// The events recorded with the changes (the outbox), in order.
    pub fn events(&self) -> Vec<Event> {
        self.state.lock().map(|state| state.events.clone()).unwrap_or_default()
    }

    /// Runs one transaction that may record events: keeps them in the outbox, then hands them
    /// to the relay after the "commit".
    fn with_events<T>(&self, f: impl FnOnce(&mut SessionsState) -> RepoResult<(T, Vec<Event>)>) -> RepoResult<T> {
        let (value, events) = self.state.with(|state| {
            let (value, events) = f(state)?;
            state.events.extend(events.iter().cloned());
            Ok((value, events))
        })?;
        if let Some(relay) = &self.relay {
            for event in events {
                relay.record(event);
            }
        }
        Ok(value)
    }
}

#[async_trait::async_trait]
impl SessionRepository for MemorySessions {
    async fn create(&self, session: &Session, token: &RefreshTokenRecord) -> RepoResult<()> {
        self.state.with(|state| {
            if state.sessions.iter().any(|held| held.id == session.id) {
                return Err(RepoError::Duplicate(Unique::Other));
            }
            state.check_new_token(token, Some(session.id))?;
            state.sessions.push(session.clone());
            state.tokens.push(token.clone());
            Ok(())
        })
    }

    async fn find_token(&self, token_hash: &str) -> RepoResult<Option<(RefreshTokenRecord, Session)>> {
        self.state.with(|state| {
            let Some(token) = state.tokens.iter().find(|held| held.token_hash == token_hash) else {
                return Ok(None);
            };
            Ok(state
                .sessions
                .iter()
                .find(|session| session.id == token.session_id)
                .map(|session| (token.clone(), session.clone())))
        })
    }

    async fn rotate(&self, old: Uuid, new: &RefreshTokenRecord, now: DateTime<Utc>) -> RepoResult<RotateOutcome> {
        self.state.with(|state| {
            // The conditional update: only an unused token of that id is marked.
            let Some(index) = state
                .tokens
                .iter()
                .position(|held| held.id == old && held.used_at.is_none())
            else {
                return Ok(RotateOutcome::AlreadyUsed);
            };
            // The insert is checked before anything changes: a failure rolls the whole back.
            state.check_new_token(new, None)?;
            if let Some(token) = state.tokens.get_mut(index) {
                token.used_at = Some(now);
            }
            state.tokens.push(new.clone());
            if let Some(session) = state.session_mut(new.session_id) {
                session.last_active_at = now;
                session.expires_at = new.expires_at;
            }
            Ok(RotateOutcome::Rotated)
        })
    }

    async fn revoke(&self, session_id: SessionId, now: DateTime<Utc>) -> RepoResult<bool> {
        self.with_events(|state| {
            let Some(session) = state.session_mut(session_id) else {
                return Ok((false, Vec::new()));
            };
            if session.revoked_at.is_some() {
                return Ok((false, Vec::new()));
            }
            session.revoked_at = Some(now);
            let event = Event::SessionsEnded {
                user: session.user_id,
                sessions: vec![session_id],
            };
            Ok((true, vec![event]))
        })
    }

    async fn revoke_all(&self, user_id: UserId, now: DateTime<Utc>) -> RepoResult<Vec<SessionId>> {
        self.with_events(|state| {
            let mut ended = Vec::new();
            // Expired sessions are ended too: the SQL store looks at `revoked_at` only.
            for session in state
                .sessions
                .iter_mut()
                .filter(|session| session.user_id == user_id && session.revoked_at.is_none())
            {
                session.revoked_at = Some(now);
                ended.push(session.id);
            }
            let events = if ended.is_empty() {
                Vec::new()
            } else {
                vec![Event::SessionsEnded {
                    user: user_id,
                    sessions: ended.clone(),
                }]
            };
            Ok((ended, events))
        })
    }

    async fn list_active(&self, user_id: UserId, now: DateTime<Utc>) -> RepoResult<Vec<Session>> {
        self.state.with(|state| {
            let mut active: Vec<Session> = state
                .sessions
                .iter()
                .filter(|session| {
                    session.user_id == user_id && session.revoked_at.is_none() && session.expires_at > now
                })
                .cloned()
                .collect();
            active.sort_by_key(|session| std::cmp::Reverse(session.last_active_at));
            Ok(active)
        })
    }

    async fn find(&self, session_id: SessionId) -> RepoResult<Option<Session>> {
        self.state
            .with(|state| Ok(state.sessions.iter().find(|session| session.id == session_id).cloned()))
    }
}

/// One `email_tokens` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailTokenRow {
    /// Primary key.
    pub id: Uuid,
    /// Whose token.
    pub user_id: UserId,
    /// What it is for.
    pub purpose: EmailTokenPurpose,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// When it was consumed, or invalidated by a newer token of its user and purpose.
    pub used_at: Option<DateTime<Utc>>,
}

/// Email tokens in memory, with the SQL store's rules: `replace` marks the user's unused
/// tokens of that purpose used and stores the new one in one transaction (ids and hashes are
/// unique across purposes; a duplicate is `Duplicate(Unique::Email)`, as the SQL store reads
/// the table's name in the constraint, and changes nothing); `consume` accepts a token of that
/// purpose only while unused and unexpired, once.
#[derive(Default)]
pub struct MemoryEmailTokens {
    state: Locked<Vec<EmailTokenRow>>,
}

impl MemoryEmailTokens {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every token stored, in the order they were issued, as stored now.
    pub fn tokens(&self) -> Vec<EmailTokenRow> {
        self.state.lock().map(|rows| rows.clone()).unwrap_or_default()
    }

    /// The tokens of one user, in the order they were issued.
    pub fn tokens_of(&self, user: UserId) -> Vec<EmailTokenRow> {
        self.tokens().into_iter().filter(|row| row.user_id == user).collect()
    }
}

#[async_trait::async_trait]
impl EmailTokenRepository for MemoryEmailTokens {
    async fn replace(
        &self,
        id: Uuid,
        user_id: UserId,
        purpose: EmailTokenPurpose,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> RepoResult<()> {
        self.state.with(|rows| {
            if rows.iter().any(|row| row.id == id || row.token_hash == token_hash) {
                return Err(RepoError::Duplicate(Unique::Email));
            }
            for row in rows
                .iter_mut()
                .filter(|row| row.user_id == user_id && row.purpose == purpose && row.used_at.is_none())
            {
                row.used_at = Some(now);
            }
            rows.push(EmailTokenRow {
                id,
                user_id,
                purpose,
                token_hash: token_hash.to_owned(),
                created_at: now,
                expires_at,
                used_at: None,
            });
            Ok(())
        })
    }

    async fn consume(
        &self,
        purpose: EmailTokenPurpose,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<UserId>> {
        self.state.with(|rows| {
            let Some(row) = rows
                .iter_mut()
                .find(|row| row.token_hash == token_hash && row.purpose == purpose)
            else {
                return Ok(None);
            };
            if row.used_at.is_some() || row.expires_at <= now {
                return Ok(None);
            }
            row.used_at = Some(now);
            Ok(Some(row.user_id))
        })
    }
}

/// How long a [`SignedTokens`] access token lives, as the real issuer's.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(15);
/// Seconds past its expiry a token is still accepted, as the real issuer allows for skew.
const LEEWAY_SECS: i64 = 5;
/// Seconds ahead of the clock an issue time may be, as the real issuer allows.
const FUTURE_IAT_SECS: i64 = 60;
/// The first part of every token.
const PREFIX: &str = "fake-access";

/// Access tokens as `fake-access.<user>.<session>.<issued>.<expires>.<serial>.<signature>`
/// (readable in a failing test's output), the signature an HMAC-SHA256 of the rest with a
/// key of this issuer. Like the real issuer, tokens live [`ACCESS_TOKEN_TTL`], and `verify`
/// refuses a malformed token (`"malformed"`), one altered or made by another issuer
/// (`"bad signature"`) and, against the given clock rather than the system's, one more than
/// five seconds past its expiry (`"expired"`). Every issued token is kept for assertions.
pub struct SignedTokens {
    key: Vec<u8>,
    clock: Arc<dyn Clock>,
    serial: AtomicU64,
    issued: Mutex<Vec<(String, AccessClaims)>>,
}

impl SignedTokens {
    /// An issuer with a key of its own, checking expiry against `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self::with_key(Uuid::now_v7().as_bytes(), clock)
    }

    /// An issuer signing with `key`: two issuers with the same key accept each other's tokens,
    /// as two replicas sharing a secret do.
    pub fn with_key(key: &[u8], clock: Arc<dyn Clock>) -> Self {
        Self {
            key: key.to_vec(),
            clock,
            serial: AtomicU64::new(0),
            issued: Mutex::new(Vec::new()),
        }
    }

    /// Every token issued so far with its claims, in order.
    pub fn issued(&self) -> Vec<(String, AccessClaims)> {
        self.issued.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The MAC over a token's unsigned part; `None` only when the key is unusable.
    fn sign(&self, unsigned: &str) -> Option<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        mac.update(unsigned.as_bytes());
        Some(mac)
    }
}

impl TokenIssuer for SignedTokens {
    fn issue(
        &self,
        user_id: UserId,
        session_id: SessionId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, DateTime<Utc>)> {
        let expires_at = now + ACCESS_TOKEN_TTL;
        let serial = self.serial.fetch_add(1, Ordering::Relaxed);
        let unsigned = format!(
            "{PREFIX}.{}.{}.{}.{}.{serial}",
            user_id.0,
            session_id.0,
            now.timestamp(),
            expires_at.timestamp()
        );
        let mac = self
            .sign(&unsigned)
            .ok_or_else(|| anyhow::anyhow!("the fake token issuer's key is unusable"))?;
        let token = format!("{unsigned}.{}", hex::encode(mac.finalize().into_bytes()));
        // The claims as `verify` reads them back: whole seconds.
        let claims = AccessClaims {
            user_id,
            session_id,
            expires_at: DateTime::from_timestamp(expires_at.timestamp(), 0).unwrap_or(expires_at),
        };
        self.issued
            .lock()
            .map_err(|_| anyhow::anyhow!("the fake token issuer's lock was poisoned"))?
            .push((token.clone(), claims));
        Ok((token, expires_at))
    }

    fn verify(&self, token: &str) -> Result<AccessClaims, String> {
        let malformed = || "malformed".to_owned();
        let (unsigned, signature) = token.rsplit_once('.').ok_or_else(malformed)?;
        let parts: Vec<&str> = unsigned.split('.').collect();
        let [prefix, user, session, issued, expires, _serial] = parts.as_slice() else {
            return Err(malformed());
        };
        if *prefix != PREFIX {
            return Err(malformed());
        }
        let signature = hex::decode(signature).map_err(|_| malformed())?;
        let mac = self.sign(unsigned).ok_or_else(|| "bad signature".to_owned())?;
        mac.verify_slice(&signature).map_err(|_| "bad signature".to_owned())?;
        let user_id = user.parse::<Uuid>().map_err(|_| "malformed subject".to_owned())?;
        let session_id = session.parse::<Uuid>().map_err(|_| "malformed session".to_owned())?;
        let issued: i64 = issued.parse().map_err(|_| malformed())?;
        let expires: i64 = expires.parse().map_err(|_| "malformed expiry".to_owned())?;
        let now = self.clock.now().timestamp();
        if expires.saturating_add(LEEWAY_SECS) < now {
            return Err("expired".to_owned());
        }
        if issued > now.saturating_add(FUTURE_IAT_SECS) {
            return Err(malformed());
        }
        let expires_at = DateTime::from_timestamp(expires, 0).ok_or_else(|| "malformed expiry".to_owned())?;
        Ok(AccessClaims {
            user_id: UserId(user_id),
            session_id: SessionId(session_id),
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ManualClock;

    fn session(user: UserId, now: DateTime<Utc>) -> Session {
        Session {
            id: SessionId(Uuid::now_v7()),
            user_id: user,
            user_agent: None,
            ip: None,
            created_at: now,
            last_active_at: now,
            expires_at: now + Duration::days(30),
            revoked_at: None,
        }
    }

    fn token(session: SessionId, hash: &str, now: DateTime<Utc>) -> RefreshTokenRecord {
        RefreshTokenRecord {
            id: Uuid::now_v7(),
            session_id: session,
            token_hash: hash.to_owned(),
            created_at: now,
            expires_at: now + Duration::days(30),
            used_at: None,
        }
    }

    #[tokio::test]
    async fn a_refresh_token_rotates_once_and_sessions_end_once() -> RepoResult<()> {
        let sessions = MemorySessions::new();
        let now = Utc::now();
        let user = UserId(Uuid::now_v7());
        let open = session(user, now);
        let first = token(open.id, "first", now);
        sessions.create(&open, &first).await?;
        // A token of a session that does not exist is refused, and so is a taken hash.
        let stray = token(SessionId(Uuid::now_v7()), "stray", now);
        assert!(matches!(
            sessions.rotate(first.id, &stray, now).await,
            Err(RepoError::Unknown(_))
        ));
        assert!(matches!(
            sessions.rotate(first.id, &token(open.id, "first", now), now).await,
            Err(RepoError::Duplicate(Unique::Other))
        ));
        assert_eq!(sessions.tokens().len(), 1, "a failed rotation stores nothing");
        assert_eq!(sessions.tokens().first().and_then(|held| held.used_at), None);

        let later = now + Duration::hours(1);
        let mut second = token(open.id, "second", later);
        second.expires_at = later + Duration::days(30);
        assert_eq!(sessions.rotate(first.id, &second, later).await?, RotateOutcome::Rotated);
        let third = token(open.id, "third", later);
        assert_eq!(
            sessions.rotate(first.id, &third, later).await?,
            RotateOutcome::AlreadyUsed
        );
        assert_eq!(sessions.tokens_of(open.id).len(), 2, "the loser stores nothing");
        let Some((used, found)) = sessions.find_token("first").await? else {
            return Err(RepoError::NotFound);
        };
        assert_eq!(used.used_at, Some(later));
        assert_eq!(found.last_active_at, later);
        assert_eq!(found.expires_at, second.expires_at);

        assert!(sessions.revoke(open.id, later).await?);
        assert!(!sessions.revoke(open.id, later + Duration::hours(1)).await?);
        assert!(!sessions.revoke(SessionId(Uuid::now_v7()), later).await?);
        assert_eq!(sessions.session(open.id).and_then(|held| held.revoked_at), Some(later));
        assert!(sessions.list_active(user, later).await?.is_empty());
        assert_eq!(
            sessions.events(),
            vec![Event::SessionsEnded {
                user,
                sessions: vec![open.id]
            }],
            "one event, for the revocation that ended it"
        );
        Ok(())
    }

    #[tokio::test]
    async fn revoke_all_ends_every_open_session_and_list_active_skips_expired_ones() -> RepoResult<()> {
        let events = Arc::new(MemoryEvents::new());
        let sessions = MemorySessions::relaying(Arc::clone(&events));
        let now = Utc::now();
        let user = UserId(Uuid::now_v7());
        let older = session(user, now - Duration::hours(2));
        let mut newer = session(user, now - Duration::hours(1));
        newer.last_active_at = now;
        let mut expired = session(user, now - Duration::days(40));
        expired.expires_at = now - Duration::days(10);
        let other = session(UserId(Uuid::now_v7()), now);
        for (index, held) in [&older, &newer, &expired, &other].into_iter().enumerate() {
            sessions
                .create(held, &token(held.id, &format!("t{index}"), now))
                .await?;
        }
        let active: Vec<SessionId> = sessions
            .list_active(user, now)
            .await?
            .into_iter()
            .map(|held| held.id)
            .collect();
        assert_eq!(active, vec![newer.id, older.id], "most recently active first");

        let ended = sessions.revoke_all(user, now).await?;
        assert_eq!(ended, vec![older.id, newer.id, expired.id]);
        assert!(sessions.revoke_all(user, now).await?.is_empty());
        assert_eq!(sessions.session(other.id).and_then(|held| held.revoked_at), None);
        let relayed: Vec<Event> = events.logged().into_iter().map(|(_, event)| event).collect();
        assert_eq!(relayed, sessions.events());
        assert_eq!(relayed.len(), 1, "no event when nothing ended");
        Ok(())
    }

    #[tokio::test]
    async fn an_email_token_works_once_and_a_new_one_replaces_the_old() -> RepoResult<()> {
        let tokens = MemoryEmailTokens::new();
        let now = Utc::now();
        let user = UserId(Uuid::now_v7());
        let purpose = EmailTokenPurpose::VerifyEmail;
        let expires = now + Duration::hours(24);
        tokens
            .replace(Uuid::now_v7(), user, purpose, "old", expires, now)
            .await?;
        tokens
            .replace(Uuid::now_v7(), user, purpose, "new", expires, now)
            .await?;
        assert!(matches!(
            tokens.replace(Uuid::now_v7(), user, purpose, "new", expires, now).await,
            Err(RepoError::Duplicate(Unique::Email))
        ));
        assert_eq!(tokens.tokens_of(user).len(), 2, "a refused token changes nothing");
        assert_eq!(tokens.consume(purpose, "old", now).await?, None, "replaced");
        assert_eq!(tokens.consume(purpose, "unknown", now).await?, None);
        assert_eq!(tokens.consume(purpose, "new", now).await?, Some(user));
        assert_eq!(tokens.consume(purpose, "new", now).await?, None, "used");

        tokens
            .replace(Uuid::now_v7(), user, purpose, "late", expires, now)
            .await?;
        assert_eq!(tokens.consume(purpose, "late", expires).await?, None, "expired");
        assert!(
            tokens
                .tokens()
                .iter()
                .all(|row| row.used_at.is_some() || row.token_hash == "late")
        );
        Ok(())
    }

    #[test]
    fn access_tokens_round_trip_and_expired_or_tampered_ones_are_refused() -> anyhow::Result<()> {
        let clock = Arc::new(ManualClock::at(Utc::now()));
        let issuer = SignedTokens::new(Arc::clone(&clock) as _);
        let user = UserId(Uuid::now_v7());
        let session = SessionId(Uuid::now_v7());
        let (token, expires_at) = issuer.issue(user, session, clock.now())?;
        let claims = issuer.verify(&token).map_err(anyhow::Error::msg)?;
        assert_eq!((claims.user_id, claims.session_id), (user, session));
        assert_eq!(claims.expires_at.timestamp(), expires_at.timestamp());
        assert_eq!(issuer.issued(), vec![(token.clone(), claims)]);

        let (again, _) = issuer.issue(user, session, clock.now())?;
        assert_ne!(again, token, "every token differs");
        let other_user = token.replacen(&user.0.to_string(), &Uuid::now_v7().to_string(), 1);
        assert_eq!(issuer.verify(&other_user), Err("bad signature".to_owned()));
        let other = SignedTokens::new(Arc::clone(&clock) as _);
        assert_eq!(other.verify(&token), Err("bad signature".to_owned()));
        let twin = SignedTokens::with_key(b"shared", Arc::clone(&clock) as _);
        let (shared, _) = twin.issue(user, session, clock.now())?;
        assert!(
            SignedTokens::with_key(b"shared", Arc::clone(&clock) as _)
                .verify(&shared)
                .is_ok()
        );
        assert_eq!(issuer.verify("not a token"), Err("malformed".to_owned()));

        clock.advance(ACCESS_TOKEN_TTL);
        assert!(issuer.verify(&token).is_ok(), "still within its lifetime and leeway");
        clock.advance(Duration::seconds(LEEWAY_SECS + 1));
        assert_eq!(issuer.verify(&token), Err("expired".to_owned()));
        Ok(())
    }
}
