//! Backline's schema migrations. The same migrations run on SQLite and PostgreSQL: they use
//! sea-query's builders only, never backend-specific SQL.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261123_000001_identity;
mod m20261123_000002_workspace;
mod m20261123_000003_media;
mod m20261123_000004_comments;
mod m20261123_000005_notifications;
mod m20261124_000006_outbox;
mod m20261124_000007_invite_links;
mod m20261124_000008_invitations;
mod m20261124_000009_collaborator_history;
mod m20261124_000010_artist_aliases;
mod m20261124_000011_review_links;
mod m20261124_000012_profiles_and_labels;
mod m20261124_000013_space_slugs;
mod m20261124_000014_documents;
mod m20261201_000015_throttles;
mod m20261201_000016_event_scopes;
mod m20261201_000017_persisted_queries;
mod m20261202_000018_stored_membership;

/// Runs Backline's migrations in order.
pub struct Migrator;

/// A fingerprint of every migration's source (made by `build.rs`): it changes with any new or
/// edited migration.
pub const FINGERPRINT: &str = env!("BACKLINE_MIGRATIONS_FINGERPRINT");

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_identity::Migration),
            Box::new(m20261123_000002_workspace::Migration),
            Box::new(m20261123_000003_media::Migration),
            Box::new(m20261123_000004_comments::Migration),
            Box::new(m20261123_000005_notifications::Migration),
            Box::new(m20261124_000006_outbox::Migration),
            Box::new(m20261124_000007_invite_links::Migration),
            Box::new(m20261124_000008_invitations::Migration),
            Box::new(m20261124_000009_collaborator_history::Migration),
            Box::new(m20261124_000010_artist_aliases::Migration),
            Box::new(m20261124_000011_review_links::Migration),
            Box::new(m20261124_000012_profiles_and_labels::Migration),
            Box::new(m20261124_000013_space_slugs::Migration),
            Box::new(m20261124_000014_documents::Migration),
            Box::new(m20261201_000015_throttles::Migration),
            Box::new(m20261201_000016_event_scopes::Migration),
            Box::new(m20261201_000017_persisted_queries::Migration),
            Box::new(m20261202_000018_stored_membership::Migration),
        ]
    }
}
