//! User accounts and their subscriptions.

use backline_domain::identity::{Subscription, User};
use backline_domain::ids::UserId;
use backline_domain::roles::Plan;

use super::RepoResult;

/// A user about to be stored, with the password hash and starting subscription.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The account.
    pub user: User,
    /// PHC string of the password.
    pub password_hash: String,
    /// The FREE subscription every account starts with.
    pub subscription: Subscription,
}

/// A user with their stored password hash, for signing in.
#[derive(Debug, Clone)]
pub struct UserWithPassword {
    /// The account.
    pub user: User,
    /// PHC string of the password.
    pub password_hash: String,
}

/// Stores users.
///
/// # Errors
/// `create` and `update_profile` return `Duplicate(Unique::Email)` or `Duplicate(Unique::Username)` when
/// the value is taken (case-insensitively); the rest fail only when the store fails.
#[async_trait::async_trait]
pub trait UserRepository: Send + Sync + 'static {
    /// Stores a new user and their subscription in one transaction.
    async fn create(&self, new_user: &NewUser) -> RepoResult<()>;
    /// One user.
    async fn find(&self, id: UserId) -> RepoResult<Option<User>>;
    /// Several users, in any order; missing ids are left out.
    async fn find_many(&self, ids: &[UserId]) -> RepoResult<Vec<User>>;
    /// A user by normalised email, with the password hash.
    async fn find_by_email(&self, email: &str) -> RepoResult<Option<UserWithPassword>>;
    /// A user by username, case-insensitively.
    async fn find_by_username(&self, username: &str) -> RepoResult<Option<User>>;
    /// The password hash of a user.
    async fn password_hash(&self, id: UserId) -> RepoResult<Option<String>>;
    /// Replaces the password hash.
    async fn set_password_hash(&self, id: UserId, hash: &str, now: chrono::DateTime<chrono::Utc>) -> RepoResult<()>;
    /// Marks the email verified.
    async fn set_verified(&self, id: UserId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<()>;
    /// Saves username, image and country of `user`.
    async fn update_profile(&self, user: &User) -> RepoResult<()>;
    /// The user's subscription.
    async fn subscription(&self, id: UserId) -> RepoResult<Option<Subscription>>;
    /// Several subscriptions, in any order.
    async fn subscriptions(&self, ids: &[UserId]) -> RepoResult<Vec<Subscription>>;
    /// Changes the plan.
    async fn set_plan(&self, id: UserId, plan: Plan) -> RepoResult<()>;
}
