//! Feedback: time-synced comments, replies, likes, and the live comment and track feeds.

mod ahead;
mod live;
pub(crate) mod loaders;
mod mutation;
mod query;
pub(crate) mod types;

pub(crate) use live::FeedbackSubscription;
pub(crate) use mutation::FeedbackMutation;
pub(crate) use query::FeedbackQuery;
