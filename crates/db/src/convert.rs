//! Conversions between rows and domain values. Stored enum names are the domain's `as_str`.

use anyhow::anyhow;
use backline_application::ports::RepoError;
use backline_domain::access::ResourceKind;
use backline_domain::identity::{Session, Subscription, User};
use backline_domain::ids::UserId;
use backline_domain::roles::{AuthMethod, BillingCycle, Plan, PlatformRole, Role, SubscriptionStatus};
use backline_domain::values::SlugType;
use backline_domain::workspace::{
    ArtistSpace, Collaborator, MembershipStatus, Project, ProjectStatus, Track, TrackStatus,
};

use crate::entities::{artist_spaces, collaborators, projects, sessions, subscriptions, tracks, users};

pub(crate) fn parse<T>(value: &str, what: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, RepoError> {
    parse(value).ok_or_else(|| RepoError::Unknown(anyhow!("stored {what} '{value}' is not known")))
}

pub(crate) fn resource_kind_str(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::ArtistSpace => "ARTIST_SPACE",
        ResourceKind::Project => "PROJECT",
        ResourceKind::Track => "TRACK",
        ResourceKind::File => "FILE",
        ResourceKind::Comment => "COMMENT",
    }
}

pub(crate) fn resource_kind(value: &str) -> Option<ResourceKind> {
    ResourceKind::ALL
        .into_iter()
        .find(|kind| resource_kind_str(*kind) == value)
}

pub(crate) fn user(model: users::Model) -> Result<User, RepoError> {
    Ok(User {
        id: model.id.into(),
        email: model.email,
        username: model.username,
        image: model.image,
        auth_method: parse(&model.auth_method, "auth method", AuthMethod::parse)?,
        is_verified: model.is_verified,
        country_code: model.country_code,
        platform_role: parse(&model.platform_role, "platform role", PlatformRole::parse)?,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}

pub(crate) fn subscription(model: subscriptions::Model) -> Result<Subscription, RepoError> {
    Ok(Subscription {
        user_id: model.user_id.into(),
        plan: parse(&model.plan, "plan", Plan::parse)?,
        status: parse(&model.status, "subscription status", SubscriptionStatus::parse)?,
        billing_cycle: model
            .billing_cycle
            .as_deref()
            .map(|cycle| parse(cycle, "billing cycle", BillingCycle::parse))
            .transpose()?,
        current_period_end: model.current_period_end,
        storage_used: model.storage_used,
        created_at: model.created_at,
    })
}

pub(crate) fn session(model: sessions::Model) -> Session {
    Session {
        id: model.id.into(),
        user_id: model.user_id.into(),
        user_agent: model.user_agent,
        ip: model.ip,
        created_at: model.created_at,
        last_active_at: model.last_active_at,
        expires_at: model.expires_at,
        revoked_at: model.revoked_at,
    }
}

pub(crate) fn space(model: artist_spaces::Model) -> Result<ArtistSpace, RepoError> {
    Ok(ArtistSpace {
        id: model.id.into(),
        short_id: model.short_id,
        slug: model.slug,
        slug_type: parse(&model.slug_type, "slug type", SlugType::parse)?,
        name: model.name,
        image: model.image,
        bio: model.bio,
        country_code: model.country_code,
        links: serde_json::from_str(&model.links).map_err(|error| RepoError::Unknown(error.into()))?,
        owner_id: model.owner_id.into(),
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}

pub(crate) fn project(model: projects::Model) -> Result<Project, RepoError> {
    Ok(Project {
        id: model.id.into(),
        short_id: model.short_id,
        slug: model.slug,
        slug_type: parse(&model.slug_type, "slug type", SlugType::parse)?,
        name: model.name,
        image: model.image,
        description: model.description,
        artist_space_id: model.artist_space_id.into(),
        owner_id: model.owner_id.into(),
        status: parse(&model.status, "project status", ProjectStatus::parse)?,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}

pub(crate) fn track(model: tracks::Model) -> Result<Track, RepoError> {
    Ok(Track {
        id: model.id.into(),
        short_id: model.short_id,
        slug: model.slug,
        slug_type: parse(&model.slug_type, "slug type", SlugType::parse)?,
        title: model.title,
        project_id: model.project_id.into(),
        artist_space_id: model.artist_space_id.into(),
        owner_id: model.owner_id.into(),
        status: parse(&model.status, "track status", TrackStatus::parse)?,
        is_public: model.is_public,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}

pub(crate) fn collaborator(model: collaborators::Model) -> Result<Collaborator, RepoError> {
    Ok(Collaborator {
        id: model.id.into(),
        resource_id: model.resource_id,
        resource_kind: parse(&model.resource_kind, "resource kind", resource_kind)?,
        user_id: model.user_id.into(),
        role: parse(&model.role, "role", Role::parse)?,
        status: parse(&model.status, "membership status", MembershipStatus::parse)?,
        added_at: model.added_at,
        joined_at: model
            .joined_at
            .ok_or_else(|| RepoError::Unknown(anyhow!("collaborator {} has no join date", model.id)))?,
        removed_at: model.removed_at,
        removed_by: model.removed_by.map(UserId),
    })
}

pub(crate) fn collaborator_row(collaborator: &Collaborator) -> collaborators::ActiveModel {
    use sea_orm::ActiveValue::Set;
    collaborators::ActiveModel {
        id: Set(collaborator.id.0),
        resource_id: Set(collaborator.resource_id),
        resource_kind: Set(resource_kind_str(collaborator.resource_kind).to_owned()),
        user_id: Set(collaborator.user_id.0),
        role: Set(collaborator.role.as_str().to_owned()),
        added_at: Set(collaborator.added_at),
        status: Set(collaborator.status.as_str().to_owned()),
        joined_at: Set(Some(collaborator.joined_at)),
        removed_at: Set(collaborator.removed_at),
        removed_by: Set(collaborator.removed_by.map(|user| user.0)),
    }
}

/// Collects converted rows, failing on the first bad one.
pub(crate) fn all<M, T>(rows: Vec<M>, convert: impl Fn(M) -> Result<T, RepoError>) -> Result<Vec<T>, RepoError> {
    rows.into_iter().map(convert).collect()
}
