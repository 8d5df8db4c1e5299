//! Ports: the traits the use cases need from the outside world. Adapters in other crates
//! implement them; the server's composition root picks which.

mod aliases;
mod analyzer;
mod blobs;
mod collaborators;
mod comments;
mod creators;
mod credentials;
mod documents;
mod email_tokens;
mod events;
mod files;
mod images;
mod jobs;
mod mailer;
mod notifications;
mod persisted_queries;
mod review_links;
mod sessions;
mod sharing;
mod system;
mod users;
mod workspace;

pub use aliases::AliasRepository;
pub use analyzer::{AnalysisFailure, AudioAnalyzer, AudioReport};
pub use blobs::{BlobInfo, BlobRead, BlobStore, BlobWriter, ByteStream};
pub use collaborators::CollaboratorRepository;
pub use comments::{CommentFilter, CommentOrder, CommentParent, CommentPeople, CommentRepository, NewComment};
pub use creators::{OrganizationRepository, ProfileRepository};
pub use credentials::{AccessClaims, Attempt, LoginThrottle, PasswordHasher, RateLimiter, TokenIssuer};
pub use documents::{DocumentRepository, DocumentStored};
pub use email_tokens::{EmailTokenPurpose, EmailTokenRepository};
pub use events::{
    CommentEventKind, Event, EventBus, EventError, EventLog, EventPosition, EventScope, EventStream, TrackEventKind,
};
pub use files::{FileRepository, NewVersion};
pub use images::{ImageProcessor, ImageRefusal, ImageRepository, ImageSet, ProcessedImage};
pub use jobs::{Job, JobKind, JobQueue};
pub use mailer::{MailMessage, Mailer};
pub use notifications::{Notices, NotificationRepository};
pub use persisted_queries::PersistedQueryStore;
pub use review_links::{ReviewCounter, ReviewLinkRepository};
pub use sessions::{RefreshTokenRecord, RotateOutcome, SessionRepository};
pub use sharing::{Acceptance, InvitationRepository, InviteLinkRepository};
pub use system::{Clock, IdGenerator};
pub use users::{NewUser, UserRepository, UserWithPassword};
pub use workspace::{SiblingScope, WorkspaceRepository};

/// Which uniqueness rule of the store a write broke. The use case names the input field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    /// A short id (drawn at random; the caller draws another).
    ShortId,
    /// A slug among its siblings, or in the space and alias namespace.
    Slug,
    /// An account's email address.
    Email,
    /// An account's username.
    Username,
    /// One person's membership (a role, a like, a pending invitation) of one thing.
    Membership,
    /// A random code (invite links, review links).
    Code,
    /// Another rule.
    Other,
}

/// What a repository reports besides success. Adapters translate driver errors into these.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A unique constraint refused the write; says which.
    #[error("duplicate ({0:?})")]
    Duplicate(Unique),
    /// The row to change does not exist.
    #[error("not found")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Unknown(#[from] anyhow::Error),
}

/// Results of repository calls.
pub type RepoResult<T> = Result<T, RepoError>;
