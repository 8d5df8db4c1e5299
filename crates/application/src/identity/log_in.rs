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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::UserRepository;
    use crate::testing::identity_world::{IdentityWorld, LOGIN_TRIES, LOGIN_WINDOW, PASSWORD};

    const ACCOUNT_KEY: &str = "account:ada@example.com";

    fn from(ip: &str) -> ClientMeta {
        ClientMeta {
            user_agent: None,
            ip: Some(ip.to_owned()),
        }
    }

    #[tokio::test]
    async fn a_wrong_password_is_refused_like_an_unknown_email_and_both_count() -> AppResult<()> {
        let world = IdentityWorld::new();
        world.sign_up("ada").await?;
        let meta = IdentityWorld::meta();
        let wrong = log_in(&world.identity, "ada@example.com", "not the password", &meta).await;
        let unknown = log_in(&world.identity, "nobody@example.com", PASSWORD, &meta).await;
        let (Err(AppError::Unauthenticated(wrong)), Err(AppError::Unauthenticated(unknown))) = (&wrong, &unknown)
        else {
            return Err(AppError::Internal(anyhow::anyhow!("{wrong:?} / {unknown:?}")));
        };
        assert_eq!(wrong, unknown, "nothing tells which accounts exist");
        assert_eq!(world.throttle.failures(ACCOUNT_KEY), 1);
        assert_eq!(world.throttle.failures("account:nobody@example.com"), 1);
        assert_eq!(world.throttle.failures("ip:192.0.2.1"), 2);
        assert_eq!(world.sessions.sessions().len(), 1, "only sign-up's session");
        Ok(())
    }

    #[tokio::test]
    async fn an_account_is_throttled_after_the_limit_from_any_address_until_the_window_passes() -> AppResult<()> {
        let world = IdentityWorld::new();
        world.sign_up("ada").await?;
        for attempt in 0..LOGIN_TRIES {
            let refused = log_in(
                &world.identity,
                "ada@example.com",
                "wrong",
                &from(&format!("198.51.100.{attempt}")),
            )
            .await;
            assert!(matches!(refused, Err(AppError::Unauthenticated(_))), "{refused:?}");
        }
        // Even the right password, from a new address, is refused now.
        let throttled = log_in(&world.identity, "ada@example.com", PASSWORD, &from("203.0.113.9")).await;
        let Err(AppError::RateLimited { retry_after_secs }) = throttled else {
            return Err(AppError::Internal(anyhow::anyhow!("not throttled: {throttled:?}")));
        };
        assert!((1..=15 * 60).contains(&retry_after_secs), "{retry_after_secs}");
        assert_eq!(
            world.throttle.failures(ACCOUNT_KEY),
            LOGIN_TRIES,
            "the refused attempt is taken back"
        );
        assert_eq!(world.sessions.sessions().len(), 1);

        world.clock.advance(LOGIN_WINDOW);
        let payload = log_in(&world.identity, "ada@example.com", PASSWORD, &from("203.0.113.9")).await?;
        assert_eq!(world.throttle.failures("ip:203.0.113.9"), 0);
        assert_eq!(world.sessions.sessions().len(), 2);
        // Inside a window, a success clears the account's earlier failures.
        let wrong = log_in(&world.identity, "ada@example.com", "wrong", &from("203.0.113.9")).await;
        assert!(matches!(wrong, Err(AppError::Unauthenticated(_))), "{wrong:?}");
        assert_eq!(world.throttle.failures(ACCOUNT_KEY), 1);
        log_in(&world.identity, "ada@example.com", PASSWORD, &from("203.0.113.9")).await?;
        assert_eq!(
            world.throttle.failures(ACCOUNT_KEY),
            0,
            "a success clears the account's failures"
        );
        assert_eq!(
            world.actor(&payload.access_token).await?.user_id(),
            Some(payload.user.id)
        );
        Ok(())
    }

    #[tokio::test]
    async fn logs_in_with_any_letter_case_and_redoes_an_old_hash() -> AppResult<()> {
        let world = IdentityWorld::new();
        let old = world
            .users
            .add_with_hash("old", "old@example.com", "plain:v0:an old password");
        let payload = log_in(
            &world.identity,
            " OLD@Example.com ",
            "an old password",
            &IdentityWorld::meta(),
        )
        .await?;
        assert_eq!(payload.user.id, old.id);
        assert_eq!(
            world.users.password_hash(old.id).await?.as_deref(),
            Some("plain:v1:an old password"),
            "rehashed with today's parameters"
        );
        let sessions = world.sessions.sessions();
        assert!(
            matches!(sessions.as_slice(), [session] if session.user_id == old.id
                && session.user_agent.as_deref() == Some("TestBrowser/1.0")),
            "{sessions:?}"
        );
        Ok(())
    }
}
