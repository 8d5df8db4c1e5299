//! Pages of children for many parents in one statement, with a window function
//! (`ROW_NUMBER() OVER (PARTITION BY parent …)`), which SQLite (3.25+) and PostgreSQL share.
//! This is what keeps nested lists at one query per level.

use std::collections::HashMap;
use std::hash::Hash;

use backline_application::ports::RepoError;
use backline_domain::page::{Direction, Page, PageRequest};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, Statement, Value};
use uuid::Uuid;

use crate::error::repo_error;

/// Builds placeholders in the backend's syntax (`$1` or `?`).
struct Params {
    backend: DbBackend,
    values: Vec<Value>,
}

impl Params {
    fn push(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }
}

/// Fetches a page of rows of `E` for each value of `parent_column` in `parents`, newest first,
/// and groups them by parent. `extra` adds a fixed condition (without placeholders).
#[expect(clippy::too_many_arguments, reason = "each argument names one part of the query")]
pub(crate) async fn children_pages<E, K>(
    db: &impl ConnectionTrait,
    table: &str,
    parent_column: &str,
    order_column: &str,
    extra: Option<&str>,
    parents: &[Uuid],
    request: PageRequest,
    parent_of: impl Fn(&E::Model) -> K,
) -> Result<HashMap<K, Page<E::Model>>, RepoError>
where
    E: EntityTrait,
    E::Model: FromQueryResult,
    K: Eq + Hash + From<Uuid> + Copy,
{
    if parents.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let mut params = Params {
        backend,
        values: Vec::new(),
    };
    let list: Vec<String> = parents.iter().map(|id| params.push(*id)).collect();
    let mut conditions = vec![format!("{parent_column} IN ({})", list.join(", "))];
    // Cursors are row ids; when ordering by another column, compare with the cursor row's value.
    let cursor = |params: &mut Params, id: Uuid| {
        let placeholder = params.push(id);
        if order_column == "id" {
            placeholder
        } else {
            format!("(SELECT {order_column} FROM {table} WHERE id = {placeholder})")
        }
    };
    if let Some(after) = request.after {
        conditions.push(format!("{order_column} < {}", cursor(&mut params, after)));
    }
    if let Some(before) = request.before {
        conditions.push(format!("{order_column} > {}", cursor(&mut params, before)));
    }
    if let Some(extra) = extra {
        conditions.push(extra.to_owned());
    }
    let order = match request.direction {
        Direction::Forward => "DESC",
        Direction::Backward => "ASC",
    };
    let limit = request.limit.saturating_add(1);
    let sql = format!(
        "SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY {parent_column} ORDER BY {order_column} {order}) AS page_row \
         FROM {table} t WHERE {conditions}) w WHERE w.page_row <= {limit} ORDER BY w.{order_column} {order}",
        conditions = conditions.join(" AND "),
    );
    let rows = E::find()
        .from_raw_sql(Statement::from_sql_and_values(backend, sql, params.values))
        .all(db)
        .await
        .map_err(repo_error)?;
    let mut grouped: HashMap<K, Vec<E::Model>> = HashMap::new();
    for row in rows {
        grouped.entry(parent_of(&row)).or_default().push(row);
    }
    Ok(parents
        .iter()
        .map(|parent| {
            let key = K::from(*parent);
            let rows = grouped.remove(&key).unwrap_or_default();
            (key, Page::from_overfetch(rows, &request))
        })
        .collect())
}

/// Counts rows of `table` per value of `parent_column`.
pub(crate) async fn children_counts<K>(
    db: &impl ConnectionTrait,
    table: &str,
    parent_column: &str,
    parents: &[Uuid],
) -> Result<HashMap<K, u64>, RepoError>
where
    K: Eq + Hash + From<Uuid>,
{
    if parents.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let mut params = Params {
        backend,
        values: Vec::new(),
    };
    let list: Vec<String> = parents.iter().map(|id| params.push(*id)).collect();
    let sql = format!(
        "SELECT {parent_column} AS parent, COUNT(*) AS total FROM {table} WHERE {parent_column} IN ({}) GROUP BY {parent_column}",
        list.join(", ")
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, params.values))
        .await
        .map_err(repo_error)?;
    let mut counts: HashMap<K, u64> = parents.iter().map(|id| (K::from(*id), 0)).collect();
    for row in rows {
        let parent: Uuid = row.try_get("", "parent").map_err(repo_error)?;
        let total: i64 = row.try_get("", "total").map_err(repo_error)?;
        counts.insert(K::from(parent), u64::try_from(total).unwrap_or(0));
    }
    Ok(counts)
}
