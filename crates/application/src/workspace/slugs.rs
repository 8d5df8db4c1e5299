//! Choosing slugs (derived ones get a free suffix among siblings; chosen ones need a plan) and
//! inserting new resources under a fresh short id and slug.

use backline_domain::ids::UserId;
use backline_domain::values::{Slug, SlugType};

use super::INSERT_ATTEMPTS;
use super::Workspace;
use crate::access::Access;
use crate::error::{AppError, AppResult};
use crate::identity::require_pro;
use crate::ports::{RepoError, SiblingScope, Unique};

/// The first free slug among siblings: `base`, else `base-2`, `base-3`, ...
pub(crate) async fn free_slug(access: &Access, scope: SiblingScope, base: &Slug) -> AppResult<Slug> {
    let taken = access.workspace.slugs_like(scope, base.as_str()).await?;
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
pub(crate) async fn premium_slug(access: &Access, payer: UserId, raw: &str) -> AppResult<(Slug, SlugType)> {
    let slug = Slug::parse(raw)?;
    require_pro(access, payer, "custom slugs", "the space owner is").await?;
    Ok((slug, SlugType::Premium))
}

/// Inserts a new resource: draws a fresh short id (and, for a derived slug, the first free slug
/// among siblings) and calls `insert` with them until the store accepts, so collisions, also
/// with concurrent inserts, are retried. A chosen slug that is taken is `CONFLICT` with
/// `clash` as the message.
pub(crate) async fn insert_with_unique_ids<T, F, Fut>(
    workspace: &Workspace,
    scope: SiblingScope,
    name: &str,
    chosen: Option<(Slug, SlugType)>,
    clash: &str,
    mut insert: F,
) -> AppResult<T>
where
    F: FnMut(String, String, SlugType) -> Fut,
    Fut: std::future::Future<Output = Result<T, RepoError>>,
{
    for _ in 0..INSERT_ATTEMPTS {
        let (slug, slug_type) = match &chosen {
            Some((slug, slug_type)) => (slug.as_str().to_owned(), *slug_type),
            None => (
                free_slug(&workspace.access, scope, &Slug::from_name(name))
                    .await?
                    .as_str()
                    .to_owned(),
                SlugType::Auto,
            ),
        };
        match insert(workspace.ids.short_id(), slug, slug_type).await {
            Ok(value) => return Ok(value),
            Err(RepoError::Duplicate(Unique::Slug)) if chosen.is_some() => {
                return Err(AppError::conflict("slug", clash));
            }
            Err(RepoError::Duplicate(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "could not find a free short id or slug for '{name}'"
    )))
}
