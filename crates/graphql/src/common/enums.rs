//! GraphQL enums mirroring the domain's.

use async_graphql::Enum;
use backline_application::ports::{CommentEventKind, CommentFilter, CommentOrder, TrackEventKind};
use backline_domain::media::{AnalysisStatus, FileType, ImageTarget};
use backline_domain::notifications::NotificationType;
use backline_domain::roles::{AuthMethod, BillingCycle, Plan, PlatformRole, Role, SubscriptionStatus};
use backline_domain::values::SlugType;
use backline_domain::workspace::{ProjectStatus, TrackStatus};

macro_rules! mirror {
    ($(#[$doc:meta])* $gql:ident as $name:literal <=> $domain:ident { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        #[graphql(name = $name)]
        pub(crate) enum $gql {
            $($(#[$vdoc])* $variant),+
        }

        impl From<$domain> for $gql {
            fn from(value: $domain) -> Self {
                match value {
                    $($domain::$variant => $gql::$variant),+
                }
            }
        }

        impl From<$gql> for $domain {
            fn from(value: $gql) -> Self {
                match value {
                    $($gql::$variant => $domain::$variant),+
                }
            }
        }
    };
}

mirror!(
    /// A collaborator's role on an artist space, project or track. Roles on a space apply to
    /// everything in it; roles on a project apply to its tracks.
    GqlRole as "Role" <=> Role {
        /// Owns the resource: may do everything, including deleting it and transferring it.
        Owner,
        /// Runs the resource: manages collaborators and content; cannot delete an artist space.
        Admin,
        /// Works on tracks: edits them, uploads versions, moderates comments.
        Editor,
        /// Listens and comments.
        Viewer,
    }
);

mirror!(
    /// A user's single platform-wide role.
    GqlPlatformRole as "PlatformRole" <=> PlatformRole {
        /// Listens to public music.
        Listener,
        /// Makes music (every new account).
        Artist,
        /// Runs a label.
        Label,
        /// Administers a tenant.
        TenantAdmin,
        /// Administers the platform: manages plans, sees emails.
        Admin,
        /// Administers the administrators.
        SuperAdmin,
    }
);

mirror!(
    /// A billing plan.
    GqlPlan as "Plan" <=> Plan {
        /// Free: 5 GiB of storage by default.
        Free,
        /// Pro: custom slugs, 250 GiB by default.
        Pro,
        /// Team: 1 TiB by default.
        Team,
        /// Enterprise: unlimited storage by default.
        Enterprise,
    }
);

mirror!(
    /// Whether a subscription is in good standing.
    GqlSubscriptionStatus as "SubscriptionStatus" <=> SubscriptionStatus {
        /// Paid up, or free.
        Active,
        /// Ends with the current period.
        Cancelled,
        /// A payment failed.
        PastDue,
    }
);

mirror!(
    /// How often a paid plan is billed.
    GqlBillingCycle as "BillingCycle" <=> BillingCycle {
        /// Every month.
        Monthly,
        /// Every year.
        Yearly,
    }
);

mirror!(
    /// How an account signs in.
    GqlAuthMethod as "AuthMethod" <=> AuthMethod {
        /// Email and password (the only method offered today).
        Email,
        /// Google sign-in (planned).
        Google,
        /// Sign in with Apple (planned).
        Apple,
    }
);

mirror!(
    /// How a slug came to be.
    GqlSlugType as "SlugType" <=> SlugType {
        /// Derived from the name by the server.
        Auto,
        /// Chosen by the user (PRO plan or higher).
        Premium,
    }
);

mirror!(
    /// Where a project stands.
    GqlProjectStatus as "ProjectStatus" <=> ProjectStatus {
        /// Just started.
        Draft,
        /// Being worked on.
        InProgress,
        /// Out for review.
        Review,
        /// Finished.
        Completed,
    }
);

mirror!(
    /// Where a track stands.
    GqlTrackStatus as "TrackStatus" <=> TrackStatus {
        /// Being made.
        Draft,
        /// Out for review.
        Review,
        /// Approved by the team.
        Approved,
        /// Released.
        Published,
    }
);

mirror!(
    /// What a file holds.
    GqlFileType as "FileType" <=> FileType {
        /// Audio: a version of a track.
        Audio,
        /// A picture.
        Image,
        /// Video.
        Video,
        /// A document.
        Document,
    }
);

mirror!(
    /// Where a file's analysis stands.
    GqlAnalysisStatus as "AnalysisStatus" <=> AnalysisStatus {
        /// Waiting for a worker.
        Pending,
        /// Being decoded and measured.
        Processing,
        /// Done: metadata, loudness and waveform are set.
        Ready,
        /// The file could not be analysed (see `error`); it stays downloadable.
        Failed,
    }
);

mirror!(
    /// What an uploaded image is for.
    GqlImageTarget as "ImageTarget" <=> ImageTarget {
        /// Your own avatar (`targetId` is your user id).
        UserAvatar,
        /// An artist space's image (needs Space U: owner or admin).
        ArtistSpace,
        /// A project's cover art (needs Project U: owner or admin).
        ProjectCover,
        /// A visual for an artist space's profile (`targetId` is the space; needs Space U).
        /// A space keeps many; list them in `updateArtistProfile(input: {visuals})` by `imageId`.
        ArtistVisual,
    }
);

mirror!(
    /// What a notification is about (seed 000's NotificationEvents).
    GqlNotificationType as "NotificationType" <=> NotificationType {
        /// A comment was added to a track you work on.
        NewCommentCreated,
        /// Someone replied in a thread you are part of.
        ResponseToComment,
        /// Someone liked your comment.
        LikeToComment,
        /// Your comment was resolved.
        CommentCompleted,
        /// You were invited.
        NewInvite,
        /// Your invitation was accepted.
        InviteAccepted,
        /// You were removed from a space, project or track.
        CollaboratorRemoved,
        /// A new version was uploaded to a track you work on.
        FileUploaded,
        /// A version was approved as final.
        VersionApproved,
        /// You were mentioned in a comment.
        Mentioned,
    }
);

mirror!(
    /// What happened to a comment.
    GqlCommentEventKind as "CommentEventKind" <=> CommentEventKind {
        /// Written (a comment or a reply).
        Added,
        /// Its text changed.
        Updated,
        /// Deleted, or turned into a `[deleted]` placeholder.
        Deleted,
        /// Marked done.
        Resolved,
        /// Marked open again.
        Reopened,
        /// Liked.
        Liked,
        /// A like was taken back.
        Unliked,
        /// Pinned.
        Pinned,
        /// Unpinned.
        Unpinned,
    }
);

mirror!(
    /// What happened to a track.
    GqlTrackEventKind as "TrackEventKind" <=> TrackEventKind {
        /// A new version was uploaded.
        FileUploaded,
        /// A version's analysis finished (see its `analysis.status`): the waveform is there.
        AnalysisFinished,
        /// A version was approved as final.
        VersionApproved,
        /// A version was deleted.
        FileDeleted,
        /// The track's own fields changed.
        TrackUpdated,
    }
);
/// How a list of comments is ordered.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "CommentOrder")]
pub(crate) enum GqlCommentOrder {
    /// Pinned first, then by position in the audio, earliest first; comments without a time
    /// come last.
    Timestamp,
    /// Pinned first, then newest first.
    Newest,
}

impl GqlCommentOrder {
    pub(crate) fn filter(self, include_resolved: bool) -> CommentFilter {
        CommentFilter {
            order: match self {
                GqlCommentOrder::Timestamp => CommentOrder::Timestamp,
                GqlCommentOrder::Newest => CommentOrder::Newest,
            },
            include_resolved,
        }
    }
}

/// Where a membership stands (seed 002 ArtistMember status).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "MembershipStatus")]
pub(crate) enum GqlMembershipStatus {
    /// Invited by email, not joined yet: the resource's PENDING invitations (`invitations`)
    /// are its pending members; they get no access until they accept.
    Pending,
    /// A current collaborator.
    Active,
    /// Removed, or left; kept for the history.
    Removed,
}

impl From<backline_domain::workspace::MembershipStatus> for GqlMembershipStatus {
    fn from(status: backline_domain::workspace::MembershipStatus) -> Self {
        use backline_domain::workspace::MembershipStatus;
        match status {
            MembershipStatus::Pending => Self::Pending,
            MembershipStatus::Active => Self::Active,
            MembershipStatus::Removed => Self::Removed,
        }
    }
}
