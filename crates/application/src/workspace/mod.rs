//! The workspace: artist spaces, projects, tracks and their collaborators.

mod collaborators;
mod listing;
mod projects;
pub(crate) mod resource;
mod service;
pub(crate) mod slugs;
mod spaces;
mod tracks;

pub use service::Workspace;

pub use collaborators::{
    add_collaborator, former_collaborators_of, leave_resource, remove_collaborator, transfer_ownership,
    update_collaborator_role,
};
pub(crate) use collaborators::{grantable, managed};
pub use listing::{
    collaborators_of, count_collaborators_of, count_my_artist_spaces, count_projects_in, count_tracks_in,
    my_artist_spaces, projects_by_ids, projects_in, spaces_by_ids, tracks_by_ids, tracks_in, viewer_roles,
};
pub use projects::{
    CreateProject, UpdateProject, create_project, delete_project, find_project, find_project_by_short_id,
    update_project,
};
pub use resource::{ResourceRef, resolve};
pub(crate) use spaces::find_space_unchecked;
pub use spaces::{
    CreateArtistSpace, SpaceLookup, UpdateArtistSpace, create_artist_space, delete_artist_space, find_artist_space,
    update_artist_space,
};
pub use tracks::{
    CreateTrack, UpdateTrack, create_track, delete_track, find_track, find_track_by_short_id, update_track,
};

/// How many times an insert is retried after a short-id or slug collision.
pub(crate) const INSERT_ATTEMPTS: usize = 8;
