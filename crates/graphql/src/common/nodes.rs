//! The node types' declarations, and every connection: declared once here so any context can
//! return another's objects. Each type's fields (its `#[Object]` impl) live in its context.

use std::collections::HashMap;
use std::sync::Arc;

use backline_application::sharing::InvitationView;
use backline_domain::comments::Comment;
use backline_domain::identity::{Session, User};
use backline_domain::ids::{ArtistSpaceId, OrganizationId};
use backline_domain::media::{Image, MediaFile};
use backline_domain::notifications::Notification;
use backline_domain::organizations::{OrgRole, Organization, RosterEntry};
use backline_domain::profile::ArtistProfile;
use backline_domain::review::ReviewLink;
use backline_domain::sharing::InviteLink;
use backline_domain::workspace::{ArtistAlias, ArtistSpace, Collaborator, Project, Track};

use crate::common::pagination::connection;

/// A person with an account. Profiles are visible to every signed-in user; the email only to
/// the user themself and platform admins.
#[derive(Clone)]
pub(crate) struct UserNode {
    pub(crate) user: User,
    /// Set when the user is the one who just signed in (the request itself is anonymous).
    pub(crate) signed_in_as: bool,
}

/// A signed-in device (one refresh-token family).
pub(crate) struct SessionNode {
    pub(crate) session: Session,
    pub(crate) current: bool,
}

/// An artist, band or label: the top-level container of projects.
#[derive(Clone)]
pub(crate) struct ArtistSpaceNode(pub(crate) ArtistSpace);

/// An album, EP, single or other body of work.
#[derive(Clone)]
pub(crate) struct ProjectNode(pub(crate) Project);

/// A song, with its versions and feedback.
#[derive(Clone)]
pub(crate) struct TrackNode(pub(crate) Track);

/// A user's role on a resource (not counting roles inherited from the space or project).
#[derive(Clone)]
pub(crate) struct CollaboratorNode(pub(crate) Collaborator);

/// A stored file: for audio, one version of a track.
#[derive(Clone)]
pub(crate) struct FileNode(pub(crate) MediaFile);

/// An uploaded image (avatar, artist image or cover art) with its variants.
pub(crate) struct ImageNode(pub(crate) Image);

/// A press-kit document of an artist space.
pub(crate) struct DocumentNode(pub(crate) backline_domain::media::Document);

/// A time-synced comment on a version, or a reply in its thread.
#[derive(Clone)]
pub(crate) struct CommentNode(pub(crate) Comment);

/// One notification in your inbox.
#[derive(Clone)]
pub(crate) struct NotificationNode(pub(crate) Notification);

/// An artist space's profile.
pub(crate) struct ArtistProfileNode(pub(crate) ArtistProfile);

/// Names shown on roster entries.
#[derive(Default)]
pub(crate) struct RosterNames {
    pub(crate) organizations: HashMap<OrganizationId, String>,
    pub(crate) spaces: HashMap<ArtistSpaceId, String>,
}

/// An artist space on, or asked onto, an organization's roster.
pub(crate) struct RosterEntryNode(pub(crate) RosterEntry, pub(crate) Arc<RosterNames>);

/// An organization, as its members see it.
#[derive(Clone)]
pub(crate) struct OrganizationNode(pub(crate) Organization, pub(crate) OrgRole);

/// A review link as the track's OWNER and ADMINs see it.
pub(crate) struct ReviewLinkNode(pub(crate) ReviewLink);

/// An invite link, as its creator and the resource's OWNER and ADMINs see it.
pub(crate) struct InviteLinkNode(pub(crate) InviteLink);

/// An email invitation, as its inviter, the resource's OWNER and ADMINs, and its recipient see
/// it.
#[derive(Clone)]
pub(crate) struct InvitationNode(pub(crate) InvitationView);

/// Another name of an artist space.
pub(crate) struct ArtistAliasNode(pub(crate) ArtistAlias);

connection!(
    UserConnection,
    UserEdge,
    UserNode from User,
    "UserConnection",
    "UserEdge",
    "How many people the list holds."
);

connection!(
    CommentConnection,
    CommentEdge,
    CommentNode(Comment),
    "CommentConnection",
    "CommentEdge",
    "How many top-level comments match in all."
);

connection!(
    ReplyConnection,
    ReplyEdge,
    CommentNode from Comment,
    "ReplyConnection",
    "ReplyEdge",
    "How many replies the comment has."
);

connection!(
    FileConnection,
    FileEdge,
    FileNode(MediaFile),
    "FileConnection",
    "FileEdge",
    "How many files (versions) the track holds in all."
);

connection!(
    CollaboratorConnection,
    CollaboratorEdge,
    CollaboratorNode(Collaborator),
    "CollaboratorConnection",
    "CollaboratorEdge",
    "How many collaborators the resource has in all."
);

connection!(
    ArtistSpaceConnection,
    ArtistSpaceEdge,
    ArtistSpaceNode(ArtistSpace),
    "ArtistSpaceConnection",
    "ArtistSpaceEdge",
    "How many artist spaces the list holds in all."
);

connection!(
    ProjectConnection,
    ProjectEdge,
    ProjectNode(Project),
    "ProjectConnection",
    "ProjectEdge",
    "How many projects the space has in all."
);

connection!(
    TrackConnection,
    TrackEdge,
    TrackNode(Track),
    "TrackConnection",
    "TrackEdge",
    "How many tracks the project has in all."
);

connection!(
    NotificationConnection,
    NotificationEdge,
    NotificationNode(Notification),
    "NotificationConnection",
    "NotificationEdge",
    "How many notifications match in all."
);

connection!(
    OrganizationConnection,
    OrganizationEdge,
    OrganizationNode from (Organization, OrgRole),
    "OrganizationConnection",
    "OrganizationEdge",
    "How many organizations you belong to."
);

connection!(
    InvitationConnection,
    InvitationEdge,
    InvitationNode(InvitationView),
    "InvitationConnection",
    "InvitationEdge",
    "How many invitations the list holds."
);
