//! The indicator's running counters (issue 18 item 2): after every kind of
//! write they equal a recount from the contributions, and
//! `rinasce indicators --verify` / `--repair` check and rebuild them.

use crate::support::*;
use diesel::connection::SimpleConnection;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rinasce::app::indicators::verify_counters;
use rinasce::domain::indicator_counts::{Counter, Counts, Facet};
use rinasce::domain::{Channel, ContributionStatus};
use serde_json::{json, Value};

const AREAS: [&str; 4] = [
    "mobilita-green",
    "cultura-diffusa",
    "bambini-famiglie",
    "citta-intelligente",
];
const KINDS: [&str; 4] = [
    "citizen",
    "cultural_association",
    "trade_association",
    "other_organization",
];

/// The counters as the indicator reads them, asserted equal to a recount
/// of the contributions; answers the recount.
async fn assert_counters_exact(app: &TestApp, after: &str) -> Counts {
    let check = verify_counters(&app.db)
        .await
        .expect("the counters are readable");
    let differences: Vec<String> = check.differences.iter().map(ToString::to_string).collect();
    assert!(
        differences.is_empty(),
        "after {after}, on {}: {differences:?}",
        backend_name()
    );
    check.recounted
}

/// `GET /indicators`, asked at once, shows the recount: the figures are
/// exact immediately after a write by this server.
async fn assert_indicators_show(app: &TestApp, recounted: &Counts, after: &str) {
    let indicators = app.get_json(&paths::indicators()).await;
    let shown = |key: &str| indicators[key].as_i64().unwrap();
    assert_eq!(
        shown("received"),
        recounted.get(&Counter::Received),
        "after {after}"
    );
    assert_eq!(
        shown("counted"),
        recounted.get(&Counter::Counted),
        "after {after}"
    );
    for area in indicators["by_thematic_area"].as_array().unwrap() {
        let code = area["code"].as_str().unwrap().to_owned();
        assert_eq!(
            area["count"].as_i64().unwrap(),
            recounted.get(&Counter::ThematicArea(code)),
            "after {after}: {area}"
        );
    }
    for quartiere in indicators["by_quartiere"].as_array().unwrap() {
        let number = quartiere["quartiere"].as_i64().map(|n| n as i16);
        assert_eq!(
            quartiere["count"].as_i64().unwrap(),
            recounted.get(&Counter::Quartiere(number)),
            "after {after}: {quartiere}"
        );
    }
    let daily: i64 = indicators["daily"]
        .as_array()
        .unwrap()
        .iter()
        .map(|day| day["count"].as_i64().unwrap())
        .sum();
    assert_eq!(daily, recounted.get(&Counter::Counted), "after {after}");
}

/// A form submission with a random area, author kind and quartiere; one in
/// eight fills the honeypot and is stored as spam.
fn random_submission(rng: &mut StdRng, n: usize) -> Value {
    let kind = KINDS[rng.random_range(0..KINDS.len())];
    let mut body = with(
        with(
            example_submission(),
            "thematic_area",
            json!(AREAS[rng.random_range(0..AREAS.len())]),
        ),
        "author.kind",
        json!(kind),
    );
    body = with(
        body,
        "author.email",
        json!(format!("autore{}@example.org", n % 5)),
    );
    if kind != "citizen" {
        body = with(
            body,
            "author.organization_name",
            json!("Associazione Oltrarno"),
        );
    }
    let quartiere = rng.random_range(0..=5);
    body = with(
        body,
        "author.quartiere",
        if quartiere == 0 {
            Value::Null
        } else {
            json!(quartiere)
        },
    );
    if rng.random_ratio(1, 8) {
        body = with(body, "website", json!("http://spam.example"));
    }
    body
}

/// A status the status machine allows from `current`.
fn next_status(rng: &mut StdRng, current: &str) -> &'static str {
    let choices: &[&'static str] = match current {
        "pending" => &["approved", "rejected", "spam", "duplicate"],
        "approved" => &["hidden"],
        "hidden" => &["approved"],
        _ => &["pending"],
    };
    choices[rng.random_range(0..choices.len())]
}

/// One random write of a kind the service makes; answers its kind and
/// what it did.
async fn random_write(
    app: &TestApp,
    moderator: &str,
    admin: &str,
    rng: &mut StdRng,
    ids: &mut Vec<String>,
) -> (&'static str, String) {
    let pick = |rng: &mut StdRng, ids: &[String]| ids[rng.random_range(0..ids.len())].clone();
    match rng.random_range(0..10) {
        _ if ids.len() < 3 => submit(app, rng, ids).await,
        0..=2 => submit(app, rng, ids).await,
        3 => {
            let channel = ["event", "email", "paper"][rng.random_range(0..3)];
            let response = app
                .post_json_as(
                    moderator,
                    &paths::moderation_contributions(),
                    &with(
                        crate::moderation::offline(channel),
                        "thematic_area",
                        json!(AREAS[rng.random_range(0..AREAS.len())]),
                    ),
                )
                .await;
            assert_eq!(response.status(), 201);
            ("offline", format!("an offline registration ({channel})"))
        }
        4..=6 => {
            let id = pick(rng, ids);
            let path = paths::moderation_contribution(&id);
            let current = app.get_as(moderator, &path).await;
            let etag = header(&current, "etag").unwrap();
            let record: Value = current.json().await.unwrap();
            let next = next_status(rng, record["status"].as_str().unwrap());
            let patch = match next {
                "rejected" | "hidden" => json!({"status": next, "status_reason": "Fuori tema"}),
                "duplicate" => json!({"status": next, "duplicate_of": pick(rng, ids)}),
                _ => json!({ "status": next }),
            };
            // A duplicate of itself, or of a duplicate, is refused: no change.
            let response = app.patch_as(moderator, &path, Some(&etag), &patch).await;
            let kind = match response.status().as_u16() {
                200 => next,
                _ => "refused",
            };
            (kind, format!("{patch} on {id}: {}", response.status()))
        }
        7 => {
            let id = pick(rng, ids);
            let area = AREAS[rng.random_range(0..AREAS.len())];
            let patch = json!({ "thematic_area": area });
            let path = paths::moderation_contribution(&id);
            let current = app.get_as(moderator, &path).await;
            let etag = header(&current, "etag").unwrap();
            let response = app.patch_as(moderator, &path, Some(&etag), &patch).await;
            assert_eq!(response.status(), 200);
            ("move", format!("a move of {id} to {area}"))
        }
        8 => {
            let chosen: Vec<String> = (0..3).map(|_| pick(rng, ids)).collect();
            let action = if rng.random_bool(0.5) {
                json!({"ids": chosen, "status": "spam"})
            } else {
                json!({"ids": chosen, "thematic_area": AREAS[rng.random_range(0..AREAS.len())]})
            };
            let response = app
                .post_json_as(moderator, &paths::bulk_actions(), &action)
                .await;
            assert_eq!(response.status(), 200);
            ("bulk", format!("the bulk action {action}"))
        }
        _ => {
            let (kind, request) = if rng.random_bool(0.5) {
                let email = format!("autore{}@example.org", rng.random_range(0..5));
                ("erasure by e-mail", json!({ "email": email }))
            } else {
                (
                    "erasure by contribution",
                    json!({"contribution": pick(rng, ids)}),
                )
            };
            let response = app
                .post_json_as(admin, &paths::erasure_requests(), &request)
                .await;
            assert_eq!(response.status(), 200, "{request}");
            (kind, format!("the erasure {request}"))
        }
    }
}

async fn submit(app: &TestApp, rng: &mut StdRng, ids: &mut Vec<String>) -> (&'static str, String) {
    let body = random_submission(rng, ids.len());
    let receipt = app.submit_ok(&body).await;
    ids.push(receipt["id"].as_str().unwrap().to_owned());
    let kind = match body.get("website") {
        Some(_) => "submission taken for a bot's",
        None => "submission",
    };
    (kind, format!("the submission {body}"))
}

#[actix_web::test]
async fn after_every_kind_of_write_the_counters_equal_a_recount() {
    let app = TestApp::spawn().await;
    let (moderator, admin) = (app.moderator().await, app.admin().await);
    let seed = 18;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut ids = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for step in 0..120 {
        let (kind, done) = match step {
            25 => {
                app.run_command(&["demo-data", "--count", "60", "--seed", "5"]);
                ("demo-data", "demo-data --count 60".to_owned())
            }
            50 => {
                app.run_command(&["demo-data", "--remove"]);
                ("demo-data --remove", "demo-data --remove".to_owned())
            }
            _ => random_write(&app, &moderator, &admin, &mut rng, &mut ids).await,
        };
        kinds.insert(kind);
        let after = format!("step {step} (seed {seed}), {done}");
        let recounted = assert_counters_exact(&app, &after).await;
        if kind.starts_with("demo-data") {
            // Another process wrote the demo rows: this server sees them
            // within its cache's half second, not at once.
            let received = recounted.get(&Counter::Received);
            app.indicators_when(|i| i["received"] == received).await;
        }
        assert_indicators_show(&app, &recounted, &after).await;
    }
    // The walk made every kind of write, every status included.
    let every_kind = [
        "approved",
        "bulk",
        "demo-data",
        "demo-data --remove",
        "duplicate",
        "erasure by contribution",
        "erasure by e-mail",
        "hidden",
        "move",
        "offline",
        "pending",
        "rejected",
        "spam",
        "submission",
        "submission taken for a bot's",
    ];
    for kind in every_kind {
        assert!(kinds.contains(kind), "no {kind} among {kinds:?}");
    }
}

#[actix_web::test]
async fn concurrent_writers_lose_no_increment() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(id_of(&app.submit_ok(&example_submission()).await));
    }
    let submissions = (0..24).map(|n| {
        let body = with(
            example_submission(),
            "thematic_area",
            json!(AREAS[n % AREAS.len()]),
        );
        let app = &app;
        async move {
            app.submit_ok(&body).await;
        }
    });
    let moderation = ids.iter().enumerate().map(|(n, id)| {
        let (app, moderator) = (&app, &moderator);
        let patch = if n % 2 == 0 {
            json!({"status": "spam"})
        } else {
            json!({"thematic_area": "cultura-diffusa"})
        };
        async move {
            let path = paths::moderation_contribution(id);
            let current = app.get_as(moderator, &path).await;
            let etag = header(&current, "etag").unwrap();
            let response = app.patch_as(moderator, &path, Some(&etag), &patch).await;
            assert_eq!(response.status(), 200);
        }
    });
    futures::future::join(
        futures::future::join_all(submissions),
        futures::future::join_all(moderation),
    )
    .await;
    let recounted = assert_counters_exact(&app, "concurrent writes").await;
    assert_eq!(recounted.get(&Counter::Received), 32);
    assert_eq!(recounted.get(&Counter::Counted), 28);
    assert_indicators_show(&app, &recounted, "concurrent writes").await;
}

fn id_of(receipt: &Value) -> String {
    receipt["id"].as_str().unwrap().to_owned()
}

/// Runs `rinasce ARGS` on the app's database; answers its exit status,
/// standard output and standard error.
fn rinasce(app: &TestApp, args: &[&str]) -> (Option<i32>, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rinasce"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("RINASCE_MAIL", "off")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[actix_web::test]
async fn verify_names_each_wrong_counter_and_repair_rebuilds_them_audited() {
    let app = TestApp::spawn().await;
    let first = app.submit_ok(&example_submission()).await;
    app.submit_ok(&with(example_submission(), "author.quartiere", Value::Null))
        .await;
    app.set_status(first["id"].as_str().unwrap(), "spam").await;

    let (status, stdout, _) = rinasce(&app, &["indicators", "--verify"]);
    assert_eq!(status, Some(0), "{stdout}");
    assert_eq!(
        stdout,
        "indicator counters agree with the contributions (2 form contributions, 1 counted)\n"
    );

    // Counters damaged by hand: one too many counted, the quartiere-less
    // contribution's counter gone.
    app.db
        .write_blocking(|conn| -> Result<(), rinasce::db::DbError> {
            conn.batch_execute(
                "UPDATE indicator_counters SET tally = tally + 1 WHERE dimension = 'counted' \
                   AND stripe = (SELECT MIN(stripe) FROM indicator_counters \
                                 WHERE dimension = 'counted'); \
                 DELETE FROM indicator_counters WHERE dimension = 'quartiere' AND value = 'none'",
            )?;
            Ok(())
        })
        .unwrap();
    let wrong = [
        "counted: counters 2, contributions 1",
        "quartiere none: counters 0, contributions 1",
    ];
    let (status, stdout, stderr) = rinasce(&app, &["indicators", "--verify"]);
    assert_eq!(status, Some(3), "{stderr}");
    assert_eq!(stdout.lines().collect::<Vec<_>>(), wrong);
    assert!(stderr.contains("2 indicator counters differ"), "{stderr}");
    assert!(stderr.contains("--repair"), "{stderr}");

    let (status, stdout, stderr) = rinasce(&app, &["indicators", "--repair"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            wrong[0],
            wrong[1],
            "indicator counters rebuilt (2 form contributions, 1 counted); 2 corrected"
        ]
    );
    let (status, _, _) = rinasce(&app, &["indicators", "--verify"]);
    assert_eq!(status, Some(0));
    let indicators = app.indicators_when(|i| i["counted"] == 1).await;
    assert_eq!(indicators["counted"], 1);
    assert_eq!(
        indicators["by_quartiere"][5],
        json!({"quartiere": null, "count": 1})
    );

    let admin = app.admin().await;
    let log = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::audit_log(), "action=indicator_counters_rebuilt"),
        )
        .await;
    let events = log["items"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{log}");
    assert_eq!(events[0]["actor"], "command-line");
    assert_eq!(events[0]["target_type"], "indicator");
    let details = &events[0]["details"];
    assert_eq!(details["counted"], 1);
    assert_eq!(details["received"], 2);
    assert_eq!(
        details["differences"][0],
        json!({"counter": "counted", "counters": 2, "contributions": 1})
    );

    // Repairing counters that are right changes nothing, and says so.
    let (status, stdout, _) = rinasce(&app, &["indicators", "--repair"]);
    assert_eq!(status, Some(0));
    assert!(stdout.ends_with("none was wrong\n"), "{stdout}");
}

#[actix_web::test]
async fn the_command_takes_exactly_one_of_verify_and_repair() {
    let app = TestApp::spawn().await;
    for args in [&["indicators"][..], &["indicators", "--verify", "--repair"]] {
        let (status, _, stderr) = rinasce(&app, args);
        assert_eq!(status, Some(2), "{args:?}");
        assert!(stderr.contains("Usage"), "{args:?}: {stderr}");
    }
}

#[actix_web::test]
async fn the_migration_counts_the_contributions_already_stored() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    for (area, quartiere) in [
        ("mobilita-green", json!(1)),
        ("cultura-diffusa", Value::Null),
    ] {
        let body = with(
            with(example_submission(), "thematic_area", json!(area)),
            "author.quartiere",
            quartiere,
        );
        app.submit_ok(&body).await;
    }
    let spam = app.submit_ok(&example_submission()).await;
    app.set_status(spam["id"].as_str().unwrap(), "spam").await;
    let letter = app
        .post_json_as(
            &moderator,
            &paths::moderation_contributions(),
            &json!({
                "channel": "paper", "thematic_area": "mobilita-green",
                "title": "Lettera sulle piste", "body": "Una lettera sulle piste ciclabili dei viali.",
                "author": {"kind": "citizen"}
            }),
        )
        .await;
    assert_eq!(letter.status(), 201);
    // As before the migrations: no counters, contributions stored. The
    // second adds the queue's counts per status to the indicator's.
    let migrations = match backend_name() {
        "postgres" => [
            include_str!("../../migrations/postgres/2026-12-05-000070_indicator_counters/up.sql"),
            include_str!("../../migrations/postgres/2026-12-05-000090_status_counters/up.sql"),
        ],
        _ => [
            include_str!("../../migrations/sqlite/2026-12-05-000070_indicator_counters/up.sql"),
            include_str!("../../migrations/sqlite/2026-12-05-000090_status_counters/up.sql"),
        ],
    };
    app.db
        .write_blocking(|conn| -> Result<(), rinasce::db::DbError> {
            conn.batch_execute("DROP TABLE indicator_counters")?;
            for migration in migrations {
                conn.batch_execute(migration)?;
            }
            Ok(())
        })
        .unwrap();
    let recounted = assert_counters_exact(&app, "the migration").await;
    assert_eq!(recounted.get(&Counter::Received), 3);
    assert_eq!(recounted.get(&Counter::Counted), 2);
    assert_eq!(recounted.get(&Counter::Quartiere(None)), 1);
    let pending = |facet| recounted.get(&Counter::Status(ContributionStatus::Pending, facet));
    assert_eq!(pending(Facet::All), 3);
    assert_eq!(pending(Facet::Channel(Channel::Paper)), 1);
    assert_eq!(
        pending(Facet::Quartiere(None)),
        2,
        "the letter and the second"
    );
}
