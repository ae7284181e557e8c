//! Exports whose clients stop reading (issue 16 item 2): they hold no pooled
//! connection while they wait, an account runs a bounded number at once, and
//! a write timeout ends them.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::support::*;

/// Demo contributions, with long texts: enough that an export (about 8 MB)
/// outgrows the response channel and the socket buffers, so that a client
/// that does not read stalls it.
const ROWS: u64 = 2_000;

pub(crate) fn seed_demo_rows(app: &TestApp) {
    use diesel::prelude::*;
    use rinasce::db::schema::contributions;
    let now = chrono::Utc::now().naive_utc();
    let options = rinasce::demo::DemoOptions::window(ROWS, 16, None, None, now);
    rinasce::demo::generate(&app.db, &options, |_| {}).expect("demo rows inserted");
    let long_text = "Una proposta lunga per il quartiere. ".repeat(110);
    app.db
        .write_blocking(|conn| {
            diesel::update(contributions::table)
                .set(contributions::body.eq(&long_text))
                .execute(conn)
                .map_err(rinasce::db::DbError::from)
        })
        .expect("long texts");
}

/// A connection to the server whose receive buffer is small, as a client's
/// that does not read: the export fills it at once.
pub(crate) async fn connect_small(app: &TestApp) -> TcpStream {
    let address = app.address.trim_start_matches("http://").parse().unwrap();
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(address).await.expect("connected")
}

/// Opens an export and reads its answer's head, then never reads again.
/// Answers the open connection and the status line.
async fn stalled_export(app: &TestApp, token: &str) -> (TcpStream, String) {
    let address = app.address.trim_start_matches("http://");
    let mut stream = connect_small(app).await;
    let request = format!(
        "GET {}?format=ndjson HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\r\n",
        paths::exports_contributions()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = vec![0u8; 512];
    let read = stream.read(&mut head).await.unwrap();
    let head = String::from_utf8_lossy(&head[..read]);
    let status_line = head.lines().next().unwrap_or_default().to_owned();
    (stream, status_line)
}

#[actix_web::test]
async fn the_public_api_answers_while_more_stalled_exports_than_pooled_connections_are_open() {
    let app = TestApp::spawn_with(|config| {
        config.db_pool_size = 2;
        config.exports_per_account = 2;
    })
    .await;
    seed_demo_rows(&app);
    let researchers = [app.researcher().await, app.researcher().await];

    let mut stalled = Vec::new();
    for token in researchers.iter().chain(researchers.iter()) {
        let (stream, status_line) = stalled_export(&app, token).await;
        assert!(status_line.contains(" 200 "), "{status_line}");
        stalled.push(stream);
    }
    assert!(stalled.len() > app.config.db_pool_size as usize);

    let status = app.get(&paths::status()).await;
    assert_eq!(status.status(), 200, "GET /status");
    let listed = app.get(&paths::contributions()).await;
    assert_eq!(listed.status(), 200, "GET /contributions");
    let submitted = app.submit(&example_submission()).await;
    assert_eq!(submitted.status(), 201, "POST /contributions");

    // A third export of one account is refused while its two are open.
    let refused = app
        .get_as(&researchers[0], &paths::exports_contributions())
        .await;
    assert_eq!(header(&refused, "retry-after").as_deref(), Some("30"));
    let problem = assert_problem(refused, 429).await;
    assert_eq!(problem["type"], "/problems/too-many-exports");
    drop(stalled);
}

#[actix_web::test]
async fn a_client_that_stops_reading_ends_its_export_at_the_write_timeout() {
    let app = TestApp::spawn_with(|config| {
        config.exports_per_account = 1;
        config.export_write_timeout = Duration::from_secs(1);
    })
    .await;
    seed_demo_rows(&app);
    let admin = app.admin().await;
    let address = app.address.trim_start_matches("http://");
    let mut stream = connect_small(&app).await;
    let request = format!(
        "GET {}?include_personal_data=true HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {admin}\r\n\r\n",
        paths::exports_contributions()
    );
    stream.write_all(request.as_bytes()).await.unwrap();

    // The export with personal data is audited when it ends: as incomplete,
    // since the client never read it. Then the account may export again.
    let deadline = Instant::now() + Duration::from_secs(60);
    let event = loop {
        if let Some(event) = crate::exports::personal_export_events(&app).pop() {
            break event;
        }
        assert!(Instant::now() < deadline, "the stalled export never ended");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let details: serde_json::Value =
        serde_json::from_str(event.details.as_deref().expect("details")).unwrap();
    assert_eq!(details["complete"], false, "{details}");
    assert!(details["rows"].as_u64().unwrap() < ROWS, "{details}");
    let again = loop {
        // The slot is given back just after the event is written.
        let again = app.get_as(&admin, &paths::exports_contributions()).await;
        if again.status() != 429 || Instant::now() > deadline {
            break again;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(again.status(), 200);
    drop(stream);
}
