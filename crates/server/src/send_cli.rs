//! `zegel send`: a secure message from the command line, through a Zegel server's API with
//! the sender's token. Files are uploaded as streams with a progress bar, and an upload that
//! breaks off continues where the server says it stands.

use anyhow::{Context, bail};
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use tokio::io::AsyncSeekExt;
use tokio_util::io::ReaderStream;

/// Tries per file before giving up on a connection that keeps breaking.
const TRIES: usize = 5;

#[derive(clap::Args)]
pub struct SendArgs {
    /// The Zegel server.
    #[arg(long, env = "ZEGEL_URL", default_value = "http://127.0.0.1:8080")]
    server: String,
    /// The sender's API token (`zegel admin create-token`).
    #[arg(long, env = "ZEGEL_TOKEN", hide_env_values = true)]
    token: String,
    /// A recipient (repeat for several).
    #[arg(long, required = true)]
    to: Vec<String>,
    #[arg(long)]
    cc: Vec<String>,
    #[arg(long)]
    subject: String,
    /// The text; `-` reads it from stdin.
    #[arg(long, conflicts_with = "body_file")]
    body: Option<String>,
    #[arg(long)]
    body_file: Option<PathBuf>,
    /// A file to attach (repeat for several); any size.
    #[arg(long)]
    attach: Vec<PathBuf>,
    /// Days until the message expires (the organisation's default when left out).
    #[arg(long)]
    expires_in_days: Option<u32>,
}

struct Api {
    client: Client,
    base: String,
    token: String,
}

impl Api {
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    /// Sends and reads a JSON answer; a refusal becomes an error naming what the server said.
    async fn call(
        &self,
        request: reqwest::RequestBuilder,
        expected: StatusCode,
    ) -> anyhow::Result<Value> {
        let response = request.send().await.context("the server did not answer")?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status != expected {
            let problems = body["problems"]
                .as_array()
                .map(|p| {
                    p.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            bail!(
                "{status}: {} {problems}",
                body["message"].as_str().unwrap_or("")
            );
        }
        Ok(body)
    }
}

pub async fn run(args: SendArgs) -> anyhow::Result<()> {
    let body = match (&args.body, &args.body_file) {
        (Some(text), _) if text == "-" => std::io::read_to_string(std::io::stdin())?,
        (Some(text), _) => text.clone(),
        (None, Some(path)) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?,
        (None, None) => String::new(),
    };
    let api = Api {
        client: Client::new(),
        base: args.server.trim_end_matches('/').to_owned(),
        token: args.token.clone(),
    };
    // Every file is checked before anything is uploaded.
    for path in &args.attach {
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    }
    let draft = if args.attach.is_empty() {
        None
    } else {
        let draft = api
            .call(
                api.request(Method::POST, "/api/v1/drafts"),
                StatusCode::CREATED,
            )
            .await?;
        let id = draft["id"].as_str().context("no draft id")?.to_owned();
        for path in &args.attach {
            upload(&api, &id, path).await?;
        }
        Some(id)
    };
    let recipients = |list: &[String]| list.iter().map(|e| json!({"email": e})).collect::<Vec<_>>();
    let message = json!({
        "subject": args.subject,
        "body": body,
        "to": recipients(&args.to),
        "cc": recipients(&args.cc),
        "expires_in_days": args.expires_in_days,
        "draft_id": draft,
    });
    let sent = api
        .call(
            api.request(Method::POST, "/api/v1/messages").json(&message),
            StatusCode::CREATED,
        )
        .await?;
    println!("{}", sent["id"].as_str().unwrap_or_default());
    Ok(())
}

/// Uploads one file, continuing after a broken connection from the stored offset.
async fn upload(api: &Api, draft: &str, path: &Path) -> anyhow::Result<()> {
    let size = std::fs::metadata(path)?.len();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let announced = api
        .call(
            api.request(Method::POST, &format!("/api/v1/drafts/{draft}/attachments"))
                .json(&json!({"file_name": name, "size": size})),
            StatusCode::CREATED,
        )
        .await?;
    let id = announced["id"].as_str().context("no upload id")?.to_owned();
    let bar = ProgressBar::new(size).with_message(name.clone());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let mut offset = 0;
    for attempt in 1..=TRIES {
        bar.set_position(offset);
        match send_from(api, &id, path, offset, &bar).await {
            Ok(status) if status["complete"] == true => {
                bar.finish();
                return Ok(());
            }
            Ok(status) => offset = status["offset"].as_u64().unwrap_or(0),
            Err(error) if attempt < TRIES => {
                bar.println(format!("{name}: {error:#}; continuing"));
                let status = api
                    .call(
                        api.request(Method::GET, &format!("/api/v1/uploads/{id}")),
                        StatusCode::OK,
                    )
                    .await?;
                offset = status["offset"].as_u64().unwrap_or(0);
            }
            Err(error) => return Err(error.context(format!("uploading {name}"))),
        }
    }
    bail!("uploading {name}: the connection kept breaking")
}

/// Streams the file from `offset` to its end in one request.
async fn send_from(
    api: &Api,
    id: &str,
    path: &Path,
    offset: u64,
    bar: &ProgressBar,
) -> anyhow::Result<Value> {
    let mut file = tokio::fs::File::open(path).await?;
    file.seek(std::io::SeekFrom::Start(offset)).await?;
    let progress = bar.clone();
    let stream = ReaderStream::with_capacity(file, 256 * 1024).inspect(move |piece| {
        if let Ok(bytes) = piece {
            progress.inc(bytes.len() as u64);
        }
    });
    api.call(
        api.request(Method::PATCH, &format!("/api/v1/uploads/{id}"))
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(reqwest::Body::wrap_stream(stream)),
        StatusCode::OK,
    )
    .await
}
