//! Stored files, their analysis, version numbering and storage accounting.

use std::collections::{HashMap, HashSet};

use anyhow::anyhow;
use backline_application::ports::{
    Event, FileRepository, JobKind, NewVersion, Notices, RepoError, RepoResult, TrackEventKind,
};
use backline_domain::ids::{FileId, TrackId, UserId};
use backline_domain::media::{Analysis, AnalysisStatus, FileType, MediaFile};
use backline_domain::page::{Page, PageRequest};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use uuid::Uuid;

use crate::Database;
use crate::entities::{files, jobs, subscriptions, tracks};
use crate::error::repo_error;
use crate::events::commit;
use crate::paging::{Listing, children_counts, children_pages};

/// The event of a change to a version.
fn event(kind: TrackEventKind, file: &MediaFile) -> [Event; 1] {
    [Event::Track {
        kind,
        track: file.track_id,
        file: Some(Box::new(file.clone())),
    }]
}

/// Files on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlFileRepository {
    db: Database,
}

impl SqlFileRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn unknown(what: &str, value: &str) -> RepoError {
    RepoError::Unknown(anyhow!("stored {what} '{value}' is not known"))
}

fn json<T: serde::de::DeserializeOwned>(value: Option<&str>) -> RepoResult<Option<T>> {
    value
        .map(serde_json::from_str)
        .transpose()
        .map_err(|error| RepoError::Unknown(error.into()))
}

fn to_json<T: serde::Serialize>(value: Option<&T>) -> RepoResult<Option<String>> {
    value
        .map(serde_json::to_string)
        .transpose()
        .map_err(|error| RepoError::Unknown(error.into()))
}

pub(crate) fn file(model: files::Model) -> RepoResult<MediaFile> {
    Ok(MediaFile {
        id: model.id.into(),
        file_type: FileType::parse(&model.file_type).ok_or_else(|| unknown("file type", &model.file_type))?,
        analysis: Analysis {
            status: AnalysisStatus::parse(&model.analysis_status)
                .ok_or_else(|| unknown("analysis status", &model.analysis_status))?,
            error: model.analysis_error,
            analyzed_at: model.analyzed_at,
            metadata: json(model.metadata.as_deref())?,
            loudness: json(model.loudness.as_deref())?,
            waveform_key: model.waveform_key,
        },
        name: model.name,
        content_type: model.content_type,
        size: model.size,
        sha256: model.sha256,
        version: model.version,
        is_final_version: model.is_final_version,
        owner_id: model.owner_id.into(),
        artist_space_id: model.artist_space_id.into(),
        project_id: model.project_id.into(),
        track_id: model.track_id.into(),
        blob_key: model.blob_key,
        created_at: model.created_at,
    })
}

fn files_of(models: Vec<files::Model>) -> RepoResult<Vec<MediaFile>> {
    models.into_iter().map(file).collect()
}

fn by_track(models: Vec<files::Model>) -> RepoResult<HashMap<TrackId, MediaFile>> {
    models
        .into_iter()
        .map(|model| file(model).map(|file| (file.track_id, file)))
        .collect()
}

/// Which of `ids` are primary keys (in `column`) of rows of `E`.
pub(crate) async fn existing_ids<E: EntityTrait>(
    db: &impl sea_orm::ConnectionTrait,
    column: E::Column,
    ids: &[Uuid],
) -> RepoResult<HashSet<Uuid>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let found: Vec<Uuid> = E::find()
        .select_only()
        .column(column)
        .filter(column.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
        .map_err(repo_error)?;
    Ok(found.into_iter().collect())
}

/// Adds `delta` bytes to a user's storage use, only while it stays within `limit`. Returns
/// whether it did.
pub(crate) async fn add_storage(
    txn: &DatabaseTransaction,
    user: UserId,
    delta: i64,
    limit: Option<i64>,
) -> RepoResult<bool> {
    let mut update = subscriptions::Entity::update_many()
        .col_expr(
            subscriptions::Column::StorageUsed,
            Expr::col(subscriptions::Column::StorageUsed).add(delta),
        )
        .filter(subscriptions::Column::UserId.eq(user.0));
    if let Some(limit) = limit {
        update = update.filter(Expr::col(subscriptions::Column::StorageUsed).add(delta).lte(limit));
    }
    Ok(update.exec(txn).await.map_err(repo_error)?.rows_affected == 1)
}

/// Deletes the files matching `condition` inside `txn`, returns their bytes to their owners'
/// storage (owners in id order, so concurrent deletes lock them in one order), and returns the
/// blob keys they held.
pub(crate) async fn release_files(txn: &DatabaseTransaction, condition: sea_orm::Condition) -> RepoResult<Vec<String>> {
    let doomed = files::Entity::find()
        .filter(condition.clone())
        .all(txn)
        .await
        .map_err(repo_error)?;
    if doomed.is_empty() {
        return Ok(Vec::new());
    }
    let mut per_owner: std::collections::BTreeMap<Uuid, i64> = std::collections::BTreeMap::new();
    let mut keys = Vec::new();
    for model in &doomed {
        *per_owner.entry(model.owner_id).or_default() += model.size;
        keys.push(model.blob_key.clone());
        keys.extend(model.waveform_key.clone());
    }
    files::Entity::delete_many()
        .filter(condition)
        .exec(txn)
        .await
        .map_err(repo_error)?;
    for (owner, bytes) in per_owner {
        add_storage(txn, UserId(owner), -bytes, None).await?;
    }
    Ok(keys)
}

fn row(file: &MediaFile, version: i32) -> RepoResult<files::ActiveModel> {
    Ok(files::ActiveModel {
        id: Set(file.id.0),
        name: Set(file.name.clone()),
        file_type: Set(file.file_type.as_str().to_owned()),
        content_type: Set(file.content_type.clone()),
        size: Set(file.size),
        sha256: Set(file.sha256.clone()),
        version: Set(version),
        is_final_version: Set(false),
        owner_id: Set(file.owner_id.0),
        artist_space_id: Set(file.artist_space_id.0),
        project_id: Set(file.project_id.0),
        track_id: Set(file.track_id.0),
        blob_key: Set(file.blob_key.clone()),
        analysis_status: Set(file.analysis.status.as_str().to_owned()),
        analysis_error: Set(file.analysis.error.clone()),
        analyzed_at: Set(file.analysis.analyzed_at),
        metadata: Set(to_json(file.analysis.metadata.as_ref())?),
        loudness: Set(to_json(file.analysis.loudness.as_ref())?),
        waveform_key: Set(file.analysis.waveform_key.clone()),
        created_at: Set(file.created_at),
    })
}

#[async_trait::async_trait]
impl FileRepository for SqlFileRepository {
    async fn insert_version(
        &self,
        new: &MediaFile,
        storage_limit: Option<i64>,
        notices: Notices<'_, MediaFile>,
    ) -> RepoResult<NewVersion> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // Taking the number first locks the track row (PostgreSQL) or the database (SQLite), so
        // concurrent uploads to one track queue here and get consecutive numbers.
        let bumped = tracks::Entity::update_many()
            .col_expr(
                tracks::Column::FileVersions,
                Expr::col(tracks::Column::FileVersions).add(1),
            )
            .filter(tracks::Column::Id.eq(new.track_id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if bumped.rows_affected == 0 {
            return Ok(NewVersion::TrackGone);
        }
        let version: i32 = tracks::Entity::find_by_id(new.track_id.0)
            .select_only()
            .column(tracks::Column::FileVersions)
            .into_tuple()
            .one(&txn)
            .await
            .map_err(repo_error)?
            .ok_or(RepoError::NotFound)?;
        if !add_storage(&txn, new.owner_id, new.size, storage_limit).await? {
            let used: i64 = subscriptions::Entity::find_by_id(new.owner_id.0)
                .select_only()
                .column(subscriptions::Column::StorageUsed)
                .into_tuple()
                .one(&txn)
                .await
                .map_err(repo_error)?
                .unwrap_or(0);
            return Ok(NewVersion::QuotaExceeded { used });
        }
        let inserted = row(new, version)?.insert(&txn).await.map_err(repo_error)?;
        if new.file_type == FileType::Audio {
            jobs::ActiveModel {
                id: Set(Uuid::now_v7()),
                kind: Set(JobKind::AnalyzeFile.as_str().to_owned()),
                subject: Set(new.id.0),
                status: Set(crate::media::jobs::PENDING.to_owned()),
                attempts: Set(0),
                run_at: Set(new.created_at),
                locked_until: Set(None),
                last_error: Set(None),
                created_at: Set(new.created_at),
                updated_at: Set(new.created_at),
            }
            .insert(&txn)
            .await
            .map_err(repo_error)?;
        }
        let created = file(inserted)?;
        let (_, notified) = crate::notifications::inbox::insert_within(&txn, &notices(&created)).await?;
        let mut events = Vec::from(event(TrackEventKind::FileUploaded, &created));
        events.extend(notified);
        commit(&self.db, txn, &events).await?;
        Ok(NewVersion::Created(Box::new(created)))
    }

    async fn files(&self, ids: &[FileId]) -> RepoResult<Vec<MediaFile>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let models = files::Entity::find()
            .filter(files::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        files_of(models)
    }

    async fn page_for_tracks(
        &self,
        tracks: &[TrackId],
        page: PageRequest,
    ) -> RepoResult<HashMap<TrackId, Page<MediaFile>>> {
        let ids: Vec<Uuid> = tracks.iter().map(|id| id.0).collect();
        let pages = children_pages::<files::Entity, TrackId>(
            self.db.conn(),
            &Listing {
                table: "files",
                parent_column: "track_id",
                order: &["version"],
                ascending: false,
                extra: None,
            },
            &ids,
            page,
            |model| TrackId(model.track_id),
        )
        .await?;
        pages
            .into_iter()
            .map(|(track, page)| page.try_map(file).map(|page| (track, page)))
            .collect()
    }

    async fn count_for_tracks(&self, tracks: &[TrackId]) -> RepoResult<HashMap<TrackId, u64>> {
        let ids: Vec<Uuid> = tracks.iter().map(|id| id.0).collect();
        children_counts(self.db.conn(), "files", "track_id", None, &ids).await
    }

    async fn latest_for_tracks(&self, tracks: &[TrackId]) -> RepoResult<HashMap<TrackId, MediaFile>> {
        if tracks.is_empty() {
            return Ok(HashMap::new());
        }
        let backend = self.db.conn().get_database_backend();
        let placeholders: Vec<String> = (1..=tracks.len())
            .map(|n| match backend {
                DbBackend::Postgres => format!("${n}"),
                _ => "?".to_owned(),
            })
            .collect();
        let sql = format!(
            "SELECT f.* FROM files f WHERE f.track_id IN ({}) \
             AND f.version = (SELECT MAX(g.version) FROM files g WHERE g.track_id = f.track_id)",
            placeholders.join(", ")
        );
        let values: Vec<sea_orm::Value> = tracks.iter().map(|id| id.0.into()).collect();
        let models = files::Entity::find()
            .from_raw_sql(Statement::from_sql_and_values(backend, sql, values))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        by_track(models)
    }

    async fn final_for_tracks(&self, tracks: &[TrackId]) -> RepoResult<HashMap<TrackId, MediaFile>> {
        if tracks.is_empty() {
            return Ok(HashMap::new());
        }
        let models = files::Entity::find()
            .filter(files::Column::TrackId.is_in(tracks.iter().map(|id| id.0)))
            .filter(files::Column::IsFinalVersion.eq(true))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        by_track(models)
    }

    async fn approve(&self, id: FileId, notices: Notices<'_, MediaFile>) -> RepoResult<MediaFile> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // Writing first takes the write lock at once (SQLite cannot upgrade a read transaction
        // once another writer committed) and locks the row on PostgreSQL: the no-op write tells
        // whether the row exists, the next whether it was final already.
        let locked = files::Entity::update_many()
            .col_expr(files::Column::IsFinalVersion, Expr::col(files::Column::IsFinalVersion))
            .filter(files::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if locked.rows_affected == 0 {
            return Err(RepoError::NotFound);
        }
        let newly_final = files::Entity::update_many()
            .col_expr(files::Column::IsFinalVersion, Expr::value(true))
            .filter(files::Column::Id.eq(id.0))
            .filter(files::Column::IsFinalVersion.eq(false))
            .exec(&txn)
            .await
            .map_err(repo_error)?
            .rows_affected
            > 0;
        let target = files::Entity::find_by_id(id.0)
            .one(&txn)
            .await
            .map_err(repo_error)?
            .ok_or(RepoError::NotFound)?;
        files::Entity::update_many()
            .col_expr(files::Column::IsFinalVersion, Expr::value(false))
            .filter(files::Column::TrackId.eq(target.track_id))
            .filter(files::Column::Id.ne(id.0))
            .filter(files::Column::IsFinalVersion.eq(true))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        let approved = file(target)?;
        let mut events = Vec::from(event(TrackEventKind::VersionApproved, &approved));
        if newly_final {
            let (_, notified) = crate::notifications::inbox::insert_within(&txn, &notices(&approved)).await?;
            events.extend(notified);
        }
        commit(&self.db, txn, &events).await?;
        Ok(approved)
    }

    async fn delete(&self, id: FileId) -> RepoResult<Option<MediaFile>> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // Lock first (see `approve`): a no-op write on the row.
        let locked = files::Entity::update_many()
            .col_expr(files::Column::Size, Expr::col(files::Column::Size))
            .filter(files::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if locked.rows_affected == 0 {
            return Ok(None);
        }
        let Some(model) = files::Entity::find_by_id(id.0).one(&txn).await.map_err(repo_error)? else {
            return Ok(None);
        };
        files::Entity::delete_by_id(id.0).exec(&txn).await.map_err(repo_error)?;
        add_storage(&txn, UserId(model.owner_id), -model.size, None).await?;
        let deleted = file(model)?;
        commit(&self.db, txn, &event(TrackEventKind::FileDeleted, &deleted)).await?;
        Ok(Some(deleted))
    }

    async fn set_analysis(&self, id: FileId, analysis: &Analysis) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        files::Entity::update_many()
            .col_expr(files::Column::AnalysisStatus, Expr::value(analysis.status.as_str()))
            .col_expr(files::Column::AnalysisError, Expr::value(analysis.error.clone()))
            .col_expr(files::Column::AnalyzedAt, Expr::value(analysis.analyzed_at))
            .col_expr(
                files::Column::Metadata,
                Expr::value(to_json(analysis.metadata.as_ref())?),
            )
            .col_expr(
                files::Column::Loudness,
                Expr::value(to_json(analysis.loudness.as_ref())?),
            )
            .col_expr(files::Column::WaveformKey, Expr::value(analysis.waveform_key.clone()))
            .filter(files::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        let mut events = Vec::new();
        if matches!(analysis.status, AnalysisStatus::Ready | AnalysisStatus::Failed)
            && let Some(model) = files::Entity::find_by_id(id.0).one(&txn).await.map_err(repo_error)?
        {
            events.extend(event(TrackEventKind::AnalysisFinished, &file(model)?));
        }
        commit(&self.db, txn, &events).await
    }

    async fn existing(&self, ids: &[Uuid]) -> RepoResult<HashSet<Uuid>> {
        existing_ids::<files::Entity>(self.db.conn(), files::Column::Id, ids).await
    }

    async fn scan(&self, after: Option<FileId>, limit: u64) -> RepoResult<Vec<MediaFile>> {
        let mut query = files::Entity::find().order_by_asc(files::Column::Id).limit(limit);
        if let Some(after) = after {
            query = query.filter(files::Column::Id.gt(after.0));
        }
        files_of(query.all(self.db.conn()).await.map_err(repo_error)?)
    }
}
