//! Accounts: users, subscriptions, sessions, refresh tokens, email tokens and the mail outbox.

use sea_orm_migration::prelude::*;

use crate::columns::{
    big_integer, boolean, cascade, index, name, string, string_null, text, text_null, timestamp, timestamp_null, uuid,
    uuid_pk,
};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000001_identity"
    }
}

const TABLES: [&str; 6] = [
    "mail_outbox",
    "email_tokens",
    "refresh_tokens",
    "sessions",
    "subscriptions",
    "users",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("users"))
                    .col(uuid_pk("id"))
                    .col(string("email"))
                    .col(string("username"))
                    .col(string("username_key"))
                    .col(text("password_hash"))
                    .col(string_null("image"))
                    .col(string("auth_method"))
                    .col(boolean("is_verified"))
                    .col(string_null("country_code"))
                    .col(string("platform_role"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("users", &["email"], true)).await?;
        manager.create_index(index("users", &["username_key"], true)).await?;

        manager
            .create_table(
                Table::create()
                    .table(name("subscriptions"))
                    .col(uuid_pk("user_id"))
                    .col(string("plan"))
                    .col(string("status"))
                    .col(string_null("billing_cycle"))
                    .col(timestamp_null("current_period_end"))
                    .col(big_integer("storage_used"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut cascade("subscriptions", "user_id", "users"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(name("sessions"))
                    .col(uuid_pk("id"))
                    .col(uuid("user_id"))
                    .col(text_null("user_agent"))
                    .col(string_null("ip"))
                    .col(timestamp("created_at"))
                    .col(timestamp("last_active_at"))
                    .col(timestamp("expires_at"))
                    .col(timestamp_null("revoked_at"))
                    .foreign_key(&mut cascade("sessions", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("sessions", &["user_id"], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table(name("refresh_tokens"))
                    .col(uuid_pk("id"))
                    .col(uuid("session_id"))
                    .col(string("token_hash"))
                    .col(timestamp("created_at"))
                    .col(timestamp("expires_at"))
                    .col(timestamp_null("used_at"))
                    .foreign_key(&mut cascade("refresh_tokens", "session_id", "sessions"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("refresh_tokens", &["token_hash"], true))
            .await?;
        manager
            .create_index(index("refresh_tokens", &["session_id"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(name("email_tokens"))
                    .col(uuid_pk("id"))
                    .col(uuid("user_id"))
                    .col(string("purpose"))
                    .col(string("token_hash"))
                    .col(timestamp("created_at"))
                    .col(timestamp("expires_at"))
                    .col(timestamp_null("used_at"))
                    .foreign_key(&mut cascade("email_tokens", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("email_tokens", &["token_hash"], true))
            .await?;
        manager.create_index(index("email_tokens", &["user_id"], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table(name("mail_outbox"))
                    .col(uuid_pk("id"))
                    .col(string("recipient"))
                    .col(text("subject"))
                    .col(text("body"))
                    .col(timestamp("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("mail_outbox", &["recipient"], false))
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
