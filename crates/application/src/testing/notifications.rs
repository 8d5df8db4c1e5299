//! Notifications and notification settings in memory.

use std::cmp::Ordering;
use std::collections::HashMap;

use backline_domain::ids::{NotificationId, UserId};
use backline_domain::notifications::{Notification, NotificationSetting, NotificationType};
use backline_domain::page::{Direction, Page, PageRequest};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Locked;
use crate::ports::{Event, NotificationRepository, RepoError, RepoResult, Unique};

/// Which of `new` the SQL inbox would write next to `held`, in order: one whose dedupe key is
/// held (or was taken earlier in `new`) is skipped; an id that is held fails the whole write,
/// as the primary key does in the SQL store. Nothing is written here: the caller stores what is
/// returned once the rest of its change is known to succeed too.
pub(super) fn inbox_admit(held: &[Notification], new: &[Notification]) -> RepoResult<Vec<Notification>> {
    let mut admitted: Vec<Notification> = Vec::new();
    for item in new {
        let taken = |key: &String| {
            held.iter()
                .chain(admitted.iter())
                .any(|other| other.dedupe_key.as_ref() == Some(key))
        };
        if item.dedupe_key.as_ref().is_some_and(taken) {
            continue;
        }
        if held.iter().chain(admitted.iter()).any(|other| other.id == item.id) {
            return Err(RepoError::Duplicate(Unique::Other));
        }
        admitted.push(item.clone());
    }
    Ok(admitted)
}

/// The live events of stored notifications: one per notification shown in the app.
pub(super) fn inbox_events(stored: &[Notification]) -> Vec<Event> {
    stored
        .iter()
        .filter(|item| item.in_app)
        .map(|item| Event::Notification {
            notification: Box::new(item.clone()),
        })
        .collect()
}

/// One page of `rows` the way the SQL store's keyset paging reads it: rows are ordered by
/// `key` (`ascending`: the first page holds the smallest keys), a cursor is compared by the key
/// of the row it names (`cursor`; a cursor naming no row matches nothing, as the SQL
/// sub-select yields NULL), and one extra row is fetched to tell whether more follow.
pub(super) fn keyed_page<T, K>(
    mut rows: Vec<T>,
    request: &PageRequest,
    ascending: bool,
    key: impl Fn(&T) -> K,
    cursor: impl Fn(Uuid) -> Option<K>,
    compare: impl Fn(&K, &K) -> Ordering,
) -> Page<T> {
    let resolve = |id: Option<Uuid>| id.map(|id| cursor(id).ok_or(()));
    let (Ok(after), Ok(before)) = (resolve(request.after).transpose(), resolve(request.before).transpose()) else {
        return Page::from_overfetch(Vec::new(), request);
    };
    // Forward pages continue away from the first row; backward pages come back towards it.
    let (onward, back) = if ascending {
        (Ordering::Greater, Ordering::Less)
    } else {
        (Ordering::Less, Ordering::Greater)
    };
    rows.retain(|row| {
        let own = key(row);
        after.as_ref().is_none_or(|after| compare(&own, after) == onward)
            && before.as_ref().is_none_or(|before| compare(&own, before) == back)
    });
    let smallest_first = (request.direction == Direction::Forward) == ascending;
    rows.sort_by(|a, b| {
        let order = compare(&key(a), &key(b));
        if smallest_first { order } else { order.reverse() }
    });
    rows.truncate(usize::try_from(request.limit.saturating_add(1)).unwrap_or(usize::MAX));
    Page::from_overfetch(rows, request)
}

/// What the fake holds.
#[derive(Default)]
struct State {
    /// Every notification stored, in order (shown in the app or not).
    rows: Vec<Notification>,
    /// Saved settings, per user and type, in the order they were first saved.
    settings: Vec<(UserId, NotificationSetting)>,
    /// When each user's last digest was sent.
    digests: HashMap<UserId, DateTime<Utc>>,
    /// The outbox: events recorded with the changes, in order.
    events: Vec<Event>,
}

/// Notifications in memory, with the same rules as the SQL inbox: a notification whose dedupe
/// key was used before is not stored again, only notifications shown in the app are listed,
/// counted and marked read, marking read records a `NotificationsRead` event only when something
/// was unread, and a digest takes the notifications waiting for an email oldest first.
#[derive(Default)]
pub struct MemoryNotifications {
    state: Locked<State>,
}

impl MemoryNotifications {
    /// Every notification stored, in the order it was stored, whether shown in the app or not.
    pub fn stored(&self) -> Vec<Notification> {
        self.state.lock().map(|state| state.rows.clone()).unwrap_or_default()
    }

    /// The events recorded with the changes (the outbox), in order.
    pub fn events(&self) -> Vec<Event> {
        self.state.lock().map(|state| state.events.clone()).unwrap_or_default()
    }

    /// When `user`'s last digest was taken, if ever.
    pub fn last_digest(&self, user: UserId) -> Option<DateTime<Utc>> {
        self.state
            .lock()
            .ok()
            .and_then(|state| state.digests.get(&user).copied())
    }
}

/// Whether `row` is one of `user`'s notifications shown in the app.
fn shown_to(row: &Notification, user: UserId) -> bool {
    row.recipient_id == user && row.in_app
}

#[async_trait::async_trait]
impl NotificationRepository for MemoryNotifications {
    async fn insert(&self, notifications: &[Notification]) -> RepoResult<Vec<Notification>> {
        self.state.with(|state| {
            let stored = inbox_admit(&state.rows, notifications)?;
            state.rows.extend_from_slice(&stored);
            state.events.extend(inbox_events(&stored));
            Ok(stored)
        })
    }

    async fn page_for(&self, user: UserId, unread_only: bool, page: PageRequest) -> RepoResult<Page<Notification>> {
        self.state.with(|state| {
            let rows: Vec<Notification> = state
                .rows
                .iter()
                .filter(|row| shown_to(row, user) && !(unread_only && row.is_read))
                .cloned()
                .collect();
            // Newest first by id; the cursor is the id itself.
            Ok(keyed_page(rows, &page, false, |row| row.id.0, Some, Uuid::cmp))
        })
    }

    async fn count(&self, user: UserId, unread_only: bool) -> RepoResult<u64> {
        self.state.with(|state| {
            let count = state
                .rows
                .iter()
                .filter(|row| shown_to(row, user) && !(unread_only && row.is_read))
                .count();
            Ok(u64::try_from(count).unwrap_or(u64::MAX))
        })
    }

    async fn notification(&self, user: UserId, id: NotificationId) -> RepoResult<Option<Notification>> {
        self.state.with(|state| {
            Ok(state
                .rows
                .iter()
                .find(|row| row.id == id && shown_to(row, user))
                .cloned())
        })
    }

    async fn mark_read(
        &self,
        user: UserId,
        id: NotificationId,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<Notification>> {
        self.state.with(|state| {
            let Some(row) = state.rows.iter_mut().find(|row| row.id == id && shown_to(row, user)) else {
                return Ok(None);
            };
            if row.is_read {
                return Ok(Some(row.clone()));
            }
            row.is_read = true;
            row.read_at = Some(now);
            let read = row.clone();
            state.events.push(Event::NotificationsRead { user });
            Ok(Some(read))
        })
    }

    async fn mark_all_read(&self, user: UserId, now: DateTime<Utc>) -> RepoResult<u64> {
        self.state.with(|state| {
            let mut changed: u64 = 0;
            for row in state.rows.iter_mut().filter(|row| shown_to(row, user) && !row.is_read) {
                row.is_read = true;
                row.read_at = Some(now);
                changed += 1;
            }
            if changed > 0 {
                state.events.push(Event::NotificationsRead { user });
            }
            Ok(changed)
        })
    }

    async fn settings_for(
        &self,
        users: &[UserId],
        kind: NotificationType,
    ) -> RepoResult<HashMap<UserId, NotificationSetting>> {
        self.state.with(|state| {
            Ok(state
                .settings
                .iter()
                .filter(|(user, setting)| setting.kind == kind && users.contains(user))
                .map(|(user, setting)| (*user, *setting))
                .collect())
        })
    }

    async fn settings(&self, user: UserId) -> RepoResult<Vec<NotificationSetting>> {
        self.state.with(|state| {
            Ok(state
                .settings
                .iter()
                .filter(|(owner, _)| *owner == user)
                .map(|(_, setting)| *setting)
                .collect())
        })
    }

    async fn save_settings(&self, user: UserId, settings: &[NotificationSetting]) -> RepoResult<()> {
        self.state.with(|state| {
            for item in settings {
                match state
                    .settings
                    .iter_mut()
                    .find(|(owner, held)| *owner == user && held.kind == item.kind)
                {
                    Some((_, held)) => *held = *item,
                    None => state.settings.push((user, *item)),
                }
            }
            Ok(())
        })
    }

    async fn digest_due(&self, sent_before: DateTime<Utc>, limit: u64) -> RepoResult<Vec<UserId>> {
        self.state.with(|state| {
            let mut waiting: Vec<UserId> = Vec::new();
            for row in state.rows.iter().filter(|row| row.email_pending) {
                if !waiting.contains(&row.recipient_id) {
                    waiting.push(row.recipient_id);
                }
            }
            Ok(waiting
                .into_iter()
                .filter(|user| state.digests.get(user).is_none_or(|sent| *sent < sent_before))
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .collect())
        })
    }

    async fn take_digest(&self, user: UserId, now: DateTime<Utc>) -> RepoResult<Vec<Notification>> {
        self.state.with(|state| {
            state.digests.insert(user, now);
            // Returned as read, before they stop waiting.
            let mut taken: Vec<Notification> = state
                .rows
                .iter()
                .filter(|row| row.recipient_id == user && row.email_pending)
                .cloned()
                .collect();
            taken.sort_by_key(|row| row.id.0);
            for row in state
                .rows
                .iter_mut()
                .filter(|row| row.recipient_id == user && row.email_pending)
            {
                row.email_pending = false;
            }
            Ok(taken)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification(recipient: UserId, dedupe_key: Option<&str>) -> Notification {
        Notification {
            id: NotificationId(Uuid::now_v7()),
            kind: NotificationType::LikeToComment,
            sender_id: None,
            recipient_id: recipient,
            title: "Ana liked your comment".to_owned(),
            slug: "/s/a/b/c".to_owned(),
            pointer_id: None,
            img: None,
            is_read: false,
            read_at: None,
            created_at: Utc::now(),
            dedupe_key: dedupe_key.map(str::to_owned),
            in_app: true,
            email_pending: false,
        }
    }

    #[tokio::test]
    async fn a_repeated_dedupe_key_stores_one_notification() -> RepoResult<()> {
        let store = MemoryNotifications::default();
        let user = UserId(Uuid::now_v7());
        let first = store.insert(&[notification(user, Some("like:1"))]).await?;
        let again = store
            .insert(&[notification(user, Some("like:1")), notification(user, Some("like:1"))])
            .await?;
        assert_eq!(first.len(), 1);
        assert!(again.is_empty(), "a used dedupe key stores nothing");
        let keyless = store
            .insert(&[notification(user, None), notification(user, None)])
            .await?;
        assert_eq!(keyless.len(), 2, "notifications without a key are never deduplicated");
        assert_eq!(store.stored().len(), 3);
        assert_eq!(store.events().len(), 3, "one live event per stored notification");
        Ok(())
    }

    #[tokio::test]
    async fn unread_counts_follow_marking_read() -> RepoResult<()> {
        let store = MemoryNotifications::default();
        let user = UserId(Uuid::now_v7());
        let other = UserId(Uuid::now_v7());
        let mut hidden = notification(user, None);
        hidden.in_app = false;
        let stored = store
            .insert(&[
                notification(user, None),
                notification(user, None),
                notification(user, None),
                notification(other, None),
                hidden,
            ])
            .await?;
        assert_eq!(
            store.count(user, true).await?,
            3,
            "hidden notifications are not counted"
        );
        assert_eq!(store.count(user, false).await?, 3);
        let now = Utc::now();
        let first = stored.first().map(|row| row.id).ok_or(RepoError::NotFound)?;
        let read = store.mark_read(user, first, now).await?.ok_or(RepoError::NotFound)?;
        assert_eq!((read.is_read, read.read_at), (true, Some(now)));
        assert_eq!(store.count(user, true).await?, 2);
        assert!(store.mark_read(other, first, now).await?.is_none(), "not theirs");
        let events_before = store.events().len();
        assert!(store.mark_read(user, first, now).await?.is_some());
        assert_eq!(store.events().len(), events_before, "reading twice records nothing");
        assert_eq!(store.mark_all_read(user, now).await?, 2);
        assert_eq!(store.count(user, true).await?, 0);
        assert_eq!(store.count(other, true).await?, 1);
        assert_eq!(store.mark_all_read(user, now).await?, 0);
        assert_eq!(store.page_for(user, true, PageRequest::first(10)).await?.items.len(), 0);
        Ok(())
    }

    #[tokio::test]
    async fn pages_run_newest_first_with_id_cursors() -> RepoResult<()> {
        let store = MemoryNotifications::default();
        let user = UserId(Uuid::now_v7());
        let all: Vec<Notification> = (0..5).map(|_| notification(user, None)).collect();
        store.insert(&all).await?;
        let ids: Vec<NotificationId> = all.iter().rev().map(|row| row.id).collect();
        let first = store.page_for(user, false, PageRequest::first(2)).await?;
        let first_ids: Vec<NotificationId> = first.items.iter().map(|row| row.id).collect();
        assert_eq!(first_ids, ids[..2]);
        assert!(first.has_next_page && !first.has_previous_page);
        let next = PageRequest {
            after: Some(ids[1].0),
            ..PageRequest::first(5)
        };
        let rest = store.page_for(user, false, next).await?;
        let rest_ids: Vec<NotificationId> = rest.items.iter().map(|row| row.id).collect();
        assert_eq!(rest_ids, ids[2..]);
        assert!(!rest.has_next_page && rest.has_previous_page);
        Ok(())
    }

    #[tokio::test]
    async fn a_digest_takes_waiting_notifications_once() -> RepoResult<()> {
        let store = MemoryNotifications::default();
        let user = UserId(Uuid::now_v7());
        let mut waiting = notification(user, None);
        waiting.email_pending = true;
        store.insert(&[waiting.clone(), notification(user, None)]).await?;
        let now = Utc::now();
        assert_eq!(store.digest_due(now, 10).await?, vec![user]);
        let taken = store.take_digest(user, now).await?;
        assert_eq!(taken.iter().map(|row| row.id).collect::<Vec<_>>(), vec![waiting.id]);
        assert!(store.take_digest(user, now).await?.is_empty());
        assert!(store.digest_due(now, 10).await?.is_empty());
        assert_eq!(store.last_digest(user), Some(now));
        Ok(())
    }
}
