//! Artist profiles, and labels: organizations, their members and rosters.

use backline_application::ports::{Event, Notices, OrganizationRepository, ProfileRepository, RepoError, RepoResult};
use backline_domain::ids::{ArtistSpaceId, OrganizationId, UserId};
use backline_domain::notifications::Notification;
use backline_domain::organizations::{OrgMember, OrgRole, Organization, RosterEntry, RosterStatus};
use backline_domain::profile::ArtistProfile;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::Database;
use crate::entities::{artist_profiles, organization_members, organizations, rosters};
use crate::error::repo_error;
use crate::events::commit;

/// Profiles and organizations on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlCreatorRepository {
    db: Database,
}

impl SqlCreatorRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// Roster entries whose `column` is `id`, with one of `wanted`, newest request first.
    async fn entries(
        &self,
        column: rosters::Column,
        id: Uuid,
        wanted: &[RosterStatus],
    ) -> RepoResult<Vec<RosterEntry>> {
        rosters::Entity::find()
            .filter(column.eq(id))
            .filter(rosters::Column::Status.is_in(statuses(wanted)))
            .order_by_desc(rosters::Column::RequestedAt)
            .order_by_desc(rosters::Column::Id)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(entry)
            .collect()
    }
}

fn corrupt(what: &str, error: impl std::fmt::Display) -> RepoError {
    RepoError::Unknown(anyhow::anyhow!("stored {what} cannot be read: {error}"))
}

fn profile(model: artist_profiles::Model) -> RepoResult<ArtistProfile> {
    Ok(ArtistProfile {
        artist_space_id: model.artist_space_id.into(),
        about: model.about,
        socials: serde_json::from_str(&model.socials).map_err(|error| corrupt("socials", error))?,
        press_kits: serde_json::from_str(&model.press_kits).map_err(|error| corrupt("press kits", error))?,
        visuals: serde_json::from_str(&model.visuals).map_err(|error| corrupt("visuals", error))?,
        updated_at: model.updated_at,
    })
}

fn json<T: serde::Serialize>(value: &T) -> RepoResult<String> {
    serde_json::to_string(value).map_err(|error| RepoError::Unknown(error.into()))
}

fn organization(model: organizations::Model) -> Organization {
    Organization {
        id: OrganizationId(model.id),
        name: model.name,
        slug: model.slug,
        created_by: UserId(model.created_by),
        created_at: model.created_at,
    }
}

fn member(model: organization_members::Model) -> RepoResult<OrgMember> {
    Ok(OrgMember {
        organization_id: OrganizationId(model.organization_id),
        user_id: UserId(model.user_id),
        role: OrgRole::parse(&model.role).ok_or_else(|| corrupt("organization role", &model.role))?,
        joined_at: model.joined_at,
    })
}

fn entry(model: rosters::Model) -> RepoResult<RosterEntry> {
    Ok(RosterEntry {
        id: model.id,
        organization_id: OrganizationId(model.organization_id),
        artist_space_id: model.artist_space_id.into(),
        status: RosterStatus::parse(&model.status).ok_or_else(|| corrupt("roster status", &model.status))?,
        requested_by: UserId(model.requested_by),
        requested_at: model.requested_at,
        decided_at: model.decided_at,
    })
}

fn statuses(list: &[RosterStatus]) -> Vec<&'static str> {
    list.iter().map(|status| status.as_str()).collect()
}

#[async_trait::async_trait]
impl ProfileRepository for SqlCreatorRepository {
    async fn profiles(&self, spaces: &[ArtistSpaceId]) -> RepoResult<Vec<ArtistProfile>> {
        if spaces.is_empty() {
            return Ok(Vec::new());
        }
        artist_profiles::Entity::find()
            .filter(artist_profiles::Column::ArtistSpaceId.is_in(spaces.iter().map(|id| id.0)))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(profile)
            .collect()
    }

    async fn save(&self, saved: &ArtistProfile) -> RepoResult<()> {
        let row = artist_profiles::ActiveModel {
            artist_space_id: Set(saved.artist_space_id.0),
            about: Set(saved.about.clone()),
            socials: Set(json(&saved.socials)?),
            press_kits: Set(json(&saved.press_kits)?),
            visuals: Set(json(&saved.visuals)?),
            updated_at: Set(saved.updated_at),
        };
        artist_profiles::Entity::insert(row)
            .on_conflict(
                OnConflict::column(artist_profiles::Column::ArtistSpaceId)
                    .update_columns([
                        artist_profiles::Column::About,
                        artist_profiles::Column::Socials,
                        artist_profiles::Column::PressKits,
                        artist_profiles::Column::Visuals,
                        artist_profiles::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl OrganizationRepository for SqlCreatorRepository {
    async fn insert(&self, new: &Organization, owner: &OrgMember) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        organizations::ActiveModel {
            id: Set(new.id.0),
            name: Set(new.name.clone()),
            slug: Set(new.slug.clone()),
            created_by: Set(new.created_by.0),
            created_at: Set(new.created_at),
        }
        .insert(&txn)
        .await
        .map_err(repo_error)?;
        organization_members::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(owner.organization_id.0),
            user_id: Set(owner.user_id.0),
            role: Set(owner.role.as_str().to_owned()),
            joined_at: Set(owner.joined_at),
        }
        .insert(&txn)
        .await
        .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)
    }

    async fn by_id(&self, id: OrganizationId) -> RepoResult<Option<Organization>> {
        Ok(organizations::Entity::find_by_id(id.0)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(organization))
    }

    async fn by_slug(&self, slug: &str) -> RepoResult<Option<Organization>> {
        Ok(organizations::Entity::find()
            .filter(organizations::Column::Slug.eq(slug))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(organization))
    }

    async fn many(&self, ids: &[OrganizationId]) -> RepoResult<Vec<Organization>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(organizations::Entity::find()
            .filter(organizations::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(organization)
            .collect())
    }

    async fn member(&self, org: OrganizationId, user: UserId) -> RepoResult<Option<OrgMember>> {
        organization_members::Entity::find()
            .filter(organization_members::Column::OrganizationId.eq(org.0))
            .filter(organization_members::Column::UserId.eq(user.0))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(member)
            .transpose()
    }

    async fn members(&self, org: OrganizationId) -> RepoResult<Vec<OrgMember>> {
        let mut all = organization_members::Entity::find()
            .filter(organization_members::Column::OrganizationId.eq(org.0))
            .order_by_asc(organization_members::Column::JoinedAt)
            .order_by_asc(organization_members::Column::Id)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(member)
            .collect::<RepoResult<Vec<OrgMember>>>()?;
        all.sort_by_key(|member| std::cmp::Reverse(member.role));
        Ok(all)
    }

    async fn of_user(&self, user: UserId) -> RepoResult<Vec<(Organization, OrgRole)>> {
        let memberships = organization_members::Entity::find()
            .filter(organization_members::Column::UserId.eq(user.0))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(member)
            .collect::<RepoResult<Vec<OrgMember>>>()?;
        let ids: Vec<OrganizationId> = memberships.iter().map(|m| m.organization_id).collect();
        let mut out: Vec<(Organization, OrgRole)> = self
            .many(&ids)
            .await?
            .into_iter()
            .filter_map(|org| {
                let role = memberships.iter().find(|m| m.organization_id == org.id)?.role;
                Some((org, role))
            })
            .collect();
        out.sort_by_key(|(org, _)| org.name.to_lowercase());
        Ok(out)
    }

    async fn set_member(&self, changed: &OrgMember) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        let row = organization_members::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(changed.organization_id.0),
            user_id: Set(changed.user_id.0),
            role: Set(changed.role.as_str().to_owned()),
            joined_at: Set(changed.joined_at),
        };
        organization_members::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    organization_members::Column::OrganizationId,
                    organization_members::Column::UserId,
                ])
                .update_column(organization_members::Column::Role)
                .to_owned(),
            )
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        commit(&self.db, txn, &[Event::AccessChanged { user: changed.user_id }]).await
    }

    async fn remove_member(&self, org: OrganizationId, user: UserId) -> RepoResult<bool> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        let removed = organization_members::Entity::delete_many()
            .filter(organization_members::Column::OrganizationId.eq(org.0))
            .filter(organization_members::Column::UserId.eq(user.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        commit(&self.db, txn, &[Event::AccessChanged { user }]).await?;
        Ok(removed.rows_affected > 0)
    }

    async fn roster(&self, org: OrganizationId, wanted: &[RosterStatus]) -> RepoResult<Vec<RosterEntry>> {
        self.entries(rosters::Column::OrganizationId, org.0, wanted).await
    }

    async fn rosters_of_space(&self, space: ArtistSpaceId, wanted: &[RosterStatus]) -> RepoResult<Vec<RosterEntry>> {
        self.entries(rosters::Column::ArtistSpaceId, space.0, wanted).await
    }

    async fn roster_entry(&self, id: Uuid) -> RepoResult<Option<RosterEntry>> {
        rosters::Entity::find_by_id(id)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(entry)
            .transpose()
    }

    async fn request(&self, asked: &RosterEntry, notices: Notices<'_, RosterEntry>) -> RepoResult<Option<RosterEntry>> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // Asking again after a refusal or a departure reopens the same entry.
        let reopened = rosters::Entity::update_many()
            .col_expr(rosters::Column::Status, Expr::value(RosterStatus::Pending.as_str()))
            .col_expr(rosters::Column::RequestedBy, Expr::value(asked.requested_by.0))
            .col_expr(rosters::Column::RequestedAt, Expr::value(asked.requested_at))
            .col_expr(
                rosters::Column::DecidedAt,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
            .filter(rosters::Column::OrganizationId.eq(asked.organization_id.0))
            .filter(rosters::Column::ArtistSpaceId.eq(asked.artist_space_id.0))
            .filter(rosters::Column::Status.is_in(statuses(&[RosterStatus::Declined, RosterStatus::Removed])))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if reopened.rows_affected == 0 {
            let inserted = rosters::ActiveModel {
                id: Set(asked.id),
                organization_id: Set(asked.organization_id.0),
                artist_space_id: Set(asked.artist_space_id.0),
                status: Set(RosterStatus::Pending.as_str().to_owned()),
                requested_by: Set(asked.requested_by.0),
                requested_at: Set(asked.requested_at),
                decided_at: Set(None),
            }
            .insert(&txn)
            .await;
            match inserted.map_err(repo_error) {
                Ok(_) => {}
                // Already PENDING or ACTIVE.
                Err(RepoError::Duplicate(_)) => return Ok(None),
                Err(error) => return Err(error),
            }
        }
        let current = rosters::Entity::find()
            .filter(rosters::Column::OrganizationId.eq(asked.organization_id.0))
            .filter(rosters::Column::ArtistSpaceId.eq(asked.artist_space_id.0))
            .one(&txn)
            .await
            .map_err(repo_error)?
            .map(entry)
            .transpose()?;
        let events = match &current {
            Some(current) => {
                crate::notifications::inbox::insert_within(&txn, &notices(current))
                    .await?
                    .1
            }
            None => Vec::new(),
        };
        commit(&self.db, txn, &events).await?;
        Ok(current)
    }

    async fn move_roster(
        &self,
        id: Uuid,
        from: &[RosterStatus],
        to: RosterStatus,
        now: chrono::DateTime<chrono::Utc>,
        notifications: &[Notification],
    ) -> RepoResult<Option<RosterEntry>> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        let Some(before) = rosters::Entity::find_by_id(id)
            .one(&txn)
            .await
            .map_err(repo_error)?
            .map(entry)
            .transpose()?
        else {
            return Ok(None);
        };
        let moved = rosters::Entity::update_many()
            .col_expr(rosters::Column::Status, Expr::value(to.as_str()))
            .col_expr(rosters::Column::DecidedAt, Expr::value(Some(now)))
            .filter(rosters::Column::Id.eq(id))
            .filter(rosters::Column::Status.is_in(statuses(from)))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if moved.rows_affected == 0 {
            return Ok(None);
        }
        let (_, mut events) = crate::notifications::inbox::insert_within(&txn, notifications).await?;
        if before.status == RosterStatus::Active && to != RosterStatus::Active {
            for managing in organization_members::Entity::find()
                .filter(organization_members::Column::OrganizationId.eq(before.organization_id.0))
                .filter(organization_members::Column::Role.is_in([OrgRole::Owner.as_str(), OrgRole::Admin.as_str()]))
                .all(&txn)
                .await
                .map_err(repo_error)?
            {
                events.push(Event::AccessChanged {
                    user: UserId(managing.user_id),
                });
            }
        }
        commit(&self.db, txn, &events).await?;
        Ok(Some(RosterEntry {
            status: to,
            decided_at: Some(now),
            ..before
        }))
    }
}
