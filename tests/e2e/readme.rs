//! The README's walk-through, run as written against a fresh server, block by block and in
//! order, as GraphiQL would run it: each ```graphql block is one named operation, the ```json
//! block after it its variables, a ```json headers block the Headers tab from then on, and the
//! ```sh upload the curl command it shows (with the demo song it writes). `{{run}}` and
//! `{{Operation.path}}` are filled as Backline's GraphiQL fills them (`assets/graphiql/backline.js`).

use std::collections::HashMap;

use backline_e2e::{TestApp, Upload};
use serde_json::{Value, json};

/// One fenced block: its info string and its text.
struct Block {
    info: String,
    text: String,
}

/// The fenced blocks of the README's walk-through section.
fn walk_through() -> anyhow::Result<Vec<Block>> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))?;
    let start = readme
        .find("## GraphiQL walk-through")
        .ok_or_else(|| anyhow::anyhow!("the README has no walk-through"))?;
    let section = &readme[start + 3..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut blocks = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else { continue };
        let mut text = String::new();
        for line in lines.by_ref() {
            if line == "```" {
                break;
            }
            text.push_str(line);
            text.push('\n');
        }
        blocks.push(Block {
            info: info.trim().to_owned(),
            text,
        });
    }
    Ok(blocks)
}

/// The operation names a document defines.
fn operation_names(document: &str) -> Vec<String> {
    document
        .lines()
        .filter_map(|line| {
            let mut words = line.split(|c: char| c.is_whitespace() || c == '(' || c == '{');
            match words.next() {
                Some("query" | "mutation" | "subscription") => words.find(|word| !word.is_empty()).map(str::to_owned),
                Some("fragment") => Some(String::new()),
                _ => None,
            }
        })
        .collect()
}

/// What the README's placeholders stand for: the tab's word and the named answers so far.
struct Tab {
    run: String,
    answers: HashMap<String, Value>,
}

impl Tab {
    fn look(&self, path: &str) -> Option<Value> {
        if path == "run" {
            return Some(Value::String(self.run.clone()));
        }
        let mut parts = path.split('.');
        let mut value = self.answers.get(parts.next()?)?;
        for part in parts {
            value = match part.parse::<usize>() {
                Ok(index) if value.is_array() => value.get(index)?,
                _ => value.get(part)?,
            };
        }
        (!value.is_null()).then(|| value.clone())
    }

    /// Fills every placeholder in `value`; one that names nothing fails the test.
    fn fill(&self, value: &Value) -> anyhow::Result<Value> {
        Ok(match value {
            Value::String(text) => {
                let trimmed = text.trim();
                if let Some(path) = trimmed.strip_prefix("{{").and_then(|rest| rest.strip_suffix("}}"))
                    && !path.contains("{{")
                {
                    self.look(path.trim())
                        .ok_or_else(|| anyhow::anyhow!("{text} names no earlier answer"))?
                } else {
                    let mut out = String::new();
                    let mut rest = text.as_str();
                    while let Some(open) = rest.find("{{") {
                        let close = rest[open..]
                            .find("}}")
                            .ok_or_else(|| anyhow::anyhow!("unclosed placeholder in {text}"))?;
                        let path = rest[open + 2..open + close].trim();
                        let value = self
                            .look(path)
                            .ok_or_else(|| anyhow::anyhow!("{{{{{path}}}}} names no earlier answer"))?;
                        out.push_str(&rest[..open]);
                        out.push_str(&value.as_str().map_or_else(|| value.to_string(), str::to_owned));
                        rest = &rest[open + close + 2..];
                    }
                    out.push_str(rest);
                    Value::String(out)
                }
            }
            Value::Array(items) => Value::Array(items.iter().map(|item| self.fill(item)).collect::<Result<_, _>>()?),
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, value)| Ok((key.clone(), self.fill(value)?)))
                    .collect::<anyhow::Result<_>>()?,
            ),
            other => other.clone(),
        })
    }
}

/// The operations JSON of the README's curl upload, with `$TRACK` put in.
fn curl_operations(command: &str, track: &str) -> anyhow::Result<Value> {
    let start = command
        .find("-F operations='")
        .ok_or_else(|| anyhow::anyhow!("the upload block has no operations part"))?
        + "-F operations='".len();
    let rest = &command[start..];
    let end = rest
        .find("}}}'")
        .ok_or_else(|| anyhow::anyhow!("the operations part does not end as JSON"))?
        + 3;
    let operations = rest[..end].replace("'\"$TRACK\"'", track);
    Ok(serde_json::from_str(&operations)?)
}

#[tokio::test]
async fn the_readme_walk_through_runs_as_written() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let blocks = walk_through()?;
    let mut tab = Tab {
        run: uuid::Uuid::new_v4().simple().to_string()[..6].to_owned(),
        answers: HashMap::new(),
    };
    let mut tab_token: Option<String> = None;
    let mut headers_token: Option<String> = None;
    let mut ran = Vec::new();
    let mut index = 0;
    while index < blocks.len() {
        let block = &blocks[index];
        index += 1;
        match block.info.as_str() {
            "graphql" => {
                let names = operation_names(&block.text);
                anyhow::ensure!(
                    names.len() == 1 && !names[0].is_empty(),
                    "every block is one named operation: {}",
                    block.text
                );
                let name = names[0].clone();
                anyhow::ensure!(
                    !block.text.starts_with("subscription"),
                    "subscriptions are described in the text, not run as blocks: {name}"
                );
                let variables = match blocks.get(index) {
                    Some(next) if next.info == "json" => {
                        index += 1;
                        tab.fill(&serde_json::from_str(&next.text)?)?
                    }
                    _ => {
                        anyhow::ensure!(
                            !block.text.contains('$'),
                            "{name} uses variables but has no Variables block"
                        );
                        json!({})
                    }
                };
                let token = headers_token.as_deref().or(tab_token.as_deref());
                let body = app.gql(token, &block.text, variables).await?;
                anyhow::ensure!(body.get("errors").is_none(), "{name} failed: {body}");
                let data = body["data"].clone();
                for field in ["signUp", "logIn"] {
                    if let Some(token) = data[field]["accessToken"].as_str() {
                        tab_token = Some(token.to_owned());
                    }
                }
                tab.answers.insert(name.clone(), data);
                ran.push(name);
            }
            "json headers" => {
                let headers = tab.fill(&serde_json::from_str(&block.text)?)?;
                headers_token = headers["Authorization"]
                    .as_str()
                    .map(|value| value.trim_start_matches("Bearer ").to_owned());
            }
            "sh" if block.text.contains("uploadFile") => {
                anyhow::ensure!(
                    block.text.contains("demo-song night-drive.wav") && block.text.contains("0=@night-drive.wav"),
                    "the upload sends the demo song it writes"
                );
                let track = tab
                    .look("CreateTrack.createTrack.id")
                    .and_then(|id| id.as_str().map(str::to_owned))
                    .ok_or_else(|| anyhow::anyhow!("the upload comes after CreateTrack"))?;
                let operations = curl_operations(&block.text, &track)?;
                let token = tab_token.as_deref().ok_or_else(|| anyhow::anyhow!("TOKEN is Ana's"))?;
                let song = backline_audio::demo::song();
                let body = app
                    .multipart(
                        Some(token),
                        operations["query"].as_str().unwrap_or_default(),
                        operations["variables"].clone(),
                        "variables.input.file",
                        Upload::new("night-drive.wav", &song),
                    )
                    .await?;
                anyhow::ensure!(body.get("errors").is_none(), "the upload failed: {body}");
                let file = body["data"]["uploadFile"]["id"].as_str().unwrap_or_default().to_owned();
                // "Analysis takes a second or so."
                let analysed = app.analysed(token, &file).await?;
                assert_eq!(analysed["analysis"]["status"], "READY", "{analysed}");
                ran.push("UploadVersion".to_owned());
            }
            "sh" => {}
            other => anyhow::bail!("a {other:?} block the walk-through test does not know how to run"),
        }
    }

    // It ran from the first block to the last, and did what the text says.
    assert_eq!(ran.first().map(String::as_str), Some("SignUpBob"), "{ran:?}");
    assert!(ran.len() >= 25, "{ran:?}");
    let answer = |path: &str| tab.look(path).unwrap_or(Value::Null);
    assert_eq!(answer("TrackPage.track.latestFile.analysis.status"), "READY");
    let duration = answer("TrackPage.track.latestFile.metadata.durationSeconds");
    assert!(
        duration.as_f64().is_some_and(|seconds| (seconds - 16.0).abs() < 0.01),
        "{duration}"
    );
    assert_eq!(answer("ApproveVersion.approveFileVersion.isFinalVersion"), true);
    assert_eq!(answer("TrackComments.track.comments.totalCount"), 1);
    assert_eq!(answer("TrackComments.track.comments.nodes.0.responses.totalCount"), 1);
    let inbox = answer("BobsInbox.notifications.nodes");
    let types: Vec<&str> = inbox
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|notification| notification["type"].as_str())
        .collect();
    assert!(types.contains(&"MENTIONED"), "Bob heard of the mention: {types:?}");
    assert_eq!(answer("PreviewInviteLink.inviteLink.status"), "ACTIVE");
    assert_eq!(
        answer("AnasSessions.me.username"),
        answer("SignUpAna.signUp.user.username"),
        "empty Headers speak as the tab's own user again"
    );
    app.stop().await
}
