//! The Relay `Node` interface: anything with a global id that `node(id:)` can fetch.

use async_graphql::{ID, Interface};

use crate::common::nodes::{
    ArtistAliasNode, ArtistSpaceNode, CommentNode, DocumentNode, FileNode, ImageNode, InvitationNode, InviteLinkNode,
    NotificationNode, OrganizationNode, ProjectNode, ReviewLinkNode, RosterEntryNode, SessionNode, TrackNode, UserNode,
};

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
    /// One of your sessions.
    Session(SessionNode),
    /// One of your notifications.
    Notification(NotificationNode),
    /// An invite link (for its resource's owners and admins).
    InviteLink(InviteLinkNode),
    /// An email invitation (for its inviter, its resource's managers and its recipient).
    Invitation(InvitationNode),
    /// An alias of an artist space.
    ArtistAlias(ArtistAliasNode),
    /// A public review link (for its track's owners and admins).
    ReviewLink(ReviewLinkNode),
    /// An organization (a label), for its members.
    Organization(OrganizationNode),
    /// A roster entry (for the organization's members and the space's people).
    RosterEntry(RosterEntryNode),
    /// An image you uploaded.
    Image(ImageNode),
    /// A press-kit document of a space.
    Document(DocumentNode),
}
