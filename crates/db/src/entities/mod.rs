//! sea-orm entities, one per table. They mirror the migrations and stay inside this crate.
#![expect(
    unreachable_pub,
    reason = "sea-orm derives need pub models; the module itself is crate-private"
)]

pub(crate) mod artist_aliases;
pub(crate) mod artist_profiles;
pub(crate) mod artist_spaces;
pub(crate) mod collaborators;
pub(crate) mod comment_likes;
pub(crate) mod comment_mentions;
pub(crate) mod comments;
pub(crate) mod documents;
pub(crate) mod email_tokens;
pub(crate) mod event_outbox;
pub(crate) mod files;
pub(crate) mod images;
pub(crate) mod invitations;
pub(crate) mod invite_link_uses;
pub(crate) mod invite_links;
pub(crate) mod jobs;
pub(crate) mod mail_outbox;
pub(crate) mod notification_digests;
pub(crate) mod notification_settings;
pub(crate) mod notifications;
pub(crate) mod organization_members;
pub(crate) mod organizations;
pub(crate) mod persisted_queries;
pub(crate) mod projects;
pub(crate) mod rate_windows;
pub(crate) mod refresh_tokens;
pub(crate) mod review_links;
pub(crate) mod rosters;
pub(crate) mod sessions;
pub(crate) mod space_slugs;
pub(crate) mod subscriptions;
pub(crate) mod throttle_failures;
pub(crate) mod tracks;
pub(crate) mod users;
