//! The workspace hierarchy: artist spaces hold projects, projects hold tracks; collaborators hold
//! roles on any of them.

use chrono::{DateTime, Utc};

use crate::access::ResourceKind;
use crate::ids::{ArtistSpaceId, ProjectId, TrackId, UserId};
use crate::roles::Role;
use crate::values::SlugType;

mod membership;

pub use membership::{Collaborator, FormerCollaborator, Joining, MembershipStatus};

/// An artist, band or label: the top-level container.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtistSpace {
    /// Primary key.
    pub id: ArtistSpaceId,
    /// 6-character id for short URLs.
    pub short_id: String,
    /// Globally unique URL slug.
    pub slug: String,
    /// Whether the slug was derived or chosen.
    pub slug_type: SlugType,
    /// Artist, band or label name.
    pub name: String,
    /// Artist image URL.
    pub image: Option<String>,
    /// Short biography.
    pub bio: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country_code: Option<String>,
    /// Named links (website, socials), a JSON object.
    pub links: serde_json::Value,
    /// The owning user.
    pub owner_id: UserId,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Whether an alias is in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AliasStatus {
    /// In use: its slug opens the space.
    Active,
    /// Kept for the record; its slug stays reserved but no longer opens the space.
    Archived,
}

impl AliasStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::Archived => "ARCHIVED",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Active, Self::Archived]
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// Another performer or project name of an artist space (seed 002 ArtistAlias). Alias slugs and
/// space slugs share one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtistAlias {
    /// Primary key.
    pub id: crate::ids::ArtistAliasId,
    /// The space it names.
    pub artist_space_id: ArtistSpaceId,
    /// The name (1-100 characters).
    pub name: String,
    /// Globally unique URL slug (no space or other alias has it).
    pub slug: String,
    /// Whether it is in use.
    pub status: AliasStatus,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Where a project stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectStatus {
    /// Just started.
    Draft,
    /// Being worked on.
    InProgress,
    /// Out for review.
    Review,
    /// Done.
    Completed,
}

impl ProjectStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Draft => "DRAFT",
            ProjectStatus::InProgress => "IN_PROGRESS",
            ProjectStatus::Review => "REVIEW",
            ProjectStatus::Completed => "COMPLETED",
        }
    }

    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Draft, Self::InProgress, Self::Review, Self::Completed]
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// An album, EP, single or other body of work in a space.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// Primary key.
    pub id: ProjectId,
    /// 6-character id for short URLs.
    pub short_id: String,
    /// URL slug, unique within the space.
    pub slug: String,
    /// Whether the slug was derived or chosen.
    pub slug_type: SlugType,
    /// Project title.
    pub name: String,
    /// Cover art URL.
    pub image: Option<String>,
    /// Notes.
    pub description: Option<String>,
    /// The parent space.
    pub artist_space_id: ArtistSpaceId,
    /// The creator.
    pub owner_id: UserId,
    /// Where the project stands.
    pub status: ProjectStatus,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Where a track stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackStatus {
    /// Being made.
    Draft,
    /// Out for review.
    Review,
    /// Approved by the team.
    Approved,
    /// Released.
    Published,
}

impl TrackStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TrackStatus::Draft => "DRAFT",
            TrackStatus::Review => "REVIEW",
            TrackStatus::Approved => "APPROVED",
            TrackStatus::Published => "PUBLISHED",
        }
    }

    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Draft, Self::Review, Self::Approved, Self::Published]
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// A song in a project.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// Primary key.
    pub id: TrackId,
    /// 6-character id for short URLs.
    pub short_id: String,
    /// URL slug, unique within the project.
    pub slug: String,
    /// Whether the slug was derived or chosen.
    pub slug_type: SlugType,
    /// Song title.
    pub title: String,
    /// The parent project.
    pub project_id: ProjectId,
    /// The grandparent space.
    pub artist_space_id: ArtistSpaceId,
    /// The creator.
    pub owner_id: UserId,
    /// Where the track stands.
    pub status: TrackStatus,
    /// Whether it may be shared publicly.
    pub is_public: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A resource that collaborators hold roles on, with its ancestors, so the effective role can
/// be computed from one look-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourcePath {
    /// An artist space.
    Space(ArtistSpaceId),
    /// A project and its space.
    Project(ArtistSpaceId, ProjectId),
    /// A track, its project and its space.
    Track(ArtistSpaceId, ProjectId, TrackId),
}

impl ResourcePath {
    /// The resource's own id.
    pub fn id(self) -> uuid::Uuid {
        match self {
            ResourcePath::Space(space) => space.0,
            ResourcePath::Project(_, project) => project.0,
            ResourcePath::Track(_, _, track) => track.0,
        }
    }

    /// The kind of the resource itself.
    pub fn kind(self) -> ResourceKind {
        match self {
            ResourcePath::Space(_) => ResourceKind::ArtistSpace,
            ResourcePath::Project(..) => ResourceKind::Project,
            ResourcePath::Track(..) => ResourceKind::Track,
        }
    }

    /// The resource and its ancestors, resource first. A role on any of them applies.
    pub fn lineage(self) -> Vec<uuid::Uuid> {
        match self {
            ResourcePath::Space(space) => vec![space.0],
            ResourcePath::Project(space, project) => vec![project.0, space.0],
            ResourcePath::Track(space, project, track) => vec![track.0, project.0, space.0],
        }
    }

    /// The resource's ancestors, nearest first (empty for a space).
    pub fn ancestors(self) -> Vec<uuid::Uuid> {
        match self {
            ResourcePath::Space(_) => Vec::new(),
            ResourcePath::Project(space, _) => vec![space.0],
            ResourcePath::Track(space, project, _) => vec![project.0, space.0],
        }
    }

    /// The space the resource belongs to.
    pub fn space_id(self) -> ArtistSpaceId {
        match self {
            ResourcePath::Space(space) | ResourcePath::Project(space, _) | ResourcePath::Track(space, _, _) => space,
        }
    }
}

impl ArtistSpace {
    /// Where this space sits.
    pub fn path(&self) -> ResourcePath {
        ResourcePath::Space(self.id)
    }
}

impl Project {
    /// Where this project sits.
    pub fn path(&self) -> ResourcePath {
        ResourcePath::Project(self.artist_space_id, self.id)
    }
}

impl Track {
    /// Where this track sits.
    pub fn path(&self) -> ResourcePath {
        ResourcePath::Track(self.artist_space_id, self.project_id, self.id)
    }
}

/// The effective role of a user on a resource: the highest role held on it or any ancestor.
pub fn effective_role(held: impl IntoIterator<Item = Role>) -> Option<Role> {
    held.into_iter().max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn lineage_lists_resource_then_ancestors() {
        let (s, p, t) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let path = ResourcePath::Track(s.into(), p.into(), t.into());
        assert_eq!(path.lineage(), vec![t, p, s]);
        assert_eq!(path.ancestors(), vec![p, s]);
        assert!(ResourcePath::Space(s.into()).ancestors().is_empty());
        assert_eq!(path.id(), t);
        assert_eq!(path.kind(), ResourceKind::Track);
    }

    #[test]
    fn effective_role_is_the_highest_held() {
        assert_eq!(
            effective_role([Role::Viewer, Role::Admin, Role::Editor]),
            Some(Role::Admin)
        );
        assert_eq!(effective_role([]), None);
    }
}
