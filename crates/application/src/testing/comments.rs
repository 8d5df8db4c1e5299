//! Comments in memory.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use backline_domain::comments::Comment;
use backline_domain::ids::{CommentId, ReviewLinkId, UserId};
use backline_domain::notifications::Notification;
use backline_domain::page::{Page, PageRequest};
use uuid::Uuid;

use super::notifications::{inbox_admit, inbox_events, keyed_page};
use super::{Locked, keep_first};
use crate::ports::{
    CommentEventKind, CommentFilter, CommentOrder, CommentParent, CommentPeople, CommentRepository, Event, NewComment,
    RepoError, RepoResult, Unique,
};

/// What the fake holds.
#[derive(Default)]
struct State {
    /// Every comment and reply, in the order they were stored.
    comments: Vec<Comment>,
    /// Likes as (comment, user), in the order they were given.
    likes: Vec<(CommentId, UserId)>,
    /// Mentions as (comment, user), in the order they were stored.
    mentions: Vec<(CommentId, UserId)>,
    /// Notifications written with the changes, in order.
    notifications: Vec<Notification>,
    /// The outbox: events recorded with the changes, in order.
    events: Vec<Event>,
}

/// Comments in memory, with the same rules as the SQL store: a reply needs its parent, one like
/// per person and comment, deleting a comment takes its replies, likes and mentions with it,
/// lists hold top-level comments only (pinned first; in time order untimed ones last), and
/// each change records its event and its notifications (a notification whose dedupe key was
/// used is skipped).
#[derive(Default)]
pub struct MemoryComments {
    state: Locked<State>,
}

impl MemoryComments {
    /// Every comment and reply stored, in the order they were stored.
    pub fn stored(&self) -> Vec<Comment> {
        self.state
            .lock()
            .map(|state| state.comments.clone())
            .unwrap_or_default()
    }

    /// The notifications stored with the changes.
    pub fn notifications(&self) -> Vec<Notification> {
        self.state
            .lock()
            .map(|state| state.notifications.clone())
            .unwrap_or_default()
    }

    /// The events recorded with the changes (the outbox), in order.
    pub fn events(&self) -> Vec<Event> {
        self.state.lock().map(|state| state.events.clone()).unwrap_or_default()
    }
}

/// The event of a change to `comment`.
fn event(kind: CommentEventKind, comment: &Comment) -> Event {
    Event::Comment {
        kind,
        comment: Box::new(comment.clone()),
    }
}

/// The error a write referring to a missing comment gets from the SQL store's foreign keys.
fn missing_comment(id: CommentId) -> RepoError {
    RepoError::Unknown(anyhow::anyhow!("foreign key: comment {id} does not exist"))
}

/// Users per comment from (comment, user) pairs, in their order, for the comments in `ids`.
fn grouped(pairs: &[(CommentId, UserId)], ids: &[CommentId]) -> HashMap<CommentId, Vec<UserId>> {
    let mut out: HashMap<CommentId, Vec<UserId>> = HashMap::new();
    for (comment, user) in pairs.iter().filter(|(comment, _)| ids.contains(comment)) {
        out.entry(*comment).or_default().push(*user);
    }
    out
}

/// The file or track a comment hangs from.
fn parent_of(comment: &Comment, parent: CommentParent) -> Uuid {
    match parent {
        CommentParent::File => comment.file_id.0,
        CommentParent::Track => comment.track_id.0,
    }
}

/// Whether a top-level comment is listed under `include_resolved`.
fn listed(comment: &Comment, include_resolved: bool) -> bool {
    comment.parent_id.is_none() && (include_resolved || !comment.is_resolved)
}

/// A comment's sort key in a list, as the SQL store orders it: in time order pinned first, then
/// by where in the audio (untimed last, as at 1e15 s), then by id, smallest first; newest
/// first pinned first, then by id, largest first.
fn sort_key(comment: &Comment, order: CommentOrder) -> (u8, f64, Uuid) {
    match order {
        CommentOrder::Timestamp => (
            u8::from(!comment.is_pinned),
            comment.time.map_or(1e15, |time| time.start),
            comment.id.0,
        ),
        CommentOrder::Newest => (u8::from(comment.is_pinned), 0.0, comment.id.0),
    }
}

/// Orders two sort keys (times compare as numbers; they are never NaN).
fn compare_keys(a: &(u8, f64, Uuid), b: &(u8, f64, Uuid)) -> Ordering {
    a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2))
}

#[async_trait::async_trait]
impl CommentRepository for MemoryComments {
    async fn insert(&self, new: NewComment<'_>) -> RepoResult<()> {
        self.state.with(|state| {
            let comment = new.comment;
            if state.comments.iter().any(|held| held.id == comment.id) {
                return Err(RepoError::Duplicate(Unique::Other));
            }
            if let Some(parent) = comment.parent_id
                && !state.comments.iter().any(|held| held.id == parent)
            {
                return Err(missing_comment(parent));
            }
            // One mention per comment and user.
            let mut mentioned = HashSet::new();
            if !new.mentions.iter().all(|user| mentioned.insert(*user)) {
                return Err(RepoError::Duplicate(Unique::Membership));
            }
            let notified = inbox_admit(&state.notifications, new.notifications)?;
            state.comments.push(comment.clone());
            state
                .mentions
                .extend(new.mentions.iter().map(|user| (comment.id, *user)));
            state.events.push(event(new.event, comment));
            state.events.extend(inbox_events(&notified));
            state.notifications.extend(notified);
            Ok(())
        })
    }

    async fn comments(&self, ids: &[CommentId]) -> RepoResult<Vec<Comment>> {
        self.state.with(|state| {
            Ok(state
                .comments
                .iter()
                .filter(|comment| ids.contains(&comment.id))
                .cloned()
                .collect())
        })
    }

    async fn save(&self, comment: &Comment, kind: CommentEventKind, notifications: &[Notification]) -> RepoResult<()> {
        self.state.with(|state| {
            if !state.comments.iter().any(|held| held.id == comment.id) {
                return Err(RepoError::NotFound);
            }
            let notified = inbox_admit(&state.notifications, notifications)?;
            if let Some(held) = state.comments.iter_mut().find(|held| held.id == comment.id) {
                // Where a comment sits (version, track, thread, creation, guest) never changes.
                held.content.clone_from(&comment.content);
                held.owner_id = comment.owner_id;
                held.time = comment.time;
                held.is_resolved = comment.is_resolved;
                held.resolved_by = comment.resolved_by;
                held.resolved_at = comment.resolved_at;
                held.is_pinned = comment.is_pinned;
                held.is_deleted = comment.is_deleted;
                held.updated_at = comment.updated_at;
                held.edited_at = comment.edited_at;
            }
            state.events.push(event(kind, comment));
            state.events.extend(inbox_events(&notified));
            state.notifications.extend(notified);
            Ok(())
        })
    }

    async fn delete(&self, comment: &Comment) -> RepoResult<()> {
        self.state.with(|state| {
            if !state.comments.iter().any(|held| held.id == comment.id) {
                return Err(RepoError::NotFound);
            }
            // The comment, and through the parent key everything below it.
            let mut doomed: HashSet<CommentId> = HashSet::from([comment.id]);
            loop {
                let before = doomed.len();
                for held in &state.comments {
                    if held.parent_id.is_some_and(|parent| doomed.contains(&parent)) {
                        doomed.insert(held.id);
                    }
                }
                if doomed.len() == before {
                    break;
                }
            }
            state.comments.retain(|held| !doomed.contains(&held.id));
            state.likes.retain(|(liked, _)| !doomed.contains(liked));
            state.mentions.retain(|(mentioned, _)| !doomed.contains(mentioned));
            state.events.push(event(CommentEventKind::Deleted, comment));
            Ok(())
        })
    }

    async fn through_review_link(&self, link: ReviewLinkId, limit: u64) -> RepoResult<Vec<Comment>> {
        self.state.with(|state| {
            let mut rows: Vec<Comment> = state
                .comments
                .iter()
                .filter(|comment| comment.review_link_id == Some(link) && comment.parent_id.is_none())
                .cloned()
                .collect();
            rows.sort_by_key(|comment| (comment.created_at, comment.id));
            keep_first(&mut rows, limit);
            Ok(rows)
        })
    }

    async fn replies(&self, parents: &[CommentId]) -> RepoResult<HashMap<CommentId, Vec<Comment>>> {
        self.state.with(|state| {
            let mut rows: Vec<&Comment> = state
                .comments
                .iter()
                .filter(|comment| comment.parent_id.is_some_and(|parent| parents.contains(&parent)))
                .collect();
            rows.sort_by_key(|comment| comment.id);
            let mut out: HashMap<CommentId, Vec<Comment>> = HashMap::new();
            for reply in rows {
                if let Some(parent) = reply.parent_id {
                    out.entry(parent).or_default().push(reply.clone());
                }
            }
            Ok(out)
        })
    }

    async fn like(
        &self,
        comment: &Comment,
        user: UserId,
        _now: chrono::DateTime<chrono::Utc>,
        notifications: &[Notification],
    ) -> RepoResult<bool> {
        self.state.with(|state| {
            if !state.comments.iter().any(|held| held.id == comment.id) {
                return Err(missing_comment(comment.id));
            }
            if state.likes.contains(&(comment.id, user)) {
                return Ok(false);
            }
            let notified = inbox_admit(&state.notifications, notifications)?;
            state.likes.push((comment.id, user));
            state.events.push(event(CommentEventKind::Liked, comment));
            state.events.extend(inbox_events(&notified));
            state.notifications.extend(notified);
            Ok(true)
        })
    }

    async fn unlike(&self, comment: &Comment, user: UserId) -> RepoResult<bool> {
        self.state.with(|state| {
            let before = state.likes.len();
            state.likes.retain(|like| *like != (comment.id, user));
            if state.likes.len() == before {
                return Ok(false);
            }
            state.events.push(event(CommentEventKind::Unliked, comment));
            Ok(true)
        })
    }

    async fn people(&self, ids: &[CommentId]) -> RepoResult<CommentPeople> {
        self.state.with(|state| {
            Ok(CommentPeople {
                likers: grouped(&state.likes, ids),
                mentions: grouped(&state.mentions, ids),
            })
        })
    }

    async fn count_for(
        &self,
        parent: CommentParent,
        parents: &[Uuid],
        include_resolved: bool,
    ) -> RepoResult<HashMap<Uuid, u64>> {
        self.state.with(|state| {
            let mut out: HashMap<Uuid, u64> = parents.iter().map(|id| (*id, 0)).collect();
            for comment in &state.comments {
                let key = parent_of(comment, parent);
                if listed(comment, include_resolved) && parents.contains(&key) {
                    *out.entry(key).or_default() += 1;
                }
            }
            Ok(out)
        })
    }

    async fn page_for(
        &self,
        parent: CommentParent,
        parents: &[Uuid],
        filter: CommentFilter,
        page: PageRequest,
    ) -> RepoResult<HashMap<Uuid, Page<Comment>>> {
        self.state.with(|state| {
            let ascending = filter.order == CommentOrder::Timestamp;
            // A cursor stands for its comment's sort key, wherever that comment is.
            let cursor = |id: Uuid| {
                state
                    .comments
                    .iter()
                    .find(|comment| comment.id.0 == id)
                    .map(|comment| sort_key(comment, filter.order))
            };
            let mut out = HashMap::new();
            for key in parents {
                let rows: Vec<Comment> = state
                    .comments
                    .iter()
                    .filter(|comment| parent_of(comment, parent) == *key && listed(comment, filter.include_resolved))
                    .cloned()
                    .collect();
                let listing = keyed_page(
                    rows,
                    &page,
                    ascending,
                    |comment| sort_key(comment, filter.order),
                    cursor,
                    compare_keys,
                );
                out.insert(*key, listing);
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use backline_domain::comments::{CommentContent, TimeRange};
    use backline_domain::ids::{ArtistSpaceId, FileId, NotificationId, ProjectId, TrackId};
    use backline_domain::notifications::NotificationType;

    use super::*;

    fn text(raw: &str) -> RepoResult<CommentContent> {
        CommentContent::parse(raw).map_err(|error| RepoError::Unknown(anyhow::anyhow!("{error:?}")))
    }

    fn on_file(file: FileId, track: TrackId, at: Option<f64>, content: &str) -> RepoResult<Comment> {
        let now = chrono::Utc::now();
        Ok(Comment {
            id: CommentId(Uuid::now_v7()),
            content: text(content)?.as_str().to_owned(),
            owner_id: Some(UserId(Uuid::now_v7())),
            file_id: file,
            track_id: track,
            project_id: ProjectId(Uuid::nil()),
            artist_space_id: ArtistSpaceId(Uuid::nil()),
            parent_id: None,
            time: at.map(|start| TimeRange { start, end: None }),
            is_resolved: false,
            resolved_by: None,
            resolved_at: None,
            is_pinned: false,
            is_deleted: false,
            created_at: now,
            updated_at: now,
            edited_at: None,
            guest_name: None,
            review_link_id: None,
        })
    }

    fn notice(recipient: UserId, dedupe_key: &str) -> Notification {
        Notification {
            id: NotificationId(Uuid::now_v7()),
            kind: NotificationType::Mentioned,
            sender_id: None,
            recipient_id: recipient,
            title: "You were mentioned".to_owned(),
            slug: "/s/a/b/c".to_owned(),
            pointer_id: None,
            img: None,
            is_read: false,
            read_at: None,
            created_at: chrono::Utc::now(),
            dedupe_key: Some(dedupe_key.to_owned()),
            in_app: true,
            email_pending: false,
        }
    }

    async fn add(store: &MemoryComments, comment: &Comment, notifications: &[Notification]) -> RepoResult<()> {
        store
            .insert(NewComment {
                comment,
                mentions: &[],
                event: CommentEventKind::Added,
                notifications,
            })
            .await
    }

    #[tokio::test]
    async fn a_repeated_dedupe_key_stores_one_notification() -> RepoResult<()> {
        let store = MemoryComments::default();
        let (file, track) = (FileId(Uuid::now_v7()), TrackId(Uuid::now_v7()));
        let user = UserId(Uuid::now_v7());
        let top = on_file(file, track, None, "snare too loud")?;
        add(&store, &top, &[notice(user, "mention:1")]).await?;
        let like = [notice(user, "like:top")];
        assert!(store.like(&top, user, chrono::Utc::now(), &like).await?);
        assert!(
            !store.like(&top, user, chrono::Utc::now(), &like).await?,
            "one like each"
        );
        let other = UserId(Uuid::now_v7());
        assert!(store.like(&top, other, chrono::Utc::now(), &like).await?);
        assert_eq!(store.notifications().len(), 2, "the like's key notified once");
        assert_eq!(
            store.people(&[top.id]).await?.likers.get(&top.id),
            Some(&vec![user, other])
        );
        assert!(store.unlike(&top, user).await?);
        assert!(!store.unlike(&top, user).await?);
        assert_eq!(store.people(&[top.id]).await?.likers.get(&top.id), Some(&vec![other]));
        Ok(())
    }

    #[tokio::test]
    async fn lists_put_pinned_first_and_untimed_last() -> RepoResult<()> {
        let store = MemoryComments::default();
        let (file, track) = (FileId(Uuid::now_v7()), TrackId(Uuid::now_v7()));
        let untimed = on_file(file, track, None, "overall too dark")?;
        let late = on_file(file, track, Some(30.0), "chorus")?;
        let early = on_file(file, track, Some(5.0), "intro")?;
        let mut pinned = on_file(file, track, Some(60.0), "read me first")?;
        pinned.is_pinned = true;
        let mut resolved = on_file(file, track, Some(1.0), "fixed")?;
        resolved.is_resolved = true;
        for comment in [&untimed, &late, &early, &pinned, &resolved] {
            add(&store, comment, &[]).await?;
        }
        let reply = early.reply(
            CommentId(Uuid::now_v7()),
            &text("agreed")?,
            UserId(Uuid::now_v7()),
            chrono::Utc::now(),
        );
        add(&store, &reply, &[]).await?;
        let filter = CommentFilter {
            order: CommentOrder::Timestamp,
            include_resolved: false,
        };
        let pages = store
            .page_for(CommentParent::Track, &[track.0], filter, PageRequest::first(10))
            .await?;
        let ids: Vec<CommentId> = pages
            .get(&track.0)
            .map(|page| page.items.iter().map(|comment| comment.id).collect())
            .unwrap_or_default();
        assert_eq!(ids, vec![pinned.id, early.id, late.id, untimed.id]);
        let next = PageRequest {
            after: Some(early.id.0),
            ..PageRequest::first(1)
        };
        let pages = store.page_for(CommentParent::File, &[file.0], filter, next).await?;
        let page = pages.get(&file.0).cloned().unwrap_or_default();
        assert_eq!(
            page.items.iter().map(|comment| comment.id).collect::<Vec<_>>(),
            vec![late.id]
        );
        assert!(page.has_next_page && page.has_previous_page);
        let newest = CommentFilter {
            order: CommentOrder::Newest,
            include_resolved: true,
        };
        let pages = store
            .page_for(CommentParent::Track, &[track.0], newest, PageRequest::first(2))
            .await?;
        let ids: Vec<CommentId> = pages
            .get(&track.0)
            .map(|page| page.items.iter().map(|comment| comment.id).collect())
            .unwrap_or_default();
        assert_eq!(ids, vec![pinned.id, resolved.id]);
        let counts = store.count_for(CommentParent::Track, &[track.0], false).await?;
        assert_eq!(
            counts.get(&track.0),
            Some(&4),
            "replies and resolved comments are not counted"
        );
        Ok(())
    }

    #[tokio::test]
    async fn deleting_takes_replies_likes_and_mentions() -> RepoResult<()> {
        let store = MemoryComments::default();
        let (file, track) = (FileId(Uuid::now_v7()), TrackId(Uuid::now_v7()));
        let user = UserId(Uuid::now_v7());
        let top = on_file(file, track, Some(2.0), "bass @ana")?;
        store
            .insert(NewComment {
                comment: &top,
                mentions: &[user],
                event: CommentEventKind::Added,
                notifications: &[],
            })
            .await?;
        let reply = top.reply(CommentId(Uuid::now_v7()), &text("yes")?, user, chrono::Utc::now());
        add(&store, &reply, &[]).await?;
        store.like(&reply, user, chrono::Utc::now(), &[]).await?;
        assert_eq!(store.people(&[top.id]).await?.mentions.get(&top.id), Some(&vec![user]));
        store.delete(&top).await?;
        assert!(store.stored().is_empty());
        assert!(store.people(&[reply.id]).await?.likers.is_empty());
        assert!(store.people(&[top.id]).await?.mentions.is_empty());
        assert!(matches!(store.delete(&top).await, Err(RepoError::NotFound)));
        assert!(add(&store, &reply, &[]).await.is_err(), "a reply needs its parent");
        Ok(())
    }
}
