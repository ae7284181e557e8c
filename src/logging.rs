//! The log's writer: every line goes out with its e-mail addresses masked,
//! whatever wrote it (a library's error can quote an address the service
//! never logged itself).

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

use crate::error::mask_email_addresses;

/// Makes writers that mask addresses before writing to `W`'s output.
pub struct Masking<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Masking<M> {
    type Writer = MaskingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        MaskingWriter(self.0.make_writer())
    }
}

/// Writes each buffer it is given with its addresses masked. The formatter
/// hands over one whole event at a time, so an address is never split.
pub struct MaskingWriter<W>(W);

impl<W: Write> Write for MaskingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(mask_email_addresses(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::Masking;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    #[test]
    fn log_lines_carry_no_address_in_text_or_json() {
        let captured = Captured::default();
        for json in [false, true] {
            let builder = tracing_subscriber::fmt().with_writer(Masking(captured.clone()));
            let error = "permanent error (550): 5.1.1 <maria.rossi@example.org>: unknown";
            if json {
                let subscriber = builder.json().finish();
                tracing::subscriber::with_default(
                    subscriber,
                    || tracing::warn!(%error, to = "luca@example.org", "e-mail not sent"),
                );
            } else {
                let subscriber = builder.finish();
                tracing::subscriber::with_default(
                    subscriber,
                    || tracing::warn!(%error, to = "luca@example.org", "e-mail not sent"),
                );
            }
        }
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert_eq!(log.lines().count(), 2, "{log}");
        assert!(log.contains("e-mail not sent"), "{log}");
        assert!(!log.contains("maria.rossi"), "{log}");
        assert!(!log.contains("luca@"), "{log}");
        assert!(log.contains("[e-mail]"), "{log}");
    }
}
