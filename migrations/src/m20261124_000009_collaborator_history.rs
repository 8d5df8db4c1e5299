//! Former collaborators: a removed (or departed) collaborator's row moves here with status
//! REMOVED, so the history of who worked on what survives.

use sea_orm_migration::prelude::*;

use crate::columns::{cascade, index, name, string, timestamp, uuid, uuid_null, uuid_pk};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000009_collaborator_history"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("collaborator_history"))
                    .col(uuid_pk("id"))
                    .col(uuid("resource_id"))
                    .col(string("resource_kind"))
                    .col(uuid("user_id"))
                    .col(string("role"))
                    .col(string("status"))
                    .col(timestamp("joined_at"))
                    .col(timestamp("removed_at"))
                    .col(uuid_null("removed_by"))
                    .foreign_key(&mut cascade("collaborator_history", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("collaborator_history", &["resource_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("collaborator_history")).if_exists().to_owned())
            .await
    }
}
