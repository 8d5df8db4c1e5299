//! This context's dataloaders: artist profiles and aliases of spaces, batched per request through use cases that
//! authorize the whole batch.

use async_graphql::dataloader::Loader;
use backline_application::creators::{aliases_of, profiles_of};
use backline_domain::ids::ArtistSpaceId;
use backline_domain::profile::ArtistProfile;
use backline_domain::workspace::ArtistAlias;

use crate::common::error::gql;
use crate::common::loaders::{Batch, LoadResult};

/// Key of the profile loader: a space the caller already read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ProfileOf(pub(crate) ArtistSpaceId);

impl Loader<ProfileOf> for Batch {
    type Value = ArtistProfile;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ProfileOf]) -> LoadResult<ProfileOf, ArtistProfile> {
        let spaces: Vec<ArtistSpaceId> = keys.iter().map(|key| key.0).collect();
        Ok(profiles_of(&self.app.creators, &spaces)
            .await
            .map_err(gql)?
            .into_iter()
            .map(|(space, profile)| (ProfileOf(space), profile))
            .collect())
    }
}

/// Key of the alias loader: a space the caller already read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct AliasesOf(pub(crate) ArtistSpaceId);

impl Loader<AliasesOf> for Batch {
    type Value = Vec<ArtistAlias>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[AliasesOf]) -> LoadResult<AliasesOf, Vec<ArtistAlias>> {
        let spaces: Vec<ArtistSpaceId> = keys.iter().map(|key| key.0).collect();
        Ok(aliases_of(&self.app.creators, &spaces)
            .await
            .map_err(gql)?
            .into_iter()
            .map(|(space, aliases)| (AliasesOf(space), aliases))
            .collect())
    }
}
