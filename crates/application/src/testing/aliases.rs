//! Aliases of artist spaces in memory.

use std::collections::HashMap;
use std::sync::Arc;

use backline_domain::ids::{ArtistAliasId, ArtistSpaceId};
use backline_domain::workspace::ArtistAlias;

use super::{Locked, MemoryWorkspace};
use crate::ports::{AliasRepository, RepoError, RepoResult};

/// Aliases in memory, with the same rules as the SQL store: an alias's slug is taken in the
/// space-and-alias namespace of the [`MemoryWorkspace`] it was made with (a slug a space or
/// another alias holds is `Duplicate(Slug)`), the slug never changes, and updating a missing
/// alias is `NotFound`.
pub struct MemoryAliases {
    aliases: Locked<Vec<ArtistAlias>>,
    workspace: Arc<MemoryWorkspace>,
}

impl MemoryAliases {
    /// An empty store whose slugs share `workspace`'s namespace.
    pub fn new(workspace: Arc<MemoryWorkspace>) -> Self {
        Self {
            aliases: Locked::default(),
            workspace,
        }
    }

    /// Every stored alias, in the order they were stored.
    pub fn aliases(&self) -> Vec<ArtistAlias> {
        self.aliases.lock().map(|aliases| aliases.clone()).unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl AliasRepository for MemoryAliases {
    async fn insert(&self, alias: &ArtistAlias) -> RepoResult<()> {
        self.aliases.with(|aliases| {
            if aliases.iter().any(|held| held.id == alias.id) {
                return Err(RepoError::Duplicate(crate::ports::Unique::Other));
            }
            self.workspace.add_alias_slug(alias.artist_space_id, &alias.slug)?;
            aliases.push(alias.clone());
            Ok(())
        })
    }

    async fn update(&self, alias: &ArtistAlias) -> RepoResult<()> {
        self.aliases.with(|aliases| {
            let held = aliases
                .iter_mut()
                .find(|held| held.id == alias.id)
                .ok_or(RepoError::NotFound)?;
            held.name.clone_from(&alias.name);
            held.status = alias.status;
            held.updated_at = alias.updated_at;
            Ok(())
        })
    }

    async fn by_id(&self, id: ArtistAliasId) -> RepoResult<Option<ArtistAlias>> {
        self.aliases
            .with(|aliases| Ok(aliases.iter().find(|alias| alias.id == id).cloned()))
    }

    async fn by_slug(&self, slug: &str) -> RepoResult<Option<ArtistAlias>> {
        self.aliases
            .with(|aliases| Ok(aliases.iter().find(|alias| alias.slug == slug).cloned()))
    }

    async fn for_spaces(&self, spaces: &[ArtistSpaceId]) -> RepoResult<HashMap<ArtistSpaceId, Vec<ArtistAlias>>> {
        self.aliases.with(|aliases| {
            let mut found: HashMap<ArtistSpaceId, Vec<ArtistAlias>> = HashMap::new();
            for alias in aliases.iter().filter(|alias| spaces.contains(&alias.artist_space_id)) {
                found.entry(alias.artist_space_id).or_default().push(alias.clone());
            }
            Ok(found)
        })
    }
}
