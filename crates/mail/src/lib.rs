//! Backline's SMTP mailer (lettre), used when `BACKLINE_SMTP_URL` is set. Without it the server
//! records mail in the database outbox instead (see `backline_db::OutboxMailer`).

use backline_application::ports::{MailMessage, Mailer};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Sends mail over SMTP.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for a URL like `smtps://user:pass@smtp.example.com:465` or
    /// `smtp://localhost:1025` (plain, for development catchers), sending from `from`.
    ///
    /// # Errors
    /// Fails when the URL or the sender address is malformed.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build();
        let from = from
            .parse()
            .map_err(|error| anyhow::anyhow!("BACKLINE_MAIL_FROM '{from}': {error}"))?;
        Ok(Self { transport, from })
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, message: &MailMessage) -> anyhow::Result<()> {
        let email = Message::builder()
            .from(self.from.clone())
            .to(message.to.parse()?)
            .subject(message.subject.clone())
            .body(message.body.clone())?;
        self.transport.send(email).await?;
        tracing::info!(to = %message.to, subject = %message.subject, "mail sent over SMTP");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn builds_from_urls_and_refuses_bad_senders() {
        assert!(SmtpMailer::new("smtp://localhost:1025", "Backline <no-reply@backline.example>").is_ok());
        assert!(SmtpMailer::new("smtp://localhost:1025", "not an address").is_err());
        assert!(SmtpMailer::new("nonsense://x", "no-reply@backline.example").is_err());
    }

    #[tokio::test]
    async fn reports_an_unreachable_server() -> anyhow::Result<()> {
        // Port 9 on loopback has no SMTP server: sending must fail, not hang or panic.
        let mailer = SmtpMailer::new("smtp://127.0.0.1:9", "no-reply@backline.example")?;
        let result = mailer
            .send(&MailMessage {
                to: "a@example.com".into(),
                subject: "s".into(),
                body: "b".into(),
            })
            .await;
        assert!(result.is_err());
        Ok(())
    }
}
