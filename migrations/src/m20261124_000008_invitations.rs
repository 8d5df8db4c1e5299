//! Email invitations: at most one pending per resource and address.

use sea_orm_migration::prelude::*;

use crate::columns::{cascade, index, name, string, text_null, timestamp, uuid, uuid_pk};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000008_invitations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("invitations"))
                    .col(uuid_pk("id"))
                    .col(uuid("resource_id"))
                    .col(string("resource_kind"))
                    .col(uuid("inviter_id"))
                    .col(string("email"))
                    .col(string("role"))
                    .col(string("status"))
                    .col(string("token_hash"))
                    .col(text_null("message"))
                    .col(timestamp("expires_at"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .foreign_key(&mut cascade("invitations", "inviter_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("invitations", &["token_hash"], true))
            .await?;
        manager
            .create_index(index("invitations", &["email", "status"], false))
            .await?;
        manager
            .create_index(index("invitations", &["resource_id"], false))
            .await?;
        // One pending invitation per (resource, address): a partial unique index, written the
        // same way for SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_invitations_pending ON invitations (resource_id, email) WHERE status = 'PENDING'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("invitations")).if_exists().to_owned())
            .await
    }
}
