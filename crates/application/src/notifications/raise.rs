//! Raising notifications.

use backline_domain::ids::{NotificationId, UserId};
use backline_domain::notifications::{Notification, NotificationType};
use backline_domain::workspace::ResourcePath;

use super::Notifier;
use crate::access::readers_among;
use crate::error::AppResult;
use crate::workspace::resource::{load_project, load_space, load_track};

/// What a notification is about.
pub(crate) struct About {
    /// The kind of event.
    pub(crate) kind: NotificationType,
    /// Who caused it (`None`: a guest, named in the headline).
    pub(crate) sender: Option<UserId>,
    /// The resource recipients must be able to read (`None`: no check, e.g. a removal).
    pub(crate) target: Option<ResourcePath>,
    /// The id of the thing itself (comment, file, resource).
    pub(crate) pointer: uuid::Uuid,
    /// The one line to show, after the sender's name.
    pub(crate) headline: String,
    /// Where the web app should go.
    pub(crate) slug: String,
    /// A key that makes repeats of the same event (per recipient) raise nothing.
    pub(crate) dedupe: Option<String>,
}

/// A track's title and deep link base (`/s/{space}/{project}/{track}`).
pub(crate) struct TrackContext {
    /// The track's title.
    pub(crate) title: String,
    base: String,
}

impl TrackContext {
    /// The deep link with `query` (e.g. `v=3&c=…`).
    pub(crate) fn link(&self, query: &str) -> String {
        if query.is_empty() {
            self.base.clone()
        } else {
            format!("{}?{query}", self.base)
        }
    }
}

/// Loads what notifications about a track show.
pub(crate) async fn track_context(notifier: &Notifier, path: ResourcePath) -> AppResult<TrackContext> {
    let ResourcePath::Track(space, project, track) = path else {
        return Ok(TrackContext {
            title: String::new(),
            base: "/".to_owned(),
        });
    };
    let (space, project, track) = (
        load_space(&notifier.access, space).await?,
        load_project(&notifier.access, project).await?,
        load_track(&notifier.access, track).await?,
    );
    Ok(TrackContext {
        base: format!("/s/{}/{}/{}", space.slug, project.slug, track.slug),
        title: track.title,
    })
}

/// The track's owner and the collaborators listed on the track and its project.
pub(crate) async fn track_audience(notifier: &Notifier, path: ResourcePath) -> AppResult<Vec<UserId>> {
    let ResourcePath::Track(_, project, track) = path else {
        return Ok(Vec::new());
    };
    let owner = load_track(&notifier.access, track).await?.owner_id;
    let mut users = vec![owner];
    for row in notifier.access.collaborators.all_for(&[track.0, project.0]).await? {
        if !users.contains(&row.user_id) {
            users.push(row.user_id);
        }
    }
    Ok(users)
}

/// The notifications `about` raises for `recipients`, ready to store with the change they
/// report (in its transaction): not the sender, not anyone twice, not anyone who cannot read
/// the target, and each as the recipient's settings for this type say (none for a type they
/// switched off everywhere).
pub(crate) async fn prepare(
    notifier: &Notifier,
    about: &About,
    recipients: impl IntoIterator<Item = UserId>,
) -> AppResult<Vec<Notification>> {
    Ok(draft(notifier, about, recipients)
        .await?
        .finish(&about.headline, &about.slug))
}

/// `batch`, pointing at `pointer` instead: for a change the store may resolve to another row
/// than the one asked for (a reopened request).
pub(crate) fn pointing_at(batch: &[Notification], pointer: uuid::Uuid) -> Vec<Notification> {
    batch
        .iter()
        .map(|item| Notification {
            pointer_id: Some(pointer),
            ..item.clone()
        })
        .collect()
}

/// Notifications decided (who, with which settings) before the change is stored, worded once
/// it is: for a change whose details (a version number) the store assigns.
pub(crate) struct Draft {
    /// The sender's name, first in each title.
    name: Option<String>,
    /// The notifications, titled and linked as `About` said.
    batch: Vec<Notification>,
}

impl Draft {
    /// The notifications with `headline` (after the sender's name) and `slug`.
    pub(crate) fn finish(&self, headline: &str, slug: &str) -> Vec<Notification> {
        let title = match &self.name {
            Some(name) => format!("{name} {headline}"),
            None => headline.to_owned(),
        };
        self.batch
            .iter()
            .map(|item| Notification {
                title: title.clone(),
                slug: slug.to_owned(),
                ..item.clone()
            })
            .collect()
    }
}

/// Decides the notifications `about` raises for `recipients` (see [`prepare`]), to be worded
/// with [`Draft::finish`].
pub(crate) async fn draft(
    notifier: &Notifier,
    about: &About,
    recipients: impl IntoIterator<Item = UserId>,
) -> AppResult<Draft> {
    let name = match about.sender {
        Some(sender) => Some(
            notifier
                .access
                .users
                .find(sender)
                .await?
                .map_or_else(|| "Someone".to_owned(), |user| user.username),
        ),
        None => None,
    };
    let now = notifier.clock.now();
    let mut candidates: Vec<UserId> = Vec::new();
    for recipient in recipients {
        if about.sender != Some(recipient) && !candidates.contains(&recipient) {
            candidates.push(recipient);
        }
    }
    // Only those who can read what it is about, checked for all of them at once.
    if let Some(target) = about.target {
        let readers = readers_among(&notifier.access, &candidates, target).await?;
        candidates.retain(|user| readers.contains(user));
    }
    let mut batch: Vec<Notification> = Vec::new();
    for recipient in candidates {
        batch.push(Notification {
            id: NotificationId(notifier.ids.uuid()),
            kind: about.kind,
            sender_id: about.sender,
            recipient_id: recipient,
            title: match &name {
                Some(name) => format!("{name} {}", about.headline),
                None => about.headline.clone(),
            },
            slug: about.slug.clone(),
            pointer_id: Some(about.pointer),
            img: None,
            is_read: false,
            read_at: None,
            created_at: now,
            dedupe_key: about.dedupe.as_ref().map(|key| format!("{key}:{}", recipient)),
            in_app: true,
            email_pending: false,
        });
    }
    // Each recipient's settings for this type (defaults where they saved none); a type they
    // switched off everywhere raises nothing.
    let recipients: Vec<UserId> = batch.iter().map(|item| item.recipient_id).collect();
    let saved = notifier.notifications.settings_for(&recipients, about.kind).await?;
    batch.retain_mut(|item| {
        let setting = saved
            .get(&item.recipient_id)
            .copied()
            .unwrap_or_else(|| about.kind.default_setting());
        item.in_app = setting.in_app;
        item.email_pending = setting.email;
        setting.in_app || setting.email
    });
    Ok(Draft { name, batch })
}
