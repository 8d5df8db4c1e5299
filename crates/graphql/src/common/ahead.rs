//! Loading ahead. A field that returns a list (or an object) looks at what the query selects
//! below it and loads each selected level right after the one above, in the same task,
//! instead of letting every level wait for the dataloader's batch window; where two levels
//! hold the same kind of thing (a comment's likes and its replies' likes, the authors of
//! both), one load serves both. Each load is a batched use case call, the one the level's
//! resolvers would make, so authorization is unchanged (within a query the caller's roles are
//! remembered, so a space's role settles every level below it); the resolvers then answer
//! from what was primed (`Loaders::load_one`). Each context says what it loads ahead in its
//! own `ahead` module.
//!
//! Only queries load ahead: a mutation's fields run one after another, and each must see the
//! changes of the ones before.

use std::collections::HashMap;

use async_graphql::{Context, SelectionField, Value};
use backline_application::identity::users_by_ids;
use backline_application::{Actor, App};
use backline_domain::ids::UserId;
use backline_domain::page::{Page, PageRequest};

use crate::common::context::{RequestContext, parts};
use crate::common::error::gql;
use crate::common::pagination::page_request;

/// One level of the response: the selections made on its objects, and who asks.
pub(crate) struct Level<'a> {
    pub(crate) app: &'a App,
    pub(crate) request: &'a RequestContext,
    objects: Vec<SelectionField<'a>>,
}

impl<'a> Level<'a> {
    /// The level of the objects `ctx`'s field returns (`connection`: through its `nodes` and
    /// `edges { node }`), or `None` when this operation does not load ahead.
    pub(crate) fn of(ctx: &'a Context<'a>, connection: bool) -> Option<Self> {
        let (app, request) = parts(ctx).ok()?;
        if !request.actor.is_one_query() {
            return None;
        }
        let field = ctx.field();
        let objects = if connection { nodes_of(field) } else { vec![field] };
        Some(Self { app, request, objects })
    }

    /// The fields named `name` selected on this level's objects.
    pub(crate) fn children(&self, name: &str) -> Vec<SelectionField<'a>> {
        self.objects
            .iter()
            .flat_map(|object| object.selection_set().filter(move |field| field.name() == name))
            .collect()
    }

    /// Whether any of `names` is selected on this level's objects.
    pub(crate) fn has(&self, names: &[&str]) -> bool {
        self.objects
            .iter()
            .any(|object| object.selection_set().any(|field| names.contains(&field.name())))
    }

    /// The level below, through the connection `field`.
    pub(crate) fn below(&self, field: SelectionField<'a>) -> Self {
        Self {
            app: self.app,
            request: self.request,
            objects: nodes_of(field),
        }
    }

    pub(crate) fn actor(&self) -> &Actor {
        &self.request.actor
    }
}

/// The node selections of a connection field: its `nodes` and its `edges { node }`.
fn nodes_of(connection: SelectionField<'_>) -> Vec<SelectionField<'_>> {
    let mut nodes = Vec::new();
    for part in connection.selection_set() {
        match part.name() {
            "nodes" => nodes.push(part),
            "edges" => nodes.extend(part.selection_set().filter(|field| field.name() == "node")),
            _ => {}
        }
    }
    nodes
}

/// The page a connection field asks for; `None` when its arguments are not a valid page
/// (its resolver then reports the error, as without loading ahead).
pub(crate) fn page_of(field: &SelectionField<'_>) -> Option<PageRequest> {
    let (mut first, mut after, mut last, mut before) = (None, None, None, None);
    for (name, value) in field.arguments().ok()? {
        match (name.as_str(), value) {
            (_, Value::Null) => {}
            ("first", Value::Number(n)) => first = Some(i32::try_from(n.as_i64()?).ok()?),
            ("last", Value::Number(n)) => last = Some(i32::try_from(n.as_i64()?).ok()?),
            ("after", Value::String(cursor)) => after = Some(cursor),
            ("before", Value::String(cursor)) => before = Some(cursor),
            _ => return None,
        }
    }
    page_request(first, after, last, before).ok()
}

/// Every item of `pages`: the objects of the level below.
pub(crate) fn items<K, T: Clone>(pages: &HashMap<K, Page<T>>) -> Vec<T> {
    pages.values().flat_map(|page| page.items.iter().cloned()).collect()
}

/// Loads the people `ids` name (each once) and primes the user loader with them.
pub(crate) async fn people(level: &Level<'_>, mut ids: Vec<UserId>) -> async_graphql::Result<()> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let found = users_by_ids(&level.app.identity, &ids).await.map_err(gql)?;
    level
        .request
        .loaders
        .prime(found.into_iter().map(|user| (user.id, user)));
    Ok(())
}
