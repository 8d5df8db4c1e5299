//! The `files` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub file_type: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub version: i32,
    pub is_final_version: bool,
    pub owner_id: Uuid,
    pub artist_space_id: Uuid,
    pub project_id: Uuid,
    pub track_id: Uuid,
    pub blob_key: String,
    pub analysis_status: String,
    pub analysis_error: Option<String>,
    pub analyzed_at: Option<DateTimeUtc>,
    pub metadata: Option<String>,
    pub loudness: Option<String>,
    pub waveform_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
