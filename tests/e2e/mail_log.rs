//! Without SMTP, development logs every message whole, its links included, so a newcomer can
//! follow a verification link; production never logs what a message says. Piped, the log has
//! no colour codes.

use backline_e2e::Api;
use backline_e2e::replica::Replica;

async fn signed_up(environment: &str) -> anyhow::Result<(Replica, String)> {
    let replica = Replica::start_fresh(&[
        ("BACKLINE_BLOB_URL", "memory://".into()),
        ("BACKLINE_ENV", environment.into()),
        ("BACKLINE_PUBLIC_URL", "https://app.example.com".into()),
    ])
    .await?;
    let user = Api::new(&replica.base).user("maillog").await?;
    // The message is recorded as sign-up answers; give the log line a moment.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    Ok((replica, user.email))
}

#[tokio::test]
async fn development_logs_the_verification_link_and_production_does_not() -> anyhow::Result<()> {
    let (development, email) = signed_up("development").await?;
    let log = development.output().join("\n");
    assert!(log.contains(&email), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "plain lines when the output is not a terminal: {log}"
    );
    assert!(
        log.contains("https://app.example.com/verify-email?token="),
        "the link to the web app's route, whole: {log}"
    );
    let (production, _) = signed_up("production").await?;
    let log = production.output().join("\n");
    assert!(log.contains("mail recorded in the outbox"), "{log}");
    assert!(!log.contains("token="), "no secrets in production logs: {log}");
    Ok(())
}
