//! The `review_links` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub owner_id: Uuid,
    pub artist_space_id: Uuid,
    pub project_id: Uuid,
    pub track_id: Uuid,
    pub versions: String,
    pub file_ids: String,
    pub password_hash: Option<String>,
    pub expires_at: Option<DateTimeUtc>,
    pub allow_download: bool,
    pub allow_comments: bool,
    pub view_count: i64,
    pub play_count: i64,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
