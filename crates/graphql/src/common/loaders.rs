//! Dataloaders: every nested list and reference is batched per request, so a deep query costs
//! a fixed number of statements however much data it returns. Each loader calls a use case
//! that authorizes the whole batch.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use backline_application::feedback::{CommentDetails, comment_details, comments_of, count_comments_of, replies_of};
use backline_application::identity::users_by_ids;
use backline_application::media::{
    TrackVersion, count_files_in, files_by_ids, files_in, find_documents, find_images, track_files,
};
use backline_application::ports::{CommentFilter, CommentParent};
use backline_application::workspace::{
    aliases_of, collaborators_of, count_collaborators_of, count_projects_in, count_tracks_in, profiles_of,
    projects_by_ids, projects_in, spaces_by_ids, tracks_by_ids, tracks_in, viewer_roles,
};
use backline_application::{Actor, App};
use backline_domain::comments::Comment;
use backline_domain::identity::{Subscription, User};
use backline_domain::ids::{ArtistSpaceId, CommentId, DocumentId, FileId, ImageId, ProjectId, TrackId, UserId};
use backline_domain::media::{Document, Image, MediaFile};
use backline_domain::page::{Page, PageRequest};
use backline_domain::profile::ArtistProfile;
use backline_domain::roles::Role;
use backline_domain::workspace::{ArtistAlias, ArtistSpace, Collaborator, Project, ResourcePath, Track};

use crate::common::error::gql;

type LoadResult<K, V> = Result<HashMap<K, V>, async_graphql::Error>;

/// Groups keys `(parent, page)` by page request, so each distinct request is one batch.
fn by_request<P: Copy>(keys: &[(P, PageRequest)]) -> HashMap<PageRequest, Vec<P>> {
    let mut groups: HashMap<PageRequest, Vec<P>> = HashMap::new();
    for (parent, request) in keys {
        groups.entry(*request).or_default().push(*parent);
    }
    groups
}

/// Loads for one request on behalf of one actor.
pub(crate) struct Batch {
    app: App,
    actor: Arc<Actor>,
}

impl Loader<UserId> for Batch {
    type Value = User;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[UserId]) -> LoadResult<UserId, User> {
        Ok(users_by_ids(&self.app, keys)
            .await
            .map_err(gql)?
            .into_iter()
            .map(|user| (user.id, user))
            .collect())
    }
}

/// Key of the subscription loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SubscriptionOf(pub(crate) UserId);

impl Loader<SubscriptionOf> for Batch {
    type Value = Subscription;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[SubscriptionOf]) -> LoadResult<SubscriptionOf, Subscription> {
        let ids: Vec<UserId> = keys.iter().map(|key| key.0).collect();
        let found = self
            .app
            .users
            .subscriptions(&ids)
            .await
            .map_err(|error| gql(error.into()))?;
        Ok(found
            .into_iter()
            .map(|subscription| (SubscriptionOf(subscription.user_id), subscription))
            .collect())
    }
}

/// A loader of records by id, through a use case that authorizes the batch for the actor.
macro_rules! by_id {
    ($key:ty, $value:ty, $fetch:path) => {
        impl Loader<$key> for Batch {
            type Value = $value;
            type Error = async_graphql::Error;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, $value> {
                Ok($fetch(&self.app, &self.actor, keys)
                    .await
                    .map_err(gql)?
                    .into_iter()
                    .map(|value| (value.id, value))
                    .collect())
            }
        }
    };
}

by_id!(ArtistSpaceId, ArtistSpace, spaces_by_ids);
by_id!(ProjectId, Project, projects_by_ids);
by_id!(TrackId, Track, tracks_by_ids);
by_id!(FileId, MediaFile, files_by_ids);

/// Key of the viewer-role loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RoleOn(pub(crate) ResourcePath);

impl Loader<RoleOn> for Batch {
    type Value = Role;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[RoleOn]) -> LoadResult<RoleOn, Role> {
        let paths: Vec<ResourcePath> = keys.iter().map(|key| key.0).collect();
        let roles = viewer_roles(&self.app, &self.actor, &paths).await.map_err(gql)?;
        Ok(keys
            .iter()
            .filter_map(|key| roles.get(&key.0.id()).map(|role| (*key, *role)))
            .collect())
    }
}

/// Key of the project-page loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ProjectsOf(pub(crate) ArtistSpaceId, pub(crate) PageRequest);

impl Loader<ProjectsOf> for Batch {
    type Value = Page<Project>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ProjectsOf]) -> LoadResult<ProjectsOf, Page<Project>> {
        let pairs: Vec<_> = keys.iter().map(|key| (key.0, key.1)).collect();
        let mut out = HashMap::new();
        for (request, spaces) in by_request(&pairs) {
            for (space, page) in projects_in(&self.app, &self.actor, &spaces, request)
                .await
                .map_err(gql)?
            {
                out.insert(ProjectsOf(space, request), page);
            }
        }
        Ok(out)
    }
}

/// Key of the project-count loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ProjectCount(pub(crate) ArtistSpaceId);

impl Loader<ProjectCount> for Batch {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ProjectCount]) -> LoadResult<ProjectCount, u64> {
        let spaces: Vec<_> = keys.iter().map(|key| key.0).collect();
        let counts = count_projects_in(&self.app, &self.actor, &spaces).await.map_err(gql)?;
        Ok(counts
            .into_iter()
            .map(|(space, count)| (ProjectCount(space), count))
            .collect())
    }
}

/// Key of the track-page loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TracksOf(pub(crate) ResourcePath, pub(crate) PageRequest);

impl Loader<TracksOf> for Batch {
    type Value = Page<Track>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[TracksOf]) -> LoadResult<TracksOf, Page<Track>> {
        let pairs: Vec<_> = keys.iter().map(|key| (key.0, key.1)).collect();
        let mut out = HashMap::new();
        for (request, projects) in by_request(&pairs) {
            let pages = tracks_in(&self.app, &self.actor, &projects, request)
                .await
                .map_err(gql)?;
            for path in projects {
                if let ResourcePath::Project(_, project) = path
                    && let Some(page) = pages.get(&project)
                {
                    out.insert(TracksOf(path, request), page.clone());
                }
            }
        }
        Ok(out)
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
        let counts = count_tracks_in(&self.app, &self.actor, &paths).await.map_err(gql)?;
        Ok(keys
            .iter()
            .filter_map(|key| match key.0 {
                ResourcePath::Project(_, project) => counts.get(&project).map(|count| (*key, *count)),
                _ => None,
            })
            .collect())
    }
}

/// Key of the collaborator-page loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CollaboratorsOf(pub(crate) ResourcePath, pub(crate) PageRequest);

impl Loader<CollaboratorsOf> for Batch {
    type Value = Page<Collaborator>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CollaboratorsOf]) -> LoadResult<CollaboratorsOf, Page<Collaborator>> {
        let pairs: Vec<_> = keys.iter().map(|key| (key.0, key.1)).collect();
        let mut out = HashMap::new();
        for (request, resources) in by_request(&pairs) {
            let pages = collaborators_of(&self.app, &self.actor, &resources, request)
                .await
                .map_err(gql)?;
            for path in resources {
                if let Some(page) = pages.get(&path.id()) {
                    out.insert(CollaboratorsOf(path, request), page.clone());
                }
            }
        }
        Ok(out)
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
        let counts = count_collaborators_of(&self.app, &self.actor, &paths)
            .await
            .map_err(gql)?;
        Ok(keys
            .iter()
            .filter_map(|key| counts.get(&key.0.id()).map(|count| (*key, *count)))
            .collect())
    }
}

impl Loader<ImageId> for Batch {
    type Value = Image;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ImageId]) -> LoadResult<ImageId, Image> {
        Ok(find_images(&self.app, keys)
            .await
            .map_err(gql)?
            .into_iter()
            .map(|image| (image.id, image))
            .collect())
    }
}

impl Loader<DocumentId> for Batch {
    type Value = Document;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[DocumentId]) -> LoadResult<DocumentId, Document> {
        Ok(find_documents(&self.app, keys)
            .await
            .map_err(gql)?
            .into_iter()
            .map(|document| (document.id, document))
            .collect())
    }
}

/// Key of the profile loader: a space the caller already read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ProfileOf(pub(crate) ArtistSpaceId);

impl Loader<ProfileOf> for Batch {
    type Value = ArtistProfile;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ProfileOf]) -> LoadResult<ProfileOf, ArtistProfile> {
        let spaces: Vec<ArtistSpaceId> = keys.iter().map(|key| key.0).collect();
        Ok(profiles_of(&self.app, &spaces)
            .await
            .map_err(gql)?
            .into_iter()
            .map(|(space, profile)| (ProfileOf(space), profile))
            .collect())
    }
}

/// Key of the alias loader: a space the caller already read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct AliasesOf(pub(crate) ArtistSpaceId);

impl Loader<AliasesOf> for Batch {
    type Value = Vec<ArtistAlias>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[AliasesOf]) -> LoadResult<AliasesOf, Vec<ArtistAlias>> {
        let spaces: Vec<ArtistSpaceId> = keys.iter().map(|key| key.0).collect();
        Ok(aliases_of(&self.app, &spaces)
            .await
            .map_err(gql)?
            .into_iter()
            .map(|(space, aliases)| (AliasesOf(space), aliases))
            .collect())
    }
}

/// Key of the file-page loader: a track and a page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FilesOf(pub(crate) ResourcePath, pub(crate) PageRequest);

fn track_of(path: ResourcePath) -> Option<TrackId> {
    match path {
        ResourcePath::Track(_, _, track) => Some(track),
        _ => None,
    }
}

impl Loader<FilesOf> for Batch {
    type Value = Page<MediaFile>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[FilesOf]) -> LoadResult<FilesOf, Page<MediaFile>> {
        let pairs: Vec<_> = keys.iter().map(|key| (key.0, key.1)).collect();
        let mut out = HashMap::new();
        for (request, tracks) in by_request(&pairs) {
            let pages = files_in(&self.app, &self.actor, &tracks, request).await.map_err(gql)?;
            for path in tracks {
                if let Some(page) = track_of(path).and_then(|track| pages.get(&track)) {
                    out.insert(FilesOf(path, request), page.clone());
                }
            }
        }
        Ok(out)
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
        let counts = count_files_in(&self.app, &self.actor, &paths).await.map_err(gql)?;
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

/// Key of the single-version loader: a track and which of its versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TrackFile(pub(crate) ResourcePath, pub(crate) TrackVersion);

impl Loader<TrackFile> for Batch {
    type Value = MediaFile;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[TrackFile]) -> LoadResult<TrackFile, MediaFile> {
        let mut out = HashMap::new();
        for which in [TrackVersion::Latest, TrackVersion::Final] {
            let paths: Vec<_> = keys.iter().filter(|key| key.1 == which).map(|key| key.0).collect();
            if paths.is_empty() {
                continue;
            }
            let mut found = track_files(&self.app, &self.actor, &paths, which).await.map_err(gql)?;
            for path in paths {
                if let Some(file) = track_of(path).and_then(|track| found.remove(&track)) {
                    out.insert(TrackFile(path, which), file);
                }
            }
        }
        Ok(out)
    }
}

/// Key of the comment-page loader: a file or track (with its track's path), a filter and a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CommentsOf(
    pub(crate) CommentParent,
    pub(crate) uuid::Uuid,
    pub(crate) ResourcePath,
    pub(crate) CommentFilter,
    pub(crate) PageRequest,
);

impl Loader<CommentsOf> for Batch {
    type Value = Page<Comment>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CommentsOf]) -> LoadResult<CommentsOf, Page<Comment>> {
        let mut groups: HashMap<(CommentParent, CommentFilter, PageRequest), Vec<(uuid::Uuid, ResourcePath)>> =
            HashMap::new();
        for key in keys {
            groups.entry((key.0, key.3, key.4)).or_default().push((key.1, key.2));
        }
        let mut out = HashMap::new();
        for ((parent, filter, request), targets) in groups {
            let pages = comments_of(&self.app, &self.actor, parent, &targets, filter, request)
                .await
                .map_err(gql)?;
            for (id, path) in targets {
                if let Some(page) = pages.get(&id) {
                    out.insert(CommentsOf(parent, id, path, filter, request), page.clone());
                }
            }
        }
        Ok(out)
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
            let counts = count_comments_of(&self.app, &self.actor, parent, &targets, resolved)
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

/// Key of the replies loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RepliesOf(pub(crate) CommentId);

impl Loader<RepliesOf> for Batch {
    type Value = Vec<Comment>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[RepliesOf]) -> LoadResult<RepliesOf, Vec<Comment>> {
        let ids: Vec<CommentId> = keys.iter().map(|key| key.0).collect();
        let replies = replies_of(&self.app, &ids).await.map_err(gql)?;
        Ok(replies.into_iter().map(|(id, list)| (RepliesOf(id), list)).collect())
    }
}

/// Key of the likes-and-mentions loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CommentDetailsOf(pub(crate) CommentId);

impl Loader<CommentDetailsOf> for Batch {
    type Value = CommentDetails;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CommentDetailsOf]) -> LoadResult<CommentDetailsOf, CommentDetails> {
        let ids: Vec<CommentId> = keys.iter().map(|key| key.0).collect();
        let details = comment_details(&self.app, &self.actor, &ids).await.map_err(gql)?;
        Ok(details
            .into_iter()
            .map(|(id, details)| (CommentDetailsOf(id), details))
            .collect())
    }
}

/// The request's dataloader (one loader, many key types).
pub(crate) struct Loaders(pub(crate) DataLoader<Batch>);

impl Loaders {
    pub(crate) fn new(app: &App, actor: &Arc<Actor>) -> Self {
        Self(DataLoader::new(
            Batch {
                app: app.clone(),
                actor: Arc::clone(actor),
            },
            tokio::spawn,
        ))
    }
}
