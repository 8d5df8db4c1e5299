//! Queries: organizations (labels).

use async_graphql::{Context, ID, Object};
use backline_domain::page::{ListOrder, Page};

use crate::common::context::parts;
use crate::common::error::GqlResult;
use crate::common::ids::Kind;
use crate::common::pagination::page_request;
use crate::common::total_count::TotalCount;

/// Organizations (labels).
#[derive(Default)]
pub(crate) struct CreatorQuery;

/// Organizations (labels).
#[Object]
impl CreatorQuery {
    /// An organization you belong to, by id or slug; `NOT_FOUND` for others.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's id.")] id: Option<ID>,
        #[graphql(desc = "The organization's slug.")] slug: Option<String>,
    ) -> async_graphql::Result<crate::common::nodes::OrganizationNode> {
        let (app, request) = parts(ctx)?;
        let lookup = match (id, slug) {
            (Some(id), None) => backline_application::creators::OrgLookup::Id(backline_domain::ids::OrganizationId(
                crate::common::ids::decode(Kind::Organization, &id, "id")?,
            )),
            (None, Some(slug)) => backline_application::creators::OrgLookup::Slug(slug),
            _ => return Err(crate::common::error::bad_input("id", "give exactly one of id and slug")),
        };
        let (organization, role) =
            backline_application::creators::find_organization(&app.creators, &request.actor, lookup)
                .await
                .gql()?;
        Ok(crate::common::nodes::OrganizationNode(organization, role))
    }

    /// The organizations you belong to, newest first.
    async fn my_organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<crate::common::nodes::OrganizationConnection> {
        let page_request = page_request(first, after, last, before)?;
        let (app, request) = parts(ctx)?;
        let found = backline_application::creators::my_organizations(&app.creators, &request.actor)
            .await
            .gql()?;
        let total = u64::try_from(found.len()).unwrap_or(u64::MAX);
        let page = Page::of_list(
            found,
            &page_request,
            |(organization, _)| organization.id.0,
            ListOrder::NewestFirst,
        );
        Ok(crate::common::nodes::OrganizationConnection::new(
            page,
            TotalCount::Known(total),
        ))
    }
}
