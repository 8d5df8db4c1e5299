//! Per-caller rate limits on mutations: each signed-in user, or each client address when
//! signed out, may run a set number of mutation fields per minute, counted in the shared store
//! so that every replica counts against the same limit.

use super::Identity;
use crate::error::{AppError, AppResult};
use crate::{Actor, ClientMeta};

/// The window mutation limits are counted in.
const WINDOW: chrono::Duration = chrono::Duration::minutes(1);

/// Counts `fields` mutation fields against the caller's budget; `RATE_LIMITED` with the seconds
/// until the window ends when it is spent (nothing of the operation runs then). A limit of 0
/// (`AppSettings::mutations_per_minute`) lets everything through.
pub async fn admit_mutations(identity: &Identity, actor: &Actor, meta: &ClientMeta, fields: usize) -> AppResult<()> {
    let limit = identity.settings.mutations_per_minute;
    if limit == 0 || fields == 0 {
        return Ok(());
    }
    let key = match (actor.user_id(), &meta.ip) {
        (Some(user), _) => format!("mutations:user:{user}"),
        (None, Some(ip)) => format!("mutations:ip:{ip}"),
        (None, None) => return Ok(()),
    };
    let fields = u32::try_from(fields).unwrap_or(u32::MAX);
    match identity
        .rate_limiter
        .hit(&key, fields, limit, WINDOW, identity.clock.now())
        .await?
    {
        Ok(()) => Ok(()),
        Err(retry_after_secs) => Err(AppError::RateLimited { retry_after_secs }),
    }
}

/// Forgets rate windows and failed attempts older than any limit looks back (an hour).
pub async fn prune_throttles(identity: &Identity) -> AppResult<()> {
    Ok(identity
        .rate_limiter
        .prune(identity.clock.now() - chrono::Duration::hours(1))
        .await?)
}
