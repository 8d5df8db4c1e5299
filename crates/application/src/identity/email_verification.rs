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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::UserRepository;
    use crate::testing::identity_world::IdentityWorld;

    fn refused_token<T: std::fmt::Debug>(result: &AppResult<T>) -> bool {
        matches!(result, Err(AppError::InvalidInput { field, .. }) if field == "token")
    }

    #[tokio::test]
    async fn a_mailed_token_verifies_the_account_once() -> AppResult<()> {
        let world = IdentityWorld::new();
        let payload = world.sign_up("ada").await?;
        let token = world.mailed_token("ada@example.com")?;
        let verified = verify_email(&world.identity, &format!(" {token} ")).await?;
        assert!(verified.is_verified);
        let stored = world.users.find(payload.user.id).await?;
        assert!(stored.is_some_and(|user| user.is_verified), "stored as verified");
        let rows = world.email_tokens.tokens_of(payload.user.id);
        assert!(
            matches!(rows.as_slice(), [row] if row.used_at == Some(world.now())),
            "{rows:?}"
        );
        let again = verify_email(&world.identity, &token).await;
        assert!(refused_token(&again), "{again:?}");
        let unknown = verify_email(&world.identity, "not a token").await;
        assert!(refused_token(&unknown), "{unknown:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_resent_token_replaces_the_first_and_tokens_expire() -> AppResult<()> {
        let world = IdentityWorld::new();
        let payload = world.sign_up("ada").await?;
        let actor = world.actor(&payload.access_token).await?;
        let first = world.mailed_token("ada@example.com")?;
        assert!(resend_verification_email(&world.identity, &actor).await?);
        let second = world.mailed_token("ada@example.com")?;
        assert_ne!(first, second);
        assert_eq!(world.mailer.sent().len(), 2);
        let rows = world.email_tokens.tokens_of(payload.user.id);
        assert!(
            matches!(rows.as_slice(), [old, new] if old.used_at.is_some() && new.used_at.is_none()),
            "{rows:?}"
        );
        let replaced = verify_email(&world.identity, &first).await;
        assert!(refused_token(&replaced), "{replaced:?}");

        world.clock.advance(world.identity.settings.email_token_ttl);
        let expired = verify_email(&world.identity, &second).await;
        assert!(refused_token(&expired), "{expired:?}");
        let stored = world.users.find(payload.user.id).await?;
        assert!(stored.is_some_and(|user| !user.is_verified), "still unverified");

        // A fresh token works; once verified, no more are sent.
        resend_verification_email(&world.identity, &actor).await?;
        verify_email(&world.identity, &world.mailed_token("ada@example.com")?).await?;
        let done = resend_verification_email(&world.identity, &actor).await;
        assert!(matches!(done, Err(AppError::Conflict { field: None, .. })), "{done:?}");
        assert_eq!(world.mailer.sent().len(), 3);
        Ok(())
    }
}
