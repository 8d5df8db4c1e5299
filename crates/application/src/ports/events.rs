//! The event bus: changes published for live subscribers.

use std::pin::Pin;

use backline_domain::comments::Comment;
use backline_domain::ids::{SessionId, TrackId, UserId};
use backline_domain::media::MediaFile;
use backline_domain::notifications::Notification;
use futures::Stream;

/// What happened to a comment (the domain's state changes decide it).
pub use backline_domain::comments::CommentEventKind;

/// What happened to a track or one of its versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TrackEventKind {
    /// A new version was uploaded.
    FileUploaded,
    /// A version's analysis finished (READY or FAILED: see the file).
    AnalysisFinished,
    /// A version was approved as final.
    VersionApproved,
    /// A version was deleted.
    FileDeleted,
    /// The track's own fields changed.
    TrackUpdated,
}

/// A change published on the bus. Repositories record each change's event in the same
/// transaction as the change (the outbox, serialized as JSON); the relay publishes it after the
/// commit, to every process.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Event {
    /// Something happened to a comment on a track.
    Comment {
        /// What.
        kind: CommentEventKind,
        /// The comment as it is now.
        comment: Box<Comment>,
    },
    /// Something happened to a track or one of its versions.
    Track {
        /// What.
        kind: TrackEventKind,
        /// The track.
        track: TrackId,
        /// The version concerned, as it is now.
        file: Option<Box<MediaFile>>,
    },
    /// A notification was raised.
    Notification {
        /// It.
        notification: Box<Notification>,
    },
    /// Some of a user's notifications were marked read: their unread count changed.
    NotificationsRead {
        /// Whose.
        user: UserId,
    },
    /// Someone's access may have shrunk (a collaborator was removed): their live subscriptions
    /// check their access again.
    AccessChanged {
        /// Whose.
        user: UserId,
    },
    /// Sessions ended (signed out, revoked, the password changed, a refresh token replayed):
    /// their access tokens stop working in every process and their open sockets close.
    SessionsEnded {
        /// Whose sessions.
        user: UserId,
        /// Which.
        sessions: Vec<SessionId>,
    },
}

impl Event {
    /// The user the event is for or about, if it is not about a track: the recipient of a
    /// notification, the reader who marked some read, the user whose access or sessions changed.
    pub fn user(&self) -> Option<UserId> {
        match self {
            Event::Notification { notification } => Some(notification.recipient_id),
            Event::NotificationsRead { user } | Event::AccessChanged { user } | Event::SessionsEnded { user, .. } => {
                Some(*user)
            }
            Event::Comment { .. } | Event::Track { .. } => None,
        }
    }

    /// The track the event is about, if any.
    pub fn track(&self) -> Option<TrackId> {
        match self {
            Event::Comment { comment, .. } => Some(comment.track_id),
            Event::Track { track, .. } => Some(*track),
            Event::Notification { .. }
            | Event::NotificationsRead { .. }
            | Event::AccessChanged { .. }
            | Event::SessionsEnded { .. } => None,
        }
    }
}

/// Why a subscriber's stream ended early.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The subscriber fell too far behind and missed events; it should resubscribe and refetch.
    #[error("fell {0} events behind; subscribe again and refetch")]
    Lagged(u64),
}

/// Where an event stands in the outbox: events are numbered in the order their changes
/// committed, the same in every process, so a subscriber that saw up to one position and
/// reconnects anywhere can be given exactly what followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventPosition(pub i64);

/// A subscriber's stream of events, each with its position.
pub type EventStream = Pin<Box<dyn Stream<Item = Result<(EventPosition, Event), EventError>> + Send>>;

/// Publishes events to every subscriber. A slow subscriber never blocks the publisher or the
/// others; one that falls too far behind gets [`EventError::Lagged`] and its stream ends.
pub trait EventBus: Send + Sync + 'static {
    /// Publishes an event to this process's subscribers. Only the outbox relay calls it, after
    /// the change the event reports has committed, in the order of positions.
    fn publish(&self, position: EventPosition, event: Event);
    /// A stream of every event published from now on.
    fn subscribe(&self) -> EventStream;
}

/// Whose events a resuming subscriber reads back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventScope {
    /// The events about a track ([`Event::track`]).
    Track(TrackId),
    /// The events for or about a user ([`Event::user`]).
    User(UserId),
}

/// The outbox read back: the events recorded (and kept, at least 24 hours) after a position,
/// for subscribers that resume.
///
/// # Errors
/// Fails only when the store fails.
#[async_trait::async_trait]
pub trait EventLog: Send + Sync + 'static {
    /// At most `limit` events of `scope` recorded after `after`, in order.
    async fn after(
        &self,
        scope: EventScope,
        after: EventPosition,
        limit: u64,
    ) -> super::RepoResult<Vec<(EventPosition, Event)>>;
    /// The first and last positions kept; `None` when nothing is kept.
    async fn bounds(&self) -> super::RepoResult<Option<(EventPosition, EventPosition)>>;
}
