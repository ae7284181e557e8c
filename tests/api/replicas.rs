//! Several server processes on one database (issue 18 item 4): on
//! PostgreSQL they share one quota of accepted submissions per client, kept
//! in the database; on SQLite each process keeps its own. And a server that
//! stops taking writes, as a standby (item 5; the failover itself is
//! `tests/fault/failover_test.py`).

use std::time::Duration;

use crate::support::*;
use serde_json::json;

fn remaining(response: &reqwest::Response) -> Option<String> {
    header(response, "x-ratelimit-remaining")
}

/// Two servers on one database, each with the quota `per_minute`.
async fn two_servers(per_minute: u32) -> (TestApp, TestApp) {
    let first = TestApp::spawn_with(|config| config.rate_limit_per_minute = per_minute).await;
    let second = first
        .spawn_on_same_database(|config| config.rate_limit_per_minute = per_minute)
        .await;
    (first, second)
}

#[actix_web::test]
async fn two_servers_on_one_database_together_allow_exactly_the_limit() {
    let (first, second) = two_servers(5).await;
    // Sent at once, half to each server: their groups race for the quota.
    let submission = example_submission();
    let answers = futures::future::join_all((0..16).map(|i| {
        let app = if i % 2 == 0 { &first } else { &second };
        app.submit(&submission)
    }))
    .await;
    let accepted = answers.iter().filter(|r| r.status() == 201).count();
    let refused = answers.iter().filter(|r| r.status() == 429).count();
    let (expected, shared) = match backend_name() {
        "postgres" => (5, true),
        _ => (10, false),
    };
    assert_eq!(accepted, expected, "shared quota: {shared}");
    assert_eq!(accepted + refused, 16);
    assert_eq!(first.count_contributions(), expected as i64);
    for answer in &answers {
        assert_eq!(header(answer, "x-ratelimit-limit").as_deref(), Some("5"));
        if answer.status() == 429 {
            assert_eq!(remaining(answer).as_deref(), Some("0"));
            let wait: u64 = header(answer, "retry-after").unwrap().parse().unwrap();
            assert!((1..=12).contains(&wait), "{wait}");
        }
    }
    let mut left: Vec<String> = answers
        .iter()
        .filter(|r| r.status() == 201)
        .map(|r| remaining(r).unwrap())
        .collect();
    left.sort();
    if shared {
        // Each accepted submission was told what was left after it.
        assert_eq!(left, ["0", "1", "2", "3", "4"]);
    }
}

#[actix_web::test]
async fn the_headers_of_either_server_tell_what_both_have_used() {
    if backend_name() != "postgres" {
        return;
    }
    let (first, second) = two_servers(3).await;
    let answer = first.submit(&example_submission()).await;
    assert_eq!(answer.status(), 201);
    assert_eq!(remaining(&answer).as_deref(), Some("2"));
    let answer = second.submit(&example_submission()).await;
    assert_eq!(answer.status(), 201);
    assert_eq!(remaining(&answer).as_deref(), Some("1"));
    // An answer that stores nothing reads the quota from the database.
    let invalid = first
        .submit(&with(example_submission(), "title", json!("")))
        .await;
    assert_eq!(remaining(&invalid).as_deref(), Some("1"));
    assert_problem(invalid, 422).await;
    let answer = first.submit(&example_submission()).await;
    assert_eq!(answer.status(), 201);
    assert_eq!(remaining(&answer).as_deref(), Some("0"));
    // The second server has not seen the quota run out; the database says so.
    let refused = second.submit(&example_submission()).await;
    assert_eq!(remaining(&refused).as_deref(), Some("0"));
    assert!(header(&refused, "retry-after").is_some());
    let problem = assert_problem(refused, 429).await;
    assert_eq!(problem["type"], "/problems/too-many-requests");
    let invalid = second
        .submit(&with(example_submission(), "title", json!("")))
        .await;
    assert_eq!(remaining(&invalid).as_deref(), Some("0"));
    assert_eq!(first.count_contributions(), 3);
}

/// The writer used directly, so that the submissions surely share one
/// group: a client's submissions in a group take the cells that are left,
/// in order, and the rest are refused; a submission without a known client
/// is not limited.
#[actix_web::test]
async fn a_group_takes_only_the_cells_its_clients_have_left() {
    use rinasce::app::submission_quota::SharedQuota;
    use rinasce::app::submissions::{Submission, SubmissionWriter, SubmitFailure};
    use rinasce::http::contributions::{parse_contribution, SubmissionRules};
    use rinasce::http::input::FieldErrors;

    let app = TestApp::spawn().await;
    let Some(quota) = SharedQuota::for_backend(app.db.backend(), 2) else {
        return; // SQLite: the quota is the HTTP front's, in the process.
    };
    let config = test_config(&app.database_url, &app.mail_dir);
    let writer = SubmissionWriter::spawn(
        app.db.clone(),
        rinasce::mail::MailContext::from_config(&config),
        config.target,
        Some(quota),
    );
    let submission = |client: Option<&str>| {
        let mut errors = FieldErrors::default();
        Submission {
            input: parse_contribution(example_submission(), SubmissionRules::Form, &mut errors)
                .unwrap(),
            idempotency: None,
            bot: None,
            client: client.map(|c| c.parse().unwrap()),
        }
    };
    let outcomes = futures::future::join_all([
        writer.store(submission(Some("198.51.100.1"))),
        writer.store(submission(Some("198.51.100.2"))),
        writer.store(submission(Some("198.51.100.1"))),
        writer.store(submission(None)),
        writer.store(submission(Some("198.51.100.1"))),
    ])
    .await;
    let used = |i: usize| outcomes[i].as_ref().unwrap().quota_used.unwrap();
    let rules = quota.rules();
    assert_eq!(rules.state(used(0)).remaining, 1);
    assert_eq!(rules.state(used(1)).remaining, 1);
    assert_eq!(rules.state(used(2)).remaining, 0);
    assert!(outcomes[3].as_ref().unwrap().quota_used.is_none());
    match &outcomes[4] {
        Err(SubmitFailure::RateLimited { retry_after }) => {
            assert!((1..=30).contains(retry_after), "{retry_after}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(app.count_contributions(), 4);
    assert_eq!(app.outbox().len(), 4, "no acknowledgement for the refused");
}

/// A group decides its refusals from the quota as it stands, writes, and
/// takes its cells just before its commit. When another process used the
/// quota up meanwhile, the group is rolled back and written again, taking
/// the quota first: the submission is refused and nothing of it is kept.
#[actix_web::test]
async fn a_group_whose_quota_another_process_used_meanwhile_is_refused_and_leaves_nothing() {
    use diesel::{Connection, PgConnection};
    use rinasce::app::submission_quota::SharedQuota;
    use rinasce::app::submissions::{Submission, SubmissionWriter, SubmitFailure};
    use rinasce::http::contributions::{parse_contribution, SubmissionRules};
    use rinasce::http::input::FieldErrors;

    let app = TestApp::spawn().await;
    let Some(quota) = SharedQuota::for_backend(app.db.backend(), 2) else {
        return; // SQLite: one process, whose quota is the HTTP front's.
    };
    let client = "198.51.100.7";
    // The other process: it takes both cells and holds them uncommitted
    // until told to commit.
    let (commit, committed) = std::sync::mpsc::channel::<()>();
    let (taken, on_taken) = std::sync::mpsc::channel::<()>();
    let url = app.database_url.clone();
    let other = std::thread::spawn(move || {
        let mut pg = PgConnection::establish(&url).expect("a second connection");
        pg.transaction::<_, diesel::result::Error, _>(|pg| {
            let decisions = quota.take(pg, &[Some(client), Some(client)])?;
            assert!(decisions.iter().all(|d| matches!(
                d,
                Some(rinasce::app::submission_quota::QuotaDecision::Taken(_))
            )));
            taken.send(()).unwrap();
            committed.recv().unwrap();
            Ok(())
        })
        .expect("the other process's cells committed");
    });
    on_taken.recv().unwrap();

    let config = test_config(&app.database_url, &app.mail_dir);
    let writer = SubmissionWriter::spawn(
        app.db.clone(),
        rinasce::mail::MailContext::from_config(&config),
        config.target,
        Some(quota),
    );
    let mut errors = FieldErrors::default();
    let submission = Submission {
        input: parse_contribution(example_submission(), SubmissionRules::Form, &mut errors)
            .unwrap(),
        idempotency: None,
        bot: None,
        client: Some(client.parse().unwrap()),
    };
    let outcome = tokio::spawn(async move { writer.store(submission).await });
    // The group foresaw a full quota, wrote its rows and now waits for the
    // other transaction's lock on the client's row.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while app.sessions_waiting_for_a_lock() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the group never waited"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    commit.send(()).unwrap();
    other.join().unwrap();
    match outcome.await.unwrap() {
        Err(SubmitFailure::RateLimited { retry_after }) => {
            assert!((1..=30).contains(&retry_after), "{retry_after}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(app.count_contributions(), 0);
    assert!(app.outbox().is_empty(), "no acknowledgement");
}

#[actix_web::test]
async fn quota_rows_whose_time_has_passed_are_deleted() {
    use diesel::prelude::*;
    use rinasce::app::submission_quota::expire;
    use rinasce::db::schema::submission_quotas;

    if backend_name() != "postgres" {
        return;
    }
    let app = TestApp::spawn_with(|config| config.rate_limit_per_minute = 2).await;
    assert_eq!(app.submit(&example_submission()).await.status(), 201);
    let clients = |app: &TestApp| -> Vec<String> {
        app.db
            .read_blocking(|conn| {
                submission_quotas::table
                    .select(submission_quotas::client)
                    .order(submission_quotas::client)
                    .load(conn)
                    .map_err(rinasce::db::DbError::from)
            })
            .unwrap()
    };
    assert_eq!(clients(&app), ["127.0.0.1"]);
    let past = chrono::Utc::now().naive_utc() - Duration::from_secs(1);
    app.db
        .write_blocking(|conn| {
            diesel::insert_into(submission_quotas::table)
                .values((
                    submission_quotas::client.eq("198.51.100.9"),
                    submission_quotas::full_at.eq(past),
                ))
                .execute(conn)
                .map_err(rinasce::db::DbError::from)
        })
        .unwrap();
    let deleted = app.db.write_blocking(expire).unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(clients(&app), ["127.0.0.1"], "a quota in use is kept");
}

#[actix_web::test]
async fn a_server_that_refuses_writes_gets_none_and_the_service_answers_503_until_it_takes_them() {
    let app = TestApp::spawn().await;
    app.submit_ok(&example_submission()).await;
    let Some(read_only) = app.make_database_read_only() else {
        eprintln!("needs PostgreSQL (TEST_DATABASE_URL): SQLite has no read-only server");
        return;
    };
    // The pooled sessions are gone, and the pool takes no new one that
    // cannot write: never a 500 from a write refused by the server.
    for _ in 0..2 {
        let answer = app.submit(&example_submission()).await;
        assert!(answer.headers().contains_key("retry-after"));
        assert_problem(answer, 503).await;
    }
    assert_problem(app.get(&paths::status()).await, 503).await;
    drop(read_only);
    // It takes writes again: the service follows by itself.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let answer = app.submit(&example_submission()).await;
        if answer.status() == 201 {
            break;
        }
        assert_problem(answer, 503).await;
        assert!(std::time::Instant::now() < deadline, "no recovery");
    }
    assert_eq!(app.count_contributions(), 2);
}
