//! Real `backline` server processes for tests that need several, or need to signal or kill
//! one. The test binary runs itself again with only the ignored test `child::replica`, which
//! serves exactly as the binary's `serve` does (configuration from the environment, SIGTERM
//! handling, shutdown timeout), prints its address, and keeps serving until it is stopped.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

/// Tells the child process it is a replica.
pub const REPLICA_ENV: &str = "BACKLINE_E2E_REPLICA";
/// What a replica prints before its address.
pub const READY: &str = "BACKLINE_REPLICA_LISTENING ";

/// A server in its own process.
pub struct Replica {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    child: Child,
    output: Arc<Mutex<Vec<String>>>,
    /// The database it made for itself ([`Replica::start_fresh`]), removed after it.
    _database: Option<backline_db::testing::TestDatabase>,
}

impl Replica {
    /// Starts a replica with `env` on top of a clean environment for Backline (no inherited
    /// `BACKLINE_*`, `DATABASE_URL` or `TEST_DATABASE_URL`). It listens on an ephemeral port
    /// unless `env` sets `BACKLINE_LISTEN`, and uses the tests' JWT secret unless `env` sets
    /// one.
    ///
    /// # Errors
    /// Fails when the process does not start or exits before it listens (within a minute).
    pub async fn start(env: &[(&str, String)]) -> anyhow::Result<Self> {
        let mut command = tokio::process::Command::new(std::env::current_exe()?);
        command.args([
            "--exact",
            "child::replica",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ]);
        for (key, _) in std::env::vars() {
            if key.starts_with("BACKLINE_") || key == "DATABASE_URL" || key == "TEST_DATABASE_URL" {
                command.env_remove(key);
            }
        }
        command
            .env(REPLICA_ENV, "1")
            .env("BACKLINE_LISTEN", "127.0.0.1:0")
            .env("BACKLINE_JWT_SECRET", crate::TEST_SECRET)
            .env("BACKLINE_DATA_DIR", std::env::temp_dir().join("backline-e2e"))
            .env("RUST_LOG", "info,sqlx=warn,sea_orm=warn");
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let output: Arc<Mutex<Vec<String>>> = Arc::default();
        let stderr = child.stderr.take().context("no stderr")?;
        let errors = Arc::clone(&output);
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(mut errors) = errors.lock() {
                    errors.push(line);
                }
            }
        });
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let collected = Arc::clone(&output);
        let base = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                // The test harness may print the test's name on the same line first.
                if let Some(at) = line.find(READY) {
                    return Ok::<String, anyhow::Error>(line[at + READY.len()..].trim().to_owned());
                }
                if let Ok(mut collected) = collected.lock() {
                    collected.push(line);
                }
            }
            let seen = collected.lock().map(|lines| lines.join("\n")).unwrap_or_default();
            anyhow::bail!("the replica exited before it listened:\n{seen}")
        })
        .await
        .context("the replica did not listen within a minute")??;
        let rest = Arc::clone(&output);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(mut rest) = rest.lock() {
                    rest.push(line);
                }
            }
        });
        Ok(Self {
            base,
            child,
            output,
            _database: None,
        })
    }

    /// Starts a replica like [`Replica::start`] on a database of its own (`DATABASE_URL`),
    /// which is removed when the replica is dropped.
    ///
    /// # Errors
    /// Fails when the database cannot be made or the process does not start.
    pub async fn start_fresh(env: &[(&str, String)]) -> anyhow::Result<Self> {
        let database = backline_db::testing::TestDatabase::new().await?;
        let mut with_database = vec![("DATABASE_URL", database.url().to_owned())];
        with_database.extend(env.iter().cloned());
        let mut replica = Self::start(&with_database).await?;
        replica._database = Some(database);
        Ok(replica)
    }

    /// Everything it printed so far (log lines, stdout and stderr).
    pub fn output(&self) -> Vec<String> {
        self.output.lock().map(|lines| lines.clone()).unwrap_or_default()
    }

    /// Its process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Sends SIGTERM (an orderly stop).
    ///
    /// # Errors
    /// Fails when the signal cannot be sent.
    pub async fn terminate(&self) -> anyhow::Result<()> {
        let pid = self.pid().context("the replica has exited")?;
        let status = tokio::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await
            .context("running kill (procps)")?;
        anyhow::ensure!(status.success(), "kill -TERM {pid} failed");
        Ok(())
    }

    /// Sends SIGKILL: the process dies at once, mid-work.
    ///
    /// # Errors
    /// Fails when the signal cannot be sent.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        self.child.start_kill()?;
        self.child.wait().await?;
        Ok(())
    }

    /// Waits up to `within` for the process to exit; `None` when it is still running.
    ///
    /// # Errors
    /// Fails when waiting fails.
    pub async fn exited_within(&mut self, within: Duration) -> anyhow::Result<Option<std::process::ExitStatus>> {
        match tokio::time::timeout(within, self.child.wait()).await {
            Ok(status) => Ok(Some(status?)),
            Err(_) => Ok(None),
        }
    }
}
