//! Confirming email addresses with one-time tokens sent through the mailer.

use backline_domain::identity::User;

use super::Identity;
use super::session_tokens::{TOKEN_BYTES, hash_token};
use crate::Actor;
use crate::error::{AppError, AppResult};
use crate::ports::{EmailTokenPurpose, MailMessage};

/// Issues a fresh verification token (earlier ones die) and mails it.
pub(crate) async fn send_verification(identity: &Identity, user: &User) -> AppResult<()> {
    let now = identity.clock.now();
    let token = identity.ids.secret_token(TOKEN_BYTES);
    identity
        .email_tokens
        .replace(
            identity.ids.uuid(),
            user.id,
            EmailTokenPurpose::VerifyEmail,
            &hash_token(&token),
            now + identity.settings.email_token_ttl,
            now,
        )
        .await?;
    let link = format!(
        "{}/verify-email?token={token}",
        identity.settings.public_url.trim_end_matches('/')
    );
    identity.mailer
        .send(&MailMessage {
            to: user.email.clone(),
            subject: "Confirm your email for Backline".into(),
            body: format!(
                "Hi {},\n\nconfirm your email address by opening this link within 24 hours:\n\n{link}\n\nOr paste this code into the app: {token}\n\nIf you did not sign up, ignore this message.\n",
                user.username
            ),
        })
        .await?;
    Ok(())
}

/// Marks the token's user verified. Each token works once and for 24 hours.
pub async fn verify_email(identity: &Identity, token: &str) -> AppResult<User> {
    let now = identity.clock.now();
    let user_id = identity
        .email_tokens
        .consume(EmailTokenPurpose::VerifyEmail, &hash_token(token.trim()), now)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "token",
                "this verification link is invalid, used or expired; ask for a new one",
            )
        })?;
    identity.access.users.set_verified(user_id, now).await?;
    identity
        .access
        .users
        .find(user_id)
        .await?
        .ok_or(AppError::NotFound("user"))
}

/// Sends a new verification email to the signed-in user.
pub async fn resend_verification_email(identity: &Identity, actor: &Actor) -> AppResult<bool> {
    let user_id = actor.require()?;
    let user = identity
        .access
        .users
        .find(user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if user.is_verified {
        return Err(AppError::Conflict {
            field: None,
            message: "your email is already verified".into(),
        });
    }
    send_verification(identity, &user).await?;
    Ok(true)
}
