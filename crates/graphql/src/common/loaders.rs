//! The request's dataloader: every nested list and reference is batched per request, so a deep
//! query costs a fixed number of statements however much data it returns. Each context adds
//! its loaders (`impl Loader<Key> for Batch`) in its own `loaders` module; the counts behind
//! connections' `totalCount` live here, with `TotalCount`.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use async_graphql::dataloader::{DataLoader, Loader};
use backline_application::feedback::count_comments_of;
use backline_application::media::count_files_in;
use backline_application::ports::CommentParent;
use backline_application::workspace::{count_collaborators_of, count_projects_in, count_tracks_in};
use backline_application::{Actor, App};
use backline_domain::ids::{ArtistSpaceId, TrackId};
use backline_domain::page::PageRequest;
use backline_domain::workspace::ResourcePath;

use crate::common::error::gql;

/// What a loader returns: the values found, by key.
pub(crate) type LoadResult<K, V> = Result<HashMap<K, V>, async_graphql::Error>;

/// Groups keys `(parent, page)` by page request, so each distinct request is one batch.
pub(crate) fn by_request<P: Copy>(keys: &[(P, PageRequest)]) -> HashMap<PageRequest, Vec<P>> {
    let mut groups: HashMap<PageRequest, Vec<P>> = HashMap::new();
    for (parent, request) in keys {
        groups.entry(*request).or_default().push(*parent);
    }
    groups
}

/// Loads for one request on behalf of one actor.
pub(crate) struct Batch {
    /// The application.
    pub(crate) app: App,
    /// Who the request acts for.
    pub(crate) actor: Arc<Actor>,
}

/// A loader of records by id, through a use case that authorizes the batch for the actor.
macro_rules! by_id {
    ($key:ty, $value:ty, $service:ident, $fetch:path) => {
        impl Loader<$key> for Batch {
            type Value = $value;
            type Error = async_graphql::Error;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, $value> {
                Ok($fetch(&self.app.$service, &self.actor, keys)
                    .await
                    .map_err(gql)?
                    .into_iter()
                    .map(|value| (value.id, value))
                    .collect())
            }
        }
    };
}

pub(crate) use by_id;

/// Key of the project-count loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ProjectCount(pub(crate) ArtistSpaceId);

impl Loader<ProjectCount> for Batch {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ProjectCount]) -> LoadResult<ProjectCount, u64> {
        let spaces: Vec<_> = keys.iter().map(|key| key.0).collect();
        let counts = count_projects_in(&self.app.workspace, &self.actor, &spaces)
            .await
            .map_err(gql)?;
        Ok(counts
            .into_iter()
            .map(|(space, count)| (ProjectCount(space), count))
            .collect())
    }
}

/// Key of the track-count loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TrackCount(pub(crate) ResourcePath);

impl Loader<TrackCount> for Batch {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[TrackCount]) -> LoadResult<TrackCount, u64> {
        let paths: Vec<_> = keys.iter().map(|key| key.0).collect();
        let counts = count_tracks_in(&self.app.workspace, &self.actor, &paths)
            .await
            .map_err(gql)?;
        Ok(keys
            .iter()
            .filter_map(|key| match key.0 {
                ResourcePath::Project(_, project) => counts.get(&project).map(|count| (*key, *count)),
                _ => None,
            })
            .collect())
    }
}

/// Key of the collaborator-count loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CollaboratorCount(pub(crate) ResourcePath);

impl Loader<CollaboratorCount> for Batch {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CollaboratorCount]) -> LoadResult<CollaboratorCount, u64> {
        let paths: Vec<_> = keys.iter().map(|key| key.0).collect();
        let counts = count_collaborators_of(&self.app.workspace, &self.actor, &paths)
            .await
            .map_err(gql)?;
        Ok(keys
            .iter()
            .filter_map(|key| counts.get(&key.0.id()).map(|count| (*key, *count)))
            .collect())
    }
}

/// Key of the file-count loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FileCount(pub(crate) ResourcePath);

impl Loader<FileCount> for Batch {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[FileCount]) -> LoadResult<FileCount, u64> {
        let paths: Vec<_> = keys.iter().map(|key| key.0).collect();
        let counts = count_files_in(&self.app.media, &self.actor, &paths)
            .await
            .map_err(gql)?;
        Ok(keys
            .iter()
            .filter_map(|key| {
                track_of(key.0)
                    .and_then(|track| counts.get(&track))
                    .map(|count| (*key, *count))
            })
            .collect())
    }
}

/// Key of the comment-count loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CommentCount(
    pub(crate) CommentParent,
    pub(crate) uuid::Uuid,
    pub(crate) ResourcePath,
    pub(crate) bool,
);

impl Loader<CommentCount> for Batch {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CommentCount]) -> LoadResult<CommentCount, u64> {
        let mut groups: HashMap<(CommentParent, bool), Vec<(uuid::Uuid, ResourcePath)>> = HashMap::new();
        for key in keys {
            groups.entry((key.0, key.3)).or_default().push((key.1, key.2));
        }
        let mut out = HashMap::new();
        for ((parent, resolved), targets) in groups {
            let counts = count_comments_of(&self.app.feedback, &self.actor, parent, &targets, resolved)
                .await
                .map_err(gql)?;
            for (id, path) in targets {
                if let Some(count) = counts.get(&id) {
                    out.insert(CommentCount(parent, id, path, resolved), *count);
                }
            }
        }
        Ok(out)
    }
}

pub(crate) fn track_of(path: ResourcePath) -> Option<TrackId> {
    match path {
        ResourcePath::Track(_, _, track) => Some(track),
        _ => None,
    }
}

/// The request's dataloader (one loader, many key types), and the values a resolver loaded
/// ahead for the levels below it (see [`Primed`]).
pub(crate) struct Loaders(pub(crate) DataLoader<Batch>, Primed);

impl Loaders {
    pub(crate) fn new(app: &App, actor: &Arc<Actor>) -> Self {
        Self(
            DataLoader::new(
                Batch {
                    app: app.clone(),
                    actor: Arc::clone(actor),
                },
                tokio::spawn,
            ),
            Primed::default(),
        )
    }

    /// The value for `key`: the one loaded ahead if there is one, else through the batch.
    pub(crate) async fn load_one<K>(&self, key: K) -> async_graphql::Result<Option<<Batch as Loader<K>>::Value>>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        Batch: Loader<K, Error = async_graphql::Error>,
        <Batch as Loader<K>>::Value: Clone,
    {
        match self.1.get::<K, <Batch as Loader<K>>::Value>(&key) {
            Some(value) => Ok(Some(value)),
            None => self.0.load_one(key).await,
        }
    }

    /// Remembers values loaded ahead, for [`Loaders::load_one`] to answer from (typed by the
    /// key's loader, so what is primed is what the loader would have returned).
    pub(crate) fn prime<K>(&self, values: impl IntoIterator<Item = (K, <Batch as Loader<K>>::Value)>)
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        Batch: Loader<K>,
    {
        self.1.put(values);
    }
}

/// Values loaded ahead by a resolver that looked at the fields selected below it (a
/// connection that knows its nodes' children will be asked for loads them, level after level,
/// in one task), by key type. Only a query's resolvers prime: a mutation's fields run one
/// after another and must each see the changes of the ones before.
#[derive(Default)]
pub(crate) struct Primed(Mutex<HashMap<TypeId, Box<dyn Any + Send>>>);

impl Primed {
    fn get<K, V>(&self, key: &K) -> Option<V>
    where
        K: Hash + Eq + 'static,
        V: Clone + 'static,
    {
        let by_type = self.0.lock().ok()?;
        by_type
            .get(&TypeId::of::<HashMap<K, V>>())?
            .downcast_ref::<HashMap<K, V>>()?
            .get(key)
            .cloned()
    }

    fn put<K, V>(&self, values: impl IntoIterator<Item = (K, V)>)
    where
        K: Send + Hash + Eq + 'static,
        V: Send + 'static,
    {
        let Ok(mut by_type) = self.0.lock() else {
            return;
        };
        let slot = by_type
            .entry(TypeId::of::<HashMap<K, V>>())
            .or_insert_with(|| Box::new(HashMap::<K, V>::new()));
        if let Some(map) = slot.downcast_mut::<HashMap<K, V>>() {
            map.extend(values);
        }
    }
}
