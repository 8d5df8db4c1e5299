//! Live comment and track events (`/graphql/ws`), resumable from a cursor.

use async_graphql::{Context, ID, Object, Subscription};
use backline_application::feedback::{comment_events, track_events};
use backline_application::ports::EventPosition;
use backline_domain::ids::TrackId;
use futures::{Stream, StreamExt};

use crate::common::context::parts;
use crate::common::enums::{GqlCommentEventKind, GqlTrackEventKind};
use crate::common::error::{GqlResult, gql};
use crate::common::ids::{Kind, decode, encode};
use crate::common::live::{cursor, position};
use crate::common::nodes::{CommentNode, FileNode};

/// A change to a comment on a track.
pub(crate) struct CommentEventNode {
    position: EventPosition,
    kind: GqlCommentEventKind,
    comment: CommentNode,
}

/// A change to a comment on a track.
#[Object(name = "CommentEvent")]
impl CommentEventNode {
    /// This event's place in the feed: subscribe again with `after` set to the last cursor you
    /// received to get everything that followed it (kept 24 hours), on any server.
    async fn cursor(&self) -> String {
        cursor(self.position)
    }

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

/// A change to a track or one of its versions.
pub(crate) struct TrackEventNode {
    position: EventPosition,
    kind: GqlTrackEventKind,
    file: Option<FileNode>,
}

/// A change to a track or one of its versions.
#[Object(name = "TrackEvent")]
impl TrackEventNode {
    /// This event's place in the feed (see `CommentEvent.cursor`).
    async fn cursor(&self) -> String {
        cursor(self.position)
    }

    /// What happened.
    async fn kind(&self) -> GqlTrackEventKind {
        self.kind
    }

    /// The version concerned, as it is now; null for TRACK_UPDATED.
    async fn file(&self) -> Option<&FileNode> {
        self.file.as_ref()
    }
}

/// Comment and track events.
#[derive(Default)]
pub(crate) struct FeedbackSubscription;

/// Comment and track events.
#[Subscription]
impl FeedbackSubscription {
    /// Every change to a comment on any version of a track: added, updated, deleted,
    /// resolved, reopened, liked, unliked, pinned, unpinned. Needs read access to the track;
    /// ends with FORBIDDEN when that access is taken away.
    async fn comment_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track to watch.")] track_id: ID,
        #[graphql(desc = "Resume after this event's cursor: first get what followed it.")] after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<CommentEventNode>> + use<>> {
        let (app, request) = parts(ctx)?;
        let track = TrackId(decode(Kind::Track, &track_id, "trackId")?);
        let events = comment_events(&app.feedback, &request.actor, track, position(after)?)
            .await
            .gql()?;
        Ok(events.map(|event| {
            event
                .map(|(position, (kind, comment))| CommentEventNode {
                    position,
                    kind: kind.into(),
                    comment: CommentNode(comment),
                })
                .map_err(gql)
        }))
    }

    /// Every change to a track and its versions: uploaded, analysis finished (so a player can
    /// draw the new waveform at once), approved, deleted, track updated. Same access rules as
    /// `commentEvents`.
    async fn track_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track to watch.")] track_id: ID,
        #[graphql(desc = "Resume after this event's cursor: first get what followed it.")] after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<TrackEventNode>> + use<>> {
        let (app, request) = parts(ctx)?;
        let track = TrackId(decode(Kind::Track, &track_id, "trackId")?);
        let events = track_events(&app.feedback, &request.actor, track, position(after)?)
            .await
            .gql()?;
        Ok(events.map(|event| {
            event
                .map(|(position, (kind, file))| TrackEventNode {
                    position,
                    kind: kind.into(),
                    file: file.map(FileNode),
                })
                .map_err(gql)
        }))
    }
}
