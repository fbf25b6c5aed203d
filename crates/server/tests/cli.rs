//! The `zegel` binary as a newcomer uses it: a broken configuration is explained in one go,
//! the admin commands set up an installation, and `serve` runs with nothing else on the
//! machine, mail going to the dev outbox page.

mod common;

use common::{installation, wait_until_ready, zegel};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn every_configuration_problem_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let output = zegel(
        dir.path(),
        &["serve"],
        &[
            ("ZEGEL_LISTEN", "everywhere"),
            ("ZEGEL_PUBLIC_URL", "ftp://zegel"),
            ("ZEGEL_SMTP_URL", "mail.zorg.nl"),
        ],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("4 problem(s)"), "{stderr}");
    for key in ["listen:", "public_url:", "smtp_url:", "mail_from:"] {
        assert!(stderr.contains(key), "{key} not reported: {stderr}");
    }
    let mistyped = zegel(
        dir.path(),
        &["serve"],
        &[("ZEGEL_EMBEDDED_WORKER", "perhaps")],
    )
    .output()
    .unwrap();
    assert_eq!(mistyped.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&mistyped.stderr).to_lowercase();
    assert!(
        stderr.contains("embedded_worker") && stderr.contains("perhaps"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_machine_serves_with_sqlite_and_the_dev_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let token = installation(dir.path());
    assert_eq!(token.len(), 43);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = Server(
        zegel(
            dir.path(),
            &["serve"],
            &[("ZEGEL_LISTEN", &format!("127.0.0.1:{port}"))],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap(),
    );
    let client = reqwest::Client::new();
    wait_until_ready(&base).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let sent = client
        .post(format!("{base}/api/v1/messages"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"subject": "Uitslag", "body": "Goed nieuws", "to": [{"email": "jan@example.nl"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 201);

    // The embedded worker delivers the notification to the dev outbox page.
    let mut outbox = String::new();
    while !outbox.contains("/m/") {
        assert!(
            Instant::now() < deadline,
            "no notification in the dev outbox: {outbox}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        outbox = client
            .get(format!("{base}/dev/outbox"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    }
    assert!(outbox.contains("jan@example.nl"));
    assert!(outbox.contains("Anne Bakker heeft u een beveiligd bericht gestuurd"));
    assert!(
        outbox.contains(&format!("<a href=\"{base}/m/")),
        "the link can be followed"
    );

    // `zegel send` uploads a file through the API and sends it.
    let file: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(dir.path().join("uitslag lab.pdf"), &file).unwrap();
    let sent = zegel(
        dir.path(),
        &[
            "send",
            "--server",
            &base,
            "--to",
            "jan@example.nl",
            "--subject",
            "Uitslag",
            "--body",
            "In de bijlage.",
            "--attach",
            "uitslag lab.pdf",
        ],
        &[("ZEGEL_TOKEN", &token)],
    )
    .output()
    .unwrap();
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let id = String::from_utf8(sent.stdout).unwrap().trim().to_owned();
    let detail: serde_json::Value = client
        .get(format!("{base}/api/v1/messages/{id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        detail["attachments"][0]["file_name"], "uitslag lab.pdf",
        "{detail}"
    );
    assert_eq!(detail["attachments"][0]["size"], 300_000);
    let attachment = detail["attachments"][0]["id"].as_str().unwrap();
    let downloaded = client
        .get(format!(
            "{base}/api/v1/messages/{id}/attachments/{attachment}"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(downloaded == file, "the file arrives as it was");
    let refused = zegel(
        dir.path(),
        &[
            "send",
            "--server",
            &base,
            "--to",
            "jan@example.nl",
            "--subject",
            "x",
            "--attach",
            "missing.pdf",
        ],
        &[("ZEGEL_TOKEN", &token)],
    )
    .output()
    .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("cannot read missing.pdf"));

    let data = dir.path().join("data");
    assert!(data.join("zegel.db").exists() && data.join("keys").exists());

    // The audit chain of what just happened verifies from the command line.
    let verify = zegel(dir.path(), &["audit", "verify"], &[])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success(),
        "{report} {}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(report.contains("records, intact"), "{report}");
}

#[test]
fn detect_reads_jsonl_and_answers_line_by_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut child = zegel(dir.path(), &["detect", "--jsonl"], &[])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = concat!(
        "{\"id\": 1, \"text\": \"Cliënt – BSN 111222333, geboren 12-03-1985.\"}\n",
        "broken\n",
        "{\"id\": \"two\", \"text\": \"Uw ordernummer is 123456782.\"}\n"
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(lines[0]["contains_personal_data"], true);
    assert_eq!(
        lines[0]["spans"],
        serde_json::json!([
            {"start": 13, "end": 22, "type": "BSN", "score": 0.95},
            {"start": 32, "end": 42, "type": "DATE_OF_BIRTH", "score": 0.9}
        ])
    );
    assert!(lines[1]["error"].as_str().unwrap().contains("not a"));
    assert_eq!(
        lines[2],
        serde_json::json!({"id": "two", "contains_personal_data": false, "spans": []})
    );
}
