//! Roles: a collaborator's role on a resource, a user's single platform role, and billing plans.

use std::fmt;

/// A collaborator's role on an artist space, project or track. Ordered from least to most
/// powerful, so `max` gives the effective role across a resource and its ancestors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Listens and comments.
    Viewer,
    /// Works on tracks: updates them, adds versions, moderates comments.
    Editor,
    /// Runs the resource: everything but deleting an artist space and owning it.
    Admin,
    /// Created or was given the resource; one per resource.
    Owner,
}

impl Role {
    /// Every role, least powerful first.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Editor, Role::Admin, Role::Owner];

    /// The stored and logged name (`OWNER`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "VIEWER",
            Role::Editor => "EDITOR",
            Role::Admin => "ADMIN",
            Role::Owner => "OWNER",
        }
    }

    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == value)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user's one platform-wide role (seed 004). It does not grant access to anyone's artist
/// spaces; it decides platform administration (plans, seeing emails).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlatformRole {
    /// Listens to public music.
    Listener,
    /// Makes music; every new account starts here.
    Artist,
    /// Runs a label.
    Label,
    /// Administers one tenant.
    TenantAdmin,
    /// Administers the platform.
    Admin,
    /// Administers the administrators.
    SuperAdmin,
}

impl PlatformRole {
    /// Every platform role.
    pub const ALL: [PlatformRole; 6] = [
        PlatformRole::Listener,
        PlatformRole::Artist,
        PlatformRole::Label,
        PlatformRole::TenantAdmin,
        PlatformRole::Admin,
        PlatformRole::SuperAdmin,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformRole::Listener => "LISTENER",
            PlatformRole::Artist => "ARTIST",
            PlatformRole::Label => "LABEL",
            PlatformRole::TenantAdmin => "TENANT_ADMIN",
            PlatformRole::Admin => "ADMIN",
            PlatformRole::SuperAdmin => "SUPER_ADMIN",
        }
    }

    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// Platform administrators manage plans and see every user's email.
    pub fn is_platform_admin(self) -> bool {
        matches!(self, PlatformRole::Admin | PlatformRole::SuperAdmin)
    }
}

/// A billing plan (seed 000 Subscription). Ordered, so "PRO or higher" is `plan >= Plan::Pro`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Plan {
    /// The plan every account starts on.
    Free,
    /// For working artists: custom slugs, more storage.
    Pro,
    /// For bands and small labels.
    Team,
    /// For labels; storage unlimited by default.
    Enterprise,
}

impl Plan {
    /// Every plan, cheapest first.
    pub const ALL: [Plan; 4] = [Plan::Free, Plan::Pro, Plan::Team, Plan::Enterprise];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "FREE",
            Plan::Pro => "PRO",
            Plan::Team => "TEAM",
            Plan::Enterprise => "ENTERPRISE",
        }
    }

    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|plan| plan.as_str() == value)
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a subscription is in good standing (seed 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionStatus {
    /// Paid up, or free.
    Active,
    /// Ends at the current period's end.
    Cancelled,
    /// A payment failed.
    PastDue,
}

impl SubscriptionStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Active => "ACTIVE",
            SubscriptionStatus::Cancelled => "CANCELLED",
            SubscriptionStatus::PastDue => "PAST_DUE",
        }
    }

    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Active, Self::Cancelled, Self::PastDue]
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// How often a paid plan bills (seed 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BillingCycle {
    /// Every month.
    Monthly,
    /// Every year.
    Yearly,
}

impl BillingCycle {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            BillingCycle::Monthly => "MONTHLY",
            BillingCycle::Yearly => "YEARLY",
        }
    }

    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Monthly, Self::Yearly]
            .into_iter()
            .find(|cycle| cycle.as_str() == value)
    }
}

/// How an account signs in (seed 000). Only `Email` signs in for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthMethod {
    /// Email and password.
    Email,
    /// Google sign-in (not yet offered).
    Google,
    /// Sign in with Apple (not yet offered).
    Apple,
}

impl AuthMethod {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Email => "EMAIL",
            AuthMethod::Google => "GOOGLE",
            AuthMethod::Apple => "APPLE",
        }
    }

    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Email, Self::Google, Self::Apple]
            .into_iter()
            .find(|method| method.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_order_from_viewer_to_owner() {
        assert!(Role::Owner > Role::Admin);
        assert!(Role::Admin > Role::Editor);
        assert!(Role::Editor > Role::Viewer);
        assert_eq!(
            [Role::Viewer, Role::Admin, Role::Editor].into_iter().max(),
            Some(Role::Admin)
        );
    }

    #[test]
    fn stored_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        for role in PlatformRole::ALL {
            assert_eq!(PlatformRole::parse(role.as_str()), Some(role));
        }
        for plan in Plan::ALL {
            assert_eq!(Plan::parse(plan.as_str()), Some(plan));
        }
        assert_eq!(Role::parse("owner"), None);
    }
}
