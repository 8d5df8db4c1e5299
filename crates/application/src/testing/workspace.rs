//! Spaces, projects and tracks in memory.

use std::collections::HashMap;
use std::sync::Arc;

use backline_domain::access::ResourceKind;
use backline_domain::ids::{ArtistSpaceId, CollaboratorId, ProjectId, TrackId, UserId};
use backline_domain::page::{Direction, Page, PageRequest};
use backline_domain::roles::Role;
use backline_domain::values::{SHORT_ID_ALPHABET, SHORT_ID_LEN, Slug, SlugType};
use backline_domain::workspace::{
    ArtistSpace, Collaborator, Joining, Project, ProjectStatus, ResourcePath, Track, TrackStatus,
};
use chrono::Utc;
use uuid::Uuid;

use super::{Locked, MemoryCollaborators};
use crate::ports::{
    CollaboratorRepository, Event, RepoError, RepoResult, SiblingScope, TrackEventKind, Unique, WorkspaceRepository,
};

/// One row of the space-and-alias slug namespace (`space_slugs`).
#[derive(Clone)]
struct SlugHold {
    /// The space's id for its own slug, the alias's id for an alias.
    id: Uuid,
    slug: String,
    space: ArtistSpaceId,
    /// Whether an alias holds it (`slugs_like` reads aliases' slugs from their own table).
    alias: bool,
}

/// The bytes of a file, image or document held inside the hierarchy.
#[derive(Clone)]
struct Blob {
    /// A track for a file's version (and waveform), a space or project for its image or a
    /// space's document.
    holder: ResourcePath,
    key: String,
}

/// What the fake holds.
#[derive(Default)]
struct State {
    spaces: Vec<ArtistSpace>,
    projects: Vec<Project>,
    tracks: Vec<Track>,
    slugs: Vec<SlugHold>,
    /// The collaborator rows, when no [`MemoryCollaborators`] is shared.
    collaborators: Vec<Collaborator>,
    blobs: Vec<Blob>,
    /// Outbox events written with changes, in order.
    events: Vec<Event>,
}

fn foreign_key(what: &str) -> RepoError {
    RepoError::Unknown(anyhow::anyhow!("FOREIGN KEY constraint failed: no such {what}"))
}

impl State {
    fn space_slug_taken(&self, slug: &str, except: Uuid) -> bool {
        self.slugs.iter().any(|hold| hold.slug == slug && hold.id != except)
    }

    /// The rules of an insert into `artist_spaces` and `space_slugs`, in the SQL store's order.
    fn check_new_space(&self, space: &ArtistSpace) -> RepoResult<()> {
        if self.spaces.iter().any(|held| held.id == space.id) {
            return Err(RepoError::Duplicate(Unique::Other));
        }
        if self.spaces.iter().any(|held| held.short_id == space.short_id) {
            return Err(RepoError::Duplicate(Unique::ShortId));
        }
        if self.slugs.iter().any(|hold| hold.id == space.id.0) {
            return Err(RepoError::Duplicate(Unique::Other));
        }
        if self.space_slug_taken(&space.slug, space.id.0) {
            return Err(RepoError::Duplicate(Unique::Slug));
        }
        Ok(())
    }

    /// The rules of writing `project` over the row with its id or as a new row.
    fn check_project(&self, project: &Project) -> RepoResult<()> {
        let others = || self.projects.iter().filter(|held| held.id != project.id);
        if others().any(|held| held.short_id == project.short_id) {
            return Err(RepoError::Duplicate(Unique::ShortId));
        }
        if others().any(|held| held.artist_space_id == project.artist_space_id && held.slug == project.slug) {
            return Err(RepoError::Duplicate(Unique::Slug));
        }
        if !self.spaces.iter().any(|space| space.id == project.artist_space_id) {
            return Err(foreign_key("artist space"));
        }
        Ok(())
    }

    /// The rules of writing `track` over the row with its id or as a new row.
    fn check_track(&self, track: &Track) -> RepoResult<()> {
        let others = || self.tracks.iter().filter(|held| held.id != track.id);
        if others().any(|held| held.short_id == track.short_id) {
            return Err(RepoError::Duplicate(Unique::ShortId));
        }
        if others().any(|held| held.project_id == track.project_id && held.slug == track.slug) {
            return Err(RepoError::Duplicate(Unique::Slug));
        }
        if !self.projects.iter().any(|project| project.id == track.project_id) {
            return Err(foreign_key("project"));
        }
        if !self.spaces.iter().any(|space| space.id == track.artist_space_id) {
            return Err(foreign_key("artist space"));
        }
        Ok(())
    }

    /// The rules of inserting a collaborator row: its primary key, one ACTIVE row per resource
    /// and user.
    fn check_owner(&self, owner: &Collaborator) -> RepoResult<()> {
        if self.collaborators.iter().any(|held| held.id == owner.id) {
            return Err(RepoError::Duplicate(Unique::Other));
        }
        if owner.is_active()
            && self
                .collaborators
                .iter()
                .any(|held| held.resource_id == owner.resource_id && held.user_id == owner.user_id && held.is_active())
        {
            return Err(RepoError::Duplicate(Unique::Membership));
        }
        Ok(())
    }

    /// Deletes the rows of a space and everything inside it; returns the resource ids whose
    /// collaborators go too and the blob keys released.
    fn remove_space(&mut self, id: ArtistSpaceId) -> (Vec<Uuid>, Vec<String>) {
        let mut resources = vec![id.0];
        resources.extend(
            self.projects
                .iter()
                .filter(|project| project.artist_space_id == id)
                .map(|project| project.id.0),
        );
        resources.extend(
            self.tracks
                .iter()
                .filter(|track| track.artist_space_id == id)
                .map(|track| track.id.0),
        );
        let released = self.release(|holder| holder.space_id() == id);
        self.tracks.retain(|track| track.artist_space_id != id);
        self.projects.retain(|project| project.artist_space_id != id);
        self.spaces.retain(|space| space.id != id);
        // The namespace rows cascade with the space: its own slug and its aliases' slugs.
        self.slugs.retain(|hold| hold.space != id);
        (resources, released)
    }

    /// Deletes a project and its tracks; returns the resource ids and the blob keys released.
    fn remove_project(&mut self, id: ProjectId) -> (Vec<Uuid>, Vec<String>) {
        let released = self.release(|holder| match holder {
            ResourcePath::Project(_, project) | ResourcePath::Track(_, project, _) => project == id,
            ResourcePath::Space(_) => false,
        });
        let mut resources: Vec<Uuid> = self
            .tracks
            .iter()
            .filter(|track| track.project_id == id)
            .map(|track| track.id.0)
            .collect();
        resources.push(id.0);
        self.tracks.retain(|track| track.project_id != id);
        self.projects.retain(|project| project.id != id);
        (resources, released)
    }

    /// Deletes a track; returns the resource ids and the blob keys released.
    fn remove_track(&mut self, id: TrackId) -> (Vec<Uuid>, Vec<String>) {
        let released = self.release(|holder| matches!(holder, ResourcePath::Track(_, _, track) if track == id));
        self.tracks.retain(|track| track.id != id);
        (vec![id.0], released)
    }

    /// Removes the blobs whose holder matches and returns their keys, in the order they were added.
    fn release(&mut self, doomed: impl Fn(ResourcePath) -> bool) -> Vec<String> {
        let (gone, kept): (Vec<Blob>, Vec<Blob>) = std::mem::take(&mut self.blobs)
            .into_iter()
            .partition(|blob| doomed(blob.holder));
        self.blobs = kept;
        gone.into_iter().map(|blob| blob.key).collect()
    }

    fn short_id_taken(&self, kind: ResourceKind, short_id: &str) -> bool {
        match kind {
            ResourceKind::ArtistSpace => self.spaces.iter().any(|space| space.short_id == short_id),
            ResourceKind::Project => self.projects.iter().any(|project| project.short_id == short_id),
            _ => self.tracks.iter().any(|track| track.short_id == short_id),
        }
    }

    /// A short id no resource of `kind` holds.
    fn fresh_short_id(&self, kind: ResourceKind) -> String {
        loop {
            let candidate = short_id_candidate();
            if !self.short_id_taken(kind, &candidate) {
                return candidate;
            }
        }
    }

    /// The first free slug derived from `name` in `scope`: the stem, else `stem-2`, `stem-3`, ...
    fn free_slug(&self, scope: SiblingScope, name: &str) -> String {
        let base = Slug::from_name(name);
        let taken = self.slugs_like(scope, base.as_str());
        if !taken.iter().any(|slug| slug == base.as_str()) {
            return base.as_str().to_owned();
        }
        (2..)
            .map(|n| base.with_suffix(n).as_str().to_owned())
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or_else(|| base.as_str().to_owned())
    }

    fn slugs_like(&self, scope: SiblingScope, stem: &str) -> Vec<String> {
        let prefix = format!("{stem}-");
        let like = |slug: &str| slug == stem || slug.starts_with(&prefix);
        match scope {
            // Space and alias slugs share one namespace.
            SiblingScope::Spaces => self
                .spaces
                .iter()
                .map(|space| space.slug.clone())
                .chain(
                    self.slugs
                        .iter()
                        .filter(|hold| hold.alias)
                        .map(|hold| hold.slug.clone()),
                )
                .filter(|slug| like(slug))
                .collect(),
            SiblingScope::ProjectsOf(space) => self
                .projects
                .iter()
                .filter(|project| project.artist_space_id == space && like(&project.slug))
                .map(|project| project.slug.clone())
                .collect(),
            SiblingScope::TracksOf(project) => self
                .tracks
                .iter()
                .filter(|track| track.project_id == project && like(&track.slug))
                .map(|track| track.slug.clone())
                .collect(),
        }
    }
}

/// Six characters of the nanoid alphabet from the random tail of a fresh UUIDv7.
fn short_id_candidate() -> String {
    let alphabet = SHORT_ID_ALPHABET.as_bytes();
    let random = Uuid::now_v7();
    random.as_bytes()[16 - SHORT_ID_LEN..]
        .iter()
        .filter_map(|byte| alphabet.get(usize::from(*byte) % alphabet.len()))
        .map(|byte| char::from(*byte))
        .collect()
}

/// A page of `rows` by id, newest first, as the SQL store reads it: the cursors are ids, one
/// extra row is fetched to tell whether more follow.
fn page_by_id<T>(rows: Vec<T>, id: impl Fn(&T) -> Uuid, page: &PageRequest) -> Page<T> {
    let mut rows: Vec<T> = rows
        .into_iter()
        .filter(|row| page.after.is_none_or(|after| id(row) < after))
        .filter(|row| page.before.is_none_or(|before| id(row) > before))
        .collect();
    // The reading order: newest first forward, oldest first backward.
    match page.direction {
        Direction::Forward => rows.sort_by_key(|row| std::cmp::Reverse(id(row))),
        Direction::Backward => rows.sort_by_key(|row| id(row)),
    }
    rows.truncate(usize::try_from(page.limit.saturating_add(1)).unwrap_or(usize::MAX));
    Page::from_overfetch(rows, page)
}

/// The workspace hierarchy in memory, with the same rules as the SQL store: short ids unique
/// per kind, space slugs unique in the space-and-alias namespace, project slugs unique in
/// their space and track slugs in their project, children need their parents, an insert
/// stores the OWNER collaborator with the resource, a track update writes a `TrackUpdated`
/// event ([`MemoryWorkspace::events`]), and a deletion takes everything inside with it and
/// returns the blob keys held there ([`MemoryWorkspace::add_blob`]).
///
/// Collaborator rows live in the fake itself ([`MemoryWorkspace::collaborators`]) unless it
/// was made with [`MemoryWorkspace::sharing`] a [`MemoryCollaborators`], so that the use cases'
/// role checks see the owners it stores.
#[derive(Default)]
pub struct MemoryWorkspace {
    state: Locked<State>,
    shared: Option<Arc<MemoryCollaborators>>,
}

impl MemoryWorkspace {
    /// A workspace whose collaborator rows are those of `collaborators`: inserts store the
    /// owner there, `spaces_of_user` reads its ACTIVE rows, and a deletion ends (REMOVED, by
    /// nobody) the ACTIVE rows on what it deletes, because that fake cannot delete rows; the
    /// SQL store deletes them. A transfer of ownership in `collaborators` also sets the
    /// resource's owner here, as the SQL store writes both together.
    pub fn sharing(collaborators: Arc<MemoryCollaborators>) -> Arc<Self> {
        let workspace = Arc::new(Self {
            state: Locked::default(),
            shared: Some(Arc::clone(&collaborators)),
        });
        collaborators.keep_owners_in(&workspace);
        workspace
    }

    /// Makes `owner` the owner of `resource` (the `owner_id` column); nothing when it is
    /// not stored.
    pub(crate) fn set_owner(&self, resource: ResourcePath, owner: UserId) {
        if let Ok(mut state) = self.state.lock() {
            match resource {
                ResourcePath::Space(id) => {
                    for space in state.spaces.iter_mut().filter(|space| space.id == id) {
                        space.owner_id = owner;
                    }
                }
                ResourcePath::Project(_, project) => {
                    for held in state.projects.iter_mut().filter(|held| held.id == project) {
                        held.owner_id = owner;
                    }
                }
                ResourcePath::Track(_, _, track) => {
                    for held in state.tracks.iter_mut().filter(|held| held.id == track) {
                        held.owner_id = owner;
                    }
                }
            }
        }
    }

    /// Stores a space named `name` owned by `owner`, with a fresh id and short id, the first
    /// free slug derived from the name, and `owner` as its OWNER collaborator (test set-up).
    /// Nothing is stored when the lock is poisoned.
    pub fn add_space(&self, owner: UserId, name: &str) -> ArtistSpace {
        let now = Utc::now();
        let mut space = ArtistSpace {
            id: ArtistSpaceId(Uuid::now_v7()),
            short_id: String::new(),
            slug: String::new(),
            slug_type: SlugType::Auto,
            name: name.to_owned(),
            image: None,
            bio: None,
            country_code: None,
            links: serde_json::json!({}),
            owner_id: owner,
            created_at: now,
            updated_at: now,
        };
        if let Ok(mut state) = self.state.lock() {
            space.short_id = state.fresh_short_id(ResourceKind::ArtistSpace);
            space.slug = state.free_slug(SiblingScope::Spaces, name);
            state.slugs.push(SlugHold {
                id: space.id.0,
                slug: space.slug.clone(),
                space: space.id,
                alias: false,
            });
            state.spaces.push(space.clone());
            self.grant_owner(&mut state, space.path(), owner);
        }
        space
    }

    /// Stores a project titled `title` in `space`, owned by `owner`, with a fresh id and short
    /// id, the first free slug in the space derived from the title, status DRAFT, and `owner`
    /// as its OWNER collaborator (test set-up). Nothing is stored when `space` is not stored
    /// (the SQL store's foreign key) or the lock is poisoned.
    pub fn add_project(&self, space: &ArtistSpace, owner: UserId, title: &str) -> Project {
        let now = Utc::now();
        let mut project = Project {
            id: ProjectId(Uuid::now_v7()),
            short_id: String::new(),
            slug: String::new(),
            slug_type: SlugType::Auto,
            name: title.to_owned(),
            image: None,
            description: None,
            artist_space_id: space.id,
            owner_id: owner,
            status: ProjectStatus::Draft,
            created_at: now,
            updated_at: now,
        };
        if let Ok(mut state) = self.state.lock() {
            project.short_id = state.fresh_short_id(ResourceKind::Project);
            project.slug = state.free_slug(SiblingScope::ProjectsOf(space.id), title);
            if state.check_project(&project).is_ok() {
                state.projects.push(project.clone());
                self.grant_owner(&mut state, project.path(), owner);
            }
        }
        project
    }

    /// Stores a track titled `title` in `project`, owned by `owner`, with a fresh id and short
    /// id, the first free slug in the project derived from the title, status DRAFT, not
    /// public, and `owner` as its OWNER collaborator (test set-up). Nothing is stored when
    /// `project` is not stored or the lock is poisoned.
    pub fn add_track(&self, project: &Project, owner: UserId, title: &str) -> Track {
        let now = Utc::now();
        let mut track = Track {
            id: TrackId(Uuid::now_v7()),
            short_id: String::new(),
            slug: String::new(),
            slug_type: SlugType::Auto,
            title: title.to_owned(),
            project_id: project.id,
            artist_space_id: project.artist_space_id,
            owner_id: owner,
            status: TrackStatus::Draft,
            is_public: false,
            created_at: now,
            updated_at: now,
        };
        if let Ok(mut state) = self.state.lock() {
            track.short_id = state.fresh_short_id(ResourceKind::Track);
            track.slug = state.free_slug(SiblingScope::TracksOf(project.id), title);
            if state.check_track(&track).is_ok() {
                state.tracks.push(track.clone());
                self.grant_owner(&mut state, track.path(), owner);
            }
        }
        track
    }

    /// Takes `slug` in the space-and-alias namespace for an alias of `space`, as storing an
    /// alias does (test set-up); it is freed when the space is deleted.
    ///
    /// # Errors
    /// `Duplicate(Unique::Slug)` when the slug is taken; the poisoned-lock error.
    pub fn add_alias_slug(&self, space: ArtistSpaceId, slug: &str) -> RepoResult<()> {
        self.state.with(|state| {
            if state.space_slug_taken(slug, Uuid::nil()) {
                return Err(RepoError::Duplicate(Unique::Slug));
            }
            state.slugs.push(SlugHold {
                id: Uuid::now_v7(),
                slug: slug.to_owned(),
                space,
                alias: true,
            });
            Ok(())
        })
    }

    /// Records that `holder` holds the blob `key`: a file's version or waveform on a track, an
    /// image on a space or project, a document on a space (test set-up). Deleting the holder or
    /// anything above it returns the key.
    pub fn add_blob(&self, holder: ResourcePath, key: &str) {
        if let Ok(mut state) = self.state.lock() {
            state.blobs.push(Blob {
                holder,
                key: key.to_owned(),
            });
        }
    }

    /// Every stored space.
    pub fn all_spaces(&self) -> Vec<ArtistSpace> {
        self.state.lock().map(|state| state.spaces.clone()).unwrap_or_default()
    }

    /// Every stored project.
    pub fn all_projects(&self) -> Vec<Project> {
        self.state
            .lock()
            .map(|state| state.projects.clone())
            .unwrap_or_default()
    }

    /// Every stored track.
    pub fn all_tracks(&self) -> Vec<Track> {
        self.state.lock().map(|state| state.tracks.clone()).unwrap_or_default()
    }

    /// The collaborator rows this fake holds itself (empty when it shares a
    /// [`MemoryCollaborators`]: read that one's rows instead).
    pub fn collaborators(&self) -> Vec<Collaborator> {
        self.state
            .lock()
            .map(|state| state.collaborators.clone())
            .unwrap_or_default()
    }

    /// The outbox events written with changes (`TrackUpdated` by `update_track`), in order.
    pub fn events(&self) -> Vec<Event> {
        self.state.lock().map(|state| state.events.clone()).unwrap_or_default()
    }

    /// The blob keys still held inside the hierarchy, in the order they were added.
    pub fn blob_keys(&self) -> Vec<String> {
        self.state
            .lock()
            .map(|state| state.blobs.iter().map(|blob| blob.key.clone()).collect())
            .unwrap_or_default()
    }

    /// Stores an OWNER row for the set-up helpers.
    fn grant_owner(&self, state: &mut State, resource: ResourcePath, owner: UserId) {
        match &self.shared {
            Some(shared) => shared.grant(resource, owner, Role::Owner),
            None => state.collaborators.push(Collaborator::joining(
                CollaboratorId(Uuid::now_v7()),
                resource,
                owner,
                Role::Owner,
                Utc::now(),
            )),
        }
    }

    /// Stores a new resource with `store` and its owner row in one step: when the owner row is
    /// refused, `undo` takes the resource back out.
    async fn insert(
        &self,
        owner: &Collaborator,
        store: impl FnOnce(&mut State) -> RepoResult<()>,
        undo: impl Fn(&mut State),
    ) -> RepoResult<()> {
        let shared = self.shared.is_some();
        self.state.with(|state| {
            store(state)?;
            if !shared {
                if let Err(refused) = state.check_owner(owner) {
                    undo(state);
                    return Err(refused);
                }
                state.collaborators.push(owner.clone());
            }
            Ok(())
        })?;
        let Some(collaborators) = &self.shared else {
            return Ok(());
        };
        match collaborators.join(&Joining::New(owner.clone())).await {
            Ok(()) => Ok(()),
            Err(refused) => {
                self.state.with(|state| {
                    undo(state);
                    Ok(())
                })?;
                Err(refused)
            }
        }
    }

    /// Deletes the collaborator rows on `resources` (ends them in a shared fake).
    async fn drop_collaborators(&self, resources: &[Uuid]) -> RepoResult<()> {
        let Some(collaborators) = &self.shared else {
            return self.state.with(|state| {
                state.collaborators.retain(|row| !resources.contains(&row.resource_id));
                Ok(())
            });
        };
        collaborators.end_rows_on(resources, Utc::now());
        Ok(())
    }

    /// The ACTIVE collaborator rows, wherever they live.
    fn active_rows(&self) -> RepoResult<Vec<Collaborator>> {
        let rows = match &self.shared {
            Some(collaborators) => collaborators.rows(),
            None => self.state.with(|state| Ok(state.collaborators.clone()))?,
        };
        Ok(rows.into_iter().filter(Collaborator::is_active).collect())
    }
}

#[async_trait::async_trait]
impl WorkspaceRepository for MemoryWorkspace {
    async fn insert_space(&self, space: &ArtistSpace, owner: &Collaborator) -> RepoResult<()> {
        self.insert(
            owner,
            |state| {
                state.check_new_space(space)?;
                state.spaces.push(space.clone());
                state.slugs.push(SlugHold {
                    id: space.id.0,
                    slug: space.slug.clone(),
                    space: space.id,
                    alias: false,
                });
                Ok(())
            },
            |state| {
                state.spaces.retain(|held| held.id != space.id);
                state.slugs.retain(|hold| hold.id != space.id.0);
            },
        )
        .await
    }

    async fn insert_project(&self, project: &Project, owner: &Collaborator) -> RepoResult<()> {
        self.insert(
            owner,
            |state| {
                if state.projects.iter().any(|held| held.id == project.id) {
                    return Err(RepoError::Duplicate(Unique::Other));
                }
                state.check_project(project)?;
                state.projects.push(project.clone());
                Ok(())
            },
            |state| state.projects.retain(|held| held.id != project.id),
        )
        .await
    }

    async fn insert_track(&self, track: &Track, owner: &Collaborator) -> RepoResult<()> {
        self.insert(
            owner,
            |state| {
                if state.tracks.iter().any(|held| held.id == track.id) {
                    return Err(RepoError::Duplicate(Unique::Other));
                }
                state.check_track(track)?;
                state.tracks.push(track.clone());
                Ok(())
            },
            |state| state.tracks.retain(|held| held.id != track.id),
        )
        .await
    }

    async fn update_space(&self, space: &ArtistSpace) -> RepoResult<()> {
        self.state.with(|state| {
            // The slug's reservation first, as the SQL store does.
            let reserved = state.slugs.iter().any(|hold| hold.id == space.id.0);
            if reserved && state.space_slug_taken(&space.slug, space.id.0) {
                return Err(RepoError::Duplicate(Unique::Slug));
            }
            let held = state
                .spaces
                .iter()
                .find(|held| held.id == space.id)
                .ok_or(RepoError::NotFound)?;
            let image = held.image.clone();
            if state
                .spaces
                .iter()
                .any(|other| other.id != space.id && other.short_id == space.short_id)
            {
                return Err(RepoError::Duplicate(Unique::ShortId));
            }
            if let Some(hold) = state.slugs.iter_mut().find(|hold| hold.id == space.id.0) {
                hold.slug.clone_from(&space.slug);
            }
            if let Some(held) = state.spaces.iter_mut().find(|held| held.id == space.id) {
                // The image is set only by uploadImage, in its own transaction.
                *held = ArtistSpace { image, ..space.clone() };
            }
            Ok(())
        })
    }

    async fn update_project(&self, project: &Project) -> RepoResult<()> {
        self.state.with(|state| {
            let image = state
                .projects
                .iter()
                .find(|held| held.id == project.id)
                .ok_or(RepoError::NotFound)?
                .image
                .clone();
            state.check_project(project)?;
            if let Some(held) = state.projects.iter_mut().find(|held| held.id == project.id) {
                // The image is set only by uploadImage, in its own transaction.
                *held = Project {
                    image,
                    ..project.clone()
                };
            }
            Ok(())
        })
    }

    async fn update_track(&self, track: &Track) -> RepoResult<()> {
        self.state.with(|state| {
            if !state.tracks.iter().any(|held| held.id == track.id) {
                return Err(RepoError::NotFound);
            }
            state.check_track(track)?;
            if let Some(held) = state.tracks.iter_mut().find(|held| held.id == track.id) {
                *held = track.clone();
            }
            state.events.push(Event::Track {
                kind: TrackEventKind::TrackUpdated,
                track: track.id,
                file: None,
            });
            Ok(())
        })
    }

    async fn delete_space(&self, id: ArtistSpaceId) -> RepoResult<Vec<String>> {
        let (resources, released) = self.state.with(|state| Ok(state.remove_space(id)))?;
        self.drop_collaborators(&resources).await?;
        Ok(released)
    }

    async fn delete_project(&self, id: ProjectId) -> RepoResult<Vec<String>> {
        let (resources, released) = self.state.with(|state| Ok(state.remove_project(id)))?;
        self.drop_collaborators(&resources).await?;
        Ok(released)
    }

    async fn delete_track(&self, id: TrackId) -> RepoResult<Vec<String>> {
        let (resources, released) = self.state.with(|state| Ok(state.remove_track(id)))?;
        self.drop_collaborators(&resources).await?;
        Ok(released)
    }

    async fn spaces(&self, ids: &[ArtistSpaceId]) -> RepoResult<Vec<ArtistSpace>> {
        self.state.with(|state| {
            Ok(state
                .spaces
                .iter()
                .filter(|space| ids.contains(&space.id))
                .cloned()
                .collect())
        })
    }

    async fn projects(&self, ids: &[ProjectId]) -> RepoResult<Vec<Project>> {
        self.state.with(|state| {
            Ok(state
                .projects
                .iter()
                .filter(|project| ids.contains(&project.id))
                .cloned()
                .collect())
        })
    }

    async fn tracks(&self, ids: &[TrackId]) -> RepoResult<Vec<Track>> {
        self.state.with(|state| {
            Ok(state
                .tracks
                .iter()
                .filter(|track| ids.contains(&track.id))
                .cloned()
                .collect())
        })
    }

    async fn space_by_short_id(&self, short_id: &str) -> RepoResult<Option<ArtistSpace>> {
        self.state
            .with(|state| Ok(state.spaces.iter().find(|space| space.short_id == short_id).cloned()))
    }

    async fn space_by_slug(&self, slug: &str) -> RepoResult<Option<ArtistSpace>> {
        self.state
            .with(|state| Ok(state.spaces.iter().find(|space| space.slug == slug).cloned()))
    }

    async fn project_by_short_id(&self, short_id: &str) -> RepoResult<Option<Project>> {
        self.state.with(|state| {
            Ok(state
                .projects
                .iter()
                .find(|project| project.short_id == short_id)
                .cloned())
        })
    }

    async fn track_by_short_id(&self, short_id: &str) -> RepoResult<Option<Track>> {
        self.state
            .with(|state| Ok(state.tracks.iter().find(|track| track.short_id == short_id).cloned()))
    }

    async fn slugs_like(&self, scope: SiblingScope, stem: &str) -> RepoResult<Vec<String>> {
        self.state.with(|state| Ok(state.slugs_like(scope, stem)))
    }

    async fn spaces_of_user(&self, user: UserId, page: PageRequest) -> RepoResult<Page<ArtistSpace>> {
        let held: Vec<Uuid> = self
            .active_rows()?
            .into_iter()
            .filter(|row| row.user_id == user && row.resource_kind == ResourceKind::ArtistSpace)
            .map(|row| row.resource_id)
            .collect();
        self.state.with(|state| {
            let spaces: Vec<ArtistSpace> = state
                .spaces
                .iter()
                .filter(|space| held.contains(&space.id.0))
                .cloned()
                .collect();
            Ok(page_by_id(spaces, |space| space.id.0, &page))
        })
    }

    async fn count_spaces_of_user(&self, user: UserId) -> RepoResult<u64> {
        // The SQL store counts the ACTIVE rows themselves.
        let held = self
            .active_rows()?
            .into_iter()
            .filter(|row| row.user_id == user && row.resource_kind == ResourceKind::ArtistSpace)
            .count();
        Ok(u64::try_from(held).unwrap_or(u64::MAX))
    }

    async fn projects_of(
        &self,
        spaces: &[ArtistSpaceId],
        page: PageRequest,
    ) -> RepoResult<HashMap<ArtistSpaceId, Page<Project>>> {
        self.state.with(|state| {
            Ok(spaces
                .iter()
                .map(|space| {
                    let rows: Vec<Project> = state
                        .projects
                        .iter()
                        .filter(|project| project.artist_space_id == *space)
                        .cloned()
                        .collect();
                    (*space, page_by_id(rows, |project| project.id.0, &page))
                })
                .collect())
        })
    }

    async fn count_projects_of(&self, spaces: &[ArtistSpaceId]) -> RepoResult<HashMap<ArtistSpaceId, u64>> {
        self.state.with(|state| {
            let mut out: HashMap<ArtistSpaceId, u64> = spaces.iter().map(|space| (*space, 0)).collect();
            for project in &state.projects {
                if let Some(count) = out.get_mut(&project.artist_space_id) {
                    *count += 1;
                }
            }
            Ok(out)
        })
    }

    async fn tracks_of(
        &self,
        projects: &[ProjectId],
        page: PageRequest,
    ) -> RepoResult<HashMap<ProjectId, Page<Track>>> {
        self.state.with(|state| {
            Ok(projects
                .iter()
                .map(|project| {
                    let rows: Vec<Track> = state
                        .tracks
                        .iter()
                        .filter(|track| track.project_id == *project)
                        .cloned()
                        .collect();
                    (*project, page_by_id(rows, |track| track.id.0, &page))
                })
                .collect())
        })
    }

    async fn count_tracks_of(&self, projects: &[ProjectId]) -> RepoResult<HashMap<ProjectId, u64>> {
        self.state.with(|state| {
            let mut out: HashMap<ProjectId, u64> = projects.iter().map(|project| (*project, 0)).collect();
            for track in &state.tracks {
                if let Some(count) = out.get_mut(&track.project_id) {
                    *count += 1;
                }
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::CollaboratorRepository;

    fn owner_of(resource: ResourcePath, user: UserId) -> Collaborator {
        Collaborator::joining(CollaboratorId(Uuid::now_v7()), resource, user, Role::Owner, Utc::now())
    }

    #[tokio::test]
    async fn a_slug_is_unique_among_siblings_only() -> RepoResult<()> {
        let workspace = MemoryWorkspace::default();
        let owner = UserId(Uuid::now_v7());
        let space = workspace.add_space(owner, "Night Drive");
        let other_space = workspace.add_space(owner, "Night Drive");
        assert_eq!(space.slug, "night-drive");
        assert_eq!(other_space.slug, "night-drive-2");
        let first = workspace.add_project(&space, owner, "Demos");
        let clash = Project {
            id: ProjectId(Uuid::now_v7()),
            short_id: "zzzzzz".to_owned(),
            ..first.clone()
        };
        assert!(matches!(
            workspace.insert_project(&clash, &owner_of(clash.path(), owner)).await,
            Err(RepoError::Duplicate(Unique::Slug))
        ));
        // The same slug in another space is fine.
        let elsewhere = Project {
            artist_space_id: other_space.id,
            ..clash.clone()
        };
        workspace
            .insert_project(&elsewhere, &owner_of(elsewhere.path(), owner))
            .await?;
        // A short id is unique across all projects.
        let same_short_id = Project {
            id: ProjectId(Uuid::now_v7()),
            slug: "other".to_owned(),
            ..elsewhere.clone()
        };
        assert!(matches!(
            workspace
                .insert_project(&same_short_id, &owner_of(same_short_id.path(), owner))
                .await,
            Err(RepoError::Duplicate(Unique::ShortId))
        ));
        assert_eq!(
            workspace.slugs_like(SiblingScope::Spaces, "night-drive").await?.len(),
            2
        );
        Ok(())
    }

    #[tokio::test]
    async fn space_slugs_share_the_alias_namespace() -> RepoResult<()> {
        let workspace = MemoryWorkspace::default();
        let owner = UserId(Uuid::now_v7());
        let space = workspace.add_space(owner, "Alpha");
        workspace.add_alias_slug(space.id, "beta")?;
        let other = workspace.add_space(owner, "Beta");
        assert_eq!(other.slug, "beta-2");
        let renamed = ArtistSpace {
            slug: "beta".to_owned(),
            ..other.clone()
        };
        assert!(matches!(
            workspace.update_space(&renamed).await,
            Err(RepoError::Duplicate(Unique::Slug))
        ));
        // Deleting the space frees its own slug and its aliases'.
        workspace.delete_space(space.id).await?;
        workspace.update_space(&renamed).await?;
        assert_eq!(
            workspace.space_by_slug("beta").await?.map(|space| space.id),
            Some(other.id)
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_deleted_space_takes_its_projects_tracks_rows_and_blobs() -> RepoResult<()> {
        let workspace = MemoryWorkspace::default();
        let owner = UserId(Uuid::now_v7());
        let space = workspace.add_space(owner, "Band");
        let project = workspace.add_project(&space, owner, "Album");
        let track = workspace.add_track(&project, owner, "Song");
        let kept = workspace.add_space(owner, "Other band");
        workspace.add_blob(track.path(), "files/song.wav");
        workspace.add_blob(space.path(), "images/band.webp");
        workspace.add_blob(kept.path(), "images/other.webp");
        assert_eq!(workspace.count_spaces_of_user(owner).await?, 2);
        let mut released = workspace.delete_space(space.id).await?;
        released.sort();
        assert_eq!(released, vec!["files/song.wav", "images/band.webp"]);
        assert!(workspace.projects(&[project.id]).await?.is_empty());
        assert!(workspace.tracks(&[track.id]).await?.is_empty());
        assert_eq!(workspace.collaborators().len(), 1);
        assert_eq!(workspace.count_spaces_of_user(owner).await?, 1);
        assert_eq!(workspace.blob_keys(), vec!["images/other.webp"]);
        Ok(())
    }

    #[tokio::test]
    async fn children_page_newest_first_and_track_updates_write_events() -> RepoResult<()> {
        let workspace = MemoryWorkspace::default();
        let owner = UserId(Uuid::now_v7());
        let space = workspace.add_space(owner, "Band");
        let project = workspace.add_project(&space, owner, "Album");
        let tracks: Vec<Track> = (0..3)
            .map(|n| workspace.add_track(&project, owner, &format!("Song {n}")))
            .collect();
        let pages = workspace.tracks_of(&[project.id], PageRequest::first(2)).await?;
        let page = pages.get(&project.id).cloned().unwrap_or_default();
        let ids: Vec<TrackId> = page.items.iter().map(|track| track.id).collect();
        assert_eq!(ids, vec![tracks[2].id, tracks[1].id]);
        assert!(page.has_next_page);
        let counts = workspace.count_tracks_of(&[project.id]).await?;
        assert_eq!(counts.get(&project.id), Some(&3));
        let published = Track {
            is_public: true,
            ..tracks[0].clone()
        };
        workspace.update_track(&published).await?;
        assert_eq!(workspace.events().len(), 1);
        let missing = Track {
            id: TrackId(Uuid::now_v7()),
            ..published
        };
        assert!(matches!(
            workspace.update_track(&missing).await,
            Err(RepoError::NotFound)
        ));
        assert_eq!(workspace.events().len(), 1);
        Ok(())
    }

    #[tokio::test]
    async fn a_shared_collaborator_fake_sees_the_owners() -> RepoResult<()> {
        let collaborators = Arc::new(MemoryCollaborators::default());
        let workspace = MemoryWorkspace::sharing(Arc::clone(&collaborators));
        let owner = UserId(Uuid::now_v7());
        let space = workspace.add_space(owner, "Band");
        let project = Project {
            id: ProjectId(Uuid::now_v7()),
            short_id: "abcdef".to_owned(),
            slug: "album".to_owned(),
            slug_type: SlugType::Auto,
            name: "Album".to_owned(),
            image: None,
            description: None,
            artist_space_id: space.id,
            owner_id: owner,
            status: ProjectStatus::Draft,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        workspace
            .insert_project(&project, &owner_of(project.path(), owner))
            .await?;
        let roles = collaborators.roles_of(owner, &[space.id.0, project.id.0]).await?;
        assert_eq!(roles.len(), 2);
        let page = workspace.spaces_of_user(owner, PageRequest::first(10)).await?;
        assert_eq!(page.items.len(), 1);
        workspace.delete_space(space.id).await?;
        assert!(
            collaborators
                .roles_of(owner, &[space.id.0, project.id.0])
                .await?
                .is_empty()
        );
        assert_eq!(workspace.count_spaces_of_user(owner).await?, 0);
        Ok(())
    }
}
