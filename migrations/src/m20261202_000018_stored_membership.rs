//! Membership is stored on the collaborator row (seed 002 ArtistMember): `status` (ACTIVE or
//! REMOVED), `joined_at`, `removed_at`, `removed_by`. Removal keeps the row as REMOVED instead
//! of moving it to `collaborator_history`, whose rows move back here; the history table goes.
//! A user has at most one ACTIVE row per resource (a partial unique index) and one REMOVED row
//! per past membership.

use sea_orm_migration::prelude::*;

use crate::columns::{index, name, timestamp_null, uuid_null};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000018_stored_membership"
    }
}

/// The former collaborators kept in the history, back as REMOVED rows.
const FORMER_BACK: &str = "INSERT INTO collaborators \
     (id, resource_id, resource_kind, user_id, role, added_at, status, joined_at, removed_at, removed_by) \
     SELECT h.id, h.resource_id, h.resource_kind, h.user_id, h.role, h.joined_at, 'REMOVED', h.joined_at, \
     h.removed_at, h.removed_by FROM collaborator_history h";

/// One ACTIVE row per resource and user; REMOVED rows keep every past membership.
const ONE_ACTIVE: &str = "CREATE UNIQUE INDEX uq_collaborators_resource_id_user_id_active \
     ON collaborators (resource_id, user_id) WHERE status = 'ACTIVE'";

/// The unique index this migration replaced.
const OLD_UNIQUE: &str = "uq_collaborators_resource_id_user_id";

/// The REMOVED rows, back into the history (undoing this migration).
const FORMER_OUT: &str = "INSERT INTO collaborator_history \
     (id, resource_id, resource_kind, user_id, role, status, joined_at, removed_at, removed_by) \
     SELECT id, resource_id, resource_kind, user_id, role, 'REMOVED', joined_at, removed_at, removed_by \
     FROM collaborators WHERE status = 'REMOVED'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        let columns = [
            ColumnDef::new(name("status"))
                .string()
                .not_null()
                .default("ACTIVE")
                .to_owned(),
            timestamp_null("joined_at"),
            timestamp_null("removed_at"),
            uuid_null("removed_by"),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(name("collaborators"))
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE collaborators SET joined_at = added_at WHERE joined_at IS NULL")
            .await?;
        manager
            .drop_index(Index::drop().name(OLD_UNIQUE).table(name("collaborators")).to_owned())
            .await?;
        db.execute_unprepared(ONE_ACTIVE).await?;
        manager
            .create_index(index("collaborators", &["resource_id", "status"], false))
            .await?;
        db.execute_unprepared(FORMER_BACK).await?;
        manager
            .drop_table(Table::drop().table(name("collaborator_history")).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::m20261124_000009_collaborator_history::Migration
            .up(manager)
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(FORMER_OUT).await?;
        db.execute_unprepared("DELETE FROM collaborators WHERE status = 'REMOVED'")
            .await?;
        for old in [
            "ix_collaborators_resource_id_status",
            "uq_collaborators_resource_id_user_id_active",
        ] {
            manager
                .drop_index(Index::drop().name(old).table(name("collaborators")).to_owned())
                .await?;
        }
        manager
            .create_index(index("collaborators", &["resource_id", "user_id"], true))
            .await?;
        for column in ["removed_by", "removed_at", "joined_at", "status"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(name("collaborators"))
                        .drop_column(name(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
