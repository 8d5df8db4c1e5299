//! Email invitations (seed 002 ArtistInvitation): OWNER and ADMIN invite an address, with or
//! without an account behind it, to a space, project or track. The token travels only in the
//! email and is stored hashed; the recipient accepts while signed in with a verified address
//! that matches. One invitation per resource and address may be pending.

use backline_domain::identity::User;
use backline_domain::ids::{CollaboratorId, InvitationId};
use backline_domain::notifications::{Notification, NotificationType};
use backline_domain::roles::Role;
use backline_domain::sharing::{INVITATION_DAYS, Invitation, InvitationStatus, invitation_message, link_role};
use backline_domain::values::Email;
use backline_domain::workspace::{Collaborator, MembershipStatus, ResourcePath};

use super::Sharing;
use super::invite_links::{resource_kind_ref, resource_name};
use crate::Actor;
use crate::error::{AppError, AppResult};
use crate::identity::hash_token;
use crate::notifications::{About, prepare};
use crate::ports::{MailMessage, RepoError};
use crate::workspace::{ResourceRef, grantable, managed, resolve};

/// Bytes of randomness in an invitation token.
const TOKEN_BYTES: usize = 32;

/// A new email invitation.
#[derive(Debug, Clone)]
pub struct InviteByEmail {
    /// The space, project or track.
    pub resource: ResourceRef,
    /// The recipient's address.
    pub email: String,
    /// The role (ADMIN, EDITOR or VIEWER; not above the inviter's).
    pub role: Role,
    /// A personal note (at most 2,000 characters).
    pub message: Option<String>,
}

/// An invitation with what its viewers are shown about its resource.
#[derive(Debug, Clone)]
pub struct InvitationView {
    /// The invitation.
    pub invitation: Invitation,
    /// The space's or project's name, or the track's title.
    pub resource_name: String,
    /// Its status now (a pending one past its expiry is EXPIRED).
    pub status: InvitationStatus,
    /// The invitee's membership now: PENDING while it waits; once accepted ACTIVE while the
    /// invitee holds a role on the resource, REMOVED after they were removed or left; `None`
    /// when it was declined, revoked or expired.
    pub membership: Option<MembershipStatus>,
}

async fn view(sharing: &Sharing, invitation: Invitation) -> AppResult<InvitationView> {
    let resource_name = resource_name(
        sharing,
        resource_kind_ref(invitation.resource_kind, invitation.resource_id)?,
    )
    .await
    .unwrap_or_default();
    let status = invitation.status_at(sharing.clock.now());
    let membership = match status {
        InvitationStatus::Pending => Some(MembershipStatus::Pending),
        InvitationStatus::Accepted => Some(membership_after_acceptance(sharing, &invitation).await?),
        InvitationStatus::Declined | InvitationStatus::Revoked | InvitationStatus::Expired => None,
    };
    Ok(InvitationView {
        invitation,
        resource_name,
        status,
        membership,
    })
}

/// The stored membership of the person who accepted `invitation` (the account with its
/// address): ACTIVE while their row is, REMOVED once removed or gone.
async fn membership_after_acceptance(sharing: &Sharing, invitation: &Invitation) -> AppResult<MembershipStatus> {
    let Some(invitee) = sharing.access.users.find_by_email(&invitation.email).await? else {
        return Ok(MembershipStatus::Removed);
    };
    let row = sharing
        .access
        .collaborators
        .membership(invitation.resource_id, invitee.user.id)
        .await?;
    Ok(row.map_or(MembershipStatus::Removed, |row| row.status))
}

/// Sends the invitation email with `token`.
async fn send(sharing: &Sharing, invitation: &Invitation, inviter: &str, name: &str, token: &str) -> AppResult<()> {
    let base = sharing.settings.public_url.trim_end_matches('/');
    let note = invitation
        .message
        .as_ref()
        .map(|message| format!("\n{inviter} wrote:\n\n{message}\n"))
        .unwrap_or_default();
    let body = format!(
        "Hi,\n\n{inviter} invited you to join “{name}” on Backline as {role}.\n{note}\nAccept the invitation here (sign up first with this address if you have no account):\n\n{base}/invitations/accept?token={token}\n\nThe invitation expires on {expires}. If you did not expect it, ignore this message.\n",
        role = invitation.role,
        expires = invitation.expires_at.format("%Y-%m-%d %H:%M UTC"),
    );
    sharing
        .mailer
        .send(&MailMessage {
            to: invitation.email.clone(),
            subject: format!("{inviter} invited you to “{name}” on Backline"),
            body,
        })
        .await?;
    Ok(())
}

async fn inviter_name(sharing: &Sharing, inviter: backline_domain::ids::UserId) -> AppResult<String> {
    Ok(sharing
        .access
        .users
        .find(inviter)
        .await?
        .map_or_else(|| "Someone".to_owned(), |user| user.username))
}

/// Invites an address (OWNER or ADMIN of the resource; the role not above the caller's). The
/// recipient gets an email with the token; a user with that address also gets NEW_INVITE.
pub async fn invite_by_email(sharing: &Sharing, actor: &Actor, input: InviteByEmail) -> AppResult<InvitationView> {
    let inviter = actor.require()?;
    let (path, _, granter) = managed(&sharing.access, actor, input.resource).await?;
    let role = link_role(input.role)?;
    grantable(role, granter)?;
    let email = Email::parse(&input.email)?;
    let message = invitation_message(input.message.as_deref())?;
    let now = sharing.clock.now();
    sharing.invitations.expire_stale(path.id(), email.as_str(), now).await?;
    let token = sharing.ids.secret_token(TOKEN_BYTES);
    let invitation = Invitation {
        id: InvitationId(sharing.ids.uuid()),
        resource_id: path.id(),
        resource_kind: path.kind(),
        inviter_id: inviter,
        email: email.as_str().to_owned(),
        role,
        status: InvitationStatus::Pending,
        token_hash: hash_token(&token),
        message,
        expires_at: now + chrono::Duration::days(INVITATION_DAYS),
        created_at: now,
        updated_at: now,
    };
    let name = resource_name(sharing, input.resource).await?;
    let notifications = match sharing.access.users.find_by_email(email.as_str()).await? {
        Some(found) => {
            notices(
                sharing,
                &invitation,
                inviter,
                found.user.id,
                NotificationType::NewInvite,
                &name,
                None,
            )
            .await?
        }
        None => Vec::new(),
    };
    sharing
        .invitations
        .insert(&invitation, &notifications)
        .await
        .map_err(|error| match error {
            RepoError::Duplicate(_) => AppError::conflict(
                "email",
                "this address already has a pending invitation here; resend or revoke it",
            ),
            other => other.into(),
        })?;
    let inviter_name = inviter_name(sharing, inviter).await?;
    send(sharing, &invitation, &inviter_name, &name, &token).await?;
    view(sharing, invitation).await
}

/// The notification of `kind` about `invitation` for `recipient`.
async fn notices(
    sharing: &Sharing,
    invitation: &Invitation,
    sender: backline_domain::ids::UserId,
    recipient: backline_domain::ids::UserId,
    kind: NotificationType,
    name: &str,
    target: Option<ResourcePath>,
) -> AppResult<Vec<Notification>> {
    let headline = match kind {
        NotificationType::NewInvite => format!("invited you to “{name}” as {}", invitation.role),
        _ => format!("accepted your invitation to “{name}”"),
    };
    let about = About {
        kind,
        sender: Some(sender),
        target,
        pointer: invitation.id.0,
        headline,
        slug: "/invitations".to_owned(),
        dedupe: None,
    };
    prepare(&sharing.notifier, &about, [recipient]).await
}

/// The invitation a token belongs to, for the signed-in recipient: their verified address must
/// match it (case-insensitive).
async fn for_recipient(
    sharing: &Sharing,
    actor: &Actor,
    invitation: Option<Invitation>,
) -> AppResult<(User, Invitation)> {
    let user_id = actor.require()?;
    let invitation = invitation.ok_or(AppError::NotFound("invitation"))?;
    let user = sharing
        .access
        .users
        .find(user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if !user.email.eq_ignore_ascii_case(&invitation.email) {
        return Err(AppError::Forbidden(
            "this invitation was sent to another address; sign in with that one".into(),
        ));
    }
    if !user.is_verified {
        return Err(AppError::Forbidden(
            "verify your email address before accepting invitations".into(),
        ));
    }
    Ok((user, invitation))
}

fn not_pending(status: InvitationStatus) -> AppError {
    AppError::conflict(
        "token",
        format!(
            "this invitation is {} and can no longer be answered",
            status.as_str().to_lowercase()
        ),
    )
}

/// Accepts an invitation by its token: the caller joins with its role (keeping a higher role
/// they hold there). The inviter hears INVITE_ACCEPTED.
pub async fn accept_invitation(sharing: &Sharing, actor: &Actor, token: &str) -> AppResult<Collaborator> {
    let token = token.trim();
    if token.is_empty() || token.len() > 200 {
        return Err(AppError::NotFound("invitation"));
    }
    let found = sharing.invitations.by_token_hash(&hash_token(token)).await?;
    let (user, invitation) = for_recipient(sharing, actor, found).await?;
    let now = sharing.clock.now();
    let status = invitation.status_at(now);
    if status != InvitationStatus::Pending {
        return Err(not_pending(status));
    }
    let resource = resource_kind_ref(invitation.resource_kind, invitation.resource_id)?;
    let (path, _) = resolve(&sharing.access, resource).await?;
    let joining = Collaborator::joining(CollaboratorId(sharing.ids.uuid()), path, user.id, invitation.role, now);
    let name = resource_name(sharing, resource).await.unwrap_or_default();
    let notifications = notices(
        sharing,
        &invitation,
        user.id,
        invitation.inviter_id,
        NotificationType::InviteAccepted,
        &name,
        Some(path),
    )
    .await?;
    let Some(member) = sharing
        .invitations
        .accept(invitation.id, &joining, now, &notifications)
        .await?
    else {
        let current = sharing.invitations.by_id(invitation.id).await?;
        let status = current.map_or(InvitationStatus::Revoked, |current| {
            current.status_at(sharing.clock.now())
        });
        return Err(not_pending(status));
    };
    Ok(member)
}

/// Declines an invitation sent to the caller's address.
pub async fn decline_invitation(sharing: &Sharing, actor: &Actor, id: InvitationId) -> AppResult<InvitationView> {
    let found = sharing.invitations.by_id(id).await?;
    // Addressed by id rather than by its secret token, an invitation to someone else is
    // unknown to the caller.
    let (_, invitation) = for_recipient(sharing, actor, found)
        .await
        .map_err(|error| match error {
            AppError::Forbidden(_) => AppError::NotFound("invitation"),
            other => other,
        })?;
    answer(sharing, invitation, InvitationStatus::Declined).await
}

async fn answer(sharing: &Sharing, invitation: Invitation, status: InvitationStatus) -> AppResult<InvitationView> {
    let now = sharing.clock.now();
    let current = invitation.status_at(now);
    if current != InvitationStatus::Pending {
        return Err(not_pending(current));
    }
    if !sharing.invitations.set_status(invitation.id, status, now).await? {
        return Err(not_pending(
            sharing
                .invitations
                .by_id(invitation.id)
                .await?
                .map_or(InvitationStatus::Revoked, |found| found.status),
        ));
    }
    view(
        sharing,
        Invitation {
            status,
            updated_at: now,
            ..invitation
        },
    )
    .await
}

/// An invitation the caller may manage: they sent it, or they are OWNER or ADMIN of its
/// resource. Anyone else gets `NOT_FOUND`.
async fn managed_invitation(sharing: &Sharing, actor: &Actor, id: InvitationId) -> AppResult<Invitation> {
    let user = actor.require()?;
    let invitation = sharing
        .invitations
        .by_id(id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    if invitation.inviter_id != user {
        let resource = resource_kind_ref(invitation.resource_kind, invitation.resource_id)?;
        managed(&sharing.access, actor, resource)
            .await
            .map_err(|error| match error {
                AppError::Forbidden(_) | AppError::NotFound(_) => AppError::NotFound("invitation"),
                other => other,
            })?;
    }
    Ok(invitation)
}

/// Takes an invitation back (the inviter, OWNER or ADMIN of the resource).
pub async fn revoke_invitation(sharing: &Sharing, actor: &Actor, id: InvitationId) -> AppResult<InvitationView> {
    let invitation = managed_invitation(sharing, actor, id).await?;
    answer(sharing, invitation, InvitationStatus::Revoked).await
}

/// Sends a pending invitation again with a new token and a fresh expiry; the old token stops
/// working (the inviter, OWNER or ADMIN of the resource).
pub async fn resend_invitation(sharing: &Sharing, actor: &Actor, id: InvitationId) -> AppResult<InvitationView> {
    let invitation = managed_invitation(sharing, actor, id).await?;
    let now = sharing.clock.now();
    let status = invitation.status_at(now);
    if status != InvitationStatus::Pending {
        return Err(not_pending(status));
    }
    let token = sharing.ids.secret_token(TOKEN_BYTES);
    let expires_at = now + chrono::Duration::days(INVITATION_DAYS);
    if !sharing
        .invitations
        .rotate(invitation.id, &hash_token(&token), expires_at, now)
        .await?
    {
        return Err(not_pending(InvitationStatus::Revoked));
    }
    let invitation = Invitation {
        token_hash: hash_token(&token),
        expires_at,
        updated_at: now,
        ..invitation
    };
    let resource = resource_kind_ref(invitation.resource_kind, invitation.resource_id)?;
    let name = resource_name(sharing, resource).await?;
    let inviter = inviter_name(sharing, invitation.inviter_id).await?;
    send(sharing, &invitation, &inviter, &name, &token).await?;
    view(sharing, invitation).await
}

/// The pending invitations to the caller's address, newest first.
pub async fn my_invitations(sharing: &Sharing, actor: &Actor) -> AppResult<Vec<InvitationView>> {
    let user_id = actor.require()?;
    let user = sharing
        .access
        .users
        .find(user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let now = sharing.clock.now();
    let mut out = Vec::new();
    for invitation in sharing
        .invitations
        .pending_for_email(&user.email.to_lowercase(), now)
        .await?
    {
        out.push(view(sharing, invitation).await?);
    }
    Ok(out)
}

/// A resource's email invitations, newest first (at most 100), for its OWNER and ADMINs. Each
/// shows its status now (a pending one past its expiry is EXPIRED); the pending ones are the
/// resource's PENDING members.
pub async fn invitations_of(sharing: &Sharing, actor: &Actor, resource: ResourceRef) -> AppResult<Vec<InvitationView>> {
    let (path, _, _) = managed(&sharing.access, actor, resource).await?;
    let mut out = Vec::new();
    for invitation in sharing.invitations.for_resource(path.id(), 100).await? {
        out.push(view(sharing, invitation).await?);
    }
    Ok(out)
}

/// An invitation, for its inviter, the OWNERs and ADMINs of its resource, and its recipient
/// (by verified address); `NOT_FOUND` for anyone else.
pub async fn find_invitation(sharing: &Sharing, actor: &Actor, id: InvitationId) -> AppResult<InvitationView> {
    let user_id = actor.require()?;
    let invitation = match managed_invitation(sharing, actor, id).await {
        Ok(invitation) => invitation,
        Err(AppError::NotFound(_)) => {
            let found = sharing.invitations.by_id(id).await?;
            let user = sharing.access.users.find(user_id).await?;
            match (found, user) {
                (Some(invitation), Some(user))
                    if user.is_verified && user.email.eq_ignore_ascii_case(&invitation.email) =>
                {
                    invitation
                }
                _ => return Err(AppError::NotFound("invitation")),
            }
        }
        Err(other) => return Err(other),
    };
    view(sharing, invitation).await
}
