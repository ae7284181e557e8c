//! Text search through the full-text index, on both backends with the same
//! expected answers: stemming («ciclabili» finds «ciclabile»), accents
//! («città», «citta»), stop words, every word required, phrases, relevance
//! order and its paging, reference lookup, bad values, erasure, and rows
//! stored before the index.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::{json, Value};

use crate::moderation::offline;
use crate::support::{
    assert_problem, backend_name, example_submission, failing_fields, paths, with, TestApp,
};

/// The corpus: (title, text), stored in this order as RF-000001…
const CORPUS: &[(&str, &str)] = &[
    (
        "Piste ciclabili sui viali",
        "Collegare i viali con una pista protetta per le biciclette.",
    ),
    (
        "Una ciclabile lungo l'Arno",
        "Serve un percorso ciclabile continuo dalla città al parco delle Cascine.",
    ),
    (
        "Alberi in città",
        "Piantare alberi nei quartieri più caldi della citta, con panchine all'ombra.",
    ),
    (
        "Mercati rionali il sabato",
        "Riaprire i mercati rionali il sabato mattina, con prodotti del territorio.",
    ),
    (
        "Biblioteche aperte la sera",
        "Le biblioteche di quartiere dovrebbero restare aperte fino alle ventidue.",
    ),
    (
        "Parcheggi per biciclette alle stazioni",
        "Rastrelliere coperte vicino alle stazioni e un deposito sorvegliato, accanto \
         all'attuale pista ciclabile, per chi arriva in treno ogni mattina dal contado.",
    ),
    // Not published: only moderators find it.
    (
        "Ciclabili davanti alle scuole",
        "Percorsi sicuri per andare a scuola in bicicletta, con zone a velocità ridotta.",
    ),
];

/// Stores the corpus (all published but the last) and returns a moderator.
async fn corpus(app: &TestApp) -> String {
    let moderator = app.moderator().await;
    for (n, (title, body)) in CORPUS.iter().enumerate() {
        let submission = with(
            with(example_submission(), "title", json!(title)),
            "body",
            json!(body),
        );
        let stored = app.submit_ok(&submission).await;
        if n + 1 < CORPUS.len() {
            app.publish(stored["id"].as_str().unwrap()).await;
        }
    }
    moderator
}

fn references(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|item| item["reference"].as_str().unwrap().to_owned())
        .collect()
}

fn refs(numbers: &[u32]) -> Vec<String> {
    numbers.iter().map(|n| format!("RF-{n:06}")).collect()
}

/// The published contributions matching `query`, in the listing's order.
async fn public_search(app: &TestApp, query: &str) -> Vec<String> {
    let page = app
        .get_json(&paths::with_query(paths::contributions(), query))
        .await;
    references(&page)
}

async fn staff_search(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let page = app
        .get_json_as(
            token,
            &paths::with_query(paths::moderation_contributions(), query),
        )
        .await;
    references(&page)
}

fn sorted(mut found: Vec<String>) -> Vec<String> {
    found.sort();
    found
}

#[actix_web::test]
async fn words_match_their_inflections_without_accents_or_stop_words() {
    let app = TestApp::spawn().await;
    let moderator = corpus(&app).await;
    let cases: &[(&str, &[u32])] = &[
        ("q=ciclabili", &[1, 2, 6]),
        ("q=CICLABILE", &[1, 2, 6]),
        ("q=pista", &[1, 6]),
        ("q=citt%C3%A0", &[2, 3]),
        ("q=citta", &[2, 3]),
        ("q=mercato", &[4]),
        ("q=biblioteca%20aperta", &[5]),
        // Stop words are left out: «della» and «il» are everywhere.
        ("q=della%20citt%C3%A0", &[2, 3]),
        ("q=il%20della", &[]),
        ("q=%25", &[]),
        // Every word is required.
        ("q=viali%20ciclabili", &[1]),
        ("q=alberi%20mercati", &[]),
        ("q=biciclette%20stazioni%20treno", &[6]),
        // Quotes make a phrase: its words in that order, side by side
        // («pista ciclabile» in RF-6 is the same phrase, inflected).
        ("q=%22piste%20ciclabili%22", &[1, 6]),
        ("q=%22ciclabili%20piste%22", &[]),
        ("q=%22mercati%20rionali%20il%20sabato%22", &[4]),
        // A receipt reference finds that contribution.
        ("q=RF-000003", &[3]),
        ("q=rf-3", &[3]),
    ];
    for (query, expected) in cases {
        assert_eq!(
            sorted(public_search(&app, query).await),
            refs(expected),
            "{query} on {}",
            backend_name()
        );
    }
    // Moderators search every status, the unpublished one too.
    assert_eq!(
        sorted(staff_search(&app, &moderator, "q=ciclabili").await),
        refs(&[1, 2, 6, 7])
    );
    assert_eq!(
        staff_search(&app, &moderator, "q=scuole%20velocit%C3%A0").await,
        refs(&[7])
    );
    // The total counts the matches of every page.
    let page = app
        .get_json(&paths::with_query(
            paths::contributions(),
            "q=ciclabile&limit=1",
        ))
        .await;
    assert_eq!(page["total"], 3, "{page}");
}

#[actix_web::test]
async fn relevance_puts_the_best_matches_first_and_pages_through_them() {
    let app = TestApp::spawn().await;
    let moderator = corpus(&app).await;
    // RF-2 has the word in its title and its text, RF-1 in its title, RF-6
    // once in a long text: the same order on both backends.
    assert_eq!(
        public_search(&app, "q=ciclabile&sort=relevance").await,
        refs(&[2, 1, 6])
    );
    // RF-7 too has the word in its title, but a longer text than RF-1.
    assert_eq!(
        staff_search(&app, &moderator, "q=ciclabile&sort=relevance").await,
        refs(&[2, 1, 7, 6])
    );
    // Page by page, the same order, each row once.
    let mut seen = Vec::new();
    let mut query = "q=ciclabile&sort=relevance&limit=1".to_owned();
    loop {
        let page = app
            .get_json(&paths::with_query(paths::contributions(), &query))
            .await;
        seen.extend(references(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("q=ciclabile&sort=relevance&limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, refs(&[2, 1, 6]));
    // A reference is one contribution: nothing to rank, but allowed.
    assert_eq!(
        public_search(&app, "q=RF-000004&sort=relevance").await,
        refs(&[4])
    );
}

#[actix_web::test]
async fn equal_scores_are_ordered_newest_first() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let same = with(
        with(example_submission(), "title", json!("Fontanelle pubbliche")),
        "body",
        json!("Più fontanelle di acqua potabile nei giardini."),
    );
    for _ in 0..3 {
        app.submit_ok(&same).await;
    }
    let mut seen = Vec::new();
    let mut query = "q=fontanella&sort=relevance&limit=2".to_owned();
    loop {
        let page = app
            .get_json_as(
                &moderator,
                &paths::with_query(paths::moderation_contributions(), &query),
            )
            .await;
        seen.extend(references(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("q=fontanella&sort=relevance&limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, refs(&[3, 2, 1]));
}

#[actix_web::test]
async fn bad_sort_and_cursor_values_are_refused_naming_them() {
    let app = TestApp::spawn().await;
    let moderator = corpus(&app).await;
    let public = |query: &str| paths::with_query(paths::contributions(), query);
    let queue = |query: &str| paths::with_query(paths::moderation_contributions(), query);
    for (path, field) in [
        (public("sort=relevance"), "sort"),
        (public("sort=relevance&q=%20%20"), "sort"),
        (public("sort=popolarita&q=piste"), "sort"),
        (public("sort=received_at"), "sort"),
        (queue("sort=relevance"), "sort"),
        (queue("sort=-published_at&q=piste"), "sort"),
    ] {
        let problem = assert_problem(app.get_as(&moderator, &path).await, 422).await;
        assert_eq!(failing_fields(&problem), [field], "{path}");
    }
    // A cursor of the newest-first order does not page by relevance.
    let by_time = app.get_json(&public("q=ciclabile&limit=1")).await;
    let cursor = by_time["next_cursor"].as_str().unwrap();
    let problem = assert_problem(
        app.get(&public(&format!(
            "q=ciclabile&sort=relevance&cursor={cursor}"
        )))
        .await,
        422,
    )
    .await;
    assert_eq!(failing_fields(&problem), ["cursor"]);
}

#[actix_web::test]
async fn an_erased_author_is_no_longer_found_but_the_organisation_is() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let moderator = app.moderator().await;
    app.submit_ok(&example_submission()).await;
    let association = with(
        with(
            with(
                with(
                    example_submission(),
                    "author.kind",
                    json!("cultural_association"),
                ),
                "author.organization_name",
                json!("Associazione Ciclisti Fiorentini"),
            ),
            "author.given_name",
            json!("Giulia"),
        ),
        "author.family_name",
        json!("Verdi"),
    );
    let association = with(
        association,
        "author.email",
        json!("giulia.verdi@example.org"),
    );
    let association = app.submit_ok(&association).await;
    assert_eq!(
        sorted(staff_search(&app, &moderator, "q=rossi").await),
        refs(&[1])
    );
    assert_eq!(staff_search(&app, &moderator, "q=giulia").await, refs(&[2]));

    for subject in [
        json!({"email": "maria.rossi@example.org"}),
        json!({"contribution": association["reference"]}),
    ] {
        let response = app
            .post_json_as(&admin, &paths::erasure_requests(), &subject)
            .await;
        assert_eq!(response.status(), 200, "{subject}");
    }
    for words in [
        "rossi",
        "maria",
        "maria.rossi%40example.org",
        "giulia",
        "verdi",
    ] {
        assert_eq!(
            staff_search(&app, &moderator, &format!("q={words}")).await,
            Vec::<String>::new(),
            "{words} after erasure"
        );
    }
    // Not only unfound: gone from the index itself.
    for (seq, erased) in [(1, ["maria", "rossi"]), (2, ["giulia", "verdi"])] {
        let indexed = indexed_terms(&app, seq);
        assert!(indexed.contains(&"ciclabil".to_owned()), "{indexed:?}");
        for word in erased {
            assert!(!indexed.contains(&word.to_owned()), "{word} in {indexed:?}");
        }
    }
    // The organisation is not personal data: it stays, and so does the text.
    assert_eq!(
        staff_search(&app, &moderator, "q=fiorentini").await,
        refs(&[2])
    );
    assert_eq!(
        sorted(staff_search(&app, &moderator, "q=ciclabili").await),
        refs(&[1, 2])
    );
}

#[actix_web::test]
async fn rows_stored_before_the_index_are_indexed_at_start() {
    let app = TestApp::spawn().await;
    let moderator = corpus(&app).await;
    app.forget_search_terms();
    assert_eq!(
        staff_search(&app, &moderator, "q=ciclabili").await,
        Vec::<String>::new()
    );
    let restarted = app.spawn_on_same_database(|_| {}).await;
    assert_eq!(
        sorted(staff_search(&restarted, &moderator, "q=ciclabili").await),
        refs(&[1, 2, 6, 7])
    );
    assert_eq!(
        staff_search(&restarted, &moderator, "q=rossi%20mercati").await,
        refs(&[4])
    );
}

#[actix_web::test]
async fn the_terms_are_the_stems_of_postgresqls_italian_configuration() {
    // PostgreSQL only: its Snowball Italian stemmer and stop words are what
    // the service's terms follow on both backends (README, "Text search").
    if backend_name() != "postgres" {
        return;
    }
    let app = TestApp::spawn().await;
    let mut words: Vec<String> = CORPUS
        .iter()
        .flat_map(|(title, body)| [*title, *body])
        .chain(["perché così farò università caffè attività PIÙ Città"])
        .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    for word in words {
        let lexeme = word.clone();
        let postgres: String = app
            .db
            .read_blocking(move |conn| {
                Ok::<_, rinasce::db::DbError>(
                    diesel::select(
                        diesel::dsl::sql::<Text>(
                            "coalesce(array_to_string(ts_lexize('italian_stem', ",
                        )
                        .bind::<Text, _>(lexeme)
                        .sql("), ' '), '')"),
                    )
                    .get_result(conn)?,
                )
            })
            .unwrap();
        assert_eq!(
            rinasce::domain::search::text_terms(&word),
            postgres,
            "{word}"
        );
    }
}

/// The terms the backend's full-text index holds for the contribution with
/// this sequence number, read from the index rather than the row's columns:
/// SQLite's FTS5 index through an `fts5vocab` table, PostgreSQL's stored
/// `tsvector` (author words carry their `~` mark, removed here).
fn indexed_terms(app: &TestApp, seq: i64) -> Vec<String> {
    let postgres = backend_name() == "postgres";
    let mut terms: Vec<String> = app
        .db
        .write_blocking(move |conn| {
            let query = if postgres {
                "SELECT coalesce(string_agg(lexeme, ' '), '') AS terms \
                 FROM contributions, unnest(search_vector) WHERE seq = "
            } else {
                conn.batch_execute(
                    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary \
                     USING fts5vocab(main, contributions_fts, instance)",
                )?;
                "SELECT coalesce(group_concat(term, ' '), '') AS terms \
                 FROM temp.search_vocabulary WHERE doc = "
            };
            Ok::<_, rinasce::db::DbError>(
                diesel::select(
                    diesel::dsl::sql::<Text>(&format!("({query}"))
                        .bind::<BigInt, _>(seq)
                        .sql(")"),
                )
                .get_result::<String>(conn)?,
            )
        })
        .unwrap()
        .split_whitespace()
        .map(|term| term.trim_start_matches('~').to_owned())
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

#[actix_web::test]
async fn contributions_registered_offline_or_made_as_demo_data_are_found() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let handed_in = with(
        with(offline("event"), "author.given_name", json!("Niccolò")),
        "author.family_name",
        json!("Dell'Acqua"),
    );
    let response = app
        .post_json_as(&moderator, &paths::moderation_contributions(), &handed_in)
        .await;
    assert_eq!(response.status(), 201);
    let registered: Value = response.json().await.unwrap();
    let reference = registered["reference"].as_str().unwrap().to_owned();
    for words in ["piazza%20gratuita", "wi-fi", "niccolo", "dell%27acqua"] {
        assert_eq!(
            staff_search(&app, &moderator, &format!("q={words}")).await,
            std::slice::from_ref(&reference),
            "{words}"
        );
    }

    app.run_command(&["demo-data", "--count", "12", "--seed", "5"]);
    let queue = app
        .get_json_as(
            &moderator,
            &paths::with_query(paths::moderation_contributions(), "limit=100"),
        )
        .await;
    let demo_rows: Vec<&Value> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["reference"] != reference.as_str())
        .collect();
    assert_eq!(demo_rows.len(), 12);
    for row in demo_rows {
        // Its title as a phrase finds it (and maybe others with that title).
        let title = row["title"].as_str().unwrap();
        let query = serde_urlencoded::to_string([("q", format!("\"{title}\""))]).unwrap();
        let found = staff_search(&app, &moderator, &format!("{query}&limit=100")).await;
        assert!(
            found.iter().any(|found| row["reference"] == found.as_str()),
            "{title}: {found:?}"
        );
    }
}
