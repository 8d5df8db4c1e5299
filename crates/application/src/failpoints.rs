//! Named crash points, for the tests that prove a change survives its process dying at the
//! worst moment (SIGKILL, an out-of-memory kill, a power cut). Nothing is armed unless the
//! process arms one at start (the server does from `BACKLINE_FAILPOINT`, outside production);
//! an armed point aborts the process when reached, as a crash would.

use std::sync::OnceLock;

static ARMED: OnceLock<String> = OnceLock::new();

/// A comment's transaction has committed; nothing after it has run.
pub const COMMENT_COMMITTED: &str = "comment-committed";
/// A comment's rows are written inside its transaction, which has not committed.
pub const COMMENT_BEFORE_COMMIT: &str = "comment-before-commit";

/// A new version's transaction (file, analysis job, event, notifications) has committed;
/// nothing after it has run.
pub const VERSION_COMMITTED: &str = "version-committed";

/// Every point there is.
pub const ALL: [&str; 3] = [COMMENT_COMMITTED, COMMENT_BEFORE_COMMIT, VERSION_COMMITTED];

/// Arms the point `name` for the rest of the process (the first call wins). Returns whether
/// `name` is a known point.
pub fn arm(name: &str) -> bool {
    if !ALL.contains(&name) {
        return false;
    }
    let _ = ARMED.set(name.to_owned());
    true
}

/// Aborts the process if `name` is armed.
pub fn hit(name: &str) {
    if ARMED.get().is_some_and(|armed| armed == name) {
        tracing::error!(failpoint = name, "failpoint reached: aborting the process");
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_points_arm_and_an_unarmed_point_does_nothing() {
        assert!(!arm("nope"));
        // Nothing armed in this process: passing a point returns.
        hit(COMMENT_COMMITTED);
    }
}
