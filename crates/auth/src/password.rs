//! argon2id password hashing (OWASP parameters: m = 19456 KiB, t = 2, p = 1).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use backline_application::ports::PasswordHasher;

/// Hashes with argon2id and today's parameters; verifies any argon2 PHC string.
pub struct Argon2Hasher {
    params: Params,
    dummy: String,
}

impl Argon2Hasher {
    /// Memory cost in KiB.
    pub const MEMORY_KIB: u32 = 19_456;
    /// Iterations.
    pub const ITERATIONS: u32 = 2;
    /// Lanes.
    pub const PARALLELISM: u32 = 1;

    /// A hasher with the standard parameters.
    ///
    /// # Errors
    /// Fails if the parameters are refused or the dummy hash cannot be made.
    pub fn new() -> anyhow::Result<Self> {
        Self::with_params(Self::MEMORY_KIB, Self::ITERATIONS, Self::PARALLELISM)
    }

    /// A hasher with other parameters (tests use this to show rehashing).
    ///
    /// # Errors
    /// Fails if argon2 refuses the parameters.
    pub fn with_params(memory_kib: u32, iterations: u32, parallelism: u32) -> anyhow::Result<Self> {
        let params = Params::new(memory_kib, iterations, parallelism, None)
            .map_err(|error| anyhow::anyhow!("argon2 parameters: {error}"))?;
        let mut hasher = Self {
            params,
            dummy: String::new(),
        };
        hasher.dummy = hasher.hash_with_current(&uuid::Uuid::now_v7().to_string())?;
        Ok(hasher)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    fn hash_with_current(&self, password: &str) -> anyhow::Result<String> {
        let salt = SaltString::generate(&mut OsRng);
        Ok(self
            .argon2()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|error| anyhow::anyhow!("hashing failed: {error}"))?
            .to_string())
    }
}

impl PasswordHasher for Argon2Hasher {
    fn hash(&self, password: &str) -> anyhow::Result<String> {
        self.hash_with_current(password)
    }

    fn verify(&self, password: &str, hash: &str) -> anyhow::Result<bool> {
        let parsed =
            PasswordHash::new(hash).map_err(|error| anyhow::anyhow!("stored hash is not a PHC string: {error}"))?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    }

    fn needs_rehash(&self, hash: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else {
            return true;
        };
        if parsed.algorithm.as_str() != "argon2id" {
            return true;
        }
        match Params::try_from(&parsed) {
            Ok(params) => {
                params.m_cost() != self.params.m_cost()
                    || params.t_cost() != self.params.t_cost()
                    || params.p_cost() != self.params.p_cost()
            }
            Err(_) => true,
        }
    }

    fn dummy_hash(&self) -> &str {
        &self.dummy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_detect_old_parameters() -> anyhow::Result<()> {
        let hasher = Argon2Hasher::new()?;
        let hash = hasher.hash("correct horse battery")?;
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher.verify("correct horse battery", &hash)?);
        assert!(!hasher.verify("wrong horse battery", &hash)?);
        assert!(!hasher.needs_rehash(&hash));

        let weaker = Argon2Hasher::with_params(8 * 1024, 1, 1)?;
        let old = weaker.hash("correct horse battery")?;
        assert!(hasher.needs_rehash(&old));
        assert!(hasher.verify("correct horse battery", &old)?, "old hashes still verify");
        assert!(!hasher.verify("anything", hasher.dummy_hash())?);
        Ok(())
    }
}
