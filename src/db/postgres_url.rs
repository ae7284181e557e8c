//! What `DATABASE_URL` says about PostgreSQL, read by libpq's own parser
//! (`PQconninfoParse`), so that the service understands a connection string
//! exactly as the connections will: the URI form
//! (`postgres://a:5432,b:5432/db?target_session_attrs=read-write`) and the
//! keyword form (`host=a,b dbname=db target_session_attrs=read-write`).

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::os::raw::c_char;

/// True when `url` is a PostgreSQL connection string: a `postgres://` or
/// `postgresql://` URI, or libpq's `keyword=value` form (its first word is
/// followed by `=`). Anything else is a SQLite file path.
pub fn is_postgres(url: &str) -> bool {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return true;
    }
    let trimmed = url.trim_start();
    let keyword_length = trimmed
        .bytes()
        .take_while(|b| b.is_ascii_lowercase() || *b == b'_')
        .count();
    keyword_length > 0 && trimmed[keyword_length..].trim_start().starts_with('=')
}

/// Checks a PostgreSQL connection string: libpq must be able to read it,
/// and one that names several servers must ask for the one that accepts
/// writes (`target_session_attrs=read-write` or `primary`): otherwise libpq
/// would take the first that answers, which may be a standby.
pub fn check(url: &str) -> Result<(), String> {
    let options = parse(url)?;
    let hosts = ["host", "hostaddr"]
        .iter()
        .filter_map(|key| options.get(*key))
        .map(|value| value.split(',').count())
        .max()
        .unwrap_or(1);
    let attrs = options
        .get("target_session_attrs")
        .map(String::as_str)
        .unwrap_or("any");
    if hosts > 1 && !matches!(attrs, "read-write" | "primary") {
        return Err(format!(
            "names {hosts} servers with target_session_attrs={attrs}: add \
             target_session_attrs=read-write, so that writes always go to the primary"
        ));
    }
    Ok(())
}

/// The options given in `conninfo`, as libpq reads them (without its defaults).
fn parse(conninfo: &str) -> Result<HashMap<String, String>, String> {
    let text = CString::new(conninfo).map_err(|_| "contains a NUL character".to_owned())?;
    let mut error: *mut c_char = std::ptr::null_mut();
    // SAFETY: `text` is a NUL-terminated string that outlives the call;
    // libpq writes an error message it allocated into `error` on failure.
    let options = unsafe { pq_sys::PQconninfoParse(text.as_ptr(), &mut error) };
    if options.is_null() {
        if error.is_null() {
            return Err("libpq could not read it (out of memory)".to_owned());
        }
        // SAFETY: on failure `error` is a NUL-terminated message from libpq,
        // freed once with PQfreemem after it is copied.
        let message = unsafe {
            let message = CStr::from_ptr(error).to_string_lossy().trim().to_owned();
            pq_sys::PQfreemem(error.cast());
            message
        };
        return Err(message);
    }
    let mut values = HashMap::new();
    // SAFETY: `options` is an array libpq allocated, ended by an entry whose
    // keyword is NULL; each keyword and non-NULL value is a NUL-terminated
    // string. It is read before PQconninfoFree releases it, and not after.
    unsafe {
        let mut option = options;
        while !(*option).keyword.is_null() {
            if !(*option).val.is_null() {
                values.insert(
                    CStr::from_ptr((*option).keyword)
                        .to_string_lossy()
                        .into_owned(),
                    CStr::from_ptr((*option).val).to_string_lossy().into_owned(),
                );
            }
            option = option.add(1);
        }
        pq_sys::PQconninfoFree(options);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_of_connection_string_are_postgres_and_paths_are_sqlite() {
        for url in [
            "postgres://u@127.0.0.1:5461,127.0.0.1:5462/rinasce?target_session_attrs=read-write",
            "postgresql://localhost/rinasce",
            "host=a,b port=5461,5462 dbname=rinasce target_session_attrs=read-write",
            "  dbname = rinasce",
        ] {
            assert!(is_postgres(url), "{url}");
        }
        for path in [
            "rinasce.db",
            "/var/lib/rinasce/rinasce.db",
            "./data/x=1.db",
            "",
        ] {
            assert!(!is_postgres(path), "{path}");
        }
    }

    #[test]
    fn several_servers_need_the_read_write_one() {
        assert!(check("postgres://127.0.0.1:5461/rinasce").is_ok());
        for url in [
            "postgres://127.0.0.1:5461,127.0.0.1:5462/rinasce?target_session_attrs=read-write",
            "host=127.0.0.1,127.0.0.1 port=5461,5462 dbname=rinasce target_session_attrs=primary",
        ] {
            assert_eq!(check(url), Ok(()), "{url}");
        }
        for url in [
            "postgres://127.0.0.1:5461,127.0.0.1:5462/rinasce",
            "host=a,b dbname=rinasce target_session_attrs=any",
            "hostaddr=127.0.0.1,127.0.0.2 dbname=rinasce",
        ] {
            let error = check(url).unwrap_err();
            assert!(error.contains("target_session_attrs=read-write"), "{error}");
        }
    }

    #[test]
    fn what_libpq_cannot_read_is_refused_with_its_reason() {
        let error = check("postgres://h/db?no_such_option=1").unwrap_err();
        assert!(error.contains("no_such_option"), "{error}");
        assert!(check("host=a dbname").is_err());
    }
}
