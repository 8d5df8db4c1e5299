//! Aliases of artist spaces (seed 002 ArtistAlias): other performer or project names. Alias
//! slugs and space slugs share one namespace; an active alias's slug opens its space.

use std::collections::HashMap;

use backline_domain::access::{Action, ResourceKind};
use backline_domain::ids::{ArtistAliasId, ArtistSpaceId};
use backline_domain::values::{Name, Slug};
use backline_domain::workspace::{AliasStatus, ArtistAlias};

use crate::access::authorize;
use crate::error::{AppError, AppResult};
use crate::ports::{RepoError, SiblingScope};
use crate::workspace::INSERT_ATTEMPTS;
use crate::workspace::resource::load_space;
use crate::workspace::slugs::{free_slug, premium_slug};
use crate::{Actor, App};

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
pub async fn add_artist_alias(app: &App, actor: &Actor, input: AddArtistAlias) -> AppResult<ArtistAlias> {
    let space = load_space(app, input.space).await?;
    authorize(app, actor, space.path(), ResourceKind::ArtistSpace, Action::Update).await?;
    let name = Name::parse(&input.name, "name")?;
    let chosen = match input.slug.filter(|slug| !slug.trim().is_empty()) {
        Some(raw) => Some(premium_slug(app, space.owner_id, &raw).await?.0),
        None => None,
    };
    let now = app.ports.clock.now();
    for _ in 0..INSERT_ATTEMPTS {
        let slug = match &chosen {
            Some(slug) => {
                if app.ports.workspace.space_by_slug(slug.as_str()).await?.is_some() {
                    return Err(AppError::conflict("slug", "this slug is taken; choose another"));
                }
                slug.clone()
            }
            None => free_slug(app, SiblingScope::Spaces, &Slug::from_name(name.as_str())).await?,
        };
        let alias = ArtistAlias {
            id: ArtistAliasId(app.ports.ids.uuid()),
            artist_space_id: space.id,
            name: name.as_str().to_owned(),
            slug: slug.as_str().to_owned(),
            status: AliasStatus::Active,
            created_at: now,
            updated_at: now,
        };
        match app.ports.aliases.insert(&alias).await {
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
    app: &App,
    actor: &Actor,
    id: ArtistAliasId,
    name: Option<String>,
    status: Option<AliasStatus>,
) -> AppResult<ArtistAlias> {
    let mut alias = app.ports.aliases.by_id(id).await?.ok_or(AppError::NotFound("alias"))?;
    let space = load_space(app, alias.artist_space_id).await?;
    crate::access::readable_or_not_found(app, actor, space.path())
        .await
        .map_err(|_| AppError::NotFound("alias"))?;
    authorize(app, actor, space.path(), ResourceKind::ArtistSpace, Action::Update).await?;
    if let Some(name) = name {
        alias.name = Name::parse(&name, "name")?.as_str().to_owned();
    }
    if let Some(status) = status {
        alias.status = status;
    }
    alias.updated_at = app.ports.clock.now();
    app.ports.aliases.update(&alias).await?;
    Ok(alias)
}

/// The aliases of spaces the caller can already read, oldest first.
pub async fn aliases_of(app: &App, spaces: &[ArtistSpaceId]) -> AppResult<HashMap<ArtistSpaceId, Vec<ArtistAlias>>> {
    Ok(app.ports.aliases.for_spaces(spaces).await?)
}

/// An alias of a space the caller can read; `NOT_FOUND` otherwise.
pub async fn find_alias(app: &App, actor: &Actor, id: ArtistAliasId) -> AppResult<ArtistAlias> {
    let alias = app.ports.aliases.by_id(id).await?.ok_or(AppError::NotFound("alias"))?;
    let space = load_space(app, alias.artist_space_id)
        .await
        .map_err(|_| AppError::NotFound("alias"))?;
    crate::access::readable_or_not_found(app, actor, space.path())
        .await
        .map_err(|_| AppError::NotFound("alias"))?;
    Ok(alias)
}
