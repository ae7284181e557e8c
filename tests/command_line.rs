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
