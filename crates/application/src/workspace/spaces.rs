//! Creating, reading, changing and deleting artist spaces.

use backline_domain::access::{Action, ResourceKind};
use backline_domain::ids::{ArtistSpaceId, CollaboratorId};
use backline_domain::roles::Role;
use backline_domain::values::{CountryCode, Description, Name, NamedLinks, ShortId, SlugType};
use backline_domain::workspace::{AliasStatus, ArtistSpace, Collaborator};

use super::Workspace;
use super::resource::load_space;
use super::slugs::{insert_with_unique_ids, premium_slug};
use crate::Actor;
use crate::access::{authorize, readable_or_not_found};
use crate::error::{AppError, AppResult};
use crate::ports::{RepoError, SiblingScope};

/// Input of `createArtistSpace`.
#[derive(Debug, Clone, Default)]
pub struct CreateArtistSpace {
    /// Artist, band or label name.
    pub name: String,
    /// A chosen slug (PRO plan); derived from the name when absent.
    pub slug: Option<String>,
    /// Short biography.
    pub bio: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country_code: Option<String>,
    /// Named links, a JSON object.
    pub links: Option<serde_json::Value>,
}

/// Input of `updateArtistSpace`; `None` leaves a field unchanged, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct UpdateArtistSpace {
    /// New name (the slug stays, so shared URLs keep working).
    pub name: Option<String>,
    /// A chosen slug (PRO plan).
    pub slug: Option<String>,
    /// New biography, or clear it.
    pub bio: Option<Option<String>>,
    /// New country, or clear it.
    pub country_code: Option<Option<String>>,
    /// New links (replaces all).
    pub links: Option<serde_json::Value>,
}

/// How a client names a space.
#[derive(Debug, Clone)]
pub enum SpaceLookup {
    /// By id.
    Id(ArtistSpaceId),
    /// By 6-character short id.
    ShortId(String),
    /// By slug.
    Slug(String),
}

fn country(raw: Option<String>) -> AppResult<Option<String>> {
    Ok(raw
        .filter(|code| !code.trim().is_empty())
        .map(|code| CountryCode::parse(&code))
        .transpose()?
        .map(|code| code.as_str().to_owned()))
}

/// Creates a space owned by the caller. Any signed-in user may create spaces; the creator is
/// its OWNER (the matrix's Owner/C cell).
pub async fn create_artist_space(
    workspace: &Workspace,
    actor: &Actor,
    input: CreateArtistSpace,
) -> AppResult<ArtistSpace> {
    let owner = actor.require()?;
    let name = Name::parse(&input.name, "name")?;
    let bio = input
        .bio
        .map(|bio| Description::parse(&bio, "bio"))
        .transpose()?
        .and_then(Description::into_inner);
    let country_code = country(input.country_code)?;
    let links = input
        .links
        .map(|links| NamedLinks::parse(&links))
        .transpose()?
        .unwrap_or_default();
    let chosen = match input.slug.filter(|slug| !slug.trim().is_empty()) {
        Some(raw) => {
            let chosen = premium_slug(&workspace.access, owner, &raw).await?;
            not_an_alias(workspace, chosen.0.as_str()).await?;
            Some(chosen)
        }
        None => None,
    };
    let now = workspace.clock.now();
    let space = ArtistSpace {
        id: ArtistSpaceId(workspace.ids.uuid()),
        short_id: String::new(),
        slug: String::new(),
        slug_type: SlugType::Auto,
        name: name.as_str().to_owned(),
        image: None,
        bio,
        country_code,
        links: links.to_json(),
        owner_id: owner,
        created_at: now,
        updated_at: now,
    };
    let collaborator = Collaborator::joining(
        CollaboratorId(workspace.ids.uuid()),
        space.path(),
        owner,
        Role::Owner,
        now,
    );
    insert_with_unique_ids(
        workspace,
        SiblingScope::Spaces,
        &space.name.clone(),
        chosen,
        "this slug is taken; choose another",
        |short_id, slug, slug_type| {
            let space = ArtistSpace {
                short_id,
                slug,
                slug_type,
                ..space.clone()
            };
            let collaborator = &collaborator;
            async move {
                workspace
                    .access
                    .workspace
                    .insert_space(&space, collaborator)
                    .await
                    .map(|()| space)
            }
        },
    )
    .await
}

/// Refuses a space slug that an alias holds (space and alias slugs share one namespace).
async fn not_an_alias(workspace: &Workspace, slug: &str) -> AppResult<()> {
    if workspace.aliases.by_slug(slug).await?.is_some() {
        return Err(AppError::conflict("slug", "this slug is taken; choose another"));
    }
    Ok(())
}

/// Finds a space by id, short id, or its own or an active alias's slug, without any access
/// check (for a label asking to roster it); `NOT_FOUND` when there is none.
pub(crate) async fn find_space_unchecked(workspace: &Workspace, lookup: SpaceLookup) -> AppResult<ArtistSpace> {
    match lookup {
        SpaceLookup::Id(id) => Some(load_space(&workspace.access, id).await?),
        SpaceLookup::ShortId(short_id) => match ShortId::parse(&short_id) {
            Ok(short_id) => workspace.access.workspace.space_by_short_id(short_id.as_str()).await?,
            Err(_) => None,
        },
        SpaceLookup::Slug(slug) => match workspace.access.workspace.space_by_slug(slug.trim()).await? {
            Some(space) => Some(space),
            // An active alias's slug opens its space too.
            None => match workspace.aliases.by_slug(slug.trim()).await? {
                Some(alias) if alias.status == AliasStatus::Active => {
                    Some(load_space(&workspace.access, alias.artist_space_id).await?)
                }
                _ => None,
            },
        },
    }
    .ok_or(AppError::NotFound("artist space"))
}

/// Finds a space the caller can read (by id, short id, or its own or an active alias's slug);
/// `NOT_FOUND` otherwise.
pub async fn find_artist_space(workspace: &Workspace, actor: &Actor, lookup: SpaceLookup) -> AppResult<ArtistSpace> {
    let space = find_space_unchecked(workspace, lookup).await?;
    readable_or_not_found(&workspace.access, actor, space.path()).await?;
    Ok(space)
}

/// Changes a space (ArtistSpace U: owner and admin).
pub async fn update_artist_space(
    workspace: &Workspace,
    actor: &Actor,
    id: ArtistSpaceId,
    input: UpdateArtistSpace,
) -> AppResult<ArtistSpace> {
    let mut space = load_space(&workspace.access, id).await?;
    authorize(
        &workspace.access,
        actor,
        space.path(),
        ResourceKind::ArtistSpace,
        Action::Update,
    )
    .await?;
    if let Some(name) = input.name {
        space.name = Name::parse(&name, "name")?.as_str().to_owned();
    }
    if let Some(bio) = input.bio {
        space.bio = bio
            .map(|bio| Description::parse(&bio, "bio"))
            .transpose()?
            .and_then(Description::into_inner);
    }
    if let Some(code) = input.country_code {
        space.country_code = country(code)?;
    }
    if let Some(links) = input.links {
        space.links = NamedLinks::parse(&links)?.to_json();
    }
    if let Some(raw) = input.slug {
        let (slug, slug_type) = premium_slug(&workspace.access, space.owner_id, &raw).await?;
        not_an_alias(workspace, slug.as_str()).await?;
        space.slug = slug.as_str().to_owned();
        space.slug_type = slug_type;
    }
    space.updated_at = workspace.clock.now();
    workspace
        .access
        .workspace
        .update_space(&space)
        .await
        .map_err(|error| match error {
            RepoError::Duplicate(_) => AppError::conflict("slug", "this slug is taken; choose another"),
            other => other.into(),
        })?;
    Ok(space)
}

/// Deletes a space with everything in it, in one transaction (ArtistSpace D: owner only).
pub async fn delete_artist_space(workspace: &Workspace, actor: &Actor, id: ArtistSpaceId) -> AppResult<ArtistSpaceId> {
    let space = load_space(&workspace.access, id).await?;
    authorize(
        &workspace.access,
        actor,
        space.path(),
        ResourceKind::ArtistSpace,
        Action::Delete,
    )
    .await?;
    let released = workspace.access.workspace.delete_space(space.id).await?;
    crate::media::remove_blobs(&*workspace.blobs, &released).await;
    Ok(space.id)
}
