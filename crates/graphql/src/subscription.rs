//! Live updates over GraphQL subscriptions (`/graphql/ws`).

use async_graphql::{Context, Enum, ID, Object, Subscription};
use backline_application::feedback::comment_events;
use backline_application::ports::CommentEventKind;
use backline_domain::ids::TrackId;
use futures::{Stream, StreamExt};

use crate::context::parts;
use crate::error::{GqlResult, gql};
use crate::ids::{Kind, decode, encode};
use crate::types::CommentNode;

/// What happened to a comment.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "CommentEventKind")]
pub(crate) enum GqlCommentEventKind {
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

impl From<CommentEventKind> for GqlCommentEventKind {
    fn from(kind: CommentEventKind) -> Self {
        match kind {
            CommentEventKind::Added => Self::Added,
            CommentEventKind::Updated => Self::Updated,
            CommentEventKind::Deleted => Self::Deleted,
            CommentEventKind::Resolved => Self::Resolved,
            CommentEventKind::Reopened => Self::Reopened,
            CommentEventKind::Liked => Self::Liked,
            CommentEventKind::Unliked => Self::Unliked,
            CommentEventKind::Pinned => Self::Pinned,
            CommentEventKind::Unpinned => Self::Unpinned,
        }
    }
}

/// A change to a comment on a track.
pub(crate) struct CommentEventNode {
    kind: GqlCommentEventKind,
    comment: CommentNode,
}

/// A change to a comment on a track.
#[Object(name = "CommentEvent")]
impl CommentEventNode {
    /// What happened.
    async fn kind(&self) -> GqlCommentEventKind {
        self.kind
    }

    /// The comment as it is now (as it was, for DELETED).
    async fn comment(&self) -> &CommentNode {
        &self.comment
    }

    /// The version the comment is about.
    async fn file_id(&self) -> ID {
        encode(Kind::File, self.comment.0.file_id.0)
    }
}

/// Everything that can be watched live.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Everything that can be watched live, over `/graphql/ws` (graphql-transport-ws or the legacy
/// graphql-ws protocol; authenticate with `{"Authorization": "Bearer …"}` in `connection_init`).
#[Subscription]
impl SubscriptionRoot {
    /// Every change to a comment on any version of a track: added, updated, deleted,
    /// resolved, reopened, liked, unliked, pinned, unpinned. Needs read access to the track;
    /// ends with FORBIDDEN when that access is taken away.
    async fn comment_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track to watch.")] track_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<CommentEventNode>> + use<>> {
        let (app, request) = parts(ctx)?;
        let track = TrackId(decode(Kind::Track, &track_id, "trackId")?);
        let events = comment_events(app, &request.actor, track).await.gql()?;
        Ok(events.map(|event| {
            event
                .map(|(kind, comment)| CommentEventNode {
                    kind: kind.into(),
                    comment: CommentNode(comment),
                })
                .map_err(gql)
        }))
    }
}
