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

#[cfg(test)]
mod tests {
    use backline_domain::ids::UserId;

    use super::*;
    use crate::testing::world::World;
    use crate::workspace::remove_collaborator;

    /// The owner invites `email` to the track as `role`; returns the view and the token the
    /// email carried.
    async fn invite(world: &World, email: &str, role: Role) -> AppResult<(InvitationView, String)> {
        let view = invite_by_email(
            &world.sharing,
            &World::actor(world.owner),
            InviteByEmail {
                resource: ResourceRef::Track(world.track.id),
                email: email.to_owned(),
                role,
                message: Some("come and mix".to_owned()),
            },
        )
        .await?;
        let sent = world.mailer.sent();
        let Some(mail) = sent.last() else {
            return Err(AppError::Internal(anyhow::anyhow!("no invitation email was sent")));
        };
        assert_eq!(mail.to, email);
        let token = mail
            .body
            .split("token=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no token in {}", mail.body)))?;
        Ok((view, token.to_owned()))
    }

    fn rows_of(world: &World, user: UserId) -> Vec<Collaborator> {
        world
            .collaborators
            .rows()
            .into_iter()
            .filter(|row| row.user_id == user && row.resource_id == world.track.id.0)
            .collect()
    }

    #[tokio::test]
    async fn accepting_creates_an_active_row_tells_the_inviter_and_works_once() -> AppResult<()> {
        let world = World::new();
        let guest = world.person("guest", None);
        let (sent, token) = invite(&world, "guest@example.com", Role::Editor).await?;
        assert_eq!(sent.status, InvitationStatus::Pending);
        assert_eq!(sent.membership, Some(MembershipStatus::Pending));
        assert!(rows_of(&world, guest).is_empty(), "no access before accepting");
        let invited: Vec<(UserId, NotificationType)> = world
            .invitations
            .notifications()
            .iter()
            .map(|notification| (notification.recipient_id, notification.kind))
            .collect();
        assert_eq!(invited, vec![(guest, NotificationType::NewInvite)]);

        let member = accept_invitation(&world.sharing, &World::actor(guest), &token).await?;
        assert_eq!((member.status, member.role), (MembershipStatus::Active, Role::Editor));
        assert_eq!(rows_of(&world, guest), vec![member]);
        let heard: Vec<(UserId, NotificationType)> = world
            .invitations
            .notifications()
            .iter()
            .map(|notification| (notification.recipient_id, notification.kind))
            .collect();
        assert_eq!(
            heard,
            vec![
                (guest, NotificationType::NewInvite),
                (world.owner, NotificationType::InviteAccepted)
            ]
        );
        let view = find_invitation(&world.sharing, &World::actor(guest), sent.invitation.id).await?;
        assert_eq!(view.status, InvitationStatus::Accepted);
        assert_eq!(view.membership, Some(MembershipStatus::Active));

        let twice = accept_invitation(&world.sharing, &World::actor(guest), &token).await;
        assert!(matches!(twice, Err(AppError::Conflict { .. })), "{twice:?}");
        assert_eq!(rows_of(&world, guest).len(), 1, "the second accept wrote nothing");
        Ok(())
    }

    #[tokio::test]
    async fn membership_status_follows_the_row_after_removal() -> AppResult<()> {
        let world = World::new();
        let guest = world.person("guest", None);
        let (sent, token) = invite(&world, "guest@example.com", Role::Viewer).await?;
        accept_invitation(&world.sharing, &World::actor(guest), &token).await?;
        remove_collaborator(
            &world.workspace,
            &World::actor(world.owner),
            ResourceRef::Track(world.track.id),
            guest,
        )
        .await?;
        let view = find_invitation(&world.sharing, &World::actor(world.owner), sent.invitation.id).await?;
        assert_eq!(view.status, InvitationStatus::Accepted);
        assert_eq!(view.membership, Some(MembershipStatus::Removed));
        Ok(())
    }

    #[tokio::test]
    async fn someone_else_cannot_accept_or_even_see_the_invitation() -> AppResult<()> {
        let world = World::new();
        let other = world.person("other", None);
        let (sent, token) = invite(&world, "guest@example.com", Role::Editor).await?;
        let accepted = accept_invitation(&world.sharing, &World::actor(other), &token).await;
        assert!(matches!(accepted, Err(AppError::Forbidden(_))), "{accepted:?}");
        let declined = decline_invitation(&world.sharing, &World::actor(other), sent.invitation.id).await;
        assert!(
            matches!(declined, Err(AppError::NotFound("invitation"))),
            "{declined:?}"
        );
        let seen = find_invitation(&world.sharing, &World::actor(other), sent.invitation.id).await;
        assert!(matches!(seen, Err(AppError::NotFound("invitation"))), "{seen:?}");
        assert!(rows_of(&world, other).is_empty());
        let unknown = accept_invitation(&world.sharing, &World::actor(other), "not-a-token").await;
        assert!(matches!(unknown, Err(AppError::NotFound("invitation"))), "{unknown:?}");
        Ok(())
    }

    #[tokio::test]
    async fn an_expired_invitation_cannot_be_accepted() -> AppResult<()> {
        let world = World::new();
        let guest = world.person("guest", None);
        let (sent, token) = invite(&world, "guest@example.com", Role::Editor).await?;
        world
            .clock
            .advance(chrono::Duration::days(INVITATION_DAYS) + chrono::Duration::minutes(1));
        let accepted = accept_invitation(&world.sharing, &World::actor(guest), &token).await;
        assert!(
            matches!(&accepted, Err(AppError::Conflict { message, .. }) if message.contains("expired")),
            "{accepted:?}"
        );
        let view = find_invitation(&world.sharing, &World::actor(world.owner), sent.invitation.id).await?;
        assert_eq!((view.status, view.membership), (InvitationStatus::Expired, None));
        assert!(rows_of(&world, guest).is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn only_managers_invite_one_pending_invitation_per_address() -> AppResult<()> {
        let world = World::new();
        let editor = world.person("editor", Some(Role::Editor));
        let input = InviteByEmail {
            resource: ResourceRef::Track(world.track.id),
            email: "guest@example.com".to_owned(),
            role: Role::Viewer,
            message: None,
        };
        let by_editor = invite_by_email(&world.sharing, &World::actor(editor), input.clone()).await;
        assert!(matches!(by_editor, Err(AppError::Forbidden(_))), "{by_editor:?}");
        assert!(world.invitations.invitations().is_empty());
        assert!(world.mailer.sent().is_empty(), "no email for a refused invitation");

        invite(&world, "guest@example.com", Role::Viewer).await?;
        let again = invite_by_email(
            &world.sharing,
            &World::actor(world.owner),
            InviteByEmail {
                email: "Guest@Example.com".to_owned(),
                ..input
            },
        )
        .await;
        assert!(
            matches!(&again, Err(AppError::Conflict { field: Some(field), .. }) if field == "email"),
            "{again:?}"
        );
        assert_eq!(world.invitations.invitations().len(), 1);
        assert_eq!(world.mailer.sent().len(), 1);
        Ok(())
    }
}
