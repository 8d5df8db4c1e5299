//! Artist aliases: other performer or project names of a space, each with its own slug.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use backline_application::creators::{AddArtistAlias, add_artist_alias, update_artist_alias};
use backline_domain::ids::{ArtistAliasId, ArtistSpaceId};
use backline_domain::workspace::AliasStatus;
use chrono::{DateTime, Utc};

use crate::common::context::parts;
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, decode, encode};
use crate::common::nodes::ArtistAliasNode;

/// Whether an alias is in use.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AliasStatus")]
pub(crate) enum GqlAliasStatus {
    /// In use: its slug opens the space.
    Active,
    /// Kept for the record; its slug stays reserved but no longer opens the space.
    Archived,
}

impl From<AliasStatus> for GqlAliasStatus {
    fn from(status: AliasStatus) -> Self {
        match status {
            AliasStatus::Active => Self::Active,
            AliasStatus::Archived => Self::Archived,
        }
    }
}

impl From<GqlAliasStatus> for AliasStatus {
    fn from(status: GqlAliasStatus) -> Self {
        match status {
            GqlAliasStatus::Active => Self::Active,
            GqlAliasStatus::Archived => Self::Archived,
        }
    }
}

/// Another performer or project name of an artist space. Its slug is unique among all spaces
/// and aliases, and `artistSpace(slug:)` opens the space by it while the alias is ACTIVE.
#[Object(name = "ArtistAlias")]
impl ArtistAliasNode {
    /// Global id (`als_…`).
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::ArtistAlias, self.0.id.0)
    }

    /// The name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The URL slug (shares one namespace with space slugs).
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Whether it is in use.
    async fn status(&self) -> GqlAliasStatus {
        self.0.status.into()
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Input of `addArtistAlias`.
#[derive(InputObject)]
struct AddArtistAliasInput {
    /// The space it names.
    artist_space_id: ID,
    /// The name (1-100 characters).
    name: String,
    /// A chosen slug (PRO plan or higher); derived from the name when left out.
    slug: Option<String>,
}

/// Input of `updateArtistAlias`.
#[derive(InputObject)]
struct UpdateArtistAliasInput {
    /// The alias.
    id: ID,
    /// A new name (the slug stays).
    name: Option<String>,
    /// ACTIVE, or ARCHIVED (the slug stays reserved but no longer opens the space).
    status: Option<GqlAliasStatus>,
}

/// Adding and changing aliases.
#[derive(Default)]
pub(crate) struct AliasMutation;

#[Object]
impl AliasMutation {
    /// Adds another name to an artist space (OWNER and ADMIN). Its slug is unique among all
    /// spaces and aliases and opens the space through `artistSpace(slug:)`.
    async fn add_artist_alias(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The space, the name and an optional chosen slug.")] input: AddArtistAliasInput,
    ) -> async_graphql::Result<ArtistAliasNode> {
        let (app, request) = parts(ctx)?;
        let input = AddArtistAlias {
            space: ArtistSpaceId(decode(Kind::ArtistSpace, &input.artist_space_id, "artistSpaceId")?),
            name: input.name,
            slug: input.slug,
        };
        Ok(ArtistAliasNode(
            add_artist_alias(&app.creators, &request.actor, input).await.gql()?,
        ))
    }

    /// Renames an alias or archives it (OWNER and ADMIN of its space).
    async fn update_artist_alias(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The alias and what changes.")] input: UpdateArtistAliasInput,
    ) -> async_graphql::Result<ArtistAliasNode> {
        let (app, request) = parts(ctx)?;
        let id = ArtistAliasId(decode(Kind::ArtistAlias, &input.id, "id")?);
        let status = input.status.map(Into::into);
        Ok(ArtistAliasNode(
            update_artist_alias(&app.creators, &request.actor, id, input.name, status)
                .await
                .gql()?,
        ))
    }
}
