//! Running the `zegel` binary in the tests of this crate.

// Each test binary uses part of these helpers.
#![allow(dead_code)]

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// `zegel ARGS` with nothing from the test's environment but PATH, its data in `dir/data`.
pub fn zegel(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zegel"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ZEGEL_DATA_DIR", dir.join("data"));
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

/// Runs a command that must succeed; returns what it printed.
pub fn run(dir: &std::path::Path, args: &[&str]) -> String {
    let output: Output = zegel(dir, args, &[]).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// An organisation with one staff user, anne@zorg.nl; returns her API token.
pub fn installation(dir: &std::path::Path) -> String {
    run(
        dir,
        &[
            "admin",
            "create-org",
            "--name",
            "Zorg BV",
            "--domain",
            "zorg.nl",
        ],
    );
    run(
        dir,
        &[
            "admin",
            "create-user",
            "--org",
            "Zorg BV",
            "--email",
            "anne@zorg.nl",
            "--name",
            "Anne Bakker",
        ],
    );
    run(dir, &["admin", "create-token", "--user", "anne@zorg.nl"])
}

/// Waits until a server answers `/readyz`.
pub async fn wait_until_ready(base: &str) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
    {
        assert!(Instant::now() < deadline, "{base} did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A new draft (created through `draft_server`) with one file announced (through
/// `upload_server`): returns the draft's and the upload's ids.
pub async fn announce_file(
    http: &reqwest::Client,
    draft_server: &str,
    upload_server: &str,
    token: &str,
    size: usize,
) -> (String, String) {
    let draft: serde_json::Value = http
        .post(format!("{draft_server}/api/v1/drafts"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let draft = draft["id"].as_str().unwrap().to_owned();
    let upload: serde_json::Value = http
        .post(format!("{upload_server}/api/v1/drafts/{draft}/attachments"))
        .bearer_auth(token)
        .json(&serde_json::json!({"file_name": "scan.pdf", "size": size}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (draft, upload["id"].as_str().unwrap().to_owned())
}
