//! Signing in with email and password.

use backline_domain::values::Email;

use super::session_tokens::{AuthPayload, open_session};
use crate::error::{AppError, AppResult};
use crate::{App, ClientMeta};

const WRONG_CREDENTIALS: &str = "wrong email or password";

/// Signs in. Unknown emails and wrong passwords give the same error and cost the same time
/// (the password is checked against a dummy hash). Repeated failures for one account or one
/// client address are throttled (`RATE_LIMITED`). Hashes made with older parameters are redone.
pub async fn log_in(app: &App, email: &str, password: &str, meta: &ClientMeta) -> AppResult<AuthPayload> {
    let normalised = Email::parse(email)
        .map(|email| email.as_str().to_owned())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    let mut keys = vec![format!("account:{normalised}")];
    if let Some(ip) = &meta.ip {
        keys.push(format!("ip:{ip}"));
    }
    let now = app.ports.clock.now();
    let attempt = match app.ports.throttle.attempt(&keys, now).await? {
        Ok(attempt) => attempt,
        Err(retry_after_secs) => return Err(AppError::RateLimited { retry_after_secs }),
    };
    let found = app.ports.users.find_by_email(&normalised).await?;
    let hash = found
        .as_ref()
        .map_or(app.ports.hasher.dummy_hash(), |user| user.password_hash.as_str());
    let password_ok = app.ports.hasher.verify(password, hash)?;
    let Some(found) = found.filter(|_| password_ok) else {
        // The attempt stays recorded: it was a failure.
        return Err(AppError::Unauthenticated(WRONG_CREDENTIALS.into()));
    };
    app.ports.throttle.succeeded(attempt, &keys[0]).await?;
    if app.ports.hasher.needs_rehash(&found.password_hash) {
        let rehashed = app.ports.hasher.hash(password)?;
        app.ports.users.set_password_hash(found.user.id, &rehashed, now).await?;
    }
    open_session(app, found.user, meta).await
}
