//! Notifications: the inbox, settings, and the live feed.

mod live;
mod mutation;
mod query;
mod types;

pub(crate) use live::NotificationSubscription;
pub(crate) use mutation::NotificationMutation;
pub(crate) use query::NotificationQuery;
