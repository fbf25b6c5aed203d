//! A real S3 API server for the tests: the one at `ZEGEL_TEST_S3_ENDPOINT` (CI starts moto
//! there), else moto started here (`tests/s3_server.py`), one per test process, stopping
//! when the test process ends (its stdin closes). Each test gets a new bucket.

use std::process::{Child, ChildStdin};
use std::sync::{Mutex, OnceLock};
use zegel_blob::BlobConfig;

struct S3Server {
    endpoint: String,
    // Held open for the life of the process: moto exits when it closes.
    _stdin: Option<Mutex<ChildStdin>>,
    _process: Option<Mutex<Child>>,
}

fn server() -> &'static S3Server {
    static SERVER: OnceLock<S3Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        if let Ok(endpoint) = std::env::var("ZEGEL_TEST_S3_ENDPOINT") {
            return S3Server {
                endpoint: endpoint.trim_end_matches('/').to_owned(),
                _stdin: None,
                _process: None,
            };
        }
        let (mut process, port) =
            super::python_server::spawn("s3_server.py", &[], "pip install 'moto[server]'");
        S3Server {
            endpoint: format!("http://127.0.0.1:{port}"),
            _stdin: Some(Mutex::new(process.stdin.take().unwrap())),
            _process: Some(Mutex::new(process)),
        }
    })
}

pub fn endpoint() -> &'static str {
    &server().endpoint
}

/// A new, empty bucket; returns its name.
pub async fn new_bucket() -> String {
    let bucket = format!("zegel-test-{}", uuid::Uuid::new_v4().simple());
    let response = reqwest::Client::new()
        .put(format!("{}/{bucket}", endpoint()))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "moto refused the bucket");
    bucket
}

/// The blob configuration of a new bucket.
pub async fn new_blob_config() -> BlobConfig {
    BlobConfig::S3 {
        bucket: new_bucket().await,
        region: "us-east-1".into(),
        endpoint: Some(endpoint().to_owned()),
        access_key_id: "test".into(),
        secret_access_key: "test".into(),
    }
}

/// Points a server configuration at `bucket` on the test server.
pub fn use_bucket(raw: &mut zegel_server::RawConfig, bucket: String) {
    raw.blob_store = Some("s3".into());
    raw.s3_bucket = Some(bucket);
    raw.s3_endpoint = Some(endpoint().to_owned());
    raw.s3_access_key_id = Some("test".into());
    raw.s3_secret_access_key = Some("test".into());
}
