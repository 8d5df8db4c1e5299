//! Invite links (seed 000 Link): OWNER and ADMIN of a space, project or track create a link
//! granting a role no higher than their own; any signed-in user who opens it joins with that
//! role, until it expires, is revoked or has been used as often as it allows.

use std::collections::HashMap;

use backline_domain::access::ResourceKind;
use backline_domain::identity::User;
use backline_domain::ids::{CollaboratorId, InviteLinkId, UserId};
use backline_domain::notifications::{Notification, NotificationType};
use backline_domain::roles::Role;
use backline_domain::sharing::{InviteLink, LinkRefusal, is_short_code, link_limits, link_role, short_code_from};
use backline_domain::workspace::{Collaborator, ResourcePath};
use chrono::{DateTime, SubsecRound, Utc};

use super::Sharing;
use crate::Actor;
use crate::error::{AppError, AppResult, NotFoundAs};
use crate::notifications::{About, prepare};
use crate::ports::{Acceptance, RepoError};
use crate::workspace::resource::{load_project, load_space, load_track};
use crate::workspace::{ResourceRef, grantable, managed, resolve};

/// Links listed per resource.
const LINKS_LISTED: u64 = 100;
/// Tries at drawing an unused short code.
const CODE_TRIES: usize = 5;

/// A new invite link.
#[derive(Debug, Clone)]
pub struct CreateInviteLink {
    /// The space, project or track it opens.
    pub resource: ResourceRef,
    /// The role it grants (ADMIN, EDITOR or VIEWER; not above the creator's).
    pub role: Role,
    /// When it stops working (`None`: never).
    pub expires_at: Option<DateTime<Utc>>,
    /// How many people may join through it (`None`: no limit; otherwise 1-10,000).
    pub max_uses: Option<i32>,
}

/// What a signed-in user sees of a link before accepting it.
#[derive(Debug, Clone)]
pub struct InvitePreview {
    /// The link.
    pub link: InviteLink,
    /// The name or title of the space, project or track.
    pub resource_name: String,
    /// Who created the link.
    pub inviter: Option<User>,
    /// Why it no longer works, if it does not.
    pub refusal: Option<LinkRefusal>,
}

fn resource_ref(link: &InviteLink) -> AppResult<ResourceRef> {
    resource_kind_ref(link.resource_kind, link.resource_id)
}

/// The space, project or track a stored kind and id name.
pub(super) fn resource_kind_ref(kind: ResourceKind, id: uuid::Uuid) -> AppResult<ResourceRef> {
    Ok(match kind {
        ResourceKind::ArtistSpace => ResourceRef::Space(id.into()),
        ResourceKind::Project => ResourceRef::Project(id.into()),
        ResourceKind::Track => ResourceRef::Track(id.into()),
        ResourceKind::File | ResourceKind::Comment => return Err(AppError::NotFound("resource")),
    })
}

/// The space's or project's name, or the track's title.
pub(super) async fn resource_name(sharing: &Sharing, resource: ResourceRef) -> AppResult<String> {
    Ok(match resource {
        ResourceRef::Space(id) => load_space(&sharing.access, id).await?.name,
        ResourceRef::Project(id) => load_project(&sharing.access, id).await?.name,
        ResourceRef::Track(id) => load_track(&sharing.access, id).await?.title,
    })
}

/// Creates a link (OWNER or ADMIN of the resource; the role not above the caller's).
pub async fn create_invite_link(sharing: &Sharing, actor: &Actor, input: CreateInviteLink) -> AppResult<InviteLink> {
    let user = actor.require()?;
    let (path, _, granter) = managed(&sharing.access, actor, input.resource).await?;
    let role = link_role(input.role)?;
    grantable(role, granter)?;
    let now = sharing.clock.now();
    // Stored to the microsecond (PostgreSQL's precision), so what is returned is what is kept.
    let expires_at = input.expires_at.map(|at| at.trunc_subsecs(6));
    link_limits(expires_at, input.max_uses, now)?;
    for _ in 0..CODE_TRIES {
        let Some(short_code) = short_code_from(&sharing.ids.secret_token(32)) else {
            continue;
        };
        let link = InviteLink {
            id: InviteLinkId(sharing.ids.uuid()),
            owner_id: user,
            resource_id: path.id(),
            resource_kind: path.kind(),
            role,
            short_code,
            expires_at,
            max_uses: input.max_uses,
            use_count: 0,
            revoked_at: None,
            created_at: now,
        };
        match sharing.invite_links.insert(&link).await {
            Ok(()) => return Ok(link),
            Err(RepoError::Duplicate(_)) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "could not draw an unused short code in {CODE_TRIES} tries"
    )))
}

/// The link behind a short code, for a signed-in user; `NOT_FOUND` for junk or unknown codes.
async fn by_code(sharing: &Sharing, actor: &Actor, code: &str) -> AppResult<InviteLink> {
    actor.require()?;
    if !is_short_code(code) {
        return Err(AppError::NotFound("invite link"));
    }
    sharing
        .invite_links
        .by_code(code)
        .await?
        .ok_or(AppError::NotFound("invite link"))
}

/// What a link would give a signed-in user: the resource's name, the role, who invited them and
/// whether it still works. Nothing else about the resource is shown.
pub async fn invite_link_preview(sharing: &Sharing, actor: &Actor, code: &str) -> AppResult<InvitePreview> {
    let link = by_code(sharing, actor, code).await?;
    let resource_name = resource_name(sharing, resource_ref(&link)?).await?;
    let inviter = sharing.access.users.find(link.owner_id).await?;
    let refusal = link.refusal(sharing.clock.now());
    Ok(InvitePreview {
        link,
        resource_name,
        inviter,
        refusal,
    })
}

/// Joins through a link: the caller becomes a collaborator with its role (keeping a higher role
/// they hold on the same resource); repeating is harmless. An expired, revoked or used-up link
/// is refused with a `CONFLICT` naming which. The link's creator hears INVITE_ACCEPTED.
pub async fn accept_invite_link(sharing: &Sharing, actor: &Actor, code: &str) -> AppResult<Collaborator> {
    let user = actor.require()?;
    let link = by_code(sharing, actor, code).await?;
    let now = sharing.clock.now();
    if let Some(refusal) = link.refusal(now) {
        return Err(AppError::conflict("shortCode", refusal.message()));
    }
    let resource = resource_ref(&link)?;
    let (path, _) = resolve(&sharing.access, resource).await?;
    let joining = Collaborator::joining(CollaboratorId(sharing.ids.uuid()), path, user, link.role, now);
    let notifications = acceptance_notices(sharing, &link, path, user).await?;
    match sharing
        .invite_links
        .accept(link.id, &joining, now, &notifications)
        .await?
    {
        Acceptance::Joined(member) => Ok(member),
        Acceptance::Repeated(Some(member)) => Ok(member),
        // They joined through this link once and were removed since: the link does not bring
        // them back.
        Acceptance::Repeated(None) => Err(AppError::conflict(
            "shortCode",
            "you already joined through this link once; ask for a new invitation",
        )),
        Acceptance::Refused => {
            let current = sharing.invite_links.by_id(link.id).await?;
            let refusal = current
                .and_then(|link| link.refusal(sharing.clock.now()))
                .unwrap_or(LinkRefusal::UsedUp);
            Err(AppError::conflict("shortCode", refusal.message()))
        }
    }
}

/// INVITE_ACCEPTED for the link's creator, stored only if `joined` gets in.
async fn acceptance_notices(
    sharing: &Sharing,
    link: &InviteLink,
    path: ResourcePath,
    joined: UserId,
) -> AppResult<Vec<Notification>> {
    let name = match resource_ref(link) {
        Ok(resource) => resource_name(sharing, resource).await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    let about = About {
        kind: NotificationType::InviteAccepted,
        sender: Some(joined),
        target: Some(path),
        pointer: link.id.0,
        headline: format!("joined “{name}” through your invite link as {}", link.role),
        slug: "/".to_owned(),
        dedupe: Some(format!("invite:{}:{joined}", link.id)),
    };
    prepare(&sharing.notifier, &about, [link.owner_id]).await
}

/// Revokes a link at once (OWNER or ADMIN of its resource). Revoking twice is harmless.
pub async fn revoke_invite_link(sharing: &Sharing, actor: &Actor, id: InviteLinkId) -> AppResult<InviteLink> {
    actor.require()?;
    let link = sharing
        .invite_links
        .by_id(id)
        .await?
        .ok_or(AppError::NotFound("invite link"))?;
    managed(&sharing.access, actor, resource_ref(&link)?)
        .await
        .not_found_as("invite link")?;
    sharing
        .invite_links
        .revoke(id, sharing.clock.now())
        .await?
        .ok_or(AppError::NotFound("invite link"))
}

/// A resource's links, newest first (at most 100), for its OWNER and ADMINs.
pub async fn invite_links_of(sharing: &Sharing, actor: &Actor, resource: ResourceRef) -> AppResult<Vec<InviteLink>> {
    let (path, _, _) = managed(&sharing.access, actor, resource).await?;
    Ok(sharing.invite_links.for_resource(path.id(), LINKS_LISTED).await?)
}

/// Who joined through each link (for links the caller may list).
pub async fn invite_link_users(
    sharing: &Sharing,
    links: &[InviteLinkId],
) -> AppResult<HashMap<InviteLinkId, Vec<UserId>>> {
    Ok(sharing.invite_links.used_by(links).await?)
}

/// An invite link, for the OWNERs and ADMINs of its resource; `NOT_FOUND` for anyone else.
pub async fn find_invite_link(sharing: &Sharing, actor: &Actor, id: InviteLinkId) -> AppResult<InviteLink> {
    actor.require()?;
    let link = sharing
        .invite_links
        .by_id(id)
        .await?
        .ok_or(AppError::NotFound("invite link"))?;
    managed(&sharing.access, actor, resource_ref(&link)?)
        .await
        .map_err(|error| match error {
            AppError::Forbidden(_) | AppError::NotFound(_) => AppError::NotFound("invite link"),
            other => other,
        })?;
    Ok(link)
}
