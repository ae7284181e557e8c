//! Where to go after signing in or switching language: only a path inside
//! the console on this server, never another site (an open redirect).

/// The console's home, where a doubtful destination leads instead.
pub const HOME: &str = "/console/";

/// `raw` when it is a console path on this origin, the home otherwise.
pub fn safe_next(raw: Option<&str>) -> String {
    match raw {
        Some(path) if is_console_path(path) => path.to_owned(),
        _ => HOME.to_owned(),
    }
}

fn is_console_path(path: &str) -> bool {
    let inside =
        path == "/console" || path.starts_with("/console/") || path.starts_with("/console?");
    inside
        && path.len() <= 2000
        // `//host` and `/\host` are read by browsers as another site.
        && !path.contains("//")
        && !path.contains('\\')
        && !path.contains("/..")
        && path.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_paths_are_kept() {
        for path in [
            "/console/",
            "/console/coda?stato=pending&pagina=2",
            "/console",
        ] {
            assert_eq!(safe_next(Some(path)), path);
        }
    }

    #[test]
    fn anything_else_leads_home() {
        for path in [
            "https://evil.example/console/",
            "//evil.example/console/",
            "/console//evil.example",
            "/\\evil.example",
            "/console/\\evil",
            "/api/v1/status",
            "/consolex",
            "/console/../api",
            "/console/a b",
            "/console/\u{0}",
            "",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(Some(path)), HOME, "{path:?}");
        }
        assert_eq!(safe_next(None), HOME);
    }
}
