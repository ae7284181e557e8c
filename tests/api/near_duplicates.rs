//! Near-duplicates from the stored index (issue 18 item 3): the answers of
//! `/similar` against an exhaustive comparison of every pair, and the keys
//! of contributions stored before the index existed, written by the server
//! or by `rinasce migrate`.

use std::time::{Duration, Instant};

use crate::support::*;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rinasce::db::schema::contributions;
use rinasce::db::DbError;
use rinasce::domain::similarity::Fingerprint;
use serde_json::{json, Value};

fn id_of(receipt: &Value) -> String {
    receipt["id"].as_str().unwrap().to_owned()
}

/// Every contribution's id, title and body, in order of arrival.
fn every_text(app: &TestApp) -> Vec<(String, String, String)> {
    app.db
        .read_blocking(|conn| {
            Ok::<_, DbError>(
                contributions::table
                    .order(contributions::seq.asc())
                    .select((contributions::id, contributions::title, contributions::body))
                    .load(conn)?,
            )
        })
        .unwrap()
}

/// Every contribution's id and fingerprint.
fn every_fingerprint(app: &TestApp) -> Vec<(String, Fingerprint)> {
    every_text(app)
        .into_iter()
        .map(|(id, title, body)| (id, Fingerprint::of_contribution(&title, &body)))
        .collect()
}

/// The exhaustive answer: every other contribution scored, best first,
/// then in order of arrival.
fn exhaustive(corpus: &[(String, Fingerprint)], of: usize) -> Vec<(String, f64)> {
    let mut scored: Vec<(usize, f64)> = corpus
        .iter()
        .enumerate()
        .filter(|(n, _)| *n != of)
        .map(|(n, (_, fingerprint))| (n, corpus[of].1.similarity(fingerprint)))
        .filter(|(_, score)| *score > 0.0)
        .collect();
    scored.sort_by(|(a, x), (b, y)| y.total_cmp(x).then(a.cmp(b)));
    scored
        .into_iter()
        .map(|(n, score)| (corpus[n].0.clone(), score))
        .collect()
}

async fn similar(app: &TestApp, moderator: &str, id: &str) -> Vec<(String, f64)> {
    let answer = app
        .get_json_as(moderator, &paths::moderation_similar(id))
        .await;
    answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["id"].as_str().unwrap().to_owned(),
                item["score"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// Near-duplicates: the score at which a copy with edits is expected to be
/// found (an index miss has probability 1 − (1 − 0.8^5)^16 < 0.001).
const NEAR_DUPLICATE: f64 = 0.8;

#[actix_web::test]
async fn the_index_finds_what_comparing_every_pair_finds() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    app.run_command(&["demo-data", "--count", "300", "--seed", "11"]);
    // Copies as people make them: shouted, punctuated otherwise, with a
    // word dropped and a line added.
    for (_, title, body) in every_text(&app).iter().step_by(10) {
        let copy = with(
            with(
                example_submission(),
                "title",
                json!(title.to_uppercase() + "!"),
            ),
            "body",
            json!(format!(
                "{}; grazie dell'attenzione.",
                body.split_once(' ').unwrap().1.replace(". ", ", ")
            )),
        );
        app.submit_ok(&copy).await;
    }
    let corpus = every_fingerprint(&app);
    let mut near_duplicates = 0;
    for of in 0..corpus.len() {
        let expected = exhaustive(&corpus, of);
        let found = similar(&app, &moderator, &corpus[of].0).await;
        assert!(found.len() <= 10);
        // Each score is the exact one, and the order is the exhaustive one.
        for (id, score) in &found {
            let exact = expected.iter().find(|(other, _)| other == id).unwrap();
            assert_eq!(*score, exact.1, "{id}");
        }
        let order: Vec<f64> = found.iter().map(|(_, score)| *score).collect();
        assert!(order.windows(2).all(|w| w[0] >= w[1]), "{order:?}");
        // Every near-duplicate among the best ten is there.
        for (id, score) in expected.iter().take(10) {
            if *score >= NEAR_DUPLICATE {
                near_duplicates += 1;
                assert!(
                    found.iter().any(|(other, _)| other == id),
                    "{} misses {id} at {score}: {found:?}",
                    corpus[of].0
                );
            }
        }
        // Where the ten best are all near-duplicates, the answer is theirs.
        if expected.len() >= 10 && expected[9].1 >= NEAR_DUPLICATE {
            assert_eq!(found, expected[..10], "{}", corpus[of].0);
        }
    }
    assert!(
        near_duplicates >= 60,
        "the corpus tests little: {near_duplicates}"
    );
}

/// The state a database is in after the migration that created the index:
/// its contributions have no keys yet, and the setting says which.
fn as_before_the_index(app: &TestApp) {
    let migration = match backend_name() {
        "postgres" => {
            include_str!("../../migrations/postgres/2026-12-05-000071_similarity_bands/up.sql")
        }
        _ => include_str!("../../migrations/sqlite/2026-12-05-000071_similarity_bands/up.sql"),
    };
    app.db
        .write_blocking(|conn| -> Result<(), DbError> {
            conn.batch_execute(
                "DROP TABLE similarity_bands; \
                 DELETE FROM settings WHERE key = 'similarity_backfill_below'",
            )?;
            conn.batch_execute(migration)?;
            Ok(())
        })
        .unwrap();
}

#[actix_web::test]
async fn contributions_stored_before_the_index_get_their_keys_at_the_next_start() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let text = |title: &str, body: &str| {
        with(
            with(example_submission(), "title", json!(title)),
            "body",
            json!(body),
        )
    };
    let original = id_of(
        &app.submit_ok(&text(
            "Piste ciclabili sui viali",
            "Chiedo piste ciclabili protette e illuminate sui viali, collegate alla tramvia.",
        ))
        .await,
    );
    let copy = id_of(
        &app.submit_ok(&text(
            "Piste ciclabili sui viali!",
            "Chiedo piste ciclabili protette e illuminate sui viali, collegate alla tramvia.",
        ))
        .await,
    );
    app.submit_ok(&text(
        "Biblioteche aperte la domenica",
        "Aprire le biblioteche di quartiere anche la domenica pomeriggio.",
    ))
    .await;
    assert_eq!(similar(&app, &moderator, &original).await[0].0, copy);

    as_before_the_index(&app);
    assert_eq!(similar(&app, &moderator, &original).await, []);
    // `rinasce migrate` writes them all before it ends.
    let printed = app.run_command(&["migrate"]);
    assert!(printed.contains("database up to date"), "{printed}");
    assert_eq!(similar(&app, &moderator, &original).await[0].0, copy);

    // A server started on such a database writes them in the background.
    as_before_the_index(&app);
    let restarted = app.spawn_on_same_database(|_| {}).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let backfill_left = || {
        app.db
            .read_blocking(|conn| rinasce::db::settings::get(conn, "similarity_backfill_below"))
            .unwrap()
    };
    let (found, left) = loop {
        let found = similar(&restarted, &moderator, &original).await;
        let left = backfill_left();
        if (!found.is_empty() && left.is_none()) || Instant::now() > deadline {
            break (found, left);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(found[0].0, copy, "{found:?}");
    assert_eq!(left, None, "the backfill is over");
}

#[actix_web::test]
async fn removing_the_demo_data_removes_its_keys() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let mine = id_of(&app.submit_ok(&example_submission()).await);
    let twin = id_of(&app.submit_ok(&example_submission()).await);
    app.run_command(&["demo-data", "--count", "50"]);
    app.run_command(&["demo-data", "--remove"]);
    assert_eq!(
        stored_keys(&app),
        (2 * 16, 2),
        "the two real contributions' keys stay"
    );
    assert_eq!(similar(&app, &moderator, &mine).await, [(twin, 1.0)]);
}

/// Three contributions: an original, a copy of it, and another text.
async fn original_copy_and_other(app: &TestApp) -> (String, String, String) {
    let text = |title: &str, body: &str| {
        with(
            with(example_submission(), "title", json!(title)),
            "body",
            json!(body),
        )
    };
    let cycle_lanes =
        "Chiedo piste ciclabili protette e illuminate sui viali, collegate alla tramvia.";
    let original = app
        .submit_ok(&text("Piste ciclabili sui viali", cycle_lanes))
        .await;
    let copy = app
        .submit_ok(&text("PISTE CICLABILI SUI VIALI!", cycle_lanes))
        .await;
    let other = app
        .submit_ok(&text(
            "Biblioteche aperte la domenica",
            "Aprire le biblioteche di quartiere anche la domenica pomeriggio.",
        ))
        .await;
    (id_of(&original), id_of(&copy), id_of(&other))
}

#[actix_web::test]
async fn the_first_search_after_a_restart_answers_from_the_stored_index() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let (original, copy, _) = original_copy_and_other(&app).await;
    let restarted = app.spawn_on_same_database(|_| {}).await;
    // Nothing was left to backfill: the keys were written with the rows.
    let backfill_left = app
        .db
        .read_blocking(|conn| rinasce::db::settings::get(conn, "similarity_backfill_below"))
        .unwrap();
    assert_eq!(backfill_left, None);
    let first = similar(&restarted, &moderator, &original).await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].0, copy);
    // The answer comes from the stored keys, not from anything the process
    // holds: without the copy's keys, the copy is not found.
    app.db
        .write_blocking(|conn| -> Result<(), DbError> {
            use rinasce::db::schema::similarity_bands;
            diesel::delete(
                similarity_bands::table.filter(
                    similarity_bands::contribution_seq.eq_any(
                        contributions::table
                            .filter(contributions::id.eq(&copy))
                            .select(contributions::seq),
                    ),
                ),
            )
            .execute(conn)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(similar(&restarted, &moderator, &original).await, []);
}

#[actix_web::test]
async fn status_changes_and_erasure_leave_the_answers_as_they_were() {
    let app = TestApp::spawn().await;
    let (moderator, admin) = (app.moderator().await, app.admin().await);
    let (original, copy, other) = original_copy_and_other(&app).await;
    let before = [original.clone(), copy.clone(), other.clone()];
    let mut answers = Vec::new();
    for id in &before {
        answers.push(similar(&app, &moderator, id).await);
    }
    assert_eq!(answers[0][0].0, copy);
    assert_eq!(stored_keys(&app), (3 * 16, 3));

    // Every status a contribution can take, and the erasure of its author:
    // the text stays, so its keys and the answers stay too.
    app.mark_duplicate(&copy, &original).await;
    app.set_status(&other, "spam").await;
    app.publish(&original).await;
    app.set_status(&original, "hidden").await;
    let response = app
        .post_json_as(
            &admin,
            &paths::erasure_requests(),
            &json!({"email": "maria.rossi@example.org"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let erased: Value = response.json().await.unwrap();
    assert_eq!(erased["contributions_affected"], 3, "{erased}");

    assert_eq!(stored_keys(&app), (3 * 16, 3));
    for (id, answer) in before.iter().zip(&answers) {
        assert_eq!(&similar(&app, &moderator, id).await, answer, "{id}");
    }
}

/// How many band keys are stored, and for how many contributions.
fn stored_keys(app: &TestApp) -> (i64, i64) {
    use rinasce::db::schema::similarity_bands::dsl::*;
    app.db
        .read_blocking(|conn| {
            Ok::<_, DbError>((
                similarity_bands.count().get_result(conn)?,
                similarity_bands
                    .select(diesel::dsl::count(contribution_seq).aggregate_distinct())
                    .get_result(conn)?,
            ))
        })
        .unwrap()
}

/// Whether the near-duplicate index refuses a second copy of a key, as its
/// primary key makes it; what the test writes is rolled back.
fn refuses_a_repeated_key(app: &TestApp) -> bool {
    use rinasce::db::schema::similarity_bands::dsl::*;
    let tried = app.db.write_blocking(|conn| -> Result<(), DbError> {
        for _ in 0..2 {
            diesel::insert_into(similarity_bands)
                .values((band_key.eq(7), contribution_seq.eq(7)))
                .execute(conn)?;
        }
        Err(DbError::Query(diesel::result::Error::RollbackTransaction))
    });
    match tried {
        Err(refused) if refused.is_unique_violation() => true,
        Err(DbError::Query(diesel::result::Error::RollbackTransaction)) => false,
        other => panic!("unexpected: {other:?}"),
    }
}

fn key_set_aside(app: &TestApp) -> Option<String> {
    app.db
        .read_blocking(|conn| rinasce::db::settings::get(conn, "similarity_key_set_aside"))
        .unwrap()
}

#[actix_web::test]
async fn a_demo_load_indexes_every_contribution_and_leaves_the_key_in_place() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    // More than one batch: on PostgreSQL two connections insert at once,
    // into an index whose primary key is built at the end.
    app.run_command(&["demo-data", "--count", "2100", "--seed", "4"]);
    assert_eq!(stored_keys(&app), (2100 * 16, 2100));
    assert!(refuses_a_repeated_key(&app));
    assert_eq!(key_set_aside(&app), None);
    // A copy of a demo text is found through the keys the load wrote.
    let (demo, title, body) = every_text(&app).swap_remove(1234);
    let copy = with(
        with(example_submission(), "title", json!(title)),
        "body",
        json!(body),
    );
    let copy = id_of(&app.submit_ok(&copy).await);
    let found = similar(&app, &moderator, &copy).await;
    assert!(found.contains(&(demo, 1.0)), "{found:?}");

    // A load into a database with contributions writes beside them.
    app.run_command(&["demo-data", "--count", "30", "--seed", "5"]);
    assert_eq!(stored_keys(&app), (2131 * 16, 2131));
    assert!(refuses_a_repeated_key(&app));
}

#[actix_web::test]
async fn a_key_set_aside_by_a_load_that_died_is_built_at_the_next_start() {
    use rinasce::db::bulk_load::set_similarity_key_aside;
    let app = TestApp::spawn().await;
    let set_aside = app.db.write_blocking(set_similarity_key_aside).unwrap();
    // SQLite loads with its key in place.
    assert_eq!(set_aside, backend_name() == "postgres");
    assert_eq!(refuses_a_repeated_key(&app), !set_aside);
    assert_eq!(key_set_aside(&app).is_some(), set_aside);

    // Any command's start builds it again, as a server's does.
    let printed = app.run_command(&["migrate"]);
    assert!(printed.contains("database up to date"), "{printed}");
    assert!(refuses_a_repeated_key(&app));
    assert_eq!(key_set_aside(&app), None);

    // Once a contribution is stored, no load sets the key aside.
    app.submit_ok(&example_submission()).await;
    assert!(!app.db.write_blocking(set_similarity_key_aside).unwrap());
    assert!(refuses_a_repeated_key(&app));
}
