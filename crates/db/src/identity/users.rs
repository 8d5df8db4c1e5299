//! Users and subscriptions.

use backline_application::ports::{NewUser, RepoResult, UserRepository, UserWithPassword};
use backline_domain::identity::{Subscription, User};
use backline_domain::ids::UserId;
use backline_domain::roles::Plan;
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};

use crate::Database;
use crate::convert;
use crate::entities::{subscriptions, users};
use crate::error::repo_error;

/// Users on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlUserRepository {
    db: Database,
}

impl SqlUserRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn user_row(user: &User, password_hash: &str) -> users::ActiveModel {
    users::ActiveModel {
        id: Set(user.id.0),
        email: Set(user.email.clone()),
        username: Set(user.username.clone()),
        username_key: Set(user.username.to_ascii_lowercase()),
        password_hash: Set(password_hash.to_owned()),
        image: Set(user.image.clone()),
        auth_method: Set(user.auth_method.as_str().to_owned()),
        is_verified: Set(user.is_verified),
        country_code: Set(user.country_code.clone()),
        platform_role: Set(user.platform_role.as_str().to_owned()),
        created_at: Set(user.created_at),
        updated_at: Set(user.updated_at),
    }
}

fn subscription_row(subscription: &Subscription) -> subscriptions::ActiveModel {
    subscriptions::ActiveModel {
        user_id: Set(subscription.user_id.0),
        plan: Set(subscription.plan.as_str().to_owned()),
        status: Set(subscription.status.as_str().to_owned()),
        billing_cycle: Set(subscription.billing_cycle.map(|cycle| cycle.as_str().to_owned())),
        current_period_end: Set(subscription.current_period_end),
        storage_used: Set(subscription.storage_used),
        created_at: Set(subscription.created_at),
    }
}

#[async_trait::async_trait]
impl UserRepository for SqlUserRepository {
    async fn create(&self, new_user: &NewUser) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        user_row(&new_user.user, &new_user.password_hash)
            .insert(&txn)
            .await
            .map_err(repo_error)?;
        subscription_row(&new_user.subscription)
            .insert(&txn)
            .await
            .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)
    }

    async fn find(&self, id: UserId) -> RepoResult<Option<User>> {
        users::Entity::find_by_id(id.0)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(convert::user)
            .transpose()
    }

    async fn find_many(&self, ids: &[UserId]) -> RepoResult<Vec<User>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = users::Entity::find()
            .filter(users::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        convert::all(rows, convert::user)
    }

    async fn find_by_email(&self, email: &str) -> RepoResult<Option<UserWithPassword>> {
        let Some(row) = users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
        else {
            return Ok(None);
        };
        let password_hash = row.password_hash.clone();
        Ok(Some(UserWithPassword {
            user: convert::user(row)?,
            password_hash,
        }))
    }

    async fn find_by_username(&self, username: &str) -> RepoResult<Option<User>> {
        users::Entity::find()
            .filter(users::Column::UsernameKey.eq(username.to_ascii_lowercase()))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(convert::user)
            .transpose()
    }

    async fn password_hash(&self, id: UserId) -> RepoResult<Option<String>> {
        Ok(users::Entity::find_by_id(id.0)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(|row| row.password_hash))
    }

    async fn set_password_hash(&self, id: UserId, hash: &str, now: DateTime<Utc>) -> RepoResult<()> {
        users::ActiveModel {
            id: Set(id.0),
            password_hash: Set(hash.to_owned()),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(self.db.conn())
        .await
        .map_err(repo_error)?;
        Ok(())
    }

    async fn set_verified(&self, id: UserId, now: DateTime<Utc>) -> RepoResult<()> {
        users::ActiveModel {
            id: Set(id.0),
            is_verified: Set(true),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(self.db.conn())
        .await
        .map_err(repo_error)?;
        Ok(())
    }

    async fn update_profile(&self, user: &User) -> RepoResult<()> {
        users::ActiveModel {
            id: Set(user.id.0),
            username: Set(user.username.clone()),
            username_key: Set(user.username.to_ascii_lowercase()),
            country_code: Set(user.country_code.clone()),
            updated_at: Set(user.updated_at),
            ..Default::default()
        }
        .update(self.db.conn())
        .await
        .map_err(repo_error)?;
        Ok(())
    }

    async fn subscription(&self, id: UserId) -> RepoResult<Option<Subscription>> {
        subscriptions::Entity::find_by_id(id.0)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(convert::subscription)
            .transpose()
    }

    async fn subscriptions(&self, ids: &[UserId]) -> RepoResult<Vec<Subscription>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = subscriptions::Entity::find()
            .filter(subscriptions::Column::UserId.is_in(ids.iter().map(|id| id.0)))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        convert::all(rows, convert::subscription)
    }

    async fn set_plan(&self, id: UserId, plan: Plan) -> RepoResult<()> {
        let Some(row) = subscriptions::Entity::find_by_id(id.0)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
        else {
            return Err(backline_application::ports::RepoError::NotFound);
        };
        let mut row = row.into_active_model();
        row.plan = Set(plan.as_str().to_owned());
        row.update(self.db.conn()).await.map_err(repo_error)?;
        Ok(())
    }
}
