//! Sign-up, sign-in, sessions, email verification, passwords and plans.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use backline_application::identity::{self, SignUp, UpdateProfile};
use backline_domain::ids::{SessionId, UserId};

use crate::common::args::maybe;
use crate::common::context::parts;
use crate::common::enums::GqlPlan;
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, decode};
use crate::common::nodes::UserNode;
use crate::identity::auth::AuthPayloadNode;
use crate::identity::users::SubscriptionNode;

#[derive(Default)]
pub(crate) struct IdentityMutation;

/// Input of `signUp`.
#[derive(InputObject)]
struct SignUpInput {
    /// Email address; unique regardless of case.
    email: String,
    /// Public handle: 3-30 letters, digits, `_` or `-`; unique regardless of case.
    username: String,
    /// 8-128 characters.
    password: String,
}

/// Input of `logIn`.
#[derive(InputObject)]
struct LogInInput {
    /// The account's email address.
    email: String,
    /// The account's password.
    password: String,
}

/// Input of `changePassword`.
#[derive(InputObject)]
struct ChangePasswordInput {
    /// The password in use now.
    current_password: String,
    /// The new password, 8-128 characters.
    new_password: String,
}

/// Input of `updateMe`. Omitted fields stay as they are; `null` clears a clearable one.
#[derive(InputObject)]
struct UpdateMeInput {
    /// New username.
    username: Option<String>,
    /// New ISO 3166-1 alpha-2 country code, or null to clear it.
    country_code: MaybeUndefined<String>,
}

#[Object]
impl IdentityMutation {
    /// Creates an account (ARTIST role, FREE plan), emails a verification link and signs in.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Email, username and password.")] input: SignUpInput,
    ) -> async_graphql::Result<AuthPayloadNode> {
        let (app, request) = parts(ctx)?;
        let payload = identity::sign_up(
            &app.identity,
            SignUp {
                email: input.email,
                username: input.username,
                password: input.password,
            },
            &request.meta,
        )
        .await
        .gql()?;
        Ok(AuthPayloadNode(payload))
    }

    /// Signs in with email and password. Wrong email and wrong password give the same
    /// UNAUTHENTICATED error; repeated failures give RATE_LIMITED.
    async fn log_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Email and password.")] input: LogInInput,
    ) -> async_graphql::Result<AuthPayloadNode> {
        let (app, request) = parts(ctx)?;
        Ok(AuthPayloadNode(
            identity::log_in(&app.identity, &input.email, &input.password, &request.meta)
                .await
                .gql()?,
        ))
    }

    /// Exchanges a refresh token for a new token pair. Each refresh token works once; using one
    /// twice ends its session.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token from the last sign-in or refresh.")] refresh_token: String,
    ) -> async_graphql::Result<AuthPayloadNode> {
        let (app, _) = parts(ctx)?;
        Ok(AuthPayloadNode(
            identity::refresh_session(&app.identity, &refresh_token).await.gql()?,
        ))
    }

    /// Signs out: ends the session the refresh token belongs to. True when the token names a
    /// session, which is now ended (also when it had ended before); false for a token Backline
    /// does not know, which is not an error.
    async fn log_out(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session's current refresh token.")] refresh_token: String,
    ) -> async_graphql::Result<bool> {
        let (app, _) = parts(ctx)?;
        identity::log_out(&app.identity, &refresh_token).await.gql()
    }

    /// Ends one of your sessions (signs that device out).
    async fn revoke_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session's id, from `me { sessions { id } }`.")] id: ID,
    ) -> async_graphql::Result<bool> {
        let (app, request) = parts(ctx)?;
        let session = SessionId(decode(Kind::Session, &id, "id")?);
        identity::revoke_session(&app.identity, &request.actor, session)
            .await
            .gql()
    }

    /// Confirms an email address with the token from the verification email.
    async fn verify_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token from the email.")] token: String,
    ) -> async_graphql::Result<UserNode> {
        let (app, _) = parts(ctx)?;
        Ok(UserNode::from(
            identity::verify_email(&app.identity, &token).await.gql()?,
        ))
    }

    /// Sends a new verification email (earlier links stop working).
    async fn resend_verification_email(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let (app, request) = parts(ctx)?;
        identity::resend_verification_email(&app.identity, &request.actor)
            .await
            .gql()
    }

    /// Changes your password and signs out every session, this one included.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Current and new password.")] input: ChangePasswordInput,
    ) -> async_graphql::Result<bool> {
        let (app, request) = parts(ctx)?;
        identity::change_password(
            &app.identity,
            &request.actor,
            &input.current_password,
            &input.new_password,
        )
        .await
        .gql()
    }

    /// Changes your profile.
    async fn update_me(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to change.")] input: UpdateMeInput,
    ) -> async_graphql::Result<UserNode> {
        let (app, request) = parts(ctx)?;
        let update = UpdateProfile {
            username: input.username,
            country_code: maybe(input.country_code),
        };
        Ok(UserNode::from(
            identity::update_profile(&app.identity, &request.actor, update)
                .await
                .gql()?,
        ))
    }

    /// Moves a user to another plan. Platform admins only.
    async fn set_user_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's global id.")] user_id: ID,
        #[graphql(desc = "The new plan.")] plan: GqlPlan,
    ) -> async_graphql::Result<SubscriptionNode> {
        let (app, request) = parts(ctx)?;
        let user = UserId(decode(Kind::User, &user_id, "userId")?);
        let subscription = identity::set_user_plan(&app.identity, &request.actor, user, plan.into())
            .await
            .gql()?;
        Ok(SubscriptionNode::new(app, subscription))
    }
}
