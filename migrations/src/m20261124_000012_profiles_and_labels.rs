//! Artist profiles, and labels: organizations, their members and their rosters of spaces.

use sea_orm_migration::prelude::*;

use crate::columns::{cascade, index, name, string, text, text_null, timestamp, timestamp_null, uuid, uuid_pk};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000012_profiles_and_labels"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("artist_profiles"))
                    .col(uuid_pk("artist_space_id"))
                    .col(text_null("about"))
                    .col(text("socials"))
                    .col(text("press_kits"))
                    .col(text("visuals"))
                    .col(timestamp("updated_at"))
                    .foreign_key(&mut cascade("artist_profiles", "artist_space_id", "artist_spaces"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("organizations"))
                    .col(uuid_pk("id"))
                    .col(string("name"))
                    .col(string("slug"))
                    .col(uuid("created_by"))
                    .col(timestamp("created_at"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("organizations", &["slug"], true)).await?;
        manager
            .create_table(
                Table::create()
                    .table(name("organization_members"))
                    .col(uuid_pk("id"))
                    .col(uuid("organization_id"))
                    .col(uuid("user_id"))
                    .col(string("role"))
                    .col(timestamp("joined_at"))
                    .foreign_key(&mut cascade("organization_members", "organization_id", "organizations"))
                    .foreign_key(&mut cascade("organization_members", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("organization_members", &["organization_id", "user_id"], true))
            .await?;
        manager
            .create_index(index("organization_members", &["user_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("rosters"))
                    .col(uuid_pk("id"))
                    .col(uuid("organization_id"))
                    .col(uuid("artist_space_id"))
                    .col(string("status"))
                    .col(uuid("requested_by"))
                    .col(timestamp("requested_at"))
                    .col(timestamp_null("decided_at"))
                    .foreign_key(&mut cascade("rosters", "organization_id", "organizations"))
                    .foreign_key(&mut cascade("rosters", "artist_space_id", "artist_spaces"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("rosters", &["organization_id", "artist_space_id"], true))
            .await?;
        manager
            .create_index(index("rosters", &["artist_space_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["rosters", "organization_members", "organizations", "artist_profiles"] {
            manager
                .drop_table(Table::drop().table(name(table)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
