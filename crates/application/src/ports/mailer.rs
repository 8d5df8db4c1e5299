//! Outgoing email.

/// One plain-text message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailMessage {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// Sends email.
///
/// # Errors
/// Fails when the message could not be handed over (SMTP refused, database down).
#[async_trait::async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Sends or records one message.
    async fn send(&self, message: &MailMessage) -> anyhow::Result<()>;
}
