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
pub(crate) struct Params {
    pub(crate) backend: DbBackend,
    pub(crate) values: Vec<Value>,
}

impl Params {
    /// Adds a value; its placeholder.
    pub(crate) fn push(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }
}

/// What to list: rows of `table` grouped by `parent_column`, in the order of the `order` keys.
pub(crate) struct Listing<'a> {
    /// The table.
    pub(crate) table: &'a str,
    /// The column naming each row's parent.
    pub(crate) parent_column: &'a str,
    /// Sort-key expressions, most significant first; together they must be unique per parent
    /// (end with `id` when the others may tie).
    pub(crate) order: &'a [&'a str],
    /// Whether the first page holds the smallest keys; otherwise the largest (newest first).
    pub(crate) ascending: bool,
    /// A fixed extra condition (without placeholders).
    pub(crate) extra: Option<&'a str>,
}

/// Fetches a page of rows of `E` for each parent in `parents` and groups them by parent.
/// Cursors are row ids; rows are compared with the cursor row by their sort keys.
pub(crate) async fn children_pages<E, K>(
    db: &impl ConnectionTrait,
    listing: &Listing<'_>,
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
    let Listing {
        table,
        parent_column,
        order,
        ascending,
        extra,
    } = *listing;
    let backend = db.get_database_backend();
    let mut params = Params {
        backend,
        values: Vec::new(),
    };
    let list: Vec<String> = parents.iter().map(|id| params.push(*id)).collect();
    let mut conditions = vec![format!("{parent_column} IN ({})", list.join(", "))];
    let keys = if order.len() == 1 {
        order[0].to_owned()
    } else {
        format!("({})", order.join(", "))
    };
    let cursor = |params: &mut Params, id: Uuid| {
        let placeholder = params.push(id);
        if order == ["id"] {
            placeholder
        } else {
            format!("(SELECT {} FROM {table} WHERE id = {placeholder})", order.join(", "))
        }
    };
    // Forward pages continue away from the first row; backward pages come back towards it.
    let (after, before) = if ascending { (">", "<") } else { ("<", ">") };
    if let Some(cursor_id) = request.after {
        conditions.push(format!("{keys} {after} {}", cursor(&mut params, cursor_id)));
    }
    if let Some(cursor_id) = request.before {
        conditions.push(format!("{keys} {before} {}", cursor(&mut params, cursor_id)));
    }
    if let Some(extra) = extra {
        conditions.push(extra.to_owned());
    }
    let forward = request.direction == Direction::Forward;
    let direction = if forward == ascending { "ASC" } else { "DESC" };
    let sort: Vec<String> = order.iter().map(|key| format!("{key} {direction}")).collect();
    let sort = sort.join(", ");
    let limit = request.limit.saturating_add(1);
    let sql = format!(
        "SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY {parent_column} ORDER BY {sort}) AS page_row \
         FROM {table} t WHERE {conditions}) w WHERE w.page_row <= {limit} ORDER BY {sort}",
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
    extra: Option<&str>,
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
    let extra = extra.map(|condition| format!(" AND {condition}")).unwrap_or_default();
    let sql = format!(
        "SELECT {parent_column} AS parent, COUNT(*) AS total FROM {table} WHERE {parent_column} IN ({}){extra} GROUP BY {parent_column}",
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
