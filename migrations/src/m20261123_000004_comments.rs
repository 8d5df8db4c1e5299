//! Time-synced comments with replies, likes and mentions.

use sea_orm_migration::prelude::*;

use crate::columns::{
    boolean, cascade, double_null, index, name, text, timestamp, timestamp_null, uuid, uuid_null, uuid_pk,
};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000004_comments"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("comments"))
                    .col(uuid_pk("id"))
                    .col(text("content"))
                    .col(uuid_null("owner_id"))
                    .col(uuid("file_id"))
                    .col(uuid("track_id"))
                    .col(uuid("project_id"))
                    .col(uuid("artist_space_id"))
                    .col(uuid_null("parent_id"))
                    .col(double_null("time_start"))
                    .col(double_null("time_end"))
                    .col(boolean("is_resolved"))
                    .col(uuid_null("resolved_by"))
                    .col(timestamp_null("resolved_at"))
                    .col(boolean("is_pinned"))
                    .col(boolean("is_deleted"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .col(timestamp_null("edited_at"))
                    .foreign_key(&mut cascade("comments", "file_id", "files"))
                    .foreign_key(&mut cascade("comments", "parent_id", "comments"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("comments", &["file_id"], false)).await?;
        manager.create_index(index("comments", &["track_id"], false)).await?;
        manager.create_index(index("comments", &["parent_id"], false)).await?;
        for table in ["comment_likes", "comment_mentions"] {
            manager
                .create_table(
                    Table::create()
                        .table(name(table))
                        .col(uuid_pk("id"))
                        .col(uuid("comment_id"))
                        .col(uuid("user_id"))
                        .col(timestamp("created_at"))
                        .foreign_key(&mut cascade(table, "comment_id", "comments"))
                        .foreign_key(&mut cascade(table, "user_id", "users"))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(index(table, &["comment_id", "user_id"], true))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["comment_mentions", "comment_likes", "comments"] {
            manager
                .drop_table(Table::drop().table(name(table)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
