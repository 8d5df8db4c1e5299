//! Aliases of artist spaces (seed 002 ArtistAlias): other performer or project names. Alias
//! slugs and space slugs share one namespace; an active alias's slug opens its space.

use std::collections::HashMap;

use backline_domain::access::{Action, ResourceKind};
use backline_domain::ids::{ArtistAliasId, ArtistSpaceId};
use backline_domain::values::{Name, Slug};
use backline_domain::workspace::{AliasStatus, ArtistAlias};

use super::Creators;
use crate::Actor;
use crate::access::authorize;
use crate::error::{AppError, AppResult};
use crate::ports::{RepoError, SiblingScope};
use crate::workspace::INSERT_ATTEMPTS;
use crate::workspace::resource::load_space;
use crate::workspace::slugs::{free_slug, premium_slug};

/// A new alias.
#[derive(Debug, Clone)]
pub struct AddArtistAlias {
    /// The space it names.
    pub space: ArtistSpaceId,
    /// The name.
    pub name: String,
    /// A chosen slug (PRO plan); derived from the name when absent.
    pub slug: Option<String>,
}

/// Adds an alias (ArtistSpace U: owner and admin).
pub async fn add_artist_alias(creators: &Creators, actor: &Actor, input: AddArtistAlias) -> AppResult<ArtistAlias> {
    let space = load_space(&creators.access, input.space).await?;
    authorize(
        &creators.access,
        actor,
        space.path(),
        ResourceKind::ArtistSpace,
        Action::Update,
    )
    .await?;
    let name = Name::parse(&input.name, "name")?;
    let chosen = match input.slug.filter(|slug| !slug.trim().is_empty()) {
        Some(raw) => Some(premium_slug(&creators.access, space.owner_id, &raw).await?.0),
        None => None,
    };
    let now = creators.clock.now();
    for _ in 0..INSERT_ATTEMPTS {
        let slug = match &chosen {
            Some(slug) => {
                if creators.access.workspace.space_by_slug(slug.as_str()).await?.is_some() {
                    return Err(AppError::conflict("slug", "this slug is taken; choose another"));
                }
                slug.clone()
            }
            None => free_slug(&creators.access, SiblingScope::Spaces, &Slug::from_name(name.as_str())).await?,
        };
        let alias = ArtistAlias {
            id: ArtistAliasId(creators.ids.uuid()),
            artist_space_id: space.id,
            name: name.as_str().to_owned(),
            slug: slug.as_str().to_owned(),
            status: AliasStatus::Active,
            created_at: now,
            updated_at: now,
        };
        match creators.aliases.insert(&alias).await {
            Ok(()) => return Ok(alias),
            Err(RepoError::Duplicate(_)) if chosen.is_some() => {
                return Err(AppError::conflict("slug", "this slug is taken; choose another"));
            }
            Err(RepoError::Duplicate(_)) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "could not find a free slug for the alias '{}'",
        name.as_str()
    )))
}

/// Renames an alias or changes its status (ArtistSpace U). Its slug stays, so shared URLs keep
/// working while it is active; an archived alias keeps its slug reserved.
pub async fn update_artist_alias(
    creators: &Creators,
    actor: &Actor,
    id: ArtistAliasId,
    name: Option<String>,
    status: Option<AliasStatus>,
) -> AppResult<ArtistAlias> {
    let mut alias = creators.aliases.by_id(id).await?.ok_or(AppError::NotFound("alias"))?;
    let space = load_space(&creators.access, alias.artist_space_id).await?;
    crate::access::readable_or_not_found(&creators.access, actor, space.path())
        .await
        .map_err(|_| AppError::NotFound("alias"))?;
    authorize(
        &creators.access,
        actor,
        space.path(),
        ResourceKind::ArtistSpace,
        Action::Update,
    )
    .await?;
    if let Some(name) = name {
        alias.name = Name::parse(&name, "name")?.as_str().to_owned();
    }
    if let Some(status) = status {
        alias.status = status;
    }
    alias.updated_at = creators.clock.now();
    creators.aliases.update(&alias).await?;
    Ok(alias)
}

/// The aliases of spaces the caller can already read, oldest first.
pub async fn aliases_of(
    creators: &Creators,
    spaces: &[ArtistSpaceId],
) -> AppResult<HashMap<ArtistSpaceId, Vec<ArtistAlias>>> {
    Ok(creators.aliases.for_spaces(spaces).await?)
}

/// An alias of a space the caller can read; `NOT_FOUND` otherwise.
pub async fn find_alias(creators: &Creators, actor: &Actor, id: ArtistAliasId) -> AppResult<ArtistAlias> {
    let alias = creators.aliases.by_id(id).await?.ok_or(AppError::NotFound("alias"))?;
    let space = load_space(&creators.access, alias.artist_space_id)
        .await
        .map_err(|_| AppError::NotFound("alias"))?;
    crate::access::readable_or_not_found(&creators.access, actor, space.path())
        .await
        .map_err(|_| AppError::NotFound("alias"))?;
    Ok(alias)
}
