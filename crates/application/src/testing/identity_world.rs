//! The identity service wired over the fakes, for unit tests of its use cases.

use std::sync::Arc;

use super::{
    ManualClock, MemoryCollaborators, MemoryEmailTokens, MemoryEvents, MemorySessions, MemoryThrottle, MemoryUsers,
    MemoryWorkspace, PlainHasher, RecordingMailer, SequentialIds, SignedTokens,
};
use crate::access::Access;
use crate::error::{AppError, AppResult};
use crate::identity::{AuthPayload, Identity, SessionCache, SignUp, authenticate, sign_up};
use crate::{Actor, AppSettings, ClientMeta};

/// Failed sign-ins allowed per account or address within [`LOGIN_WINDOW`].
pub(crate) const LOGIN_TRIES: usize = 3;
/// The window failed sign-ins are counted in.
pub(crate) const LOGIN_WINDOW: chrono::Duration = chrono::Duration::minutes(15);
/// The password accounts made by [`IdentityWorld::sign_up`] get.
pub(crate) const PASSWORD: &str = "correct horse battery";

/// The fakes, what they hold, and the identity service over them.
pub(crate) struct IdentityWorld {
    pub(crate) users: Arc<MemoryUsers>,
    pub(crate) sessions: Arc<MemorySessions>,
    pub(crate) email_tokens: Arc<MemoryEmailTokens>,
    pub(crate) tokens: Arc<SignedTokens>,
    pub(crate) throttle: Arc<MemoryThrottle>,
    pub(crate) mailer: Arc<RecordingMailer>,
    /// The outbox and bus the session store's events are relayed to.
    pub(crate) events: Arc<MemoryEvents>,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) identity: Identity,
}

impl IdentityWorld {
    /// No accounts yet; the clock stands at the current time.
    pub(crate) fn new() -> Self {
        let collaborators = Arc::new(MemoryCollaborators::default());
        let workspace = MemoryWorkspace::sharing(Arc::clone(&collaborators));
        let users = Arc::new(MemoryUsers::default());
        let events = Arc::new(MemoryEvents::new());
        let sessions = Arc::new(MemorySessions::relaying(Arc::clone(&events)));
        let email_tokens = Arc::new(MemoryEmailTokens::new());
        let clock = Arc::new(ManualClock::at(chrono::Utc::now()));
        let tokens = Arc::new(SignedTokens::new(Arc::clone(&clock) as _));
        let throttle = Arc::new(MemoryThrottle::new(LOGIN_TRIES, LOGIN_WINDOW));
        let mailer = Arc::new(RecordingMailer::new());
        let identity = Identity {
            access: Access {
                workspace: workspace as _,
                collaborators: collaborators as _,
                users: Arc::clone(&users) as _,
            },
            sessions: Arc::clone(&sessions) as _,
            email_tokens: Arc::clone(&email_tokens) as _,
            hasher: Arc::new(PlainHasher::new()),
            tokens: Arc::clone(&tokens) as _,
            throttle: Arc::clone(&throttle) as _,
            rate_limiter: Arc::clone(&throttle) as _,
            mailer: Arc::clone(&mailer) as _,
            events: Arc::clone(&events) as _,
            clock: Arc::clone(&clock) as _,
            ids: Arc::new(SequentialIds::new()),
            session_cache: Arc::new(SessionCache::default()),
            settings: Arc::new(AppSettings::default()),
        };
        Self {
            users,
            sessions,
            email_tokens,
            tokens,
            throttle,
            mailer,
            events,
            clock,
            identity,
        }
    }

    /// The same stores seen from another process: its own session cache, nothing else differs.
    pub(crate) fn other_process(&self) -> Identity {
        Identity {
            session_cache: Arc::new(SessionCache::default()),
            ..self.identity.clone()
        }
    }

    /// What the world's clock shows.
    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        crate::ports::Clock::now(self.clock.as_ref())
    }

    /// A browser at a fixed address.
    pub(crate) fn meta() -> ClientMeta {
        ClientMeta {
            user_agent: Some("TestBrowser/1.0".to_owned()),
            ip: Some("192.0.2.1".to_owned()),
        }
    }

    /// Signs up `username` at `<username>@example.com` with [`PASSWORD`].
    pub(crate) async fn sign_up(&self, username: &str) -> AppResult<AuthPayload> {
        sign_up(
            &self.identity,
            SignUp {
                email: format!("{username}@example.com"),
                username: username.to_owned(),
                password: PASSWORD.to_owned(),
            },
            &Self::meta(),
        )
        .await
    }

    /// The caller an access token stands for, as a request carrying it would be authenticated.
    pub(crate) async fn actor(&self, access_token: &str) -> AppResult<Actor> {
        authenticate(&self.identity, Some(&format!("Bearer {access_token}"))).await
    }

    /// The verification token in the last email sent to `to`.
    pub(crate) fn mailed_token(&self, to: &str) -> AppResult<String> {
        self.mailer
            .sent()
            .iter()
            .rev()
            .find(|message| message.to == to)
            .and_then(|message| message.body.split("token=").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no verification email to {to}")))
    }
}
