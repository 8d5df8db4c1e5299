//! The workspace: artist spaces, projects and tracks (the hierarchy), and collaborators.

pub(crate) mod collaborators;
pub(crate) mod hierarchy;

pub use collaborators::SqlCollaboratorRepository;
pub use hierarchy::SqlWorkspaceRepository;
