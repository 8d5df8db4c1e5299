//! In-app notifications.

use anyhow::anyhow;
use std::collections::HashMap;

use backline_application::ports::{Event, NotificationRepository, RepoError, RepoResult};
use backline_domain::ids::{NotificationId, UserId};
use backline_domain::notifications::{Notification, NotificationSetting, NotificationType};
use backline_domain::page::{Page, PageRequest};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::Database;
use crate::entities::{notification_digests, notification_settings, notifications};
use crate::error::repo_error;
use crate::events::commit;
use crate::paging::{Listing, children_pages};

/// Notifications on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlNotificationRepository {
    db: Database,
}

impl SqlNotificationRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn notification(model: notifications::Model) -> RepoResult<Notification> {
    Ok(Notification {
        id: model.id.into(),
        kind: NotificationType::parse(&model.kind)
            .ok_or_else(|| RepoError::Unknown(anyhow!("stored notification type '{}' is not known", model.kind)))?,
        sender_id: model.sender_id.map(UserId),
        recipient_id: model.recipient_id.into(),
        title: model.title,
        slug: model.slug,
        pointer_id: model.pointer_id,
        img: model.img,
        is_read: model.is_read,
        read_at: model.read_at,
        created_at: model.created_at,
        dedupe_key: model.dedupe_key,
        in_app: model.in_app,
        email_pending: model.email_pending,
    })
}

fn setting(model: &notification_settings::Model) -> Option<NotificationSetting> {
    Some(NotificationSetting {
        kind: NotificationType::parse(&model.kind)?,
        in_app: model.in_app,
        email: model.email,
    })
}

/// Writes `new` inside `txn` (a used dedupe key skips its row without failing the transaction);
/// returns the rows written and the live events of those shown in the app, for the caller to
/// commit with the rest of its change.
pub(crate) async fn insert_within(
    txn: &DatabaseTransaction,
    new: &[Notification],
) -> RepoResult<(Vec<Notification>, Vec<Event>)> {
    let mut stored = Vec::new();
    let mut events = Vec::new();
    for item in new {
        let row = notifications::ActiveModel {
            id: Set(item.id.0),
            kind: Set(item.kind.as_str().to_owned()),
            sender_id: Set(item.sender_id.map(|user| user.0)),
            recipient_id: Set(item.recipient_id.0),
            title: Set(item.title.clone()),
            slug: Set(item.slug.clone()),
            pointer_id: Set(item.pointer_id),
            img: Set(item.img.clone()),
            is_read: Set(item.is_read),
            read_at: Set(item.read_at),
            created_at: Set(item.created_at),
            dedupe_key: Set(item.dedupe_key.clone()),
            in_app: Set(item.in_app),
            email_pending: Set(item.email_pending),
        };
        let inserted = notifications::Entity::insert(row)
            .on_conflict(
                OnConflict::column(notifications::Column::DedupeKey)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await
            .map_err(repo_error)?;
        if inserted == 0 {
            continue;
        }
        if item.in_app {
            events.push(Event::Notification {
                notification: Box::new(item.clone()),
            });
        }
        stored.push(item.clone());
    }
    Ok((stored, events))
}

#[async_trait::async_trait]
impl NotificationRepository for SqlNotificationRepository {
    async fn insert(&self, new: &[Notification]) -> RepoResult<Vec<Notification>> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        let (stored, events) = insert_within(&txn, new).await?;
        commit(&self.db, txn, &events).await?;
        Ok(stored)
    }

    async fn page_for(&self, user: UserId, unread_only: bool, page: PageRequest) -> RepoResult<Page<Notification>> {
        let listing = Listing {
            table: "notifications",
            parent_column: "recipient_id",
            order: &["id"],
            ascending: false,
            extra: Some(if unread_only {
                "in_app = TRUE AND is_read = FALSE"
            } else {
                "in_app = TRUE"
            }),
        };
        let mut pages =
            children_pages::<notifications::Entity, Uuid>(self.db.conn(), &listing, &[user.0], page, |model| {
                model.recipient_id
            })
            .await?;
        pages.remove(&user.0).unwrap_or_default().try_map(notification)
    }

    async fn count(&self, user: UserId, unread_only: bool) -> RepoResult<u64> {
        let mut query = notifications::Entity::find()
            .filter(notifications::Column::RecipientId.eq(user.0))
            .filter(notifications::Column::InApp.eq(true));
        if unread_only {
            query = query.filter(notifications::Column::IsRead.eq(false));
        }
        query.count(self.db.conn()).await.map_err(repo_error)
    }

    async fn notification(&self, user: UserId, id: NotificationId) -> RepoResult<Option<Notification>> {
        notifications::Entity::find_by_id(id.0)
            .filter(notifications::Column::RecipientId.eq(user.0))
            .filter(notifications::Column::InApp.eq(true))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(notification)
            .transpose()
    }

    async fn mark_read(
        &self,
        user: UserId,
        id: NotificationId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<Option<Notification>> {
        let Some(model) = notifications::Entity::find_by_id(id.0)
            .filter(notifications::Column::RecipientId.eq(user.0))
            .filter(notifications::Column::InApp.eq(true))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
        else {
            return Ok(None);
        };
        if model.is_read {
            return notification(model).map(Some);
        }
        let txn = self.db.begin().await.map_err(repo_error)?;
        let changed = notifications::Entity::update_many()
            .col_expr(notifications::Column::IsRead, Expr::value(true))
            .col_expr(notifications::Column::ReadAt, Expr::value(Some(now)))
            .filter(notifications::Column::Id.eq(id.0))
            .filter(notifications::Column::IsRead.eq(false))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        let events = if changed.rows_affected > 0 {
            vec![Event::NotificationsRead { user }]
        } else {
            Vec::new()
        };
        commit(&self.db, txn, &events).await?;
        notification(notifications::Model {
            is_read: true,
            read_at: Some(now),
            ..model
        })
        .map(Some)
    }

    async fn mark_all_read(&self, user: UserId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<u64> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        let result = notifications::Entity::update_many()
            .col_expr(notifications::Column::IsRead, Expr::value(true))
            .col_expr(notifications::Column::ReadAt, Expr::value(Some(now)))
            .filter(notifications::Column::RecipientId.eq(user.0))
            .filter(notifications::Column::InApp.eq(true))
            .filter(notifications::Column::IsRead.eq(false))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        let events = if result.rows_affected > 0 {
            vec![Event::NotificationsRead { user }]
        } else {
            Vec::new()
        };
        commit(&self.db, txn, &events).await?;
        Ok(result.rows_affected)
    }

    async fn settings_for(
        &self,
        users: &[UserId],
        kind: NotificationType,
    ) -> RepoResult<HashMap<UserId, NotificationSetting>> {
        if users.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = notification_settings::Entity::find()
            .filter(notification_settings::Column::UserId.is_in(users.iter().map(|user| user.0)))
            .filter(notification_settings::Column::Kind.eq(kind.as_str()))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(rows
            .iter()
            .filter_map(|row| setting(row).map(|setting| (UserId(row.user_id), setting)))
            .collect())
    }

    async fn settings(&self, user: UserId) -> RepoResult<Vec<NotificationSetting>> {
        let rows = notification_settings::Entity::find()
            .filter(notification_settings::Column::UserId.eq(user.0))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(rows.iter().filter_map(setting).collect())
    }

    async fn save_settings(&self, user: UserId, settings: &[NotificationSetting]) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        for item in settings {
            let row = notification_settings::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(user.0),
                kind: Set(item.kind.as_str().to_owned()),
                in_app: Set(item.in_app),
                email: Set(item.email),
            };
            notification_settings::Entity::insert(row)
                .on_conflict(
                    OnConflict::columns([
                        notification_settings::Column::UserId,
                        notification_settings::Column::Kind,
                    ])
                    .update_columns([
                        notification_settings::Column::InApp,
                        notification_settings::Column::Email,
                    ])
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await
                .map_err(repo_error)?;
        }
        txn.commit().await.map_err(repo_error)
    }

    async fn digest_due(&self, sent_before: chrono::DateTime<chrono::Utc>, limit: u64) -> RepoResult<Vec<UserId>> {
        let waiting: Vec<Uuid> = notifications::Entity::find()
            .select_only()
            .column(notifications::Column::RecipientId)
            .distinct()
            .filter(notifications::Column::EmailPending.eq(true))
            .into_tuple::<Uuid>()
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        if waiting.is_empty() {
            return Ok(Vec::new());
        }
        let recent: Vec<Uuid> = notification_digests::Entity::find()
            .select_only()
            .column(notification_digests::Column::UserId)
            .filter(notification_digests::Column::UserId.is_in(waiting.iter().copied()))
            .filter(notification_digests::Column::SentAt.gte(sent_before))
            .into_tuple::<Uuid>()
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(waiting
            .into_iter()
            .filter(|user| !recent.contains(user))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(UserId)
            .collect())
    }

    async fn take_digest(&self, user: UserId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<Vec<Notification>> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // Write first (SQLite cannot upgrade a read transaction once another writer committed).
        notification_digests::Entity::insert(notification_digests::ActiveModel {
            user_id: Set(user.0),
            sent_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(notification_digests::Column::UserId)
                .update_column(notification_digests::Column::SentAt)
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await
        .map_err(repo_error)?;
        let rows = notifications::Entity::find()
            .filter(notifications::Column::RecipientId.eq(user.0))
            .filter(notifications::Column::EmailPending.eq(true))
            .order_by_asc(notifications::Column::Id)
            .all(&txn)
            .await
            .map_err(repo_error)?;
        notifications::Entity::update_many()
            .col_expr(notifications::Column::EmailPending, Expr::value(false))
            .filter(notifications::Column::Id.is_in(rows.iter().map(|row| row.id)))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)?;
        rows.into_iter().map(notification).collect()
    }
}
