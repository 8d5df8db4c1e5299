//! Accounts in memory.

use backline_domain::identity::{Subscription, User};
use backline_domain::ids::UserId;
use backline_domain::roles::{AuthMethod, Plan, PlatformRole, SubscriptionStatus};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Locked;
use crate::ports::{NewUser, RepoError, RepoResult, Unique, UserRepository, UserWithPassword};

/// One `users` row: the account and its password hash.
#[derive(Clone)]
struct Account {
    user: User,
    password_hash: String,
}

/// What the fake holds.
#[derive(Default)]
struct State {
    /// The `users` table, in insertion order.
    accounts: Vec<Account>,
    /// The `subscriptions` table, one row per user.
    subscriptions: Vec<Subscription>,
}

impl State {
    fn account(&self, id: UserId) -> Option<&Account> {
        self.accounts.iter().find(|account| account.user.id == id)
    }

    fn account_mut(&mut self, id: UserId) -> RepoResult<&mut Account> {
        self.accounts
            .iter_mut()
            .find(|account| account.user.id == id)
            .ok_or(RepoError::NotFound)
    }

    /// The unique rules of an insert into `users`, in the order the SQL store checks them: the
    /// primary key, the email, the lower-cased username.
    fn check_new_account(&self, user: &User) -> RepoResult<()> {
        if self.account(user.id).is_some() {
            return Err(RepoError::Duplicate(Unique::Other));
        }
        if self.accounts.iter().any(|held| held.user.email == user.email) {
            return Err(RepoError::Duplicate(Unique::Email));
        }
        self.check_username(user.id, &user.username)
    }

    /// `username_key` is unique: no other account may hold the username in any letter case.
    fn check_username(&self, id: UserId, username: &str) -> RepoResult<()> {
        let key = username.to_ascii_lowercase();
        if self
            .accounts
            .iter()
            .any(|held| held.user.id != id && held.user.username.to_ascii_lowercase() == key)
        {
            return Err(RepoError::Duplicate(Unique::Username));
        }
        Ok(())
    }

    /// Inserts the account and its subscription together, or neither.
    fn create(&mut self, new_user: &NewUser) -> RepoResult<()> {
        self.check_new_account(&new_user.user)?;
        let subscriber = new_user.subscription.user_id;
        // The subscription's primary key is its user (SQLite names the column: `Membership`).
        if self.subscriptions.iter().any(|held| held.user_id == subscriber) {
            return Err(RepoError::Duplicate(Unique::Membership));
        }
        // Its user must exist (a foreign key): this account, or one stored before.
        if subscriber != new_user.user.id && self.account(subscriber).is_none() {
            return Err(RepoError::Unknown(anyhow::anyhow!(
                "FOREIGN KEY constraint failed: subscriptions.user_id"
            )));
        }
        self.accounts.push(Account {
            user: new_user.user.clone(),
            password_hash: new_user.password_hash.clone(),
        });
        self.subscriptions.push(new_user.subscription.clone());
        Ok(())
    }
}

/// Accounts and their subscriptions in memory, with the same rules as the SQL store: emails are
/// unique as stored (the use cases normalise them first), usernames case-insensitively, an
/// account and its subscription are written together, and changes to a missing account or
/// subscription are `NotFound`.
#[derive(Default)]
pub struct MemoryUsers {
    state: Locked<State>,
}

impl MemoryUsers {
    /// Creates a verified ARTIST account (the platform role sign-up gives) named `username` with
    /// `email` (trimmed and lower-cased as sign-up stores it), a fresh `UserId(Uuid::now_v7())`,
    /// an empty password hash and the ACTIVE FREE subscription sign-up creates (test set-up).
    /// When the email or username is taken, or the lock is poisoned, nothing is stored and the
    /// returned account cannot be found.
    pub fn add(&self, username: &str, email: &str) -> User {
        self.add_with_hash(username, email, "")
    }

    /// Like [`MemoryUsers::add`], storing `password_hash` as the account's password hash, for
    /// signing in with a fake hasher.
    pub fn add_with_hash(&self, username: &str, email: &str, password_hash: &str) -> User {
        let now = Utc::now();
        let user = User {
            id: UserId(Uuid::now_v7()),
            email: email.trim().to_lowercase(),
            username: username.to_owned(),
            image: None,
            auth_method: AuthMethod::Email,
            is_verified: true,
            country_code: None,
            platform_role: PlatformRole::Artist,
            created_at: now,
            updated_at: now,
        };
        let new_user = NewUser {
            user: user.clone(),
            password_hash: password_hash.to_owned(),
            subscription: Subscription {
                user_id: user.id,
                plan: Plan::Free,
                status: SubscriptionStatus::Active,
                billing_cycle: None,
                current_period_end: None,
                storage_used: 0,
                created_at: now,
            },
        };
        if let Ok(mut state) = self.state.lock() {
            // A refused account is simply not stored; the doc comment says so.
            let _refused = state.create(&new_user);
        }
        user
    }

    /// Every stored account, in the order they were created.
    pub fn users(&self) -> Vec<User> {
        self.state
            .lock()
            .map(|state| state.accounts.iter().map(|account| account.user.clone()).collect())
            .unwrap_or_default()
    }

    /// Every stored subscription, in the order they were created.
    pub fn all_subscriptions(&self) -> Vec<Subscription> {
        self.state
            .lock()
            .map(|state| state.subscriptions.clone())
            .unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl UserRepository for MemoryUsers {
    async fn create(&self, new_user: &NewUser) -> RepoResult<()> {
        self.state.with(|state| state.create(new_user))
    }

    async fn find(&self, id: UserId) -> RepoResult<Option<User>> {
        self.state
            .with(|state| Ok(state.account(id).map(|account| account.user.clone())))
    }

    async fn find_many(&self, ids: &[UserId]) -> RepoResult<Vec<User>> {
        self.state.with(|state| {
            Ok(state
                .accounts
                .iter()
                .filter(|account| ids.contains(&account.user.id))
                .map(|account| account.user.clone())
                .collect())
        })
    }

    async fn find_by_email(&self, email: &str) -> RepoResult<Option<UserWithPassword>> {
        self.state.with(|state| {
            Ok(state
                .accounts
                .iter()
                .find(|account| account.user.email == email)
                .map(|account| UserWithPassword {
                    user: account.user.clone(),
                    password_hash: account.password_hash.clone(),
                }))
        })
    }

    async fn find_by_username(&self, username: &str) -> RepoResult<Option<User>> {
        let key = username.to_ascii_lowercase();
        self.state.with(|state| {
            Ok(state
                .accounts
                .iter()
                .find(|account| account.user.username.to_ascii_lowercase() == key)
                .map(|account| account.user.clone()))
        })
    }

    async fn password_hash(&self, id: UserId) -> RepoResult<Option<String>> {
        self.state
            .with(|state| Ok(state.account(id).map(|account| account.password_hash.clone())))
    }

    async fn set_password_hash(&self, id: UserId, hash: &str, now: DateTime<Utc>) -> RepoResult<()> {
        self.state.with(|state| {
            let account = state.account_mut(id)?;
            hash.clone_into(&mut account.password_hash);
            account.user.updated_at = now;
            Ok(())
        })
    }

    async fn set_verified(&self, id: UserId, now: DateTime<Utc>) -> RepoResult<()> {
        self.state.with(|state| {
            let account = state.account_mut(id)?;
            account.user.is_verified = true;
            account.user.updated_at = now;
            Ok(())
        })
    }

    async fn update_profile(&self, user: &User) -> RepoResult<()> {
        self.state.with(|state| {
            state.account(user.id).ok_or(RepoError::NotFound)?;
            state.check_username(user.id, &user.username)?;
            let account = state.account_mut(user.id)?;
            // The SQL store writes these columns only; the image is set by its own upload.
            account.user.username.clone_from(&user.username);
            account.user.country_code.clone_from(&user.country_code);
            account.user.updated_at = user.updated_at;
            Ok(())
        })
    }

    async fn subscription(&self, id: UserId) -> RepoResult<Option<Subscription>> {
        self.state.with(|state| {
            Ok(state
                .subscriptions
                .iter()
                .find(|subscription| subscription.user_id == id)
                .cloned())
        })
    }

    async fn subscriptions(&self, ids: &[UserId]) -> RepoResult<Vec<Subscription>> {
        self.state.with(|state| {
            Ok(state
                .subscriptions
                .iter()
                .filter(|subscription| ids.contains(&subscription.user_id))
                .cloned()
                .collect())
        })
    }

    async fn set_plan(&self, id: UserId, plan: Plan) -> RepoResult<()> {
        self.state.with(|state| {
            let subscription = state
                .subscriptions
                .iter_mut()
                .find(|subscription| subscription.user_id == id)
                .ok_or(RepoError::NotFound)?;
            subscription.plan = plan;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_user(username: &str, email: &str) -> NewUser {
        let now = Utc::now();
        let id = UserId(Uuid::now_v7());
        NewUser {
            user: User {
                id,
                email: email.to_owned(),
                username: username.to_owned(),
                image: None,
                auth_method: AuthMethod::Email,
                is_verified: false,
                country_code: None,
                platform_role: PlatformRole::Artist,
                created_at: now,
                updated_at: now,
            },
            password_hash: "hash".to_owned(),
            subscription: Subscription {
                user_id: id,
                plan: Plan::Free,
                status: SubscriptionStatus::Active,
                billing_cycle: None,
                current_period_end: None,
                storage_used: 0,
                created_at: now,
            },
        }
    }

    #[tokio::test]
    async fn emails_and_usernames_are_unique() -> RepoResult<()> {
        let users = MemoryUsers::default();
        let ada = users.add("Ada", "ada@example.com");
        assert_eq!(users.find(ada.id).await?, Some(ada.clone()));
        assert!(matches!(
            users.create(&new_user("other", "ada@example.com")).await,
            Err(RepoError::Duplicate(Unique::Email))
        ));
        assert!(matches!(
            users.create(&new_user("ADA", "other@example.com")).await,
            Err(RepoError::Duplicate(Unique::Username))
        ));
        // A refused account leaves no subscription behind.
        assert_eq!(users.all_subscriptions().len(), 1);
        let bob = new_user("bob", "bob@example.com");
        users.create(&bob).await?;
        let mut renamed = bob.user.clone();
        renamed.username = "aDa".to_owned();
        assert!(matches!(
            users.update_profile(&renamed).await,
            Err(RepoError::Duplicate(Unique::Username))
        ));
        // Only the letter case of one's own name changes: allowed.
        renamed.username = "Bob".to_owned();
        users.update_profile(&renamed).await?;
        assert_eq!(
            users.find_by_username("BOB").await?.map(|user| user.username),
            Some("Bob".to_owned())
        );
        Ok(())
    }

    #[tokio::test]
    async fn added_accounts_start_verified_on_free() -> RepoResult<()> {
        let users = MemoryUsers::default();
        let ada = users.add("ada", " Ada@Example.com ");
        assert!(ada.is_verified);
        assert_eq!(ada.email, "ada@example.com");
        let found = users.find_by_email("ada@example.com").await?;
        assert_eq!(found.map(|found| found.user.id), Some(ada.id));
        let subscription = users.subscription(ada.id).await?;
        assert_eq!(subscription.map(|subscription| subscription.plan), Some(Plan::Free));
        users.set_plan(ada.id, Plan::Pro).await?;
        let plans: Vec<Plan> = users
            .subscriptions(&[ada.id])
            .await?
            .into_iter()
            .map(|subscription| subscription.plan)
            .collect();
        assert_eq!(plans, vec![Plan::Pro]);
        Ok(())
    }

    #[tokio::test]
    async fn changes_to_missing_accounts_are_not_found() {
        let users = MemoryUsers::default();
        let nobody = UserId(Uuid::now_v7());
        assert!(matches!(
            users.set_verified(nobody, Utc::now()).await,
            Err(RepoError::NotFound)
        ));
        assert!(matches!(
            users.set_password_hash(nobody, "x", Utc::now()).await,
            Err(RepoError::NotFound)
        ));
        assert!(matches!(
            users.set_plan(nobody, Plan::Pro).await,
            Err(RepoError::NotFound)
        ));
    }
}
