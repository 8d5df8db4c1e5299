//! Labels (seed 002 organization, seed 004 Label): organizations with OWNER, ADMIN and MEMBER
//! members keep a roster of artist spaces. An organization's owners and admins ask to roster a
//! space; the space's OWNER accepts or declines; while the space is on the roster the
//! organization's owners and admins act as ADMIN on it (never OWNER). Either side can end it,
//! and access ends with it, live subscriptions included.

use backline_domain::ids::{ArtistSpaceId, OrganizationId, UserId};
use backline_domain::notifications::NotificationType;
use backline_domain::organizations::{OrgMember, OrgRole, Organization, RosterEntry, RosterStatus};
use backline_domain::roles::Role;
use backline_domain::values::{Name, Slug};

use super::Creators;
use crate::Actor;
use crate::access::effective_role;
use crate::error::{AppError, AppResult};
use crate::identity::require_pro;
use crate::notifications::{About, pointing_at, prepare};
use crate::ports::RepoError;
use crate::workspace::resource::load_space;
use crate::workspace::{SpaceLookup, find_artist_space, find_space_unchecked};

/// Tries at finding a free derived slug.
const SLUG_TRIES: u32 = 20;

/// How a client names an organization.
#[derive(Debug, Clone)]
pub enum OrgLookup {
    /// By id.
    Id(OrganizationId),
    /// By slug.
    Slug(String),
}

/// Creates an organization with the caller as its OWNER. A chosen slug needs the caller on PRO
/// or higher; otherwise it is derived from the name (with a numeric suffix when taken).
pub async fn create_organization(
    creators: &Creators,
    actor: &Actor,
    name: &str,
    slug: Option<&str>,
) -> AppResult<Organization> {
    let user = actor.require()?;
    let name = Name::parse(name, "name")?.as_str().to_owned();
    let now = creators.clock.now();
    let chosen = match slug {
        Some(raw) => {
            let slug = Slug::parse(raw)?;
            require_pro(&creators.access, user, "custom slugs", "you are").await?;
            Some(slug)
        }
        None => None,
    };
    let base = Slug::from_name(&name);
    for attempt in 1..=SLUG_TRIES {
        let slug = match &chosen {
            Some(slug) => slug.clone(),
            None if attempt == 1 => base.clone(),
            None => base.with_suffix(attempt),
        };
        let organization = Organization {
            id: OrganizationId(creators.ids.uuid()),
            name: name.clone(),
            slug: slug.as_str().to_owned(),
            created_by: user,
            created_at: now,
        };
        let owner = OrgMember {
            organization_id: organization.id,
            user_id: user,
            role: OrgRole::Owner,
            joined_at: now,
        };
        match creators.organizations.insert(&organization, &owner).await {
            Ok(()) => return Ok(organization),
            Err(RepoError::Duplicate(_)) if chosen.is_some() => {
                return Err(AppError::conflict("slug", "this slug is taken; choose another"));
            }
            Err(RepoError::Duplicate(_)) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(AppError::conflict(
        "name",
        "no free slug could be derived from this name; choose a slug",
    ))
}

/// The caller's membership of an organization; `NOT_FOUND` for non-members (organizations are
/// visible to their members only).
async fn membership(creators: &Creators, actor: &Actor, organization: OrganizationId) -> AppResult<OrgMember> {
    let user = actor.require()?;
    creators
        .organizations
        .member(organization, user)
        .await?
        .ok_or(AppError::NotFound("organization"))
}

/// The caller's membership, which must be OWNER or ADMIN.
async fn managing(creators: &Creators, actor: &Actor, organization: OrganizationId) -> AppResult<OrgMember> {
    let member = membership(creators, actor, organization).await?;
    if !member.role.manages_roster() {
        return Err(AppError::Forbidden(format!(
            "only the organization's owners and admins may do this; your role is {}",
            member.role
        )));
    }
    Ok(member)
}

/// An organization the caller belongs to, with their role.
pub async fn find_organization(
    creators: &Creators,
    actor: &Actor,
    lookup: OrgLookup,
) -> AppResult<(Organization, OrgRole)> {
    actor.require()?;
    let found = match lookup {
        OrgLookup::Id(id) => creators.organizations.by_id(id).await?,
        OrgLookup::Slug(slug) => creators.organizations.by_slug(&slug.to_lowercase()).await?,
    };
    let organization = found.ok_or(AppError::NotFound("organization"))?;
    let member = membership(creators, actor, organization.id).await?;
    Ok((organization, member.role))
}

/// The organizations the caller belongs to, with their role, by name.
pub async fn my_organizations(creators: &Creators, actor: &Actor) -> AppResult<Vec<(Organization, OrgRole)>> {
    let user = actor.require()?;
    Ok(creators.organizations.of_user(user).await?)
}

/// An organization's members (for its members), owners first.
pub async fn organization_members(
    creators: &Creators,
    actor: &Actor,
    organization: OrganizationId,
) -> AppResult<Vec<OrgMember>> {
    membership(creators, actor, organization).await?;
    Ok(creators.organizations.members(organization).await?)
}

/// Whether removing or demoting `member` would leave the organization without an owner.
async fn last_owner(creators: &Creators, member: &OrgMember) -> AppResult<bool> {
    if member.role != OrgRole::Owner {
        return Ok(false);
    }
    let owners = creators
        .organizations
        .members(member.organization_id)
        .await?
        .iter()
        .filter(|other| other.role == OrgRole::Owner)
        .count();
    Ok(owners <= 1)
}

/// Checks that `acting` may change `target` (currently `current`, to become `role`): owners
/// change anyone; admins only add or remove plain members.
fn may_manage(acting: &OrgMember, current: Option<OrgRole>, role: Option<OrgRole>) -> AppResult<()> {
    if acting.role == OrgRole::Owner {
        return Ok(());
    }
    let touches_managers = current.is_some_and(OrgRole::manages_roster) || role.is_some_and(OrgRole::manages_roster);
    if acting.role == OrgRole::Admin && !touches_managers {
        return Ok(());
    }
    Err(AppError::Forbidden(format!(
        "your role {} may not change owners or admins; ask an owner",
        acting.role
    )))
}

/// Adds a member or changes their role. Owners manage everyone; admins add plain members. The
/// last owner cannot be demoted.
pub async fn set_organization_member(
    creators: &Creators,
    actor: &Actor,
    organization: OrganizationId,
    user: UserId,
    role: OrgRole,
) -> AppResult<OrgMember> {
    let acting = managing(creators, actor, organization).await?;
    if creators.access.users.find(user).await?.is_none() {
        return Err(AppError::NotFound("user"));
    }
    let current = creators.organizations.member(organization, user).await?;
    may_manage(&acting, current.as_ref().map(|member| member.role), Some(role))?;
    if let Some(member) = &current
        && role != OrgRole::Owner
        && last_owner(creators, member).await?
    {
        return Err(AppError::conflict("role", "an organization keeps at least one owner"));
    }
    let member = OrgMember {
        organization_id: organization,
        user_id: user,
        role,
        joined_at: current.map_or_else(|| creators.clock.now(), |member| member.joined_at),
    };
    creators.organizations.set_member(&member).await?;
    Ok(member)
}

/// Removes a member (owners: anyone; admins: plain members; anyone may leave). The last owner
/// cannot leave. Their ADMIN access to rostered spaces ends at once.
pub async fn remove_organization_member(
    creators: &Creators,
    actor: &Actor,
    organization: OrganizationId,
    user: UserId,
) -> AppResult<UserId> {
    let acting = membership(creators, actor, organization).await?;
    let target = creators
        .organizations
        .member(organization, user)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    if acting.user_id != user {
        if !acting.role.manages_roster() {
            return Err(AppError::Forbidden("members may only remove themselves".into()));
        }
        may_manage(&acting, Some(target.role), None)?;
    }
    if last_owner(creators, &target).await? {
        return Err(AppError::conflict(
            "userId",
            "an organization keeps at least one owner; make someone else owner first",
        ));
    }
    creators.organizations.remove_member(organization, user).await?;
    Ok(user)
}

/// An organization asks to roster a space (its OWNERs and ADMINs). The space is named by its
/// public slug (or an active alias's), or by id when the caller can read it: a private space
/// asked for by id answers exactly as one that does not exist, and its owner hears nothing.
/// The owner hears NEW_INVITE and answers with `accept_roster_request` or
/// `decline_roster_request`. Asking again after a refusal or a departure is allowed.
pub async fn request_roster(
    creators: &Creators,
    actor: &Actor,
    organization: OrganizationId,
    space: SpaceLookup,
) -> AppResult<RosterEntry> {
    let acting = managing(creators, actor, organization).await?;
    let space = match space {
        SpaceLookup::Slug(_) => find_space_unchecked(&creators.spaces, space).await?,
        SpaceLookup::Id(_) | SpaceLookup::ShortId(_) => find_artist_space(&creators.spaces, actor, space).await?,
    };
    let now = creators.clock.now();
    let asked = RosterEntry {
        id: creators.ids.uuid(),
        organization_id: organization,
        artist_space_id: space.id,
        status: RosterStatus::Pending,
        requested_by: acting.user_id,
        requested_at: now,
        decided_at: None,
    };
    let org = creators
        .organizations
        .by_id(organization)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    let about = About {
        kind: NotificationType::NewInvite,
        sender: Some(acting.user_id),
        target: None,
        pointer: asked.id,
        headline: format!("asks to add “{}” to the roster of {}", space.name, org.name),
        slug: format!("/s/{}/settings/labels", space.slug),
        dedupe: None,
    };
    let ask = prepare(&creators.notifier, &about, [space.owner_id]).await?;
    // The entry a refusal or departure left is reopened: the notification points at it.
    let pointing = |entry: &RosterEntry| pointing_at(&ask, entry.id);
    creators
        .organizations
        .request(&asked, &pointing)
        .await?
        .ok_or_else(|| AppError::conflict("artistSpaceId", "this space is already on the roster or asked for"))
}

/// Whether the caller is the OWNER of the space.
async fn space_owner(creators: &Creators, actor: &Actor, space: ArtistSpaceId) -> AppResult<()> {
    let path = load_space(&creators.access, space).await?.path();
    match effective_role(&creators.access, actor, path).await? {
        Some(Role::Owner) => Ok(()),
        Some(_) => Err(AppError::Forbidden(
            "only the space's owner answers roster requests".into(),
        )),
        None => Err(AppError::NotFound("roster request")),
    }
}

async fn entry(creators: &Creators, id: uuid::Uuid) -> AppResult<RosterEntry> {
    creators
        .organizations
        .roster_entry(id)
        .await?
        .ok_or(AppError::NotFound("roster request"))
}

/// The space's owner accepts a pending request: the organization's owners and admins act as
/// ADMIN on the space from now on. The one who asked hears INVITE_ACCEPTED.
pub async fn accept_roster_request(creators: &Creators, actor: &Actor, id: uuid::Uuid) -> AppResult<RosterEntry> {
    let user = actor.require()?;
    let asked = entry(creators, id).await?;
    space_owner(creators, actor, asked.artist_space_id).await?;
    let space = load_space(&creators.access, asked.artist_space_id).await?;
    let about = About {
        kind: NotificationType::InviteAccepted,
        sender: Some(user),
        target: None,
        pointer: asked.id,
        headline: format!("added “{}” to your organization's roster", space.name),
        slug: format!("/s/{}", space.slug),
        dedupe: None,
    };
    let notifications = prepare(&creators.notifier, &about, [asked.requested_by]).await?;
    creators
        .organizations
        .move_roster(
            id,
            &[RosterStatus::Pending],
            RosterStatus::Active,
            creators.clock.now(),
            &notifications,
        )
        .await?
        .ok_or_else(|| AppError::conflict("id", "this request is no longer pending"))
}

/// The space's owner declines a pending request.
pub async fn decline_roster_request(creators: &Creators, actor: &Actor, id: uuid::Uuid) -> AppResult<RosterEntry> {
    actor.require()?;
    let asked = entry(creators, id).await?;
    space_owner(creators, actor, asked.artist_space_id).await?;
    creators
        .organizations
        .move_roster(
            id,
            &[RosterStatus::Pending],
            RosterStatus::Declined,
            creators.clock.now(),
            &[],
        )
        .await?
        .ok_or_else(|| AppError::conflict("id", "this request is no longer pending"))
}

/// Ends a roster entry (pending or active): the space's owner, or the organization's owners and
/// admins. The organization's access to the space ends at once.
pub async fn remove_from_roster(creators: &Creators, actor: &Actor, id: uuid::Uuid) -> AppResult<RosterEntry> {
    let user = actor.require()?;
    let current = entry(creators, id).await?;
    let org_side = creators
        .organizations
        .member(current.organization_id, user)
        .await?
        .is_some_and(|member| member.role.manages_roster());
    if !org_side {
        space_owner(creators, actor, current.artist_space_id).await?;
    }
    creators
        .organizations
        .move_roster(
            id,
            &[RosterStatus::Pending, RosterStatus::Active],
            RosterStatus::Removed,
            creators.clock.now(),
            &[],
        )
        .await?
        .ok_or_else(|| AppError::conflict("id", "this space is not on the roster"))
}

/// An organization's roster (for its members): entries with one of `statuses`.
pub async fn organization_roster(
    creators: &Creators,
    actor: &Actor,
    organization: OrganizationId,
    statuses: &[RosterStatus],
) -> AppResult<Vec<RosterEntry>> {
    membership(creators, actor, organization).await?;
    Ok(creators.organizations.roster(organization, statuses).await?)
}

/// The organizations that asked for or hold a space (for the space's OWNER): pending and
/// active entries.
pub async fn rosters_of_space(creators: &Creators, actor: &Actor, space: ArtistSpaceId) -> AppResult<Vec<RosterEntry>> {
    space_owner(creators, actor, space).await?;
    Ok(creators
        .organizations
        .rosters_of_space(space, &[RosterStatus::Pending, RosterStatus::Active])
        .await?)
}

/// Names of organizations and spaces on roster entries the caller already read.
pub async fn roster_names(
    creators: &Creators,
    entries: &[RosterEntry],
) -> AppResult<(
    std::collections::HashMap<OrganizationId, String>,
    std::collections::HashMap<ArtistSpaceId, String>,
)> {
    let mut orgs: Vec<OrganizationId> = entries.iter().map(|entry| entry.organization_id).collect();
    orgs.sort_unstable();
    orgs.dedup();
    let mut spaces: Vec<ArtistSpaceId> = entries.iter().map(|entry| entry.artist_space_id).collect();
    spaces.sort_unstable();
    spaces.dedup();
    let org_names = creators
        .organizations
        .many(&orgs)
        .await?
        .into_iter()
        .map(|org| (org.id, org.name))
        .collect();
    let space_names = creators
        .access
        .workspace
        .spaces(&spaces)
        .await?
        .into_iter()
        .map(|space| (space.id, space.name))
        .collect();
    Ok((org_names, space_names))
}

/// A roster entry, for the organization's members and the space's people; `NOT_FOUND` for
/// anyone else.
pub async fn find_roster_entry(creators: &Creators, actor: &Actor, id: uuid::Uuid) -> AppResult<RosterEntry> {
    let found = entry(creators, id).await?;
    if membership(creators, actor, found.organization_id).await.is_ok() {
        return Ok(found);
    }
    let path = load_space(&creators.access, found.artist_space_id)
        .await
        .map_err(|_| AppError::NotFound("roster request"))?
        .path();
    match effective_role(&creators.access, actor, path).await? {
        Some(_) => Ok(found),
        None => Err(AppError::NotFound("roster request")),
    }
}

#[cfg(test)]
mod tests {
    use backline_domain::roles::Plan;

    use super::*;
    use crate::ports::{Event, UserRepository};
    use crate::testing::world::World;

    /// A label created by a new account `name`, who is its OWNER.
    async fn label(world: &World, name: &str) -> AppResult<(UserId, Organization)> {
        let founder = world.person(name, None);
        let organization =
            create_organization(&world.creators, &World::actor(founder), "Night Shift Records", None).await?;
        Ok((founder, organization))
    }

    #[tokio::test]
    async fn a_label_is_created_with_its_owner_and_a_free_derived_slug() -> AppResult<()> {
        let world = World::new();
        let (founder, first) = label(&world, "founder").await?;
        assert_eq!(first.slug, "night-shift-records");
        let members = organization_members(&world.creators, &World::actor(founder), first.id).await?;
        let roles: Vec<(UserId, OrgRole)> = members.iter().map(|member| (member.user_id, member.role)).collect();
        assert_eq!(roles, vec![(founder, OrgRole::Owner)]);
        let (_, second) = label(&world, "another").await?;
        assert_eq!(
            second.slug, "night-shift-records-2",
            "a taken derived slug takes a suffix"
        );

        let chooser = World::actor(founder);
        let chosen = create_organization(&world.creators, &chooser, "Day Shift", Some("day-shift")).await;
        assert!(matches!(chosen, Err(AppError::PlanRequired { .. })), "{chosen:?}");
        world.users.set_plan(founder, Plan::Pro).await?;
        create_organization(&world.creators, &chooser, "Day Shift", Some("day-shift")).await?;
        let taken = create_organization(&world.creators, &chooser, "Other", Some("day-shift")).await;
        assert!(
            matches!(&taken, Err(AppError::Conflict { field: Some(field), .. }) if field == "slug"),
            "{taken:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn members_see_the_label_others_do_not_and_admins_add_only_members() -> AppResult<()> {
        let world = World::new();
        let (founder, org) = label(&world, "founder").await?;
        let admin = world.person("admin", None);
        let member = world.person("member", None);
        let outsider = world.person("outsider", None);
        set_organization_member(&world.creators, &World::actor(founder), org.id, admin, OrgRole::Admin).await?;
        let seen = find_organization(&world.creators, &World::actor(outsider), OrgLookup::Id(org.id)).await;
        assert!(matches!(seen, Err(AppError::NotFound("organization"))), "{seen:?}");
        let as_admin = World::actor(admin);
        set_organization_member(&world.creators, &as_admin, org.id, member, OrgRole::Member).await?;
        let promote = set_organization_member(&world.creators, &as_admin, org.id, outsider, OrgRole::Admin).await;
        assert!(matches!(promote, Err(AppError::Forbidden(_))), "{promote:?}");
        let by_member = set_organization_member(
            &world.creators,
            &World::actor(member),
            org.id,
            outsider,
            OrgRole::Member,
        )
        .await;
        assert!(matches!(by_member, Err(AppError::Forbidden(_))), "{by_member:?}");
        let demote_last =
            set_organization_member(&world.creators, &World::actor(founder), org.id, founder, OrgRole::Admin).await;
        assert!(matches!(demote_last, Err(AppError::Conflict { .. })), "{demote_last:?}");
        let leave_last = remove_organization_member(&world.creators, &World::actor(founder), org.id, founder).await;
        assert!(matches!(leave_last, Err(AppError::Conflict { .. })), "{leave_last:?}");
        let roles: Vec<(UserId, OrgRole)> = world
            .organizations
            .memberships()
            .iter()
            .filter(|held| held.organization_id == org.id)
            .map(|held| (held.user_id, held.role))
            .collect();
        assert_eq!(
            roles,
            vec![
                (founder, OrgRole::Owner),
                (admin, OrgRole::Admin),
                (member, OrgRole::Member)
            ]
        );
        Ok(())
    }

    #[tokio::test]
    async fn an_accepted_roster_makes_the_labels_admins_space_admins_until_it_ends() -> AppResult<()> {
        let world = World::new();
        let (founder, org) = label(&world, "founder").await?;
        let space = world.space.path();
        let as_founder = World::actor(founder);
        assert_eq!(effective_role(&world.creators.access, &as_founder, space).await?, None);

        let asked = request_roster(
            &world.creators,
            &as_founder,
            org.id,
            SpaceLookup::Slug(world.space.slug.clone()),
        )
        .await?;
        assert_eq!(asked.status, RosterStatus::Pending);
        let told: Vec<(UserId, NotificationType)> = world
            .organizations
            .notifications()
            .iter()
            .map(|notification| (notification.recipient_id, notification.kind))
            .collect();
        assert_eq!(told, vec![(world.owner, NotificationType::NewInvite)]);
        assert_eq!(
            effective_role(&world.creators.access, &as_founder, space).await?,
            None,
            "no access while the request is pending"
        );
        let twice = request_roster(
            &world.creators,
            &as_founder,
            org.id,
            SpaceLookup::Slug(world.space.slug.clone()),
        )
        .await;
        assert!(matches!(twice, Err(AppError::Conflict { .. })), "{twice:?}");
        let self_accept = accept_roster_request(&world.creators, &as_founder, asked.id).await;
        assert!(matches!(self_accept, Err(AppError::NotFound(_))), "{self_accept:?}");

        let accepted = accept_roster_request(&world.creators, &World::actor(world.owner), asked.id).await?;
        assert_eq!(accepted.status, RosterStatus::Active);
        assert_eq!(
            effective_role(&world.creators.access, &as_founder, space).await?,
            Some(Role::Admin),
            "the label's owner acts as ADMIN, never OWNER"
        );

        let ended = remove_from_roster(&world.creators, &as_founder, asked.id).await?;
        assert_eq!(ended.status, RosterStatus::Removed);
        assert_eq!(effective_role(&world.creators.access, &as_founder, space).await?, None);
        assert!(
            world
                .organizations
                .events()
                .iter()
                .any(|event| matches!(event, Event::AccessChanged { user } if *user == founder)),
            "live subscriptions hear that the access ended"
        );
        let again = request_roster(
            &world.creators,
            &as_founder,
            org.id,
            SpaceLookup::Slug(world.space.slug.clone()),
        )
        .await?;
        assert_eq!(
            (again.id, again.status),
            (asked.id, RosterStatus::Pending),
            "asking again reopens the entry"
        );
        Ok(())
    }
}
