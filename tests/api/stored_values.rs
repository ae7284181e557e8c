//! Values read back from the database are typed at the row: one that does
//! not parse is an error naming the row, the column and the value, never a
//! default. (Statuses, channels, author kinds and roles are also held to
//! their values by CHECK constraints; ids, audit actions and message kinds
//! are checked only here.)

use crate::support::*;
use rinasce::domain::MessageId;

#[actix_web::test]
async fn a_bad_stored_value_names_the_row_and_column_and_is_never_read_as_a_default() {
    let app = TestApp::spawn().await;
    app.submit_ok(&example_submission()).await;
    let admin = app.admin().await;
    let outbox = app.get_json_as(&admin, &paths::outbox()).await;
    let message = outbox["items"][0]["id"].as_str().unwrap().to_owned();
    app.store_bad_message_kind(&message, "bogus");

    let response = app
        .post_json_as(
            &admin,
            &paths::outbox_retry(&message),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(response.status(), 500, "not read as some default kind");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );

    let id = MessageId::parse(&message).unwrap();
    let error = app
        .db
        .read_blocking(move |conn| rinasce::db::outbox::find(conn, id))
        .expect_err("the row does not read");
    let text = error.to_string();
    assert!(text.contains(&format!("outbox {message}")), "{text}");
    assert!(
        text.contains(r#"outbox.kind holds "bogus", which is not a valid message kind"#),
        "{text}"
    );
}
