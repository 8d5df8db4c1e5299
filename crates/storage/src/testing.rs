//! A real S3 protocol server for tests: moto's `moto_server` (from PyPI, pinned in
//! `tests/s3/requirements.txt`) in a virtual environment under `tests/s3/.venv`, created on
//! first use. Each [`S3TestServer`] is its own process on a free port and stops when dropped.
//! Without `python3` on the PATH starting one fails with a message that says so.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// The folder holding `requirements.txt` and the virtual environment.
fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/s3")
}

/// Creates the virtual environment with moto once (several test processes may ask at once:
/// a file lock lets one install while the others wait).
fn ensure_moto() -> anyhow::Result<PathBuf> {
    let folder = folder();
    let venv = folder.join(".venv");
    let server = venv.join("bin/moto_server");
    let lock = std::fs::File::create(folder.join(".venv.lock"))
        .with_context(|| format!("creating a lock file in {}", folder.display()))?;
    lock.lock()?;
    if server.exists() {
        return Ok(server);
    }
    let python = Command::new("python3").arg("--version").output();
    anyhow::ensure!(
        python.is_ok_and(|output| output.status.success()),
        "python3 is not on the PATH: the S3 tests need it to run moto, an S3 server from PyPI (tests/s3/README.md)"
    );
    let created = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .context("running python3 -m venv")?;
    anyhow::ensure!(
        created.status.success(),
        "python3 -m venv {} failed: {}",
        venv.display(),
        String::from_utf8_lossy(&created.stderr)
    );
    let installed = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(folder.join("requirements.txt"))
        .output()
        .context("running pip install")?;
    if !installed.status.success() {
        let _ = std::fs::remove_dir_all(&venv);
        anyhow::bail!(
            "pip install -r tests/s3/requirements.txt failed: {}",
            String::from_utf8_lossy(&installed.stderr)
        );
    }
    anyhow::ensure!(server.exists(), "moto installed without moto_server");
    Ok(server)
}

/// One HTTP/1.1 request without a body; answers the status code.
fn request(port: u16, method: &str, path: &str) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0_u8; 12];
    stream.read_exact(&mut head)?;
    let status = String::from_utf8_lossy(&head[9..12]).parse().unwrap_or(0);
    Ok(status)
}

/// A moto S3 server of this test's own.
pub struct S3TestServer {
    child: Child,
    port: u16,
}

impl S3TestServer {
    /// Starts a server on a free port and waits until it answers (at most 60 s).
    ///
    /// # Errors
    /// Fails when python3 is missing, moto cannot be installed, or the server does not start.
    pub fn start() -> anyhow::Result<Self> {
        let server = ensure_moto()?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", server.display()))?;
        let mut started = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while request(port, "GET", "/").map_or(true, |status| status != 200) {
            if let Ok(Some(status)) = started.child.try_wait() {
                anyhow::bail!("moto_server exited at start ({status})");
            }
            anyhow::ensure!(Instant::now() < deadline, "moto_server did not answer within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(started)
    }

    /// The server's endpoint, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Creates `bucket` and returns the `BACKLINE_BLOB_URL` that names it with every S3 setting
    /// in its query (endpoint, region, path-style, plain HTTP, the test credentials).
    ///
    /// # Errors
    /// Fails when the server refuses to create the bucket.
    pub fn bucket(&self, bucket: &str) -> anyhow::Result<String> {
        let status = request(self.port, "PUT", &format!("/{bucket}"))?;
        anyhow::ensure!(status == 200, "creating bucket {bucket} answered {status}");
        Ok(format!(
            "s3://{bucket}?aws_endpoint={}&aws_region=us-east-1&aws_allow_http=true&aws_virtual_hosted_style_request=false&aws_access_key_id=test&aws_secret_access_key=test",
            self.endpoint()
        ))
    }

    /// Stops the server (as dropping it does), so the store stops answering.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for S3TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}
