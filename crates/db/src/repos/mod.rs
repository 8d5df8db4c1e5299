//! Repository implementations of the application's ports.

mod collaborators;
mod email_tokens;
mod sessions;
mod users;
mod workspace;

pub use collaborators::SqlCollaboratorRepository;
pub use email_tokens::SqlEmailTokenRepository;
pub use sessions::SqlSessionRepository;
pub use users::SqlUserRepository;
pub use workspace::SqlWorkspaceRepository;
