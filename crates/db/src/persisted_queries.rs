//! GraphQL documents registered by hash, in the shared database with a small cache in front:
//! a hash, once seen, always names the same document, so what the cache holds never goes
//! stale.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use backline_application::ports::{PersistedQueryStore, RepoResult};
use chrono::Utc;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Database;
use crate::entities::persisted_queries;
use crate::error::repo_error;

/// Documents cached in this process.
const CACHED: usize = 1_000;

/// Persisted documents on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlPersistedQueries {
    db: Database,
    cache: Arc<Mutex<HashMap<String, Arc<str>>>>,
}

impl SqlPersistedQueries {
    /// A store over `db`.
    pub fn new(db: Database) -> Self {
        Self {
            db,
            cache: Arc::default(),
        }
    }

    fn remember(&self, hash: &str, document: &str) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHED {
                cache.clear();
            }
            cache.insert(hash.to_owned(), Arc::from(document));
        }
    }
}

#[async_trait::async_trait]
impl PersistedQueryStore for SqlPersistedQueries {
    async fn get(&self, hash: &str) -> RepoResult<Option<String>> {
        if let Some(document) = self.cache.lock().ok().and_then(|cache| cache.get(hash).cloned()) {
            return Ok(Some(document.to_string()));
        }
        let found = persisted_queries::Entity::find_by_id(hash.to_owned())
            .one(self.db.conn())
            .await
            .map_err(repo_error)?;
        if let Some(found) = &found {
            self.remember(hash, &found.document);
        }
        Ok(found.map(|found| found.document))
    }

    async fn put(&self, hash: &str, document: &str) -> RepoResult<()> {
        if self.cache.lock().is_ok_and(|cache| cache.contains_key(hash)) {
            return Ok(());
        }
        persisted_queries::Entity::insert(persisted_queries::ActiveModel {
            hash: Set(hash.to_owned()),
            document: Set(document.to_owned()),
            created_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing()
        .exec(self.db.conn())
        .await
        .map_err(repo_error)?;
        self.remember(hash, document);
        Ok(())
    }

    async fn prune(&self, keep: u64) -> RepoResult<()> {
        let newest_dropped = persisted_queries::Entity::find()
            .select_only()
            .column(persisted_queries::Column::CreatedAt)
            .order_by_desc(persisted_queries::Column::CreatedAt)
            .offset(keep)
            .limit(1)
            .into_tuple::<chrono::DateTime<Utc>>()
            .one(self.db.conn())
            .await
            .map_err(repo_error)?;
        if let Some(cutoff) = newest_dropped {
            persisted_queries::Entity::delete_many()
                .filter(persisted_queries::Column::CreatedAt.lte(cutoff))
                .exec(self.db.conn())
                .await
                .map_err(repo_error)?;
            if let Ok(mut cache) = self.cache.lock() {
                cache.clear();
            }
        }
        Ok(())
    }
}
