//! In-app notifications.

use async_graphql::{Context, ID};
use chrono::{DateTime, Utc};

use crate::common::enums::GqlNotificationType;
use crate::common::ids::{Kind, encode};
use crate::common::nodes::{NotificationNode, UserNode};

impl NotificationNode {
    pub(crate) fn cursor_id(&self) -> uuid::Uuid {
        self.0.id.0
    }
}

/// One notification in your inbox.
#[async_graphql::Object(name = "Notification")]
impl NotificationNode {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::Notification, self.0.id.0)
    }

    /// What happened.
    #[graphql(name = "type")]
    async fn kind(&self) -> GqlNotificationType {
        self.0.kind.into()
    }

    /// Who caused it.
    async fn sender(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<UserNode>> {
        match self.0.sender_id {
            Some(sender) => crate::common::owner::owner(ctx, sender).await.map(Some),
            None => Ok(None),
        }
    }

    /// You.
    async fn recipient(&self, ctx: &Context<'_>) -> async_graphql::Result<UserNode> {
        crate::common::owner::owner(ctx, self.0.recipient_id).await
    }

    /// One line to show.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// A deep link for the web app, e.g. `/s/{space}/{project}/{track}?v=3&c={commentId}`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The raw id of what it is about (a comment, a file, a space, …).
    async fn pointer_id(&self) -> Option<String> {
        self.0.pointer_id.map(|id| id.to_string())
    }

    /// An image to show beside it.
    async fn img(&self) -> Option<&str> {
        self.0.img.as_deref()
    }

    /// Whether you have read it.
    async fn is_read(&self) -> bool {
        self.0.is_read
    }

    /// When you read it.
    async fn read_at(&self) -> Option<DateTime<Utc>> {
        self.0.read_at
    }

    /// When it was raised.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// How you want one type of notification delivered.
pub(crate) struct NotificationSettingNode(pub(crate) backline_domain::notifications::NotificationSetting);

/// How you want one type of notification delivered: in the app (inbox and live), and in your
/// email digest (at most one email per interval, listing what you have not read yet).
#[async_graphql::Object(name = "NotificationSetting")]
impl NotificationSettingNode {
    /// The type of notification.
    #[graphql(name = "type")]
    async fn kind(&self) -> GqlNotificationType {
        self.0.kind.into()
    }

    /// Whether it shows in your inbox and arrives live.
    async fn in_app(&self) -> bool {
        self.0.in_app
    }

    /// Whether it goes into your email digest.
    async fn email(&self) -> bool {
        self.0.email
    }
}
