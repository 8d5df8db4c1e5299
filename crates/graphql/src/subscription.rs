//! Live updates over GraphQL subscriptions (`/graphql/ws`), resumable: every event carries a
//! `cursor`, and each subscription takes `after` to first replay what followed that cursor.

use async_graphql::{Context, ID, Object, Subscription};
use backline_application::feedback::{comment_events, track_events};
use backline_application::notifications::notification_events;
use backline_application::ports::EventPosition;
use backline_domain::ids::TrackId;
use futures::{Stream, StreamExt};

use crate::context::parts;
use crate::error::{GqlResult, bad_input, gql};
use crate::ids::{Kind, decode, encode};
use crate::types::enums::{GqlCommentEventKind, GqlTrackEventKind};
use crate::types::notification::NotificationNode;
use crate::types::{CommentNode, FileNode};

/// What prefixes an event cursor.
const CURSOR_PREFIX: &str = "evt_";

/// The cursor of the event at `position`: opaque to clients.
fn cursor(position: EventPosition) -> String {
    format!("{CURSOR_PREFIX}{}", position.0)
}

/// Reads an `after` argument back.
fn position(after: Option<String>) -> async_graphql::Result<Option<EventPosition>> {
    after
        .map(|raw| {
            raw.strip_prefix(CURSOR_PREFIX)
                .and_then(|number| number.parse::<i64>().ok())
                .filter(|number| *number >= 0)
                .map(EventPosition)
                .ok_or_else(|| bad_input("after", "is not an event cursor this API gave out"))
        })
        .transpose()
}

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

/// Everything that can be watched live.
#[derive(Default)]
pub struct SubscriptionRoot;

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

/// A new notification and your unread count after it.
pub(crate) struct NotificationEventNode {
    position: EventPosition,
    notification: Option<NotificationNode>,
    unread: u64,
}

/// A new notification and your unread count after it; or, when some of your notifications were
/// marked read (in another tab, say), no notification and the new count.
#[Object(name = "NotificationEvent")]
impl NotificationEventNode {
    /// This event's place in the feed (see `CommentEvent.cursor`).
    async fn cursor(&self) -> String {
        cursor(self.position)
    }

    /// The new notification; null when this event reports notifications marked read.
    async fn notification(&self) -> Option<&NotificationNode> {
        self.notification.as_ref()
    }

    /// How many of your notifications are unread now.
    async fn unread_notification_count(&self) -> i64 {
        i64::try_from(self.unread).unwrap_or(i64::MAX)
    }
}

/// Everything that can be watched live, over `/graphql/ws` (graphql-transport-ws or the legacy
/// graphql-ws protocol; authenticate with `{"Authorization": "Bearer …"}` in `connection_init`).
/// Every event has a `cursor`; after a lost connection, subscribe again with `after:` the last
/// cursor received to get, in order, everything that followed it (kept 24 hours), then the
/// live events, without a gap or a duplicate, on whichever server you reach.
#[Subscription]
impl SubscriptionRoot {
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
        let events = comment_events(app, &request.actor, track, position(after)?)
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
        let events = track_events(app, &request.actor, track, position(after)?).await.gql()?;
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

    /// Your new notifications as they are raised, each with your unread count after it; and
    /// your new unread count (without a notification) when some are marked read.
    async fn notification_added(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Resume after this event's cursor: first get what followed it (unread counts as of now).")]
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<NotificationEventNode>> + use<>> {
        let (app, request) = parts(ctx)?;
        let events = notification_events(app, &request.actor, position(after)?).await.gql()?;
        Ok(events.map(|event| {
            event
                .map(|(position, (notification, unread))| NotificationEventNode {
                    position,
                    notification: notification.map(NotificationNode),
                    unread,
                })
                .map_err(gql)
        }))
    }
}
