//! What sign-up, sign-in and refresh return.

use async_graphql::Object;
use backline_application::identity::AuthPayload;
use chrono::{DateTime, Utc};

use crate::common::nodes::UserNode;

/// A fresh pair of tokens and the signed-in user.
pub(crate) struct AuthPayloadNode(pub(crate) AuthPayload);

/// A fresh pair of tokens and the signed-in user.
#[Object(name = "AuthPayload")]
impl AuthPayloadNode {
    /// Send as `Authorization: Bearer <accessToken>`. Valid for 15 minutes.
    async fn access_token(&self) -> &str {
        &self.0.access_token
    }

    /// Exchange with `refreshSession` for a new pair before the access token expires. Valid
    /// for 30 days and for one use only: keep it secret.
    async fn refresh_token(&self) -> &str {
        &self.0.refresh_token
    }

    /// When the access token stops working.
    async fn access_token_expires_at(&self) -> DateTime<Utc> {
        self.0.access_token_expires_at
    }

    /// The signed-in user.
    async fn user(&self) -> UserNode {
        UserNode {
            user: self.0.user.clone(),
            signed_in_as: true,
        }
    }
}
