//! A small real SMTP server for tests: accepts messages over TCP, can refuse
//! chosen recipients with a permanent error, and can be stopped and started
//! again on the same port to play an outage.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

#[derive(Clone, Debug)]
pub struct Received {
    pub recipients: Vec<String>,
    pub data: String,
}

#[derive(Clone, Default)]
struct Shared {
    received: Arc<Mutex<Vec<Received>>>,
    refused: Arc<Mutex<HashSet<String>>>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

pub struct SmtpSink {
    pub port: u16,
    shared: Shared,
    listener: JoinHandle<()>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        SmtpSink::start_on(0).await
    }

    pub async fn start_on(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("SMTP sink binds");
        let port = listener.local_addr().unwrap().port();
        let shared = Shared::default();
        let accepting = shared.clone();
        let listener = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let session = tokio::spawn(serve(stream, accepting.clone()));
                accepting.connections.lock().unwrap().push(session);
            }
        });
        SmtpSink {
            port,
            shared,
            listener,
        }
    }

    /// Refuses `address` with `550` from now on.
    pub fn refuse(&self, address: &str) {
        self.shared
            .refused
            .lock()
            .unwrap()
            .insert(address.to_owned());
    }

    pub fn accept_again(&self, address: &str) {
        self.shared.refused.lock().unwrap().remove(address);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Closes the port and every open session.
    pub fn stop(self) {
        self.listener.abort();
        for session in self.shared.connections.lock().unwrap().drain(..) {
            session.abort();
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

async fn serve(stream: TcpStream, shared: Shared) {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    let mut recipients = Vec::new();
    if writer.write_all(b"220 sink ESMTP\r\n").await.is_err() {
        return;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let command = line.to_ascii_uppercase();
        let reply: String = if command.starts_with("EHLO") || command.starts_with("HELO") {
            "250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".into()
        } else if command.starts_with("MAIL FROM") {
            recipients.clear();
            "250 OK\r\n".into()
        } else if command.starts_with("RCPT TO") {
            let address = line[8..]
                .trim()
                .trim_start_matches(':')
                .trim()
                .trim_matches(|c| c == '<' || c == '>')
                .to_owned();
            if shared.refused.lock().unwrap().contains(&address) {
                // Quoting the address, as real servers do.
                format!("550 5.1.1 <{address}>: mailbox unavailable\r\n")
            } else {
                recipients.push(address);
                "250 OK\r\n".into()
            }
        } else if command == "DATA" {
            if writer
                .write_all(b"354 end with <CRLF>.<CRLF>\r\n")
                .await
                .is_err()
            {
                return;
            }
            let mut data = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if line == "." {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                data.push_str("\r\n");
            }
            shared.received.lock().unwrap().push(Received {
                recipients: std::mem::take(&mut recipients),
                data,
            });
            "250 OK queued\r\n".into()
        } else if command == "QUIT" {
            let _ = writer.write_all(b"221 bye\r\n").await;
            return;
        } else {
            "250 OK\r\n".into()
        };
        if writer.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}
