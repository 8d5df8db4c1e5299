//! The workspace hierarchy: artist spaces, projects, tracks and collaborators.

use sea_orm_migration::prelude::*;

use crate::columns::{boolean, cascade, index, name, string, string_null, text, text_null, timestamp, uuid, uuid_pk};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000002_workspace"
    }
}

const TABLES: [&str; 4] = ["collaborators", "tracks", "projects", "artist_spaces"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("artist_spaces"))
                    .col(uuid_pk("id"))
                    .col(string("short_id"))
                    .col(string("slug"))
                    .col(string("slug_type"))
                    .col(string("name"))
                    .col(string_null("image"))
                    .col(text_null("bio"))
                    .col(string_null("country_code"))
                    .col(text("links"))
                    .col(uuid("owner_id"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .foreign_key(&mut cascade("artist_spaces", "owner_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("artist_spaces", &["short_id"], true))
            .await?;
        manager.create_index(index("artist_spaces", &["slug"], true)).await?;

        manager
            .create_table(
                Table::create()
                    .table(name("projects"))
                    .col(uuid_pk("id"))
                    .col(string("short_id"))
                    .col(string("slug"))
                    .col(string("slug_type"))
                    .col(string("name"))
                    .col(string_null("image"))
                    .col(text_null("description"))
                    .col(uuid("artist_space_id"))
                    .col(uuid("owner_id"))
                    .col(string("status"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .foreign_key(&mut cascade("projects", "artist_space_id", "artist_spaces"))
                    .foreign_key(&mut cascade("projects", "owner_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("projects", &["short_id"], true)).await?;
        manager
            .create_index(index("projects", &["artist_space_id", "slug"], true))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(name("tracks"))
                    .col(uuid_pk("id"))
                    .col(string("short_id"))
                    .col(string("slug"))
                    .col(string("slug_type"))
                    .col(string("title"))
                    .col(uuid("project_id"))
                    .col(uuid("artist_space_id"))
                    .col(uuid("owner_id"))
                    .col(string("status"))
                    .col(boolean("is_public"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .foreign_key(&mut cascade("tracks", "project_id", "projects"))
                    .foreign_key(&mut cascade("tracks", "artist_space_id", "artist_spaces"))
                    .foreign_key(&mut cascade("tracks", "owner_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("tracks", &["short_id"], true)).await?;
        manager
            .create_index(index("tracks", &["project_id", "slug"], true))
            .await?;

        // Polymorphic: resource_id names a space, project or track (resource_kind says which),
        // so there is no foreign key; deleting a resource deletes its rows in the same transaction.
        manager
            .create_table(
                Table::create()
                    .table(name("collaborators"))
                    .col(uuid_pk("id"))
                    .col(uuid("resource_id"))
                    .col(string("resource_kind"))
                    .col(uuid("user_id"))
                    .col(string("role"))
                    .col(timestamp("added_at"))
                    .foreign_key(&mut cascade("collaborators", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("collaborators", &["resource_id", "user_id"], true))
            .await?;
        manager
            .create_index(index("collaborators", &["user_id", "resource_kind"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager.drop_table(Table::drop().table(name(table)).to_owned()).await?;
        }
        Ok(())
    }
}
