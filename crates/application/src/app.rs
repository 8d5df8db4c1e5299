//! The application: the services of the contexts, the ports they are built from, settings, and who is calling.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use backline_domain::ids::{SessionId, UserId};
use backline_domain::roles::{Plan, PlatformRole};

use crate::access::Access;
use crate::creators::Creators;
use crate::error::AppResult;
use crate::feedback::Feedback;
use crate::identity::Identity;
use crate::live::Feeds;
use crate::media::Media;
use crate::notifications::{Notifications, Notifier};
use crate::persisted::PersistedDocuments;
use crate::ports::{
    AliasRepository, AudioAnalyzer, BlobStore, Clock, CollaboratorRepository, CommentRepository, DocumentRepository,
    EmailTokenRepository, EventBus, EventLog, FileRepository, IdGenerator, ImageProcessor, ImageRepository,
    InvitationRepository, InviteLinkRepository, JobQueue, LoginThrottle, Mailer, NotificationRepository,
    OrganizationRepository, PasswordHasher, PersistedQueryStore, ProfileRepository, RateLimiter, ReviewLinkRepository,
    SessionRepository, TokenIssuer, UserRepository, WorkspaceRepository,
};
use crate::sharing::Sharing;
use crate::workspace::Workspace;

/// Storage limits per plan, in bytes; `None` means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLimits {
    /// FREE (default 5 GiB).
    pub free: Option<i64>,
    /// PRO (default 250 GiB).
    pub pro: Option<i64>,
    /// TEAM (default 1 TiB).
    pub team: Option<i64>,
    /// ENTERPRISE (default unlimited).
    pub enterprise: Option<i64>,
}

impl Default for PlanLimits {
    fn default() -> Self {
        const GIB: i64 = 1 << 30;
        Self {
            free: Some(5 * GIB),
            pro: Some(250 * GIB),
            team: Some(1024 * GIB),
            enterprise: None,
        }
    }
}

impl PlanLimits {
    /// The limit of one plan.
    pub fn for_plan(&self, plan: Plan) -> Option<i64> {
        match plan {
            Plan::Free => self.free,
            Plan::Pro => self.pro,
            Plan::Team => self.team,
            Plan::Enterprise => self.enterprise,
        }
    }
}

/// Settings the use cases read.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// The web app's public base URL (the single-page app, not the API), for links in emails
    /// (e.g. `https://backline.example`).
    pub public_url: String,
    /// Storage limits per plan.
    pub plan_limits: PlanLimits,
    /// Refresh-token (session) lifetime.
    pub refresh_token_ttl: chrono::Duration,
    /// Email verification token lifetime.
    pub email_token_ttl: chrono::Duration,
    /// Uploads, signed URLs and analysis.
    pub media: MediaSettings,
    /// A user gets at most one notification digest email per this interval (default 1 hour).
    pub digest_interval: chrono::Duration,
    /// Mutation fields one caller may run per minute (0: no limit).
    pub mutations_per_minute: u32,
    /// Trusted-documents mode: only these documents run (none registered by hash).
    pub trusted_documents: Option<Arc<crate::persisted::TrustedDocuments>>,
    /// How many documents registered by hash are kept (the oldest go first).
    pub persisted_queries_kept: u64,
}

/// Settings for uploads, signed URLs and analysis.
#[derive(Clone)]
pub struct MediaSettings {
    /// The largest file `uploadFile` accepts, in bytes (default 2 GiB).
    pub max_upload_bytes: u64,
    /// The largest image `uploadImage` accepts, in bytes (default 25 MiB).
    pub max_image_bytes: u64,
    /// How long a signed content URL stays valid (default 1 hour).
    pub url_ttl: chrono::Duration,
    /// The HMAC key that signs content URLs.
    pub signing_key: Vec<u8>,
    /// Tries an analysis job gets before it ends FAILED (default 5).
    pub max_attempts: i32,
    /// Delay before the first retry of a failed job; each further retry doubles it (default 5 s).
    pub retry_backoff: chrono::Duration,
    /// How long a worker holds a claimed job before others may take it over (default 10 min).
    pub job_lease: chrono::Duration,
}

impl std::fmt::Debug for MediaSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaSettings")
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("max_image_bytes", &self.max_image_bytes)
            .field("url_ttl", &self.url_ttl)
            .field("signing_key", &"<redacted>")
            .field("max_attempts", &self.max_attempts)
            .field("retry_backoff", &self.retry_backoff)
            .field("job_lease", &self.job_lease)
            .finish()
    }
}

impl Default for MediaSettings {
    fn default() -> Self {
        Self {
            max_upload_bytes: 2 << 30,
            max_image_bytes: 25 << 20,
            url_ttl: chrono::Duration::hours(1),
            signing_key: Vec::new(),
            max_attempts: 5,
            retry_backoff: chrono::Duration::seconds(5),
            job_lease: chrono::Duration::minutes(10),
        }
    }
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            public_url: "http://localhost:5173".to_owned(),
            plan_limits: PlanLimits::default(),
            refresh_token_ttl: chrono::Duration::days(30),
            email_token_ttl: chrono::Duration::hours(24),
            media: MediaSettings::default(),
            digest_interval: chrono::Duration::hours(1),
            mutations_per_minute: 600,
            trusted_documents: None,
            persisted_queries_kept: 10_000,
        }
    }
}

/// The adapters the composition root chooses for each port, handed to [`App::new`]. After that
/// only use cases reach them: outer crates (GraphQL, the server) call use cases.
#[derive(Clone)]
pub struct Ports {
    /// User accounts.
    pub users: Arc<dyn UserRepository>,
    /// Sessions and refresh tokens.
    pub sessions: Arc<dyn SessionRepository>,
    /// Email tokens.
    pub email_tokens: Arc<dyn EmailTokenRepository>,
    /// Spaces, projects, tracks.
    pub workspace: Arc<dyn WorkspaceRepository>,
    /// Collaborator rows.
    pub collaborators: Arc<dyn CollaboratorRepository>,
    /// Stored files (track versions).
    pub files: Arc<dyn FileRepository>,
    /// Comments on versions.
    pub comments: Arc<dyn CommentRepository>,
    /// In-app notifications.
    pub notifications: Arc<dyn NotificationRepository>,
    /// Invite links.
    pub invite_links: Arc<dyn InviteLinkRepository>,
    /// Aliases of artist spaces.
    pub aliases: Arc<dyn AliasRepository>,
    /// Email invitations.
    pub invitations: Arc<dyn InvitationRepository>,
    /// Documents of artist spaces (press kits).
    pub documents: Arc<dyn DocumentRepository>,
    /// Artist profiles.
    pub profiles: Arc<dyn ProfileRepository>,
    /// Labels: organizations, members and rosters.
    pub organizations: Arc<dyn OrganizationRepository>,
    /// Public review links.
    pub review_links: Arc<dyn ReviewLinkRepository>,
    /// Live events for subscriptions.
    pub events: Arc<dyn EventBus>,
    /// The outbox read back, for subscriptions that resume.
    pub event_log: Arc<dyn EventLog>,
    /// GraphQL documents registered by hash (automatic persisted queries).
    pub persisted_queries: Arc<dyn PersistedQueryStore>,
    /// Uploaded images.
    pub images: Arc<dyn ImageRepository>,
    /// Background jobs.
    pub jobs: Arc<dyn JobQueue>,
    /// File bodies.
    pub blobs: Arc<dyn BlobStore>,
    /// Audio decoding and measurement.
    pub analyzer: Arc<dyn AudioAnalyzer>,
    /// Image decoding and resizing.
    pub image_processor: Arc<dyn ImageProcessor>,
    /// Password hashing.
    pub hasher: Arc<dyn PasswordHasher>,
    /// Access tokens.
    pub tokens: Arc<dyn TokenIssuer>,
    /// Outgoing email.
    pub mailer: Arc<dyn Mailer>,
    /// Failed attempt counting (sign-ins, review-link passwords).
    pub throttle: Arc<dyn LoginThrottle>,
    /// Rate limits (mutations per caller).
    pub rate_limiter: Arc<dyn RateLimiter>,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Identifiers and secrets.
    pub ids: Arc<dyn IdGenerator>,
}

/// The application: one service per context, each holding exactly the ports its use cases
/// use, built from [`Ports`] by [`App::new`]. Outer crates call a context's use cases with its
/// service (`feedback::add_comment(&app.feedback, …)`); no port is reachable from outside.
#[derive(Clone)]
pub struct App {
    /// Accounts, sessions, plans, rate limits.
    pub identity: Identity,
    /// Spaces, projects, tracks, collaborators.
    pub workspace: Workspace,
    /// Uploads, versions, analysis, images, documents, blobs.
    pub media: Media,
    /// Comments and their live events.
    pub feedback: Feedback,
    /// The inbox, settings, digests.
    pub notifications: Notifications,
    /// Invitations, invite links, review links.
    pub sharing: Sharing,
    /// Profiles, aliases, labels.
    pub creators: Creators,
    /// GraphQL documents registered by hash, and trusted documents.
    pub documents: PersistedDocuments,
    /// Authorization, for callers' platform roles.
    pub access: Access,
    /// Settings.
    pub settings: Arc<AppSettings>,
    /// Every port, for black-box tests.
    #[cfg(feature = "testing")]
    ports: Ports,
}

impl App {
    /// The application over `ports` with `settings`: hands each context's service its ports.
    pub fn new(ports: Ports, settings: AppSettings) -> Self {
        let settings = Arc::new(settings);
        let access = Access {
            workspace: Arc::clone(&ports.workspace),
            collaborators: Arc::clone(&ports.collaborators),
            users: Arc::clone(&ports.users),
        };
        let notifier = Notifier {
            access: access.clone(),
            notifications: Arc::clone(&ports.notifications),
            clock: Arc::clone(&ports.clock),
            ids: Arc::clone(&ports.ids),
        };
        let feeds = Feeds::new(Arc::clone(&ports.events), Arc::clone(&ports.event_log));
        let workspace = Workspace {
            access: access.clone(),
            aliases: Arc::clone(&ports.aliases),
            blobs: Arc::clone(&ports.blobs),
            notifier: notifier.clone(),
            clock: Arc::clone(&ports.clock),
            ids: Arc::clone(&ports.ids),
        };
        Self {
            identity: Identity {
                access: access.clone(),
                sessions: Arc::clone(&ports.sessions),
                email_tokens: Arc::clone(&ports.email_tokens),
                hasher: Arc::clone(&ports.hasher),
                tokens: Arc::clone(&ports.tokens),
                throttle: Arc::clone(&ports.throttle),
                rate_limiter: Arc::clone(&ports.rate_limiter),
                mailer: Arc::clone(&ports.mailer),
                events: Arc::clone(&ports.events),
                clock: Arc::clone(&ports.clock),
                ids: Arc::clone(&ports.ids),
                session_cache: Arc::default(),
                settings: Arc::clone(&settings),
            },
            media: Media {
                access: access.clone(),
                files: Arc::clone(&ports.files),
                blobs: Arc::clone(&ports.blobs),
                jobs: Arc::clone(&ports.jobs),
                images: Arc::clone(&ports.images),
                documents: Arc::clone(&ports.documents),
                analyzer: Arc::clone(&ports.analyzer),
                image_processor: Arc::clone(&ports.image_processor),
                notifier: notifier.clone(),
                clock: Arc::clone(&ports.clock),
                ids: Arc::clone(&ports.ids),
                settings: Arc::clone(&settings),
            },
            feedback: Feedback {
                access: access.clone(),
                comments: Arc::clone(&ports.comments),
                files: Arc::clone(&ports.files),
                notifier: notifier.clone(),
                feeds: feeds.clone(),
                clock: Arc::clone(&ports.clock),
                ids: Arc::clone(&ports.ids),
            },
            notifications: Notifications {
                notifications: Arc::clone(&ports.notifications),
                users: Arc::clone(&ports.users),
                mailer: Arc::clone(&ports.mailer),
                feeds,
                clock: Arc::clone(&ports.clock),
                settings: Arc::clone(&settings),
            },
            sharing: Sharing {
                access: access.clone(),
                invitations: Arc::clone(&ports.invitations),
                invite_links: Arc::clone(&ports.invite_links),
                review_links: Arc::clone(&ports.review_links),
                comments: Arc::clone(&ports.comments),
                files: Arc::clone(&ports.files),
                mailer: Arc::clone(&ports.mailer),
                hasher: Arc::clone(&ports.hasher),
                throttle: Arc::clone(&ports.throttle),
                notifier: notifier.clone(),
                clock: Arc::clone(&ports.clock),
                ids: Arc::clone(&ports.ids),
                settings: Arc::clone(&settings),
            },
            creators: Creators {
                access: access.clone(),
                spaces: workspace.clone(),
                organizations: Arc::clone(&ports.organizations),
                aliases: Arc::clone(&ports.aliases),
                profiles: Arc::clone(&ports.profiles),
                images: Arc::clone(&ports.images),
                documents: Arc::clone(&ports.documents),
                files: Arc::clone(&ports.files),
                blobs: Arc::clone(&ports.blobs),
                notifier,
                clock: Arc::clone(&ports.clock),
                ids: Arc::clone(&ports.ids),
            },
            workspace,
            documents: PersistedDocuments {
                store: Arc::clone(&ports.persisted_queries),
                settings: Arc::clone(&settings),
            },
            access,
            settings,
            #[cfg(feature = "testing")]
            ports,
        }
    }

    /// The time now, by the application's clock (the one every use case reads).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.identity.clock.now()
    }

    /// What this process knows of sessions, for the WebSocket to end subscriptions of sessions
    /// that ended.
    pub fn session_cache(&self) -> &Arc<crate::identity::SessionCache> {
        &self.identity.session_cache
    }

    /// Every port, for black-box tests that set up or inspect what no use case exposes (a
    /// plan change, a blob's presence). Feature `testing`.
    #[cfg(feature = "testing")]
    pub fn ports(&self) -> Ports {
        self.ports.clone()
    }
}

/// Facts about the calling client, recorded on sessions and used for throttling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientMeta {
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// The client's address.
    pub ip: Option<String>,
}

/// Who is calling: a signed-in user (from a valid access token) or nobody.
#[derive(Debug, Default, Clone)]
pub struct Actor {
    user: Option<(UserId, SessionId)>,
    platform_role: OnceLock<PlatformRole>,
    /// The caller's own roles already looked up in this read-only operation.
    roles: Option<Arc<RoleMemo>>,
}

/// The caller's own roles (a collaborator row, or ADMIN through a label's roster) on resources
/// looked up during one read-only operation, `None` for a resource where they hold none: a
/// nested list asks about the same ancestors at every level, and asks the database once.
#[derive(Debug, Default)]
pub(crate) struct RoleMemo(std::sync::Mutex<HashMap<uuid::Uuid, Option<backline_domain::roles::Role>>>);

impl RoleMemo {
    /// The roles known for `ids` (absent: never looked up), and the ids never looked up.
    pub(crate) fn split(
        &self,
        ids: &[uuid::Uuid],
    ) -> (HashMap<uuid::Uuid, backline_domain::roles::Role>, Vec<uuid::Uuid>) {
        let mut known = HashMap::new();
        let mut missing = Vec::new();
        match self.0.lock() {
            Ok(memo) => {
                for id in ids {
                    match memo.get(id) {
                        Some(Some(role)) => {
                            known.insert(*id, *role);
                        }
                        Some(None) => {}
                        None => missing.push(*id),
                    }
                }
            }
            // A poisoned memo remembers nothing: every id is looked up again.
            Err(_) => missing.extend_from_slice(ids),
        }
        (known, missing)
    }

    /// Records what a look-up of `asked` found (`found`; the rest hold no role).
    pub(crate) fn store(&self, asked: &[uuid::Uuid], found: &HashMap<uuid::Uuid, backline_domain::roles::Role>) {
        if let Ok(mut memo) = self.0.lock() {
            for id in asked {
                memo.insert(*id, found.get(id).copied());
            }
        }
    }
}

impl Actor {
    /// An anonymous caller.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// A caller signed in as `user` through `session`.
    pub fn user(user: UserId, session: SessionId) -> Self {
        Self {
            user: Some((user, session)),
            platform_role: OnceLock::new(),
            roles: None,
        }
    }

    /// The same caller for one read-only operation (a query): each of their roles is looked
    /// up once and reused by the operation's later checks, so a nested list does not ask about
    /// the same ancestors at every level. Never for a mutation or a subscription, whose checks
    /// must see the changes they make or wait for.
    #[must_use]
    pub fn for_one_query(&self) -> Self {
        Self {
            roles: Some(Arc::default()),
            ..self.clone()
        }
    }

    /// Whether this caller is acting for one query ([`Actor::for_one_query`]): what it reads
    /// may be loaded ahead and reused within the operation.
    pub fn is_one_query(&self) -> bool {
        self.roles.is_some()
    }

    /// The roles remembered for this operation, when it is a query.
    pub(crate) fn role_memo(&self) -> Option<&RoleMemo> {
        self.roles.as_deref()
    }

    /// The signed-in user, if any.
    pub fn user_id(&self) -> Option<UserId> {
        self.user.map(|(user, _)| user)
    }

    /// The signed-in user's session, if any.
    pub fn session_id(&self) -> Option<SessionId> {
        self.user.map(|(_, session)| session)
    }

    /// The signed-in user, or `UNAUTHENTICATED`.
    pub fn require(&self) -> AppResult<UserId> {
        self.user_id().ok_or_else(|| {
            crate::AppError::Unauthenticated("sign in first: send 'Authorization: Bearer <accessToken>'".into())
        })
    }

    /// The caller's platform role, loaded once per request.
    pub async fn platform_role(&self, access: &Access) -> AppResult<Option<PlatformRole>> {
        let Some(user_id) = self.user_id() else {
            return Ok(None);
        };
        if let Some(role) = self.platform_role.get() {
            return Ok(Some(*role));
        }
        let Some(user) = access.users.find(user_id).await? else {
            return Ok(None);
        };
        Ok(Some(*self.platform_role.get_or_init(|| user.platform_role)))
    }
}
