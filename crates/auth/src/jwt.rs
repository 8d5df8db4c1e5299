//! HS256 access tokens with pinned algorithm and validated `iss`, `aud`, `sub`, `exp`, `iat`,
//! `jti` and a `typ` claim that marks them as access tokens.

use backline_application::ports::{AccessClaims, TokenIssuer};
use backline_domain::ids::{SessionId, UserId};
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

/// `iss` of every token.
pub const ISSUER: &str = "backline";
/// `aud` of access tokens.
pub const AUDIENCE: &str = "backline-api";
/// Access token lifetime.
pub const ACCESS_TOKEN_TTL_MINUTES: i64 = 15;
/// The only accepted `typ`.
const ACCESS_TYPE: &str = "access";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    exp: i64,
    iat: i64,
    jti: String,
    sid: String,
    typ: String,
}

/// Signs and checks access tokens with a shared secret.
pub struct JwtIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtIssuer {
    /// An issuer with `secret` (at least 32 bytes).
    ///
    /// # Errors
    /// Fails when the secret is shorter than 32 bytes.
    pub fn new(secret: &[u8]) -> anyhow::Result<Self> {
        anyhow::ensure!(secret.len() >= 32, "the JWT secret must be at least 32 bytes");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["iss", "aud", "sub", "exp", "iat"]);
        validation.leeway = 5;
        validation.validate_exp = true;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        })
    }
}

impl TokenIssuer for JwtIssuer {
    fn issue(
        &self,
        user_id: UserId,
        session_id: SessionId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, DateTime<Utc>)> {
        let expires_at = now + Duration::minutes(ACCESS_TOKEN_TTL_MINUTES);
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user_id.to_string(),
            exp: expires_at.timestamp(),
            iat: now.timestamp(),
            jti: uuid::Uuid::now_v7().to_string(),
            sid: session_id.to_string(),
            typ: ACCESS_TYPE.into(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, expires_at))
    }

    fn verify(&self, token: &str) -> Result<AccessClaims, String> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).map_err(|error| match error.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => "expired".to_owned(),
            jsonwebtoken::errors::ErrorKind::InvalidAudience => "wrong audience".to_owned(),
            jsonwebtoken::errors::ErrorKind::InvalidIssuer => "wrong issuer".to_owned(),
            jsonwebtoken::errors::ErrorKind::InvalidSignature => "bad signature".to_owned(),
            jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => "algorithm not accepted".to_owned(),
            _ => "malformed".to_owned(),
        })?;
        let claims = data.claims;
        if claims.typ != ACCESS_TYPE {
            return Err("not an access token".into());
        }
        if claims.jti.is_empty() || claims.iat > Utc::now().timestamp() + 60 {
            return Err("malformed".into());
        }
        let user_id = claims
            .sub
            .parse::<uuid::Uuid>()
            .map_err(|_| "malformed subject".to_owned())?;
        let session_id = claims
            .sid
            .parse::<uuid::Uuid>()
            .map_err(|_| "malformed session".to_owned())?;
        let expires_at = DateTime::from_timestamp(claims.exp, 0).ok_or_else(|| "malformed expiry".to_owned())?;
        Ok(AccessClaims {
            user_id: UserId(user_id),
            session_id: SessionId(session_id),
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn issuer() -> anyhow::Result<JwtIssuer> {
        JwtIssuer::new(SECRET)
    }

    #[test]
    fn round_trips_claims() -> anyhow::Result<()> {
        let issuer = issuer()?;
        let user = UserId(uuid::Uuid::now_v7());
        let session = SessionId(uuid::Uuid::now_v7());
        let (token, _) = issuer.issue(user, session, Utc::now())?;
        let claims = issuer.verify(&token).map_err(anyhow::Error::msg)?;
        assert_eq!(claims.user_id, user);
        assert_eq!(claims.session_id, session);
        Ok(())
    }

    #[test]
    fn refuses_alg_none_expired_and_tampered_tokens() -> anyhow::Result<()> {
        let issuer = issuer()?;
        let user = UserId(uuid::Uuid::now_v7());
        let session = SessionId(uuid::Uuid::now_v7());
        let (token, _) = issuer.issue(user, session, Utc::now())?;
        let parts: Vec<&str> = token.split('.').collect();

        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(issuer.verify(&format!("{none_header}.{}.", parts[1])).is_err());

        let mut payload: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1])?)?;
        payload["sub"] = serde_json::Value::String(uuid::Uuid::now_v7().to_string());
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(payload.to_string()),
            parts[2]
        );
        assert_eq!(issuer.verify(&tampered), Err("bad signature".to_owned()));

        let (old, _) = issuer.issue(user, session, Utc::now() - Duration::hours(1))?;
        assert_eq!(issuer.verify(&old), Err("expired".to_owned()));

        let other = JwtIssuer::new(b"another-secret-another-secret-xx")?;
        assert!(other.verify(&token).is_err());
        Ok(())
    }
}
