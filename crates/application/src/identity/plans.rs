//! Plans and storage limits.

use backline_domain::identity::Subscription;
use backline_domain::ids::UserId;
use backline_domain::roles::Plan;

use super::Identity;
use crate::access::Access;
use crate::error::{AppError, AppResult};
use crate::{Actor, PlanLimits};

/// The storage limit of a subscription's plan in bytes; `None` is unlimited.
pub fn storage_limit(limits: &PlanLimits, subscription: &Subscription) -> Option<i64> {
    limits.for_plan(subscription.plan)
}

/// The subscriptions of `users` the caller may see: their own, or anyone's for a platform
/// admin; the others are left out, as if they had none.
pub async fn subscriptions_of(identity: &Identity, actor: &Actor, users: &[UserId]) -> AppResult<Vec<Subscription>> {
    let Some(caller) = actor.user_id() else {
        return Ok(Vec::new());
    };
    let admin = actor
        .platform_role(&identity.access)
        .await?
        .is_some_and(|role| role.is_platform_admin());
    let visible: Vec<UserId> = users.iter().copied().filter(|user| admin || *user == caller).collect();
    if visible.is_empty() {
        return Ok(Vec::new());
    }
    Ok(identity.access.users.subscriptions(&visible).await?)
}

/// The plan `user` is on (FREE when they have no subscription row).
pub(crate) async fn plan_of(access: &Access, user: UserId) -> AppResult<Plan> {
    Ok(access
        .users
        .subscription(user)
        .await?
        .map_or(Plan::Free, |subscription| subscription.plan))
}

/// Refuses `feature` with `PLAN_REQUIRED` unless `payer` is on PRO or higher; `whose` names the
/// payer in the message ("the space owner is", "you are").
pub(crate) async fn require_pro(access: &Access, payer: UserId, feature: &str, whose: &str) -> AppResult<Plan> {
    let plan = plan_of(access, payer).await?;
    if plan < Plan::Pro {
        return Err(AppError::PlanRequired {
            plan: Plan::Pro,
            message: format!("{feature} need the PRO plan or higher; {whose} on {plan}"),
        });
    }
    Ok(plan)
}

/// Moves a user to another plan. Platform admins only.
pub async fn set_user_plan(identity: &Identity, actor: &Actor, user: UserId, plan: Plan) -> AppResult<Subscription> {
    actor.require()?;
    let is_admin = actor
        .platform_role(&identity.access)
        .await?
        .is_some_and(|role| role.is_platform_admin());
    if !is_admin {
        return Err(AppError::Forbidden("only platform admins may change plans".into()));
    }
    if identity.access.users.find(user).await?.is_none() {
        return Err(AppError::NotFound("user"));
    }
    identity.access.users.set_plan(user, plan).await?;
    identity
        .access
        .users
        .subscription(user)
        .await?
        .ok_or(AppError::NotFound("subscription"))
}
