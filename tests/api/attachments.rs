//! Attachments end to end: uploaded into a draft (resumable), sent, listed and downloaded on
//! the portal with ranges, replied to with files, and their bytes gone once the message is.

use reqwest::{Method, StatusCode};
use serde_json::json;
use zegel_crypto::{CHUNK, SEGMENT_BYTES};

use crate::on_both_backends;
use crate::support::{Backend, Browser, TestApp, s3, spawn_app, spawn_app_with};

const RECIPIENT: &str = "jan@client.example";
const CANARY: &[u8] = b"CANARY-ATTACHMENT-CONTENT ";

on_both_backends!(
    files_travel_from_sender_to_recipient_and_back,
    ended_messages_and_abandoned_drafts_leave_no_blobs,
);

/// Content that holds a canary, and differs enough that a misplaced chunk shows.
fn content(len: usize) -> Vec<u8> {
    let mut bytes: Vec<u8> = CANARY.iter().copied().cycle().take(len).collect();
    for (i, byte) in bytes.iter_mut().enumerate().step_by(97) {
        *byte = (i % 251) as u8;
    }
    bytes
}

/// Sends a draft's files to the recipient; returns the message id and the portal link.
async fn send_draft(test: &TestApp, draft: &str) -> (String, String) {
    let sent = test
        .send(json!({
            "subject": "Uw dossier",
            "body": "Zie de bijlage.",
            "to": [{"email": RECIPIENT}],
            "draft_id": draft,
        }))
        .await;
    assert_eq!(sent["id"], draft, "the message takes the draft's id");
    test.run_jobs().await;
    let link = test
        .smtp
        .received_by(RECIPIENT)
        .last()
        .unwrap()
        .portal_link();
    (draft.to_owned(), link)
}

async fn files_travel_from_sender_to_recipient_and_back(backend: Backend) {
    let test = spawn_app(backend).await;
    let draft = test.draft().await;
    let report = content(3 * CHUNK + 5);
    let file_id = test.upload(&draft, "Verslag zorg é.pdf", &report).await;
    let (id, link) = send_draft(&test, &draft).await;

    let mut browser = Browser::new();
    let page = test.verify_by_email(&mut browser, &link, RECIPIENT).await;
    assert!(page.contains("Verslag zorg é.pdf"), "{}", page.body);
    assert!(
        page.contains("196 kB") || page.contains("197 kB"),
        "{}",
        page.body
    );

    let whole = browser.fetch(&format!("{link}/files/{file_id}"), &[]).await;
    assert_eq!(whole.status(), StatusCode::OK);
    let headers = whole.headers().clone();
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"Verslag zorg _.pdf\"; filename*=UTF-8''Verslag%20zorg%20%C3%A9.pdf"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-security-policy"],
        "sandbox; default-src 'none'"
    );
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(
        whole.bytes().await.unwrap() == report,
        "the recipient gets the file as sent"
    );

    let part = browser
        .fetch(
            &format!("{link}/files/{file_id}"),
            &[("Range", "bytes=65530-65545")],
        )
        .await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 65530-65545/{}", report.len())
    );
    assert!(
        part.bytes().await.unwrap() == report[65530..65546],
        "a range across chunks"
    );
    let outside = browser
        .fetch(
            &format!("{link}/files/{file_id}"),
            &[("Range", "bytes=999999-")],
        )
        .await;
    assert_eq!(outside.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // Someone without the session gets the landing page, not the file.
    let stranger = Browser::new()
        .fetch(&format!("{link}/files/{file_id}"), &[])
        .await;
    assert_eq!(stranger.status(), StatusCode::OK);
    assert!(
        !stranger
            .bytes()
            .await
            .unwrap()
            .windows(CANARY.len())
            .any(|w| w == CANARY)
    );

    // The recipient replies with a file of their own.
    let answer = content(70_000);
    let csrf = page.csrf();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("body", "Hierbij het getekende formulier.")
        .part(
            "files",
            reqwest::multipart::Part::bytes(answer.clone())
                .file_name("formulier getekend.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let replied = browser
        .submit_multipart(&format!("{link}/reply"), form)
        .await;
    assert_eq!(replied.status, StatusCode::OK, "{}", replied.body);
    assert!(
        replied.contains("formulier getekend.pdf"),
        "{}",
        replied.body
    );

    let detail = test.message(&id).await;
    let recipient = &detail["recipients"][0];
    assert!(recipient["downloaded_at"].is_i64(), "{detail}");
    let files = detail["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{detail}");
    assert_eq!(files[0]["file_name"], "Verslag zorg é.pdf");
    assert_eq!(files[0]["size"], report.len());
    assert!(files[0]["reply_id"].is_null());
    assert_eq!(files[1]["file_name"], "formulier getekend.pdf");
    assert_eq!(files[1]["reply_id"], detail["replies"][0]["id"]);

    let from_reply = test
        .authed(
            Method::GET,
            &format!(
                "/api/v1/messages/{id}/attachments/{}",
                files[1]["id"].as_str().unwrap()
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(from_reply.status(), StatusCode::OK);
    assert!(
        from_reply.bytes().await.unwrap() == answer,
        "the sender gets the reply's file"
    );

    // The recipient's .eml copy and the organisation's archive carry the files.
    let copy = browser.fetch(&format!("{link}/message.eml"), &[]).await;
    let copy = copy.bytes().await.unwrap();
    let parsed = mail_parser::MessageParser::default()
        .parse(&copy[..])
        .unwrap();
    let attached = parsed.attachments().next().expect("the file in the copy");
    assert_eq!(
        mail_parser::MimeHeaders::attachment_name(attached),
        Some("Verslag zorg é.pdf")
    );
    assert!(attached.contents() == report);
    let archive = test
        .app
        .export_organisation("Zorg & Welzijn")
        .await
        .unwrap();
    let reply_copy = archive
        .iter()
        .find(|f| f.name.contains("-reply-"))
        .expect("the reply in the archive");
    let parsed = mail_parser::MessageParser::default()
        .parse(&reply_copy.bytes[..])
        .unwrap();
    assert!(parsed.attachments().next().unwrap().contents() == answer);

    let actions: Vec<String> = test
        .audit_events()
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "attachment.downloaded")
            .count(),
        1,
        "{actions:?}"
    );

    // Neither the database nor the blob store holds a name or content in the clear.
    if backend == Backend::Sqlite {
        let database = std::fs::read(test.data_dir.path().join("zegel.db")).unwrap();
        assert!(!contains(&database, b"Verslag zorg"));
        assert!(!contains(&database, b"formulier getekend"));
    }
    for path in files_under(&test.data_dir.path().join("blobs")) {
        let stored = std::fs::read(&path).unwrap();
        assert!(!contains(&stored, CANARY), "{}", path.display());
        assert!(!path.display().to_string().contains("Verslag"));
    }
}

async fn ended_messages_and_abandoned_drafts_leave_no_blobs(backend: Backend) {
    let test = spawn_app(backend).await;
    let stored = |id: String| {
        let blobs = test.app.blobs.clone();
        async move { blobs.stored_segments(&id).await.unwrap() }
    };

    let revoked_draft = test.draft().await;
    let revoked_file = test.upload(&revoked_draft, "a.pdf", &content(1000)).await;
    let (revoked, _) = send_draft(&test, &revoked_draft).await;
    assert_eq!(stored(revoked_file.clone()).await, 1);
    let (status, _) = test
        .api(
            Method::POST,
            &format!("/api/v1/messages/{revoked}/revoke"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        stored(revoked_file.clone()).await,
        0,
        "revoking deletes the bytes at once"
    );
    let gone = test
        .authed(
            Method::GET,
            &format!("/api/v1/messages/{revoked}/attachments/{revoked_file}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);

    let expiring_draft = test.draft().await;
    let expiring_file = test.upload(&expiring_draft, "b.pdf", &content(1000)).await;
    send_draft(&test, &expiring_draft).await;
    let abandoned_draft = test.draft().await;
    let abandoned_file = test.upload(&abandoned_draft, "c.pdf", &content(1000)).await;

    // Past the message's 14 days and the draft's 7.
    test.clock.advance(15 * 86_400);
    let report = test.worker.enforce_retention().await.unwrap();
    assert_eq!(report.messages_expired, 1);
    assert_eq!(report.drafts_abandoned, 1);
    assert_eq!(report.attachments_deleted, 2);
    assert_eq!(stored(expiring_file).await, 0);
    assert_eq!(stored(abandoned_file.clone()).await, 0);
    let (status, _) = test
        .api(
            Method::GET,
            &format!("/api/v1/uploads/{abandoned_file}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(files_under(&test.data_dir.path().join("blobs")).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_upload_survives_a_dropped_connection() {
    let test = spawn_app(Backend::Sqlite).await;
    let draft = test.draft().await;
    let file = content(2 * SEGMENT_BYTES as usize + 10);
    let (status, announced) = test.announce(&draft, "scan.tiff", file.len()).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = announced["id"].as_str().unwrap().to_owned();

    // The connection breaks after a segment and a bit: once the server has stored the
    // first segment, the body fails.
    let first_part = file[..SEGMENT_BYTES as usize + 300_000].to_vec();
    let status = test.authed(Method::GET, &format!("/api/v1/uploads/{id}"));
    let body = futures::stream::unfold(0, move |step| {
        let first_part = first_part.clone();
        let status = status.try_clone().unwrap();
        async move {
            match step {
                0 => Some((Ok(first_part), 1)),
                1 => {
                    wait_for_offset(status, SEGMENT_BYTES).await;
                    Some((Err(std::io::Error::other("connection lost")), 2))
                }
                _ => None,
            }
        }
    });
    let broken = test
        .authed(Method::PATCH, &format!("/api/v1/uploads/{id}"))
        .header("Upload-Offset", "0")
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await;
    assert!(broken.is_err() || !broken.unwrap().status().is_success());

    let head = test
        .authed(Method::HEAD, &format!("/api/v1/uploads/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["upload-offset"], SEGMENT_BYTES.to_string());
    assert_eq!(head.headers()["upload-length"], file.len().to_string());

    // (A small body: the server answers at once without reading a wrong upload.)
    let (status, _) = test.patch_upload(&id, 0, file[..1000].to_vec()).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "bytes must continue where the upload stands"
    );
    let (status, problem) = test.send_draft_expecting_problem(&draft).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(problem.to_string().contains("still uploading"), "{problem}");

    let (status, done) = test
        .patch_upload(&id, SEGMENT_BYTES, file[SEGMENT_BYTES as usize..].to_vec())
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["complete"], true);
    assert_eq!(done["offset"], file.len());

    let (message, _) = send_draft(&test, &draft).await;
    let download = test
        .authed(
            Method::GET,
            &format!("/api/v1/messages/{message}/attachments/{id}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(download.headers()["content-length"], file.len().to_string());
    assert!(
        download.bytes().await.unwrap() == file,
        "the resumed file arrives whole"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_refuse_files_and_keep_nothing_of_them() {
    let test = spawn_app_with(Backend::Sqlite, |raw| {
        raw.max_file_bytes = Some(1_000_000);
        raw.max_message_bytes = Some(1_500_000);
        raw.storage_quota_bytes = Some(2_500_000);
    })
    .await;
    let draft = test.draft().await;
    let (status, refused) = test.announce(&draft, "huge.iso", 1_000_001).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{refused}");
    assert_eq!(refused["code"], "too_large");

    let first = test.upload(&draft, "one.pdf", &content(900_000)).await;
    let (status, refused) = test.announce(&draft, "two.pdf", 900_000).await;
    assert_eq!(
        status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "the message is full: {refused}"
    );

    // More bytes than announced: refused while streaming, and the file is gone.
    let (status, announced) = test.announce(&draft, "small.pdf", 1000).await;
    assert_eq!(status, StatusCode::CREATED);
    let liar = announced["id"].as_str().unwrap().to_owned();
    let (status, refused) = test.patch_upload(&liar, 0, content(5000)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{refused}");
    let (status, _) = test
        .api(Method::GET, &format!("/api/v1/uploads/{liar}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(test.app.blobs.stored_segments(&liar).await.unwrap(), 0);

    // The organisation's quota counts every live file.
    let other = test.draft().await;
    test.upload(&other, "three.pdf", &content(900_000)).await;
    let third = test.draft().await;
    let (status, refused) = test.announce(&third, "four.pdf", 900_000).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("quota"),
        "{refused}"
    );

    // Removing a file gives its space back.
    let (status, _) = test
        .api(Method::DELETE, &format!("/api/v1/uploads/{first}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(test.app.blobs.stored_segments(&first).await.unwrap(), 0);
    let (status, _) = test.announce(&third, "four.pdf", 900_000).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_file_fails_to_download() {
    let test = spawn_app(Backend::Sqlite).await;
    let draft = test.draft().await;
    let file = content(5 * CHUNK);
    let file_id = test.upload(&draft, "x.pdf", &file).await;
    let (_, link) = send_draft(&test, &draft).await;
    let mut browser = Browser::new();
    test.verify_by_email(&mut browser, &link, RECIPIENT).await;

    let segment = files_under(&test.data_dir.path().join("blobs"))
        .into_iter()
        .find(|p| p.display().to_string().contains(&file_id))
        .unwrap();
    let mut stored = std::fs::read(&segment).unwrap();
    let third_chunk = zegel_crypto::HEADER + 2 * zegel_crypto::SEALED_CHUNK + 7;
    stored[third_chunk] ^= 0x40;
    std::fs::write(&segment, stored).unwrap();

    let response = browser.fetch(&format!("{link}/files/{file_id}"), &[]).await;
    let mut body = response.bytes_stream();
    let mut delivered = Vec::new();
    let mut failed = false;
    while let Some(piece) = futures::StreamExt::next(&mut body).await {
        match piece {
            Ok(bytes) => delivered.extend_from_slice(&bytes),
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    assert!(failed, "the download breaks off instead of completing");
    assert!(
        delivered.len() <= 2 * CHUNK,
        "nothing of the changed chunk is delivered"
    );
    assert!(delivered == file[..delivered.len()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_live_in_an_s3_bucket_when_configured() {
    let bucket = s3::new_bucket().await;
    let test = spawn_app_with(Backend::Sqlite, |raw| s3::use_bucket(raw, bucket)).await;
    assert_eq!(test.app.blobs.kind(), "s3");
    let draft = test.draft().await;
    let file = content(SEGMENT_BYTES as usize + 3);
    let file_id = test.upload(&draft, "groot.pdf", &file).await;
    let (id, link) = send_draft(&test, &draft).await;
    assert_eq!(test.app.blobs.stored_segments(&file_id).await.unwrap(), 2);
    assert!(
        files_under(&test.data_dir.path().join("blobs")).is_empty(),
        "nothing on local disk"
    );

    let mut browser = Browser::new();
    test.verify_by_email(&mut browser, &link, RECIPIENT).await;
    let part = browser
        .fetch(
            &format!("{link}/files/{file_id}"),
            &[("Range", "bytes=-10")],
        )
        .await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert!(part.bytes().await.unwrap() == file[file.len() - 10..]);
    let whole = browser.fetch(&format!("{link}/files/{file_id}"), &[]).await;
    assert!(whole.bytes().await.unwrap() == file);

    test.api(Method::POST, &format!("/api/v1/messages/{id}/revoke"), None)
        .await;
    assert_eq!(test.app.blobs.stored_segments(&file_id).await.unwrap(), 0);
}

/// Asks for an upload's status until it reaches `offset` (or fails the test after a minute).
async fn wait_for_offset(request: reqwest::RequestBuilder, offset: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let status: serde_json::Value = request
            .try_clone()
            .unwrap()
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if status["offset"] == offset {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the segment was never stored: {status}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

impl TestApp {
    async fn send_draft_expecting_problem(&self, draft: &str) -> (StatusCode, serde_json::Value) {
        self.api(
            Method::POST,
            "/api/v1/messages",
            Some(json!({"subject": "s", "body": "b", "to": [{"email": RECIPIENT}], "draft_id": draft})),
        )
        .await
    }
}
