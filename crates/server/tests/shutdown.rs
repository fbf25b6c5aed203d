//! Stopping `zegel serve` with SIGTERM: no new requests are taken, but an upload in progress
//! finishes and is stored whole, and the process then exits cleanly.

mod common;

use common::{announce_file, installation, wait_until_ready, zegel};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_an_upload_in_progress_finish() {
    let dir = tempfile::tempdir().unwrap();
    let token = installation(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let listen = format!("127.0.0.1:{port}");
    let mut server = zegel(
        dir.path(),
        &["serve"],
        &[("ZEGEL_LISTEN", &listen), ("ZEGEL_LOG", "warn")],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let http = reqwest::Client::new();
    wait_until_ready(&base).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let file: Vec<u8> = (0..10_000_000u32).map(|i| (i % 239) as u8).collect();
    let (_, upload) = announce_file(&http, &base, &base, &token, file.len()).await;

    // The body: a first part holding one whole stored segment (8 MiB), then the rest only
    // once SIGTERM has been sent.
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let (first, rest) = (file[..9_000_000].to_vec(), file[9_000_000..].to_vec());
    let body = futures::stream::unfold((0, Some(released)), move |(step, released)| {
        let (first, rest) = (first.clone(), rest.clone());
        async move {
            match step {
                0 => Some((Ok::<_, std::io::Error>(first), (1, released))),
                1 => {
                    let _ = released.expect("once").await;
                    Some((Ok(rest), (2, None)))
                }
                _ => None,
            }
        }
    });
    let request = http
        .patch(format!("{base}/api/v1/uploads/{upload}"))
        .bearer_auth(&token)
        .header("Upload-Offset", "0")
        .body(reqwest::Body::wrap_stream(body))
        .send();
    let uploading = tokio::spawn(request);
    // The upload is under way once its first segment is stored.
    loop {
        let status: serde_json::Value = http
            .get(format!("{base}/api/v1/uploads/{upload}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if status["offset"] == 8 * 1024 * 1024 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the upload never started: {status}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    // New connections are refused while the upload goes on.
    let refused = Instant::now() + Duration::from_secs(10);
    while http.get(format!("{base}/healthz")).send().await.is_ok() {
        assert!(
            Instant::now() < refused,
            "still taking new requests after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    release.send(()).unwrap();
    let finished = uploading.await.unwrap().unwrap();
    assert_eq!(finished.status(), 200);
    let status: serde_json::Value = finished.json().await.unwrap();
    assert_eq!(status["complete"], true, "{status}");
    let exit = tokio::task::spawn_blocking(move || server.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(
        exit.success(),
        "a clean exit after the last request: {exit:?}"
    );
}
