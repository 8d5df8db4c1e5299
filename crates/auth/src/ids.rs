//! The system clock and random identifiers.

use backline_application::ports::{Clock, IdGenerator};
use backline_domain::values::{SHORT_ID_ALPHABET, SHORT_ID_LEN};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rand::RngCore;

/// Reads the system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    /// Now, to the microsecond: the precision PostgreSQL keeps, so a time returned by a
    /// mutation is exactly the one read back later, on either database.
    fn now(&self) -> DateTime<Utc> {
        chrono::SubsecRound::trunc_subsecs(Utc::now(), 6)
    }
}

/// UUIDv7 ids, nanoid short ids and OS-random secrets.
pub struct RandomIds;

impl IdGenerator for RandomIds {
    fn uuid(&self) -> uuid::Uuid {
        uuid::Uuid::now_v7()
    }

    fn short_id(&self) -> String {
        let alphabet: Vec<char> = SHORT_ID_ALPHABET.chars().collect();
        nanoid::nanoid!(SHORT_ID_LEN, &alphabet)
    }

    fn secret_token(&self, bytes: usize) -> String {
        let mut buffer = vec![0_u8; bytes];
        rand::rngs::OsRng.fill_bytes(&mut buffer);
        URL_SAFE_NO_PAD.encode(buffer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backline_domain::values::ShortId;

    #[test]
    fn short_ids_and_secrets_have_the_promised_shape() {
        let ids = RandomIds;
        for _ in 0..100 {
            assert!(ShortId::parse(&ids.short_id()).is_ok());
        }
        let secret = ids.secret_token(32);
        assert_eq!(secret.len(), 43);
        assert_ne!(secret, ids.secret_token(32));
        assert_eq!(ids.uuid().get_version_num(), 7);
    }
}
