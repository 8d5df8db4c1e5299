//! Reading notifications and choosing how they arrive.

use async_graphql::{Context, ID, InputObject, Object};
use backline_application::notifications::{
    SettingChange, mark_all_notifications_read, mark_notification_read, update_notification_settings,
};
use backline_domain::ids::NotificationId;

use crate::common::context::parts;
use crate::common::enums::GqlNotificationType;
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, decode};
use crate::common::nodes::NotificationNode;
use crate::notifications::types::NotificationSettingNode;

/// A change to how one type of notification reaches you; a channel left out keeps its value.
#[derive(InputObject)]
struct NotificationSettingInput {
    /// The type of notification.
    #[graphql(name = "type")]
    kind: GqlNotificationType,
    /// Show it in your inbox and live.
    in_app: Option<bool>,
    /// Put it in your email digest.
    email: Option<bool>,
}

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
            mark_notification_read(&app.notifications, &request.actor, id)
                .await
                .gql()?,
        ))
    }

    /// Changes how some types of notification reach you, all or nothing; returns every setting.
    async fn update_notification_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One entry per type to change (each type at most once).")] input: Vec<
            NotificationSettingInput,
        >,
    ) -> async_graphql::Result<Vec<NotificationSettingNode>> {
        let (app, request) = parts(ctx)?;
        let changes: Vec<SettingChange> = input
            .into_iter()
            .map(|item| SettingChange {
                kind: item.kind.into(),
                in_app: item.in_app,
                email: item.email,
            })
            .collect();
        let settings = update_notification_settings(&app.notifications, &request.actor, &changes)
            .await
            .gql()?;
        Ok(settings.into_iter().map(NotificationSettingNode).collect())
    }

    /// Marks all your notifications read; returns how many were unread.
    async fn mark_all_notifications_read(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let (app, request) = parts(ctx)?;
        let count = mark_all_notifications_read(&app.notifications, &request.actor)
            .await
            .gql()?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }
}
