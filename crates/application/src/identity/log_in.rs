//! Signing in with email and password.

use backline_domain::values::Email;

use super::Identity;
use super::session_tokens::{AuthPayload, open_session};
use crate::ClientMeta;
use crate::error::{AppError, AppResult};

const WRONG_CREDENTIALS: &str = "wrong email or password";

/// Signs in. Unknown emails and wrong passwords give the same error and cost the same time
/// (the password is checked against a dummy hash). Repeated failures for one account or one
/// client address are throttled (`RATE_LIMITED`). Hashes made with older parameters are redone.
pub async fn log_in(identity: &Identity, email: &str, password: &str, meta: &ClientMeta) -> AppResult<AuthPayload> {
    let normalised = Email::parse(email)
        .map(|email| email.as_str().to_owned())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    let mut keys = vec![format!("account:{normalised}")];
    if let Some(ip) = &meta.ip {
        keys.push(format!("ip:{ip}"));
    }
    let now = identity.clock.now();
    let attempt = match identity.throttle.attempt(&keys, now).await? {
        Ok(attempt) => attempt,
        Err(retry_after_secs) => return Err(AppError::RateLimited { retry_after_secs }),
    };
    let found = identity.access.users.find_by_email(&normalised).await?;
    let hash = found
        .as_ref()
        .map_or(identity.hasher.dummy_hash(), |user| user.password_hash.as_str());
    let password_ok = identity.hasher.verify(password, hash)?;
    let Some(found) = found.filter(|_| password_ok) else {
        // The attempt stays recorded: it was a failure.
        return Err(AppError::Unauthenticated(WRONG_CREDENTIALS.into()));
    };
    identity.throttle.succeeded(attempt, &keys[0]).await?;
    if identity.hasher.needs_rehash(&found.password_hash) {
        let rehashed = identity.hasher.hash(password)?;
        identity
            .access
            .users
            .set_password_hash(found.user.id, &rehashed, now)
            .await?;
    }
    open_session(identity, found.user, meta).await
}
