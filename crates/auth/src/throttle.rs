//! Counting failed sign-ins in memory: at most `limit` failures per key within `window`.
//! Per process: several replicas each keep their own counts (documented in the README).

use std::collections::HashMap;
use std::sync::Mutex;

use backline_application::ports::LoginThrottle;
use chrono::{DateTime, Duration, Utc};

/// Failure counts per key in a sliding window.
pub struct InMemoryLoginThrottle {
    limit: usize,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

impl InMemoryLoginThrottle {
    /// Allows `limit` failures per key within `window`.
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }
}

impl Default for InMemoryLoginThrottle {
    /// 5 failures per account or address per 15 minutes.
    fn default() -> Self {
        Self::new(5, Duration::minutes(15))
    }
}

impl LoginThrottle for InMemoryLoginThrottle {
    fn check(&self, keys: &[String], now: DateTime<Utc>) -> Result<(), u64> {
        let Ok(mut failures) = self.failures.lock() else {
            return Ok(());
        };
        let cutoff = now - self.window;
        let mut wait = 0_i64;
        for key in keys {
            if let Some(times) = failures.get_mut(key) {
                times.retain(|time| *time > cutoff);
                if times.len() >= self.limit {
                    let oldest = times.iter().min().copied().unwrap_or(now);
                    wait = wait.max((oldest + self.window - now).num_seconds().max(1));
                }
            }
        }
        if wait > 0 {
            Err(u64::try_from(wait).unwrap_or(1))
        } else {
            Ok(())
        }
    }

    fn record_failure(&self, keys: &[String], now: DateTime<Utc>) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        // Keep the map bounded: forget stale keys once it grows large.
        if failures.len() > 100_000 {
            let cutoff = now - self.window;
            failures.retain(|_, times| times.iter().any(|time| *time > cutoff));
        }
        for key in keys {
            failures.entry(key.clone()).or_default().push(now);
        }
    }

    fn reset(&self, key: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_until_the_window_passes() {
        let throttle = InMemoryLoginThrottle::new(3, Duration::minutes(10));
        let keys = vec!["account:a@example.com".to_owned()];
        let start = Utc::now();
        for _ in 0..3 {
            assert!(throttle.check(&keys, start).is_ok());
            throttle.record_failure(&keys, start);
        }
        let wait = throttle.check(&keys, start + Duration::minutes(1));
        assert!(
            matches!(wait, Err(seconds) if (500..=540).contains(&seconds)),
            "{wait:?}"
        );
        assert!(throttle.check(&keys, start + Duration::minutes(11)).is_ok());
        throttle.record_failure(&keys, start);
        throttle.reset(&keys[0]);
        assert!(throttle.check(&keys, start).is_ok());
    }
}
