//! Public review links, and guest comments made through them.

use sea_orm_migration::prelude::*;

use crate::columns::{
    big_integer, boolean, cascade, index, name, string, string_null, text, text_null, timestamp, timestamp_null, uuid,
    uuid_null, uuid_pk,
};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000011_review_links"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("review_links"))
                    .col(uuid_pk("id"))
                    .col(string("code"))
                    .col(uuid("owner_id"))
                    .col(uuid("artist_space_id"))
                    .col(uuid("project_id"))
                    .col(uuid("track_id"))
                    .col(string("versions"))
                    .col(text("file_ids"))
                    .col(text_null("password_hash"))
                    .col(timestamp_null("expires_at"))
                    .col(boolean("allow_download"))
                    .col(boolean("allow_comments"))
                    .col(big_integer("view_count"))
                    .col(big_integer("play_count"))
                    .col(timestamp_null("revoked_at"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut cascade("review_links", "track_id", "tracks"))
                    .foreign_key(&mut cascade("review_links", "owner_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("review_links", &["code"], true)).await?;
        manager
            .create_index(index("review_links", &["track_id"], false))
            .await?;
        manager
            .create_index(index("review_links", &["artist_space_id"], false))
            .await?;
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(name("comments"))
                    .add_column(string_null("guest_name"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(name("comments"))
                    .add_column(uuid_null("review_link_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("comments", &["review_link_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_comments_review_link_id")
                    .table(name("comments"))
                    .to_owned(),
            )
            .await?;
        for column in ["review_link_id", "guest_name"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(name("comments"))
                        .drop_column(name(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(name("review_links")).if_exists().to_owned())
            .await
    }
}
