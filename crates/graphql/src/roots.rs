//! The schema's three roots, each merged from the contexts' parts in one order.

use async_graphql::{MergedObject, MergedSubscription};

use crate::{creators, feedback, identity, media, node_query, notifications, sharing, workspace};

/// Everything that can be read.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    identity::IdentityQuery,
    node_query::NodeQuery,
    workspace::WorkspaceQuery,
    media::MediaQuery,
    feedback::FeedbackQuery,
    notifications::NotificationQuery,
    sharing::SharingQuery,
    creators::CreatorQuery,
);

/// Everything that can be changed.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    identity::IdentityMutation,
    workspace::WorkspaceMutation,
    workspace::CollaboratorMutation,
    media::MediaMutation,
    feedback::FeedbackMutation,
    notifications::NotificationMutation,
    sharing::SharingMutation,
    sharing::ReviewMutation,
    creators::CreatorMutation,
    creators::AliasMutation,
);

/// Everything that can be watched live, over `/graphql/ws` (graphql-transport-ws or the legacy
/// graphql-ws protocol; authenticate with `{"Authorization": "Bearer …"}` in `connection_init`).
/// Every event has a `cursor`; after a lost connection, subscribe again with `after:` the last
/// cursor received to get, in order, everything that followed it (kept 24 hours), then the
/// live events, without a gap or a duplicate, on whichever server you reach.
#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(feedback::FeedbackSubscription, notifications::NotificationSubscription);
