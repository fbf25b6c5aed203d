//! Zegel scaled out: two `zegel serve` instances and separate `zegel worker` processes on one
//! PostgreSQL database and one S3 API server (moto), behind nginx on loopback, mail to a real
//! SMTP server. A message sent through one instance opens through the other, files go in
//! through one and out through the other, every job runs once across the workers, and the
//! job of a worker killed mid-send is taken over.

mod common;

use common::announce_file;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SENDER: &str = "anne@zorg.example";

/// Child processes that die with the test.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests")
}

/// A Python test server from `tests/`, and the port it printed.
fn python_server(script: &str, args: &[&str]) -> (Child, u16) {
    use std::io::BufRead;
    let mut child = Command::new("python3")
        .arg(tests_dir().join(script))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .parse()
        .expect("the test server printed its port");
    (child, port)
}

fn admin_url() -> String {
    std::env::var("ZEGEL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// This test's database (scripts/test drops `zegel_test_*` databases of earlier runs).
fn database_name() -> String {
    format!("zegel_test_{}", std::process::id())
}

fn database_url() -> String {
    let admin = admin_url();
    format!("{}/{}", admin.rsplit_once('/').unwrap().0, database_name())
}

/// Runs `sql` on `url` with psql; returns what it printed.
fn psql_on(url: &str, sql: &str) -> String {
    let output = Command::new("psql")
        .args([url, "-qtAc", sql])
        .output()
        .expect("psql is needed for this test");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Runs `sql` on this test's database.
fn psql(sql: &str) -> String {
    psql_on(&database_url(), sql)
}

struct Cluster {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
    processes: Processes,
    maildir: PathBuf,
    smtp_pid: u32,
    instances: Vec<String>,
    front: String,
    token: String,
}

impl Cluster {
    fn zegel(&self, args: &[&str], data: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_zegel"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("ZEGEL_DATA_DIR", self.dir.path().join(data))
            .env("ZEGEL_LOG", "warn");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    fn admin(&self, args: &[&str]) -> String {
        let output = self.zegel(args, "admin").output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    fn spawn(&mut self, args: &[&str], data: &str, listen: Option<u16>) -> usize {
        let mut command = self.zegel(args, data);
        if let Some(port) = listen {
            command.env("ZEGEL_LISTEN", format!("127.0.0.1:{port}"));
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.processes.0.push(child);
        self.processes.0.len() - 1
    }

    async fn start() -> Self {
        psql_on(
            &admin_url(),
            &format!("CREATE DATABASE {}", database_name()),
        );
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let (smtp, smtp_port) = python_server("smtp_sink.py", &["0", maildir.to_str().unwrap()]);
        let smtp_pid = smtp.id();
        let (moto, moto_port) = python_server("s3_server.py", &[]);
        let bucket = format!("zegel-scale-{}", std::process::id());
        let s3 = format!("http://127.0.0.1:{moto_port}");
        reqwest::Client::new()
            .put(format!("{s3}/{bucket}"))
            .send()
            .await
            .unwrap();
        let front_port = free_port();
        let front = format!("http://127.0.0.1:{front_port}");
        let env: Vec<(String, String)> = [
            ("ZEGEL_DATABASE_URL", database_url()),
            (
                "ZEGEL_KEY_FILE",
                dir.path().join("keys").display().to_string(),
            ),
            ("ZEGEL_PUBLIC_URL", front.clone()),
            ("ZEGEL_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
            ("ZEGEL_MAIL_FROM", "Zegel <zegel@zorg.example>".into()),
            ("ZEGEL_EMBEDDED_WORKER", "false".into()),
            ("ZEGEL_JOB_LEASE_SECONDS", "3".into()),
            ("ZEGEL_BLOB_STORE", "s3".into()),
            ("ZEGEL_S3_BUCKET", bucket),
            ("ZEGEL_S3_ENDPOINT", s3),
            ("ZEGEL_S3_ACCESS_KEY_ID", "test".into()),
            ("ZEGEL_S3_SECRET_ACCESS_KEY", "test".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let mut cluster = Self {
            dir,
            env,
            processes: Processes(vec![moto, smtp]),
            maildir,
            smtp_pid,
            instances: Vec::new(),
            front,
            token: String::new(),
        };
        cluster.admin(&[
            "admin",
            "create-org",
            "--name",
            "Zorg",
            "--domain",
            "zorg.example",
        ]);
        cluster.admin(&[
            "admin",
            "create-user",
            "--org",
            "Zorg",
            "--email",
            SENDER,
            "--name",
            "Anne",
        ]);
        cluster.token = cluster.admin(&["admin", "create-token", "--user", SENDER]);
        let ports = [free_port(), free_port()];
        for (index, port) in ports.iter().enumerate() {
            cluster.spawn(&["serve"], &format!("instance-{index}"), Some(*port));
            cluster.instances.push(format!("http://127.0.0.1:{port}"));
        }
        cluster.start_nginx(front_port, &ports);
        for url in cluster.instances.clone().iter().chain([&cluster.front]) {
            wait_until(|| async {
                reqwest::get(format!("{url}/readyz"))
                    .await
                    .is_ok_and(|r| r.status() == 200)
            })
            .await;
        }
        cluster
    }

    fn start_nginx(&mut self, port: u16, upstreams: &[u16]) {
        let root = self.dir.path().join("nginx");
        std::fs::create_dir_all(&root).unwrap();
        let servers: String = upstreams
            .iter()
            .map(|p| format!("server 127.0.0.1:{p};\n"))
            .collect();
        let config = format!(
            "daemon off; pid {root}/nginx.pid; error_log {root}/error.log; worker_processes 1;\n\
             events {{}}\n\
             http {{ access_log off; client_body_temp_path {root}/body; proxy_temp_path {root}/proxy;\n\
             fastcgi_temp_path {root}/fcgi; uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;\n\
             upstream zegel {{ {servers} }}\n\
             server {{ listen 127.0.0.1:{port}; client_max_body_size 0; proxy_request_buffering off;\n\
             location / {{ proxy_pass http://zegel; proxy_http_version 1.1; proxy_set_header Host $http_host; }} }} }}\n",
            root = root.display()
        );
        std::fs::write(root.join("nginx.conf"), config).unwrap();
        let nginx = Command::new("nginx")
            .args([
                "-c",
                root.join("nginx.conf").to_str().unwrap(),
                "-p",
                root.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx (Debian package nginx-light) is needed for this test");
        self.processes.0.push(nginx);
    }

    fn mails(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.maildir)
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    fn mails_to(&self, address: &str) -> Vec<String> {
        self.mails()
            .into_iter()
            .filter(|m| m.contains(&format!("To: {address}")))
            .collect()
    }

    fn pending_jobs(&self) -> i64 {
        psql("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL")
            .parse()
            .unwrap()
    }
}

async fn wait_until<F, Fut>(mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn link_in(mail: &str) -> String {
    let start = mail.find("/m/").expect("a portal link");
    let begin = mail[..start].rfind("http").unwrap();
    mail[begin..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}

/// Cookies as a browser keeps them, across instances of one site.
#[derive(Default)]
struct Jar(Vec<(String, String)>);

impl Jar {
    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.0.retain(|(k, _)| k != name);
            self.0.push((name.to_owned(), value.to_owned()));
        }
    }

    fn csrf(&self) -> String {
        self.0
            .iter()
            .find(|(k, _)| k.contains("csrf"))
            .unwrap()
            .1
            .clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_and_two_workers_share_one_database_and_one_bucket() {
    let mut cluster = Cluster::start().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let worker_a = cluster.spawn(&["worker"], "worker-a", None);
    cluster.spawn(&["worker"], "worker-b", None);

    // Ten messages through the load balancer: each notified exactly once by the two workers.
    for n in 0..10 {
        let sent = http
            .post(format!("{}/api/v1/messages", cluster.front))
            .bearer_auth(&cluster.token)
            .json(&serde_json::json!({"subject": "Uitslag", "body": format!("Bericht {n}"), "to": [{"email": format!("client{n}@elsewhere.example")}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 201);
    }
    wait_until(|| async { cluster.pending_jobs() == 0 && cluster.mails().len() >= 10 }).await;
    for n in 0..10 {
        assert_eq!(
            cluster
                .mails_to(&format!("client{n}@elsewhere.example"))
                .len(),
            1,
            "client{n}"
        );
    }

    // A file goes in through one instance and the message is read through the other.
    let (a, b) = (cluster.instances[0].clone(), cluster.instances[1].clone());
    let file: Vec<u8> = (0..200_000u32).map(|i| (i % 241) as u8).collect();
    let (draft, upload) = announce_file(&http, &a, &b, &cluster.token, file.len()).await;
    let patched = http
        .patch(format!("{a}/api/v1/uploads/{upload}"))
        .bearer_auth(&cluster.token)
        .header("Upload-Offset", "0")
        .body(file.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let recipient = "jan@elsewhere.example";
    let sent = http
        .post(format!("{b}/api/v1/messages"))
        .bearer_auth(&cluster.token)
        .json(&serde_json::json!({"subject": "Scan", "body": "Zie bijlage", "to": [{"email": recipient}], "draft_id": draft}))
        .send().await.unwrap();
    assert_eq!(sent.status(), 201);
    wait_until(|| async { cluster.mails_to(recipient).len() == 1 }).await;
    let link = link_in(&cluster.mails_to(recipient)[0]);
    let on = |base: &str| link.replacen(&cluster.front, base, 1);

    let mut jar = Jar::default();
    let landing = http
        .get(on(&a))
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap();
    jar.keep(&landing);
    let asked = http
        .post(format!("{}/code", on(&b)))
        .header("cookie", jar.header())
        .form(&[("csrf", jar.csrf())])
        .send()
        .await
        .unwrap();
    assert!(asked.status().is_success() || asked.status().is_redirection());
    wait_until(|| async { cluster.mails_to(recipient).len() == 2 }).await;
    let code_mail = cluster.mails_to(recipient)[1].clone();
    let text = mail_parser::MessageParser::default()
        .parse(code_mail.as_bytes())
        .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
        .expect("a text part");
    let code = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == 6)
        .expect("a 6-digit code in the mail")
        .to_owned();
    // Wrong codes through both instances count in one place: the database.
    for (index, base) in [&a, &b, &a].into_iter().enumerate() {
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let tried = http
            .post(format!("{}/verify", on(base)))
            .header("cookie", jar.header())
            .form(&[("csrf", jar.csrf()), ("code", wrong.to_owned())])
            .send()
            .await
            .unwrap();
        assert!(
            tried
                .headers()
                .get("set-cookie")
                .is_none_or(|c| !c.to_str().unwrap().contains("session")),
            "wrong code {index} refused"
        );
    }
    assert_eq!(
        psql(&format!(
            "SELECT failures FROM deliveries d JOIN recipients r ON r.id = d.recipient_id WHERE r.email = '{recipient}'"
        )),
        "3"
    );
    let verified = http
        .post(format!("{}/verify", on(&a)))
        .header("cookie", jar.header())
        .form(&[("csrf", jar.csrf()), ("code", code)])
        .send()
        .await
        .unwrap();
    jar.keep(&verified);
    let page = http
        .get(on(&b))
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Zie bijlage") && page.contains("scan.pdf"),
        "{page}"
    );
    let download = http
        .get(format!("{}/files/{upload}", link))
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert!(
        download.bytes().await.unwrap() == file,
        "the file arrives through the load balancer"
    );

    // A worker dies in the middle of a send; the other takes the job over after its lease.
    // The SMTP server is paused, so the send hangs until the worker is killed.
    cluster.processes.0[worker_a].kill().unwrap();
    let lone = "lone@elsewhere.example";
    signal(cluster.smtp_pid, "STOP");
    let sent = http
        .post(format!("{}/api/v1/messages", cluster.front))
        .bearer_auth(&cluster.token)
        .json(&serde_json::json!({"subject": "x", "body": "y", "to": [{"email": lone}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 201);
    wait_until(|| async {
        psql("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND attempts > 0") == "1"
    })
    .await;
    let busy = cluster.processes.0.len() - 1;
    cluster.processes.0[busy].kill().unwrap();
    let replacement = cluster.spawn(&["worker"], "worker-c", None);
    signal(cluster.smtp_pid, "CONT");
    wait_until(|| async { cluster.mails_to(lone).len() == 1 && cluster.pending_jobs() == 0 }).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(cluster.mails_to(lone).len(), 1, "delivered once");
    assert!(
        cluster.processes.0[replacement]
            .try_wait()
            .unwrap()
            .is_none()
    );
}

fn signal(pid: u32, name: &str) {
    Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
}
