//! Typed identifiers. Every entity is keyed by a UUIDv7 (time-ordered, so "newest first" is
//! "largest id first"); the newtypes keep a project id from being passed where a track id is meant.

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct $name(pub Uuid);

        impl $name {
            /// The underlying UUID.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Identifies a user account.
    UserId
);
id_type!(
    /// Identifies an artist space (an artist, band or label).
    ArtistSpaceId
);
id_type!(
    /// Identifies a project (album, EP, single) inside an artist space.
    ProjectId
);
id_type!(
    /// Identifies a track inside a project.
    TrackId
);
id_type!(
    /// Identifies a sign-in session (one refresh-token family).
    SessionId
);
id_type!(
    /// Identifies one collaborator row (a user's role on one resource).
    CollaboratorId
);
id_type!(
    /// Identifies one stored file (one version of a track's audio, or an attachment).
    FileId
);
id_type!(
    /// Identifies one uploaded image (an avatar, artist image or cover) and its variants.
    ImageId
);
id_type!(
    /// Identifies one background job.
    JobId
);
id_type!(
    /// Identifies one comment (a time-synced note on a version, or a reply).
    CommentId
);
id_type!(
    /// Identifies one in-app notification.
    NotificationId
);
id_type!(
    /// Identifies one invite link.
    InviteLinkId
);
id_type!(
    /// Identifies one email invitation.
    InvitationId
);
id_type!(
    /// Identifies one document of an artist space.
    DocumentId
);
id_type!(
    /// Identifies one public review link.
    ReviewLinkId
);
id_type!(
    /// Identifies one organization (a label).
    OrganizationId
);
id_type!(
    /// Identifies one alias of an artist space.
    ArtistAliasId
);
