//! The workspace: artist spaces, projects, tracks and their collaborators.

mod ahead;
mod collaborator_mutation;
mod collaborators;
pub(crate) mod loaders;
mod mutation;
mod query;
mod resource;
pub(crate) mod types;

pub(crate) use collaborator_mutation::CollaboratorMutation;
pub(crate) use mutation::WorkspaceMutation;
pub(crate) use query::WorkspaceQuery;
