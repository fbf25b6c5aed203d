//! Starting the Python test servers (`tests/*.py`): each binds a free port itself and prints
//! it as its first line, so parallel tests never share a server.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `tests/<script>` with `args` and returns the process and the port it answers on.
/// `install` says what to install when it does not start. Its stdin is piped: a server that
/// waits on it stops when the test process ends.
pub fn spawn(script: &str, args: &[&str], install: &str) -> (Child, u16) {
    let path = format!("{}/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut process = Command::new("python3")
        .arg(path)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|_| panic!("python3 is needed for the tests ({install})"));
    let mut first_line = String::new();
    std::io::BufReader::new(process.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let port: u16 = first_line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{script} did not start; is it installed? ({install})"));
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{script} does not answer on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (process, port)
}
