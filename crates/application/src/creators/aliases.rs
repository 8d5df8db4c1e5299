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

#[cfg(test)]
mod tests {
    use backline_domain::roles::{Plan, Role};

    use super::*;
    use crate::ports::UserRepository;
    use crate::testing::world::World;
    use crate::workspace::{SpaceLookup, find_artist_space};

    fn alias(world: &World, name: &str, slug: Option<&str>) -> AddArtistAlias {
        AddArtistAlias {
            space: world.space.id,
            name: name.to_owned(),
            slug: slug.map(str::to_owned),
        }
    }

    #[tokio::test]
    async fn an_alias_slug_shares_the_space_namespace_and_opens_the_space_while_active() -> AppResult<()> {
        let world = World::new();
        let owner = World::actor(world.owner);
        let added = add_artist_alias(&world.creators, &owner, alias(&world, "DJ Opener", None)).await?;
        assert_eq!((added.slug.as_str(), added.status), ("dj-opener", AliasStatus::Active));
        let opened = find_artist_space(&world.workspace, &owner, SpaceLookup::Slug("dj-opener".to_owned())).await?;
        assert_eq!(opened.id, world.space.id, "the alias's slug opens its space");
        let same = add_artist_alias(&world.creators, &owner, alias(&world, "DJ Opener", None)).await?;
        assert_eq!(same.slug, "dj-opener-2", "a taken derived slug takes a suffix");

        world.users.set_plan(world.owner, Plan::Pro).await?;
        let space_slug = Some(world.space.slug.as_str());
        let taken = add_artist_alias(&world.creators, &owner, alias(&world, "Band", space_slug)).await;
        assert!(
            matches!(&taken, Err(AppError::Conflict { field: Some(field), .. }) if field == "slug"),
            "the space holds that slug: {taken:?}"
        );

        update_artist_alias(&world.creators, &owner, added.id, None, Some(AliasStatus::Archived)).await?;
        let archived = find_artist_space(&world.workspace, &owner, SpaceLookup::Slug("dj-opener".to_owned())).await;
        assert!(matches!(archived, Err(AppError::NotFound(_))), "{archived:?}");
        Ok(())
    }

    #[tokio::test]
    async fn only_those_who_update_the_space_add_aliases_and_strangers_see_none() -> AppResult<()> {
        let world = World::new();
        let editor = world.person("editor", None);
        world.collaborators.grant(world.space.path(), editor, Role::Editor);
        let stranger = world.person("stranger", None);
        let by_editor = add_artist_alias(&world.creators, &World::actor(editor), alias(&world, "Side", None)).await;
        assert!(matches!(by_editor, Err(AppError::Forbidden(_))), "{by_editor:?}");
        let by_stranger = add_artist_alias(&world.creators, &World::actor(stranger), alias(&world, "Side", None)).await;
        assert!(matches!(by_stranger, Err(AppError::NotFound(_))), "{by_stranger:?}");
        let added = add_artist_alias(&world.creators, &World::actor(world.owner), alias(&world, "Side", None)).await?;
        let seen = find_alias(&world.creators, &World::actor(stranger), added.id).await;
        assert!(matches!(seen, Err(AppError::NotFound("alias"))), "{seen:?}");
        Ok(())
    }
}
