//! Invite links and who joined through them.

use sea_orm_migration::prelude::*;

use crate::columns::{cascade, index, integer, name, string, timestamp, timestamp_null, uuid, uuid_pk};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000007_invite_links"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("invite_links"))
                    .col(uuid_pk("id"))
                    .col(uuid("owner_id"))
                    .col(uuid("resource_id"))
                    .col(string("resource_kind"))
                    .col(string("role"))
                    .col(string("short_code"))
                    .col(timestamp_null("expires_at"))
                    .col(ColumnDef::new(name("max_uses")).integer().null())
                    .col(integer("use_count"))
                    .col(timestamp_null("revoked_at"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut cascade("invite_links", "owner_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("invite_links", &["short_code"], true))
            .await?;
        manager
            .create_index(index("invite_links", &["resource_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("invite_link_uses"))
                    .col(uuid_pk("id"))
                    .col(uuid("link_id"))
                    .col(uuid("user_id"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut cascade("invite_link_uses", "link_id", "invite_links"))
                    .foreign_key(&mut cascade("invite_link_uses", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("invite_link_uses", &["link_id", "user_id"], true))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["invite_link_uses", "invite_links"] {
            manager
                .drop_table(Table::drop().table(name(table)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
