//! Queries: invite links, invitations and review links.

use async_graphql::{Context, Object};
use backline_domain::page::{ListOrder, Page};

use crate::common::context::parts;
use crate::common::error::GqlResult;
use crate::common::pagination::page_request;
use crate::common::total_count::TotalCount;

/// Invite links, invitations and review links.
#[derive(Default)]
pub(crate) struct SharingQuery;

/// Invite links, invitations and review links.
#[Object]
impl SharingQuery {
    /// What an invite link offers (signed in): the resource's name, the role, who invited you
    /// and whether the link still works.
    async fn invite_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The code from the link.")] short_code: String,
    ) -> async_graphql::Result<crate::sharing::invitations::InvitePreviewNode> {
        let (app, request) = parts(ctx)?;
        let preview = backline_application::sharing::invite_link_preview(&app.sharing, &request.actor, &short_code)
            .await
            .gql()?;
        Ok(crate::sharing::invitations::InvitePreviewNode(preview))
    }

    /// Pending invitations sent to your address, newest first.
    async fn my_invitations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<crate::common::nodes::InvitationConnection> {
        let page_request = page_request(first, after, last, before)?;
        let (app, request) = parts(ctx)?;
        let found = backline_application::sharing::my_invitations(&app.sharing, &request.actor)
            .await
            .gql()?;
        let total = u64::try_from(found.len()).unwrap_or(u64::MAX);
        let page = Page::of_list(
            found,
            &page_request,
            |view| view.invitation.id.0,
            ListOrder::NewestFirst,
        );
        Ok(crate::common::nodes::InvitationConnection::new(
            page,
            TotalCount::Known(total),
        ))
    }

    /// Opens a public review link (no account needed) and counts one view. `NOT_FOUND` for an
    /// unknown code, `FORBIDDEN` naming why for a revoked or expired link, `UNAUTHENTICATED`
    /// for a missing or wrong password, `RATE_LIMITED` after too many wrong passwords.
    async fn review_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The code from the link.")] code: String,
        #[graphql(desc = "The link's password, when it has one.")] password: Option<String>,
    ) -> async_graphql::Result<crate::sharing::review_links::ReviewSessionNode> {
        let (app, request) = parts(ctx)?;
        let session =
            backline_application::sharing::open_review_link(&app.sharing, &code, password.as_deref(), &request.meta)
                .await
                .gql()?;
        Ok(crate::sharing::review_links::ReviewSessionNode(std::sync::Arc::new(
            session,
        )))
    }
}
