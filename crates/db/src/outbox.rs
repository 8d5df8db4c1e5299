//! The default mailer: records every message in the `mail_outbox` table and logs it, so a
//! development setup needs no SMTP server and tests can read what was sent. In development the
//! whole message is logged, links and codes included, so a newcomer can follow them.

use backline_application::ports::{MailMessage, Mailer};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::Database;
use crate::entities::mail_outbox;

/// A message recorded in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// Records mail in the database.
#[derive(Clone)]
pub struct OutboxMailer {
    db: Database,
    log_bodies: bool,
}

impl OutboxMailer {
    /// A mailer writing to `db`; with `log_bodies` (development only: bodies carry secrets such
    /// as verification links) each message is logged whole.
    pub fn new(db: Database, log_bodies: bool) -> Self {
        Self { db, log_bodies }
    }

    /// The messages sent to `to`, oldest first.
    ///
    /// # Errors
    /// Fails when the database does not answer.
    pub async fn sent_to(&self, to: &str) -> anyhow::Result<Vec<SentMail>> {
        let rows = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Recipient.eq(to.to_lowercase()))
            .order_by_asc(mail_outbox::Column::Id)
            .all(self.db.conn())
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| SentMail {
                to: row.recipient,
                subject: row.subject,
                body: row.body,
                created_at: row.created_at,
            })
            .collect())
    }
}

#[async_trait::async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, message: &MailMessage) -> anyhow::Result<()> {
        mail_outbox::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            recipient: Set(message.to.to_lowercase()),
            subject: Set(message.subject.clone()),
            body: Set(message.body.clone()),
            created_at: Set(Utc::now()),
        }
        .insert(self.db.conn())
        .await?;
        if self.log_bodies {
            tracing::info!(
                to = %message.to,
                subject = %message.subject,
                "mail recorded in the outbox (set BACKLINE_SMTP_URL to send it):\n{}",
                message.body
            );
        } else {
            tracing::info!(to = %message.to, subject = %message.subject, "mail recorded in the outbox (set BACKLINE_SMTP_URL to send it)");
        }
        Ok(())
    }
}
