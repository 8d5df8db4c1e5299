//! In-app notifications.

use anyhow::anyhow;
use backline_application::ports::{NotificationRepository, RepoError, RepoResult};
use backline_domain::ids::{NotificationId, UserId};
use backline_domain::notifications::{Notification, NotificationType};
use backline_domain::page::{Page, PageRequest};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::Database;
use crate::entities::notifications;
use crate::error::repo_error;
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
    })
}

#[async_trait::async_trait]
impl NotificationRepository for SqlNotificationRepository {
    async fn insert(&self, new: &[Notification]) -> RepoResult<Vec<Notification>> {
        let mut stored = Vec::new();
        for item in new {
            let inserted = notifications::ActiveModel {
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
            }
            .insert(self.db.conn())
            .await;
            match inserted.map_err(repo_error) {
                Ok(_) => stored.push(item.clone()),
                Err(RepoError::Duplicate(_)) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(stored)
    }

    async fn page_for(&self, user: UserId, unread_only: bool, page: PageRequest) -> RepoResult<Page<Notification>> {
        let listing = Listing {
            table: "notifications",
            parent_column: "recipient_id",
            order: &["id"],
            ascending: false,
            extra: unread_only.then_some("is_read = FALSE"),
        };
        let mut pages =
            children_pages::<notifications::Entity, Uuid>(self.db.conn(), &listing, &[user.0], page, |model| {
                model.recipient_id
            })
            .await?;
        pages.remove(&user.0).unwrap_or_default().try_map(notification)
    }

    async fn count(&self, user: UserId, unread_only: bool) -> RepoResult<u64> {
        let mut query = notifications::Entity::find().filter(notifications::Column::RecipientId.eq(user.0));
        if unread_only {
            query = query.filter(notifications::Column::IsRead.eq(false));
        }
        query.count(self.db.conn()).await.map_err(repo_error)
    }

    async fn mark_read(
        &self,
        user: UserId,
        id: NotificationId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<Option<Notification>> {
        let Some(model) = notifications::Entity::find_by_id(id.0)
            .filter(notifications::Column::RecipientId.eq(user.0))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
        else {
            return Ok(None);
        };
        if model.is_read {
            return notification(model).map(Some);
        }
        notifications::Entity::update_many()
            .col_expr(notifications::Column::IsRead, Expr::value(true))
            .col_expr(notifications::Column::ReadAt, Expr::value(Some(now)))
            .filter(notifications::Column::Id.eq(id.0))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        notification(notifications::Model {
            is_read: true,
            read_at: Some(now),
            ..model
        })
        .map(Some)
    }

    async fn mark_all_read(&self, user: UserId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<u64> {
        let result = notifications::Entity::update_many()
            .col_expr(notifications::Column::IsRead, Expr::value(true))
            .col_expr(notifications::Column::ReadAt, Expr::value(Some(now)))
            .filter(notifications::Column::RecipientId.eq(user.0))
            .filter(notifications::Column::IsRead.eq(false))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(result.rows_affected)
    }
}
