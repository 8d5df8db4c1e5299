//! This context's dataloaders: users and their subscriptions, batched per request through use cases that
//! authorize the whole batch.

use async_graphql::dataloader::Loader;
use backline_application::identity::{subscriptions_of, users_by_ids};
use backline_domain::identity::{Subscription, User};
use backline_domain::ids::UserId;

use crate::common::error::gql;
use crate::common::loaders::{Batch, LoadResult};

impl Loader<UserId> for Batch {
    type Value = User;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[UserId]) -> LoadResult<UserId, User> {
        Ok(users_by_ids(&self.app.identity, keys)
            .await
            .map_err(gql)?
            .into_iter()
            .map(|user| (user.id, user))
            .collect())
    }
}

/// Key of the subscription loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SubscriptionOf(pub(crate) UserId);

impl Loader<SubscriptionOf> for Batch {
    type Value = Subscription;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[SubscriptionOf]) -> LoadResult<SubscriptionOf, Subscription> {
        let ids: Vec<UserId> = keys.iter().map(|key| key.0).collect();
        let found = subscriptions_of(&self.app.identity, &self.actor, &ids)
            .await
            .map_err(gql)?;
        Ok(found
            .into_iter()
            .map(|subscription| (SubscriptionOf(subscription.user_id), subscription))
            .collect())
    }
}
