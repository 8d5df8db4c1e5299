//! The npm clients under `tests/node` (graphql-ws, Apollo Client, apollo-upload-client, GraphQL
//! Code Generator, playwright-core), installed with `npm ci` from the lockfile on first use. A
//! test that needs them fails with a message naming Node.js or npm when either is missing.

use std::path::PathBuf;
use std::process::Stdio;

use anyhow::Context;

/// The folder holding `package.json` and the scripts.
pub fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node")
}

/// Whether every dependency `package.json` names is in `node_modules`.
fn installed(folder: &std::path::Path) -> anyhow::Result<bool> {
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(folder.join("package.json"))?)?;
    let names = manifest["dependencies"]
        .as_object()
        .context("tests/node/package.json has no dependencies")?;
    Ok(names
        .keys()
        .all(|name| folder.join("node_modules").join(name).join("package.json").exists()))
}

/// Checks that `node` runs and installs the clients if they are not yet; returns the folder.
///
/// # Errors
/// Node.js or npm missing, or `npm ci` failing.
pub async fn clients() -> anyhow::Result<PathBuf> {
    let node = tokio::process::Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await;
    anyhow::ensure!(
        node.is_ok_and(|status| status.success()),
        "node is not on the PATH: this test runs npm clients with Node.js (install nodejs and npm)"
    );
    let folder = folder();
    let lock_folder = folder.clone();
    // One installer at a time, across the test processes.
    let lock = tokio::task::spawn_blocking(move || -> anyhow::Result<std::fs::File> {
        let lock = std::fs::File::create(lock_folder.join(".install.lock"))?;
        lock.lock()?;
        Ok(lock)
    })
    .await??;
    if !installed(&folder)? {
        let output = tokio::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&folder)
            .output()
            .await
            .map_err(|error| {
                anyhow::anyhow!("npm is not on the PATH ({error}): this test installs its clients with npm")
            })?;
        anyhow::ensure!(
            output.status.success(),
            "npm ci in {} failed: {}",
            folder.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    drop(lock);
    Ok(folder)
}
