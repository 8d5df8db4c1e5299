//! Choosing slugs: derived ones get a free suffix among siblings; chosen ones need a plan.

use backline_domain::ids::UserId;
use backline_domain::roles::Plan;
use backline_domain::values::{Slug, SlugType};

use crate::App;
use crate::error::{AppError, AppResult};
use crate::ports::SiblingScope;

/// The first free slug among siblings: `base`, else `base-2`, `base-3`, ...
pub(crate) async fn free_slug(app: &App, scope: SiblingScope, base: &Slug) -> AppResult<Slug> {
    let taken = app.workspace.slugs_like(scope, base.as_str()).await?;
    if !taken.iter().any(|slug| slug == base.as_str()) {
        return Ok(base.clone());
    }
    let mut n = 2;
    loop {
        let candidate = base.with_suffix(n);
        if !taken.iter().any(|slug| slug == candidate.as_str()) {
            return Ok(candidate);
        }
        n += 1;
    }
}

/// Parses a chosen slug and checks that `payer` (the space's owner) is on PRO or higher.
pub(crate) async fn premium_slug(app: &App, payer: UserId, raw: &str) -> AppResult<(Slug, SlugType)> {
    let slug = Slug::parse(raw)?;
    let plan = app
        .users
        .subscription(payer)
        .await?
        .map_or(Plan::Free, |subscription| subscription.plan);
    if plan < Plan::Pro {
        return Err(AppError::Forbidden(format!(
            "custom slugs need the PRO plan or higher; the space owner is on {plan}"
        )));
    }
    Ok((slug, SlugType::Premium))
}
