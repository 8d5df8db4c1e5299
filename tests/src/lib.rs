//! The black-box test harness: starts the real server on an ephemeral port with its own fresh
//! database and speaks HTTP to it, as a client would.

pub mod node;
pub mod replica;

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context as _;
use backline_server::{Config, RunningServer};
use serde_json::{Value, json};

/// A running server and an HTTP client for it (its [`Api`], through `Deref`).
pub struct TestApp {
    server: RunningServer,
    api: Api,
    /// The database it runs on (another server may share it).
    pub database_url: String,
    /// The database it made, removed when it is dropped (`None` when it runs on another's).
    _database: Option<backline_db::testing::TestDatabase>,
}

/// A client of one server, in this process or another: GraphQL over HTTP, uploads, and the
/// usual set-ups (users, hierarchies).
#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl std::ops::Deref for TestApp {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

/// A signed-up user.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Global id.
    pub id: String,
    /// Username.
    pub username: String,
    /// Email.
    pub email: String,
    /// Password.
    pub password: String,
    /// Access token.
    pub token: String,
    /// Refresh token.
    pub refresh: String,
}

static USERS: AtomicUsize = AtomicUsize::new(0);

impl TestApp {
    /// Starts a server on a fresh database with an in-memory blob store.
    ///
    /// # Errors
    /// Fails when the server cannot start.
    pub async fn new() -> anyhow::Result<Self> {
        Self::with_config(|_| {}).await
    }

    /// Starts a server after adjusting the default test configuration.
    ///
    /// # Errors
    /// Fails when the server cannot start.
    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> anyhow::Result<Self> {
        let mut config = Config::defaults()?;
        config.listen = "127.0.0.1:0".parse()?;
        let fresh = backline_db::testing::TestDatabase::new().await?;
        config.database_url = fresh.url().to_owned();
        config.blob_url = "memory://".into();
        config.jwt_secret = Some(backline_server::config::Secret(TEST_SECRET.into()));
        config.data_dir = std::env::temp_dir().join("backline-e2e");
        adjust(&mut config);
        let database_url = config.database_url.clone();
        // A database the test chose itself (another server's, to share) is not this one's:
        // the fresh one goes at once.
        let database = (database_url == fresh.url()).then_some(fresh);
        let server = backline_server::start(config).await?;
        let api = Api::new(&format!("http://{}", server.addr));
        Ok(Self {
            server,
            api,
            database_url,
            _database: database,
        })
    }

    /// Closes the server's database pool, as an outage would: every later query fails. (The
    /// close itself waits for the connections still held, such as the relay's listener, so it
    /// runs in the background; the pool refuses new work at once.)
    pub async fn lose_database(&self) {
        let database = self.server.composition.database.clone();
        tokio::spawn(async move {
            let _ = database.close().await;
        });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    /// Statements the server's database pool has executed so far.
    pub fn statements(&self) -> u64 {
        self.server.composition.database.statements_executed()
    }

    /// Messages the server recorded in its outbox for `to`.
    ///
    /// # Errors
    /// Fails when the outbox cannot be read.
    pub async fn mail_to(&self, to: &str) -> anyhow::Result<Vec<backline_db::SentMail>> {
        let outbox = self.server.composition.outbox.as_ref().context("no outbox")?;
        outbox.sent_to(to).await
    }

    /// The server's application (for maintenance use cases the CLI runs: gc, verify).
    pub fn app(&self) -> &backline_application::App {
        &self.server.composition.app
    }

    /// Stops the server.
    ///
    /// # Errors
    /// Fails when the server task failed.
    pub async fn stop(self) -> anyhow::Result<()> {
        // The server stops first; its database goes when `self` is dropped.
        self.server.stop().await
    }
}

impl Api {
    /// A client of the server at `base` (`http://127.0.0.1:PORT`).
    pub fn new(base: &str) -> Self {
        Self {
            client: reqwest::Client::new(),
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// The raw HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.client
    }

    /// POSTs a GraphQL operation; returns the whole response body.
    ///
    /// # Errors
    /// Fails on transport errors or a non-JSON body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> anyhow::Result<Value> {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Ok(request.send().await?.json().await?)
    }

    /// Like [`TestApp::gql`], failing unless the response has data and no errors.
    ///
    /// # Errors
    /// Fails when the response carries errors.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> anyhow::Result<Value> {
        let body = self.gql(token, query, variables).await?;
        anyhow::ensure!(body.get("errors").is_none(), "unexpected errors: {body}");
        Ok(body["data"].clone())
    }

    /// Signs up a new user with a unique name.
    ///
    /// # Errors
    /// Fails when sign-up fails.
    pub async fn user(&self, prefix: &str) -> anyhow::Result<TestUser> {
        let n = USERS.fetch_add(1, Ordering::Relaxed);
        let username = format!("{prefix}{n}");
        let email = format!("{username}@example.com");
        let password = "correct horse battery".to_owned();
        let data = self
            .ok(
                None,
                "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken user { id } } }",
                json!({ "input": { "email": email, "username": username, "password": password } }),
            )
            .await?;
        Ok(TestUser {
            id: str_at(&data, "/signUp/user/id")?,
            username,
            email,
            password,
            token: str_at(&data, "/signUp/accessToken")?,
            refresh: str_at(&data, "/signUp/refreshToken")?,
        })
    }

    /// Signs `user` in once more: a second session, with tokens of its own.
    ///
    /// # Errors
    /// Fails when sign-in fails.
    pub async fn log_in(&self, user: &TestUser) -> anyhow::Result<TestUser> {
        let data = self
            .ok(
                None,
                "mutation($e: String!, $p: String!) { logIn(input: {email: $e, password: $p}) { accessToken refreshToken } }",
                json!({ "e": user.email, "p": user.password }),
            )
            .await?;
        Ok(TestUser {
            token: str_at(&data, "/logIn/accessToken")?,
            refresh: str_at(&data, "/logIn/refreshToken")?,
            ..user.clone()
        })
    }

    /// Gives `user` the `role` (OWNER, ADMIN, EDITOR, VIEWER) on the space, project or track
    /// `resource`, as `owner`.
    ///
    /// # Errors
    /// Fails when the grant is refused.
    pub async fn grant(&self, owner: &TestUser, resource: &str, user: &TestUser, role: &str) -> anyhow::Result<()> {
        self.ok(
            Some(&owner.token),
            "mutation($r: ID!, $u: ID!, $role: Role!) { addCollaborator(input: {resourceId: $r, userId: $u, role: $role}) { role } }",
            json!({ "r": resource, "u": user.id, "role": role }),
        )
        .await?;
        Ok(())
    }

    /// Creates a space with one project holding one track, as `user`; returns their ids.
    ///
    /// # Errors
    /// Fails when a creation fails.
    pub async fn hierarchy(&self, user: &TestUser, name: &str) -> anyhow::Result<Hierarchy> {
        let token = Some(user.token.as_str());
        let space = self
            .ok(
                token,
                "mutation($n: String!) { createArtistSpace(input: {name: $n}) { id } }",
                json!({"n": name}),
            )
            .await?;
        let space = str_at(&space, "/createArtistSpace/id")?;
        let project = self
            .ok(
                token,
                "mutation($s: ID!) { createProject(input: {artistSpaceId: $s, name: \"P\"}) { id } }",
                json!({"s": space}),
            )
            .await?;
        let project = str_at(&project, "/createProject/id")?;
        let track = self
            .ok(
                token,
                "mutation($p: ID!) { createTrack(input: {projectId: $p, title: \"T\"}) { id } }",
                json!({"p": project}),
            )
            .await?;
        let track = str_at(&track, "/createTrack/id")?;
        Ok(Hierarchy { space, project, track })
    }

    /// Sends a GraphQL multipart request (the spec apollo-upload-client speaks): `query` with
    /// `variables`, and `bytes` as the file at the variable path `file_path` (e.g.
    /// `variables.input.file`).
    ///
    /// # Errors
    /// Fails on transport errors or a non-JSON body.
    pub async fn multipart(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
        file_path: &str,
        upload: Upload<'_>,
    ) -> anyhow::Result<Value> {
        let operations = json!({ "query": query, "variables": variables });
        let map = json!({ "0": [file_path] });
        let mut part = reqwest::multipart::Part::bytes(upload.bytes.to_vec()).file_name(upload.name.to_owned());
        if let Some(content_type) = upload.content_type {
            part = part.mime_str(content_type)?;
        }
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", map.to_string())
            .part("0", part);
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .header("apollo-require-preflight", "true")
            .multipart(form);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        let status = response.status();
        let body: Value = response.json().await?;
        anyhow::ensure!(
            status.is_success() || body.get("errors").is_some(),
            "HTTP {status} without errors: {body}"
        );
        Ok(body)
    }

    /// Starts an upload of `name` to `track` whose content is what the test sends on the
    /// returned channel, as it sends it: the request stays in flight until the sender is
    /// dropped. The task answers the whole response body.
    pub fn streamed_upload(
        &self,
        token: &str,
        track: &str,
        name: &str,
    ) -> (
        futures::channel::mpsc::Sender<Vec<u8>>,
        tokio::task::JoinHandle<anyhow::Result<Value>>,
    ) {
        use futures::StreamExt;
        let (feed, chunks) = futures::channel::mpsc::channel::<Vec<u8>>(4);
        let body = reqwest::Body::wrap_stream(chunks.map(Ok::<_, std::io::Error>));
        let operations = json!({
            "query": format!("mutation($input: UploadFileInput!) {{ uploadFile(input: $input) {{ {FILE_FIELDS} }} }}"),
            "variables": { "input": { "trackId": track, "file": null } },
        });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.input.file"] }).to_string())
            .part("0", reqwest::multipart::Part::stream(body).file_name(name.to_owned()));
        let request = self
            .client
            .post(format!("{}/graphql", self.base))
            .header("apollo-require-preflight", "true")
            .bearer_auth(token)
            .multipart(form);
        let task = tokio::spawn(async move { Ok(request.send().await?.json::<Value>().await?) });
        (feed, task)
    }

    /// Uploads `upload` as the next version of `track`; returns the whole response.
    ///
    /// # Errors
    /// Fails on transport errors.
    pub async fn upload(&self, token: &str, track: &str, upload: Upload<'_>) -> anyhow::Result<Value> {
        self.multipart(
            Some(token),
            &format!("mutation($input: UploadFileInput!) {{ uploadFile(input: $input) {{ {FILE_FIELDS} }} }}"),
            json!({ "input": { "trackId": track, "file": null } }),
            "variables.input.file",
            upload,
        )
        .await
    }

    /// Uploads and fails unless it succeeded; returns the file.
    ///
    /// # Errors
    /// Fails when the upload is refused.
    pub async fn upload_ok(&self, token: &str, track: &str, upload: Upload<'_>) -> anyhow::Result<Value> {
        let body = self.upload(token, track, upload).await?;
        anyhow::ensure!(body.get("errors").is_none(), "upload refused: {body}");
        Ok(body["data"]["uploadFile"].clone())
    }

    /// Polls a file until its analysis is READY or FAILED (at most a minute); returns it.
    ///
    /// # Errors
    /// Fails when the file cannot be read or analysis does not finish.
    pub async fn analysed(&self, token: &str, file: &str) -> anyhow::Result<Value> {
        let query = format!("query($id: ID!) {{ file(id: $id) {{ {FILE_FIELDS} }} }}");
        for _ in 0..600 {
            let data = self.ok(Some(token), &query, json!({ "id": file })).await?;
            let status = data["file"]["analysis"]["status"].as_str().unwrap_or("");
            if status == "READY" || status == "FAILED" {
                return Ok(data["file"].clone());
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        anyhow::bail!("analysis of {file} did not finish within a minute")
    }

    /// Bytes used by `token`'s owner.
    ///
    /// # Errors
    /// Fails when `me` cannot be read.
    pub async fn storage_used(&self, token: &str) -> anyhow::Result<i64> {
        let data = self
            .ok(Some(token), "{ me { subscription { storage { used } } } }", json!({}))
            .await?;
        data.pointer("/me/subscription/storage/used")
            .and_then(Value::as_i64)
            .context("no storage.used")
    }
}

/// The fields tests read from a `File`.
pub const FILE_FIELDS: &str = "id name type contentType size sha256 version isFinalVersion url createdAt \
    owner { username } artistSpace { id } project { id } track { id } analysis { status error analyzedAt } \
    metadata { durationSeconds sampleRate channels bitsPerSample codec container bitrate } \
    loudness { integratedLufs loudnessRange samplePeakDbfs truePeakDbtp }";

/// A file to upload.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// The file name sent.
    pub name: &'a str,
    /// The part's declared content type.
    pub content_type: Option<&'a str>,
    /// The content.
    pub bytes: &'a [u8],
}

impl<'a> Upload<'a> {
    /// A file with no declared type.
    pub fn new(name: &'a str, bytes: &'a [u8]) -> Self {
        Self {
            name,
            content_type: None,
            bytes,
        }
    }

    /// The same file declaring `content_type`.
    pub fn typed(self, content_type: &'a str) -> Self {
        Self {
            content_type: Some(content_type),
            ..self
        }
    }
}

/// A committed fixture from `tests/fixtures` (see its README).
///
/// # Errors
/// Fails when the file is missing.
pub fn fixture(name: &str) -> anyhow::Result<Vec<u8>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
}

/// Ids of a space, a project in it and a track in that project.
#[derive(Debug, Clone)]
pub struct Hierarchy {
    /// The space's id.
    pub space: String,
    /// The project's id.
    pub project: String,
    /// The track's id.
    pub track: String,
}

/// The JWT secret test servers use (so tests can forge tokens).
pub const TEST_SECRET: &str = "e2e-secret-e2e-secret-e2e-secret-e2e";

/// The string at a JSON pointer.
///
/// # Errors
/// Fails when there is no string there.
pub fn str_at(value: &Value, pointer: &str) -> anyhow::Result<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("no string at {pointer} in {value}"))
}

/// The `extensions.code` of the first error.
pub fn code(body: &Value) -> String {
    body.pointer("/errors/0/extensions/code")
        .and_then(Value::as_str)
        .unwrap_or("<no error>")
        .to_owned()
}

/// A response header as text (empty when absent or not text).
pub fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
