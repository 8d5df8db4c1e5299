//! Live comment and track events for one track, resumable from a position.

use backline_domain::comments::Comment;
use backline_domain::ids::{TrackId, UserId};
use backline_domain::media::MediaFile;
use backline_domain::workspace::ResourcePath;
use futures::Stream;

use super::Feedback;
use crate::Actor;
use crate::access::{readable_or_not_found, user_can_read};
use crate::error::{AppError, AppResult};
use crate::live::Feed;
use crate::ports::{CommentEventKind, Event, EventPosition, EventScope, TrackEventKind};
use crate::workspace::resource::load_track;

struct Watch {
    feedback: Feedback,
    user: UserId,
    track: TrackId,
    path: ResourcePath,
    feed: Feed,
}

/// Watches one track's events for a caller who can read it: `pick` keeps the events wanted.
/// With `after`, first replays the track's events recorded since that position. The stream
/// ends with `FORBIDDEN` once the caller's access is taken away, and with `CONFLICT` when the
/// subscriber fell too far behind (resubscribe with the last position seen).
async fn watch_track<T: Send + 'static>(
    feedback: &Feedback,
    actor: &Actor,
    track: TrackId,
    after: Option<EventPosition>,
    pick: fn(Event, TrackId) -> Option<T>,
) -> AppResult<impl Stream<Item = AppResult<(EventPosition, T)>> + use<T>> {
    let user = actor.require()?;
    let path = load_track(&feedback.access, track).await?.path();
    readable_or_not_found(&feedback.access, actor, path).await?;
    // Subscribe before returning, so nothing published after this call is missed.
    let watch = Watch {
        feedback: feedback.clone(),
        user,
        track,
        path,
        feed: Feed::open(&feedback.feeds, EventScope::Track(track), after).await?,
    };
    Ok(futures::stream::unfold(Some(watch), move |state| async move {
        let mut watch = state?;
        loop {
            match watch.feed.next().await? {
                Err(error) => return Some((Err(error), None)),
                Ok((_, Event::AccessChanged { user })) if user == watch.user => {
                    if !user_can_read(&watch.feedback.access, user, watch.path)
                        .await
                        .unwrap_or(false)
                    {
                        let error = AppError::Forbidden("your access to this track has ended".into());
                        return Some((Err(error), None));
                    }
                }
                Ok((position, event)) => {
                    if let Some(item) = pick(event, watch.track) {
                        return Some((Ok((position, item)), Some(watch)));
                    }
                }
            }
        }
    }))
}

/// Every change to a comment on any version of a track, as it happens, each with its
/// position; with `after`, first those since that position. Needs read access to the track
/// when subscribing (see [`watch_track`] for how it ends).
pub async fn comment_events(
    feedback: &Feedback,
    actor: &Actor,
    track: TrackId,
    after: Option<EventPosition>,
) -> AppResult<impl Stream<Item = AppResult<(EventPosition, (CommentEventKind, Comment))>> + use<>> {
    watch_track(feedback, actor, track, after, |event, track| match event {
        Event::Comment { kind, comment } if comment.track_id == track => Some((kind, *comment)),
        _ => None,
    })
    .await
}

/// Every change to a track and its versions (uploaded, analysis finished, approved, deleted,
/// track updated), as it happens; resumable and with the same access rules as
/// [`comment_events`].
pub async fn track_events(
    feedback: &Feedback,
    actor: &Actor,
    track: TrackId,
    after: Option<EventPosition>,
) -> AppResult<impl Stream<Item = AppResult<(EventPosition, (TrackEventKind, Option<MediaFile>))>> + use<>> {
    watch_track(feedback, actor, track, after, |event, watched| match event {
        Event::Track { kind, track, file } if track == watched => Some((kind, file.map(|file| *file))),
        _ => None,
    })
    .await
}
