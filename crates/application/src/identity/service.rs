//! The identity context's service.

use std::sync::Arc;

use crate::AppSettings;
use crate::access::Access;
use crate::identity::SessionCache;
use crate::ports::{
    Clock, EmailTokenRepository, EventBus, IdGenerator, LoginThrottle, Mailer, PasswordHasher, RateLimiter,
    SessionRepository, TokenIssuer,
};

/// Accounts, sessions, email verification, plans and rate limits: the ports their use cases use.
#[derive(Clone)]
pub struct Identity {
    /// Accounts (with platform roles and plans) and authorization.
    pub(crate) access: Access,
    /// Sessions and refresh tokens.
    pub(crate) sessions: Arc<dyn SessionRepository>,
    /// Email verification tokens.
    pub(crate) email_tokens: Arc<dyn EmailTokenRepository>,
    /// Password hashing.
    pub(crate) hasher: Arc<dyn PasswordHasher>,
    /// Access tokens.
    pub(crate) tokens: Arc<dyn TokenIssuer>,
    /// Failed sign-in counting.
    pub(crate) throttle: Arc<dyn LoginThrottle>,
    /// Mutations per caller.
    pub(crate) rate_limiter: Arc<dyn RateLimiter>,
    /// Verification emails.
    pub(crate) mailer: Arc<dyn Mailer>,
    /// Session ends, announced to every process.
    pub(crate) events: Arc<dyn EventBus>,
    /// Time.
    pub(crate) clock: Arc<dyn Clock>,
    /// Ids and secrets.
    pub(crate) ids: Arc<dyn IdGenerator>,
    /// What this process knows of sessions (active or ended), kept current across processes by
    /// `identity::follow_session_ends`.
    pub(crate) session_cache: Arc<SessionCache>,
    /// Token lifetimes, plan limits, links in emails, the mutation rate.
    pub(crate) settings: Arc<AppSettings>,
}
