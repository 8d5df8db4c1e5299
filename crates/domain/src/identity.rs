//! Accounts: users, their subscription and their sign-in sessions.

use chrono::{DateTime, Utc};

use crate::ids::{SessionId, UserId};
use crate::roles::{AuthMethod, BillingCycle, Plan, PlatformRole, SubscriptionStatus};

/// A person with an account.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Primary key.
    pub id: UserId,
    /// Normalised (lower-case) email; visible only to the user and platform admins.
    pub email: String,
    /// Public handle, as typed.
    pub username: String,
    /// Profile picture URL.
    pub image: Option<String>,
    /// How the account signs in.
    pub auth_method: AuthMethod,
    /// Whether the email address was confirmed.
    pub is_verified: bool,
    /// ISO 3166-1 alpha-2 country, for rights purposes.
    pub country_code: Option<String>,
    /// The single platform role (seed 004).
    pub platform_role: PlatformRole,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When the account last changed.
    pub updated_at: DateTime<Utc>,
}

/// A user's billing plan and storage use (seed 000 Subscription).
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    /// The subscriber.
    pub user_id: UserId,
    /// Current plan.
    pub plan: Plan,
    /// Standing of the subscription.
    pub status: SubscriptionStatus,
    /// Billing period of a paid plan; `None` on FREE.
    pub billing_cycle: Option<BillingCycle>,
    /// End of the paid period; `None` on FREE.
    pub current_period_end: Option<DateTime<Utc>>,
    /// Bytes of stored files counted against the plan.
    pub storage_used: i64,
    /// When the subscription row was created.
    pub created_at: DateTime<Utc>,
}

/// A signed-in device: one refresh-token family (seed 001 Session).
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Primary key.
    pub id: SessionId,
    /// Whose session.
    pub user_id: UserId,
    /// The `User-Agent` that signed in.
    pub user_agent: Option<String>,
    /// The client address that signed in.
    pub ip: Option<String>,
    /// When the session began.
    pub created_at: DateTime<Utc>,
    /// When its tokens were last refreshed.
    pub last_active_at: DateTime<Utc>,
    /// When it ends unless refreshed.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked (log out, reuse detected, password changed).
    pub revoked_at: Option<DateTime<Utc>>,
}
