//! Repository implementations of the application's ports.

mod aliases;
mod collaborators;
mod comments;
pub(crate) mod documents;
mod email_tokens;
pub(crate) mod files;
pub(crate) mod images;
mod invitations;
mod invite_links;
pub(crate) mod jobs;
mod labels;
mod notifications;
mod persisted_queries;
mod review_links;
mod sessions;
mod throttles;
mod users;
pub(crate) mod workspace;

pub use aliases::SqlAliasRepository;
pub use collaborators::SqlCollaboratorRepository;
pub use comments::SqlCommentRepository;
pub use documents::SqlDocumentRepository;
pub use email_tokens::SqlEmailTokenRepository;
pub use files::SqlFileRepository;
pub use images::SqlImageRepository;
pub use invitations::SqlInvitationRepository;
pub use invite_links::SqlInviteLinkRepository;
pub use jobs::SqlJobQueue;
pub use labels::SqlLabelRepository;
pub use notifications::SqlNotificationRepository;
pub use persisted_queries::SqlPersistedQueries;
pub use review_links::SqlReviewLinkRepository;
pub use sessions::SqlSessionRepository;
pub use throttles::SqlThrottle;
pub use users::SqlUserRepository;
pub use workspace::SqlWorkspaceRepository;
