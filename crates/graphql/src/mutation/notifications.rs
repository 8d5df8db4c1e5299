//! Reading notifications.

use async_graphql::{Context, ID, Object};
use backline_application::notifications::{mark_all_notifications_read, mark_notification_read};
use backline_domain::ids::NotificationId;

use crate::context::parts;
use crate::error::GqlResult;
use crate::ids::{Kind, decode};
use crate::types::notification::NotificationNode;

#[derive(Default)]
pub(crate) struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Marks one of your notifications read (idempotent).
    async fn mark_notification_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The notification.")] id: ID,
    ) -> async_graphql::Result<NotificationNode> {
        let (app, request) = parts(ctx)?;
        let id = NotificationId(decode(Kind::Notification, &id, "id")?);
        Ok(NotificationNode(
            mark_notification_read(app, &request.actor, id).await.gql()?,
        ))
    }

    /// Marks all your notifications read; returns how many were unread.
    async fn mark_all_notifications_read(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let (app, request) = parts(ctx)?;
        let count = mark_all_notifications_read(app, &request.actor).await.gql()?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }
}
