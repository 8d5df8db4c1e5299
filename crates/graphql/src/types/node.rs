//! The Relay `Node` interface: anything with a global id that `node(id:)` can fetch.

use async_graphql::{ID, Interface};

use super::{ArtistSpaceNode, CommentNode, FileNode, ProjectNode, TrackNode, UserNode};

/// An object with a global id. Ask for any of them with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's global id."))]
pub(crate) enum Node {
    /// A user.
    User(UserNode),
    /// An artist space.
    ArtistSpace(ArtistSpaceNode),
    /// A project.
    Project(ProjectNode),
    /// A track.
    Track(TrackNode),
    /// A file (a track version).
    File(FileNode),
    /// A comment.
    Comment(CommentNode),
}
