//! Email digests: notifications a user wants by email are collected and sent as one message, at
//! most once per [`AppSettings::digest_interval`](crate::AppSettings::digest_interval).

use std::fmt::Write as _;

use super::Notifications;
use crate::error::AppResult;
use crate::ports::MailMessage;

/// Users handled per run.
const USERS_PER_RUN: u64 = 500;
/// Lines listed in one digest; the rest are counted.
const LINES_PER_DIGEST: usize = 50;

/// Sends every digest that is due; returns how many emails went out. A notification already
/// read in the app is left out. A failed send is logged and its notifications are not retried
/// (at most once, never twice).
///
/// # Errors
/// Fails when the database does not answer.
pub async fn send_digests(notifications: &Notifications) -> AppResult<usize> {
    let now = notifications.clock.now();
    let due = notifications
        .notifications
        .digest_due(now - notifications.settings.digest_interval, USERS_PER_RUN)
        .await?;
    let mut sent = 0;
    for user_id in due {
        let items = notifications.notifications.take_digest(user_id, now).await?;
        let unread: Vec<_> = items.into_iter().filter(|item| !item.is_read).collect();
        if unread.is_empty() {
            continue;
        }
        let Some(user) = notifications.users.find(user_id).await? else {
            continue;
        };
        let base = notifications.settings.public_url.trim_end_matches('/');
        let mut body = format!("Hi {},\n\nhere is what happened on Backline:\n\n", user.username);
        for item in unread.iter().take(LINES_PER_DIGEST) {
            let _ = writeln!(body, "- {}\n  {base}{}", item.title, item.slug);
        }
        if unread.len() > LINES_PER_DIGEST {
            let _ = writeln!(body, "\n…and {} more in the app.", unread.len() - LINES_PER_DIGEST);
        }
        let _ = write!(
            body,
            "\nChoose what reaches you by email in your notification settings: {base}/settings/notifications\n"
        );
        let subject = match unread.len() {
            1 => "1 new notification on Backline".to_owned(),
            count => format!("{count} new notifications on Backline"),
        };
        let message = MailMessage {
            to: user.email.clone(),
            subject,
            body,
        };
        match notifications.mailer.send(&message).await {
            Ok(()) => sent += 1,
            Err(error) => tracing::warn!(user = %user_id, %error, "could not send a notification digest"),
        }
    }
    Ok(sent)
}
