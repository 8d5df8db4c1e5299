//! Setting up the measured track over the HTTP API.

use serde_json::{Value, json};

/// A signed-in user with a track holding one version.
pub(crate) struct Stage {
    /// The access token.
    pub(crate) token: String,
    /// The track subscribers watch.
    pub(crate) track: String,
    /// The version comments are added to.
    pub(crate) file: String,
}

/// A GraphQL client for one server.
pub(crate) struct Api {
    client: reqwest::Client,
    endpoint: String,
}

impl Api {
    /// A client for the server at `base` (`http://host:port`).
    pub(crate) fn new(base: &str) -> Self {
        Self {
            client: reqwest::Client::new(),
            endpoint: format!("{}/graphql", base.trim_end_matches('/')),
        }
    }

    /// Runs an operation and returns its `data`, failing on any error.
    pub(crate) async fn run(&self, token: Option<&str>, query: &str, variables: Value) -> anyhow::Result<Value> {
        let mut request = self
            .client
            .post(&self.endpoint)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let body: Value = request.send().await?.json().await?;
        anyhow::ensure!(body.get("errors").is_none(), "{query}: {body}");
        Ok(body["data"].clone())
    }

    /// Signs up a fresh user and creates a space, project and track with one short version.
    pub(crate) async fn stage(&self, tag: &str) -> anyhow::Result<Stage> {
        let username = format!("load{tag}");
        let signed = self
            .run(
                None,
                "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }",
                json!({ "i": { "email": format!("{username}@example.com"), "username": username, "password": "load generator password" } }),
            )
            .await?;
        let token = text(&signed["signUp"]["accessToken"])?;
        let t = Some(token.as_str());
        let space = self
            .run(
                t,
                "mutation { createArtistSpace(input: {name: \"Load\"}) { id } }",
                json!({}),
            )
            .await?;
        let project = self
            .run(
                t,
                "mutation($s: ID!) { createProject(input: {artistSpaceId: $s, name: \"Load\"}) { id } }",
                json!({ "s": text(&space["createArtistSpace"]["id"])? }),
            )
            .await?;
        let track = self
            .run(
                t,
                "mutation($p: ID!) { createTrack(input: {projectId: $p, title: \"Load\"}) { id } }",
                json!({ "p": text(&project["createProject"]["id"])? }),
            )
            .await?;
        let track = text(&track["createTrack"]["id"])?;
        let file = self.upload(&token, &track).await?;
        Ok(Stage { token, track, file })
    }

    /// Uploads a one-second tone as the track's next version.
    async fn upload(&self, token: &str, track: &str) -> anyhow::Result<String> {
        let operations = json!({
            "query": "mutation($i: UploadFileInput!) { uploadFile(input: $i) { id } }",
            "variables": { "i": { "trackId": track, "file": null } },
        });
        let part = reqwest::multipart::Part::bytes(backline_audio::testing::tone(8_000, 1, 8_000))
            .file_name("load.wav")
            .mime_str("audio/wav")?;
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.i.file"] }).to_string())
            .part("0", part);
        let body: Value = self
            .client
            .post(&self.endpoint)
            .bearer_auth(token)
            .header("apollo-require-preflight", "true")
            .multipart(form)
            .send()
            .await?
            .json()
            .await?;
        anyhow::ensure!(body.get("errors").is_none(), "upload: {body}");
        text(&body["data"]["uploadFile"]["id"])
    }
}

fn text(value: &Value) -> anyhow::Result<String> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("expected a string, got {value}"))
}
