//! The `rinasce` binary: configuration errors and `migrate`.

use std::process::Command;

fn rinasce() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rinasce"));
    for (name, _) in std::env::vars() {
        if name.starts_with("RINASCE_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    command
}

#[test]
fn a_bad_value_stops_start_up_naming_the_variable() {
    for (variable, value) in [
        ("RINASCE_TARGET", "trecento"),
        ("RINASCE_BIND", "everywhere"),
        ("RINASCE_MAIL", "carrier-pigeon"),
        ("RINASCE_CLOSES_AT", "next week"),
    ] {
        let output = rinasce()
            .arg("serve")
            .env(variable, value)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{variable}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(variable), "{variable}: {stderr}");
    }
}

#[test]
fn migrate_creates_the_database_and_is_repeatable() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("fresh.db");
    for _ in 0..2 {
        let output = rinasce()
            .arg("migrate")
            .env("DATABASE_URL", &database)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("up to date"));
    }
    assert!(database.exists());
}

#[test]
fn unknown_commands_are_refused_with_help() {
    let output = rinasce().arg("frobnicate").output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage"));
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = rinasce()
        .arg("serve")
        .env("DATABASE_URL", dir.path().join("shutdown.db"))
        .env("RINASCE_BIND", format!("127.0.0.1:{port}"))
        .env(
            "RINASCE_MAIL",
            format!("file:{}", dir.path().join("mail").display()),
        )
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // An HTTP answer, not just a connection: the port accepts into its
    // backlog as soon as it is bound, before the server runs.
    let answers = || -> Option<String> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(2)))
            .ok()?;
        stream
            .write_all(b"GET /api/v1/status HTTP/1.0\r\n\r\n")
            .ok()?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).ok()?;
        Some(answer)
    };
    let started = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        answers().is_some_and(|answer| answer.starts_with("HTTP/1.0 200"))
    });
    assert!(started, "the server did not start");
    let signalled = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running 20 s after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut log = String::new();
    std::io::Read::read_to_string(server.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(status.success(), "exit {status:?}: {log}");
    assert!(log.contains("mail worker stopped"), "{log}");
}
