//! Artist profiles, and labels: organizations, their members and rosters.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use backline_domain::organizations::{OrgMember, OrgRole, Organization, RosterEntry, RosterStatus};
use backline_domain::profile::{PressKit, Visual, VisualKind};
use chrono::{DateTime, Utc};

use crate::common::context::parts;
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, encode};
use crate::common::images::image_of;
use crate::common::nodes::{
    ArtistProfileNode, FileNode, ImageNode, OrganizationNode, RosterEntryNode, RosterNames, UserNode,
};

/// A member's role in an organization.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "OrganizationRole")]
pub(crate) enum GqlOrgRole {
    /// Belongs to the label; no say over rostered spaces.
    Member,
    /// Manages plain members and the roster; acts as ADMIN on rostered spaces.
    Admin,
    /// Manages everyone and the roster; acts as ADMIN (never OWNER) on rostered spaces.
    Owner,
}

impl From<OrgRole> for GqlOrgRole {
    fn from(value: OrgRole) -> Self {
        match value {
            OrgRole::Member => Self::Member,
            OrgRole::Admin => Self::Admin,
            OrgRole::Owner => Self::Owner,
        }
    }
}

impl From<GqlOrgRole> for OrgRole {
    fn from(value: GqlOrgRole) -> Self {
        match value {
            GqlOrgRole::Member => Self::Member,
            GqlOrgRole::Admin => Self::Admin,
            GqlOrgRole::Owner => Self::Owner,
        }
    }
}

/// Where a roster entry stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "RosterStatus")]
pub(crate) enum GqlRosterStatus {
    /// Asked for; the space's owner has not answered.
    Pending,
    /// On the roster.
    Active,
    /// The space's owner said no.
    Declined,
    /// Left the roster.
    Removed,
}

impl From<RosterStatus> for GqlRosterStatus {
    fn from(value: RosterStatus) -> Self {
        match value {
            RosterStatus::Pending => Self::Pending,
            RosterStatus::Active => Self::Active,
            RosterStatus::Declined => Self::Declined,
            RosterStatus::Removed => Self::Removed,
        }
    }
}

impl From<GqlRosterStatus> for RosterStatus {
    fn from(value: GqlRosterStatus) -> Self {
        match value {
            GqlRosterStatus::Pending => Self::Pending,
            GqlRosterStatus::Active => Self::Active,
            GqlRosterStatus::Declined => Self::Declined,
            GqlRosterStatus::Removed => Self::Removed,
        }
    }
}

/// What kind of visual.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "VisualKind")]
pub(crate) enum GqlVisualKind {
    /// A press photo.
    Photo,
    /// Artwork (a cover, a poster).
    Artwork,
    /// A video (a clip, a live session).
    Video,
}

impl From<VisualKind> for GqlVisualKind {
    fn from(value: VisualKind) -> Self {
        match value {
            VisualKind::Photo => Self::Photo,
            VisualKind::Artwork => Self::Artwork,
            VisualKind::Video => Self::Video,
        }
    }
}

impl From<GqlVisualKind> for VisualKind {
    fn from(value: GqlVisualKind) -> Self {
        match value {
            GqlVisualKind::Photo => Self::Photo,
            GqlVisualKind::Artwork => Self::Artwork,
            GqlVisualKind::Video => Self::Video,
        }
    }
}

/// A handle on a social platform.
#[derive(SimpleObject)]
#[graphql(name = "SocialHandle")]
pub(crate) struct SocialHandleNode {
    /// The platform, lower-case (`instagram`, `tiktok`).
    platform: String,
    /// The handle as shown (`@midnightowls`).
    handle: String,
    /// A link to the profile, when given.
    url: Option<String>,
}

/// A visual of a profile.
pub(crate) struct VisualNode(Visual);

/// A visual: a photo, artwork or video, by link or as an image uploaded to the space.
#[Object(name = "Visual")]
impl VisualNode {
    /// What kind.
    async fn kind(&self) -> GqlVisualKind {
        self.0.kind.into()
    }

    /// Where it lives, for a linked visual.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// The uploaded image with its variants, for a stored visual.
    async fn image(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ImageNode>> {
        let stored = self.0.image_id.map(|id| id.0.to_string());
        image_of(ctx, stored.as_deref()).await
    }

    /// A caption or credit.
    async fn caption(&self) -> Option<&str> {
        self.0.caption.as_deref()
    }
}

/// A press kit: a link, or a file uploaded to the space.
pub(crate) struct PressKitNode(PressKit);

/// A press kit: a link to one, a PDF or ZIP stored in the space, or an audio file uploaded to
/// one of its tracks.
#[Object(name = "PressKit")]
impl PressKitNode {
    /// What it is ("EPK 2026", "One-sheet").
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Where it lives, for a linked kit.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// The uploaded document (PDF or ZIP), for a kit stored here.
    async fn document(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<crate::common::nodes::DocumentNode>> {
        let Some(id) = self.0.document_id else {
            return Ok(None);
        };
        let (_, request) = parts(ctx)?;
        Ok(request
            .loaders
            .0
            .load_one(id)
            .await?
            .map(crate::common::nodes::DocumentNode))
    }

    /// The uploaded audio file, for a kit stored as a track version (null if it was deleted
    /// since).
    async fn file(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<FileNode>> {
        let Some(id) = self.0.file_id else {
            return Ok(None);
        };
        let (_, request) = parts(ctx)?;
        Ok(request.loaders.0.load_one(id).await?.map(FileNode))
    }
}

/// The profile of an artist space (seed 002): long "about" text, social handles, press kits
/// and visuals. Change it with `updateArtistProfile`; the short `bio`, `countryCode` and
/// `links` stay on the space.
#[Object(name = "ArtistProfile")]
impl ArtistProfileNode {
    /// Long text about the artist (at most 20,000 characters).
    async fn about(&self) -> Option<&str> {
        self.0.about.as_deref()
    }

    /// Social handles, in the order given.
    async fn socials(&self) -> Vec<SocialHandleNode> {
        self.0
            .socials
            .iter()
            .map(|social| SocialHandleNode {
                platform: social.platform.clone(),
                handle: social.handle.clone(),
                url: social.url.clone(),
            })
            .collect()
    }

    /// Press kits, in the order given.
    async fn press_kits(&self) -> Vec<PressKitNode> {
        self.0.press_kits.iter().cloned().map(PressKitNode).collect()
    }

    /// Visuals, in the order given.
    async fn visuals(&self) -> Vec<VisualNode> {
        self.0.visuals.iter().cloned().map(VisualNode).collect()
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

impl From<(Organization, OrgRole)> for OrganizationNode {
    fn from((organization, role): (Organization, OrgRole)) -> Self {
        Self(organization, role)
    }
}

impl OrganizationNode {
    /// The id its cursor carries.
    pub(crate) fn cursor_id(&self) -> uuid::Uuid {
        self.0.id.0
    }
}

/// A label or other organization (seed 002, seed 004 Label) that keeps a roster of artist
/// spaces. Visible to its members only.
#[Object(name = "Organization")]
impl OrganizationNode {
    /// Global id (`org_…`).
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::Organization, self.0.id.0)
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// URL slug, unique among organizations.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Your role in it.
    async fn viewer_role(&self) -> GqlOrgRole {
        self.1.into()
    }

    /// Its members, owners first.
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrgMemberNode>> {
        let (app, request) = parts(ctx)?;
        let members = backline_application::creators::organization_members(&app.creators, &request.actor, self.0.id)
            .await
            .gql()?;
        Ok(members.into_iter().map(OrgMemberNode).collect())
    }

    /// Its roster: ACTIVE spaces by default; pass statuses to see pending, declined or removed
    /// entries too.
    async fn roster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which entries (default: ACTIVE).")] statuses: Option<Vec<GqlRosterStatus>>,
    ) -> async_graphql::Result<Vec<RosterEntryNode>> {
        let (app, request) = parts(ctx)?;
        let statuses: Vec<RosterStatus> = statuses
            .unwrap_or_else(|| vec![GqlRosterStatus::Active])
            .into_iter()
            .map(RosterStatus::from)
            .collect();
        let entries =
            backline_application::creators::organization_roster(&app.creators, &request.actor, self.0.id, &statuses)
                .await
                .gql()?;
        roster_nodes(ctx, entries).await
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// One member of an organization.
pub(crate) struct OrgMemberNode(pub(crate) OrgMember);

/// A person in an organization, with their role.
#[Object(name = "OrganizationMember")]
impl OrgMemberNode {
    /// The person.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<UserNode> {
        crate::common::owner::owner(ctx, self.0.user_id).await
    }

    /// Their role.
    async fn role(&self) -> GqlOrgRole {
        self.0.role.into()
    }

    /// When they joined.
    async fn joined_at(&self) -> DateTime<Utc> {
        self.0.joined_at
    }
}

/// Roster entries with their names loaded once.
pub(crate) async fn roster_nodes(
    ctx: &Context<'_>,
    entries: Vec<RosterEntry>,
) -> async_graphql::Result<Vec<RosterEntryNode>> {
    let (app, _) = parts(ctx)?;
    let (organizations, spaces) = backline_application::creators::roster_names(&app.creators, &entries)
        .await
        .gql()?;
    let names = Arc::new(RosterNames { organizations, spaces });
    Ok(entries
        .into_iter()
        .map(|entry| RosterEntryNode(entry, Arc::clone(&names)))
        .collect())
}

/// An organization's request for an artist space, and where it stands. Seen by the
/// organization's members and the space's owner.
#[Object(name = "RosterEntry")]
impl RosterEntryNode {
    /// Global id (`ros_…`), for `acceptRosterRequest`, `declineRosterRequest` and
    /// `removeFromRoster`.
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::RosterEntry, self.0.id)
    }

    /// The organization's id.
    async fn organization_id(&self) -> ID {
        encode(Kind::Organization, self.0.organization_id.0)
    }

    /// The organization's name.
    async fn organization_name(&self) -> String {
        self.1
            .organizations
            .get(&self.0.organization_id)
            .cloned()
            .unwrap_or_default()
    }

    /// The space's id.
    async fn artist_space_id(&self) -> ID {
        encode(Kind::ArtistSpace, self.0.artist_space_id.0)
    }

    /// The space itself, when you can read it (the space's people, and the organization's
    /// owners and admins while it is ACTIVE); null otherwise.
    async fn artist_space(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::common::nodes::ArtistSpaceNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request
            .loaders
            .0
            .load_one(self.0.artist_space_id)
            .await?
            .map(crate::common::nodes::ArtistSpaceNode))
    }

    /// The space's name.
    async fn artist_space_name(&self) -> String {
        self.1.spaces.get(&self.0.artist_space_id).cloned().unwrap_or_default()
    }

    /// Where it stands.
    async fn status(&self) -> GqlRosterStatus {
        self.0.status.into()
    }

    /// Who asked.
    async fn requested_by(&self, ctx: &Context<'_>) -> async_graphql::Result<UserNode> {
        crate::common::owner::owner(ctx, self.0.requested_by).await
    }

    /// When it was asked.
    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.requested_at
    }

    /// When it was last answered or ended.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
}
