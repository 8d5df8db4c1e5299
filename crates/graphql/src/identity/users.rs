//! Users, their subscription and their sessions.

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use backline_application::identity::{list_sessions, storage_limit, visible_email};
use backline_domain::identity::{Subscription, User};
use backline_domain::page::Page;
use chrono::{DateTime, Utc};

use crate::common::context::parts;
use crate::common::enums::{GqlAuthMethod, GqlBillingCycle, GqlPlan, GqlPlatformRole, GqlSubscriptionStatus};
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, encode};
use crate::common::nodes::{ArtistSpaceConnection, SessionNode, UserNode};
use crate::common::pagination::page_request;
use crate::common::total_count::TotalCount;
use crate::identity::loaders::SubscriptionOf;
use crate::workspace::types::my_spaces;

impl From<User> for UserNode {
    fn from(user: User) -> Self {
        Self {
            user,
            signed_in_as: false,
        }
    }
}

impl UserNode {
    /// The id its cursor carries.
    pub(crate) fn cursor_id(&self) -> uuid::Uuid {
        self.user.id.0
    }

    fn is_self<'a>(&self, ctx: &Context<'a>) -> async_graphql::Result<bool> {
        let (_, request) = parts(ctx)?;
        Ok(request.actor.user_id() == Some(self.user.id))
    }
}

/// A person with an account. Profiles are visible to every signed-in user; the email only to
/// the user themself and platform admins.
#[Object(name = "User")]
impl UserNode {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::User, self.user.id.0)
    }

    /// Public handle (3-30 letters, digits, `_`, `-`), unique regardless of case.
    async fn username(&self) -> &str {
        &self.user.username
    }

    /// Email address; null unless you are this user or a platform admin.
    async fn email(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        if self.signed_in_as {
            return Ok(Some(self.user.email.clone()));
        }
        let (app, request) = parts(ctx)?;
        visible_email(&app.identity, &request.actor, &self.user).await.gql()
    }

    /// Profile picture, with thumbnail and medium variants; set it with `uploadImage`.
    async fn image(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<crate::common::nodes::ImageNode>> {
        crate::common::images::image_of(ctx, self.user.image.as_deref()).await
    }

    /// How this account signs in.
    async fn auth_method(&self) -> GqlAuthMethod {
        self.user.auth_method.into()
    }

    /// Whether the email address has been confirmed.
    async fn is_verified(&self) -> bool {
        self.user.is_verified
    }

    /// ISO 3166-1 alpha-2 country code (for rights management).
    async fn country_code(&self) -> Option<&str> {
        self.user.country_code.as_deref()
    }

    /// The user's platform-wide role.
    async fn platform_role(&self) -> GqlPlatformRole {
        self.user.platform_role.into()
    }

    /// Plan and storage use; null unless you are this user or a platform admin.
    async fn subscription(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SubscriptionNode>> {
        let (app, request) = parts(ctx)?;
        // The use case behind the loader leaves out subscriptions the caller may not see.
        let subscription = request.loaders.0.load_one(SubscriptionOf(self.user.id)).await?;
        Ok(subscription.map(|subscription| SubscriptionNode::new(app, subscription)))
    }

    /// Your signed-in devices, most recently active first; empty for other users.
    async fn sessions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SessionNode>> {
        if !self.is_self(ctx)? {
            return Ok(Vec::new());
        }
        let (app, request) = parts(ctx)?;
        let current = request.actor.session_id();
        Ok(list_sessions(&app.identity, &request.actor)
            .await
            .gql()?
            .into_iter()
            .map(|session| SessionNode {
                current: Some(session.id) == current,
                session,
            })
            .collect())
    }

    /// Your artist spaces (owned or as a collaborator on the space), newest first; empty for
    /// other users. One person may run several spaces (personas).
    async fn artist_spaces(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<ArtistSpaceConnection> {
        let request = page_request(first, after, last, before)?;
        if !self.is_self(ctx)? {
            return Ok(ArtistSpaceConnection::new(Page::default(), TotalCount::MySpaces));
        }
        my_spaces(ctx, request).await
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.user.created_at
    }

    /// When the account last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.user.updated_at
    }
}

/// Bytes stored against a plan.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub(crate) struct Storage {
    /// Bytes in use.
    used: i64,
    /// Bytes allowed; null means unlimited.
    limit: Option<i64>,
}

/// A user's plan and storage use (their billing subscription; not a GraphQL subscription).
#[derive(SimpleObject)]
#[graphql(name = "PlanSubscription", complex)]
pub(crate) struct SubscriptionNode {
    /// Current plan.
    plan: GqlPlan,
    /// Standing of the subscription.
    status: GqlSubscriptionStatus,
    /// How a paid plan is billed; null on FREE.
    billing_cycle: Option<GqlBillingCycle>,
    /// End of the paid period; null on FREE.
    current_period_end: Option<DateTime<Utc>>,
    /// Storage used and allowed.
    storage: Storage,
    #[graphql(skip)]
    created: DateTime<Utc>,
}

impl SubscriptionNode {
    pub(crate) fn new(app: &backline_application::App, subscription: Subscription) -> Self {
        Self {
            plan: subscription.plan.into(),
            status: subscription.status.into(),
            billing_cycle: subscription.billing_cycle.map(Into::into),
            current_period_end: subscription.current_period_end,
            storage: Storage {
                used: subscription.storage_used,
                limit: storage_limit(&app.settings.plan_limits, &subscription),
            },
            created: subscription.created_at,
        }
    }
}

#[ComplexObject]
impl SubscriptionNode {
    /// When the subscription began.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created
    }
}

/// A signed-in device (one refresh-token family).
#[Object(name = "Session")]
impl SessionNode {
    /// Global id; pass it to `revokeSession` to sign that device out.
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::Session, self.session.id.0)
    }

    /// The browser or app that signed in.
    async fn user_agent(&self) -> Option<&str> {
        self.session.user_agent.as_deref()
    }

    /// The address it signed in from.
    async fn ip(&self) -> Option<&str> {
        self.session.ip.as_deref()
    }

    /// When it signed in.
    async fn created_at(&self) -> DateTime<Utc> {
        self.session.created_at
    }

    /// When it last refreshed its tokens.
    async fn last_active_at(&self) -> DateTime<Utc> {
        self.session.last_active_at
    }

    /// When it ends unless refreshed.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.session.expires_at
    }

    /// Whether this is the session making the request.
    async fn current(&self) -> bool {
        self.current
    }
}
