//! Queries: your notifications and how they reach you.

use async_graphql::{Context, Object};
use backline_application::notifications::{count_notifications, list_notifications, notification_settings};

use crate::common::context::parts;
use crate::common::error::GqlResult;
use crate::common::nodes::NotificationConnection;
use crate::common::pagination::page_request;
use crate::common::total_count::TotalCount;
use crate::notifications::types::NotificationSettingNode;

/// Your notifications and how they reach you.
#[derive(Default)]
pub(crate) struct NotificationQuery;

/// Your notifications and how they reach you.
#[Object]
impl NotificationQuery {
    /// Your notifications, newest first.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only unread ones (default false).", default = false)] unread_only: bool,
    ) -> async_graphql::Result<NotificationConnection> {
        let (app, request) = parts(ctx)?;
        let page = page_request(first, after, last, before)?;
        let found = list_notifications(&app.notifications, &request.actor, unread_only, page)
            .await
            .gql()?;
        Ok(NotificationConnection::new(
            found,
            TotalCount::Notifications(unread_only),
        ))
    }

    /// How each type of notification reaches you (every type, defaults filled in).
    async fn notification_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<NotificationSettingNode>> {
        let (app, request) = parts(ctx)?;
        let settings = notification_settings(&app.notifications, &request.actor).await.gql()?;
        Ok(settings.into_iter().map(NotificationSettingNode).collect())
    }

    /// How many of your notifications are unread.
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let (app, request) = parts(ctx)?;
        let count = count_notifications(&app.notifications, &request.actor, true)
            .await
            .gql()?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }
}
