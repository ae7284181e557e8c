//! The moderators' API: queue, review with ETags, tags, notes, history,
//! offline registration, bulk actions and near-duplicates.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// The queue filtered by `query`, as references in the order listed.
async fn queue_refs(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let page = app
        .get_json_as(
            token,
            &paths::with_query(paths::moderation_contributions(), query),
        )
        .await;
    assert_eq!(page["next_cursor"], Value::Null, "{query}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["reference"].as_str().unwrap().to_owned())
        .collect()
}

/// The moderation view of one contribution and its ETag.
async fn detail(app: &TestApp, token: &str, id: &str) -> (Value, String) {
    let response = app.get_as(token, &paths::moderation_contribution(id)).await;
    assert_eq!(response.status(), 200);
    let etag = header(&response, "etag").expect("an ETag");
    (response.json().await.unwrap(), etag)
}

async fn patch(
    app: &TestApp,
    token: &str,
    id: &str,
    if_match: Option<&str>,
    body: Value,
) -> reqwest::Response {
    app.patch_as(token, &paths::moderation_contribution(id), if_match, &body)
        .await
}

/// PATCH at the current version, asserting a 200; returns the new record.
async fn patch_ok(app: &TestApp, token: &str, id: &str, body: Value) -> Value {
    let (_, etag) = detail(app, token, id).await;
    let response = patch(app, token, id, Some(&etag), body.clone()).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "PATCH {body}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// An offline contribution; one from a meeting (`event`) names it.
pub(crate) fn offline(channel: &str) -> Value {
    let mut body = json!({
        "channel": channel,
        "thematic_area": "citta-intelligente",
        "title": "Wi-fi gratuito nelle piazze",
        "body": "Proposta raccolta all'assemblea del Quartiere: wi-fi pubblico nelle piazze principali.",
        "author": {"kind": "citizen", "quartiere": 4}
    });
    if channel == "event" {
        body["meeting"] =
            json!({"name": "Assemblea del Quartiere 4", "date": "2026-11-20", "quartiere": 4});
    }
    body
}

/// Polls the indicator until `counted` is `expected` (at most ~1.5 s), then
/// returns it for the assertions.
async fn indicators_when_counted(app: &TestApp, expected: i64) -> Value {
    let deadline = Instant::now() + Duration::from_millis(1500);
    loop {
        let indicators = app.get_json(&paths::indicators()).await;
        if indicators["counted"] == expected || Instant::now() > deadline {
            return indicators;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn organisation(kind: &str, name: &str) -> Value {
    with(
        with(example_submission(), "author.kind", json!(kind)),
        "author.organization_name",
        json!(name),
    )
}

#[actix_web::test]
async fn the_queue_lists_everything_with_personal_data() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let first = app.submit_ok(&example_submission()).await;
    let second = app
        .submit_ok(&with(
            example_submission(),
            "author.email",
            json!("luca.bianchi@example.org"),
        ))
        .await;
    patch_ok(&app, &moderator, &id_of(&second), json!({"status": "spam"})).await;

    let response = app
        .get_as(&moderator, &paths::moderation_contributions())
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
    let page: Value = response.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "spam stays in the queue");
    assert_eq!(page["next_cursor"], Value::Null);
    let item = &items[0];
    assert_eq!(item["id"], first["id"]);
    assert_eq!(item["reference"], "RF-000001");
    assert_eq!(item["channel"], "form");
    assert_eq!(item["status"], "pending");
    assert_eq!(item["received_at"], first["received_at"]);
    assert_eq!(
        item["author"],
        json!({
            "kind": "citizen", "given_name": "Maria", "family_name": "Rossi",
            "organization_name": null, "email": "maria.rossi@example.org", "quartiere": 2
        })
    );
    assert_eq!(item["tags"], json!([]));
    assert_eq!(item["notes"], json!([]));
    assert_eq!(item["version"], 1);
    assert_eq!(item["status_reason"], Value::Null);
    assert_eq!(item["duplicate_of"], Value::Null);
    assert_eq!(items[1]["status"], "spam");
    assert_eq!(items[1]["author"]["email"], "luca.bianchi@example.org");
}

#[actix_web::test]
async fn every_filter_narrows_the_queue() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    // RF-000001: a citizen on cycling, approved and tagged.
    let a = app.submit_ok(&example_submission()).await;
    // RF-000002: a trade association on culture, marked spam.
    let b = with(
        with(
            organisation("trade_association", "Confcommercio Firenze"),
            "thematic_area",
            json!("cultura-diffusa"),
        ),
        "author.quartiere",
        json!(5),
    );
    let b = with(
        with(b, "title", json!("Biblioteche aperte la domenica")),
        "body",
        json!("Aprire le biblioteche di quartiere anche la domenica pomeriggio."),
    );
    let b = app.submit_ok(&b).await;
    // RF-000003: a cultural association with no quartiere, pending.
    let c = app
        .submit_ok(&with(
            with(
                with(
                    with(
                        organisation("cultural_association", "Amici dei musei"),
                        "title",
                        json!("Musei gratuiti per le famiglie"),
                    ),
                    "body",
                    json!("Ingresso gratuito ai musei civici per le famiglie con bambini."),
                ),
                "thematic_area",
                json!("bambini-famiglie"),
            ),
            "author.quartiere",
            Value::Null,
        ))
        .await;
    // RF-000004: received on paper long ago, pending.
    let d = app
        .post_json_as(
            &moderator,
            &paths::moderation_contributions(),
            &with(
                offline("paper"),
                "received_at",
                json!("2020-06-01T10:00:00Z"),
            ),
        )
        .await;
    assert_eq!(d.status(), 201);
    patch_ok(
        &app,
        &moderator,
        &id_of(&a),
        json!({"status": "approved", "tags": ["piste-ciclabili"]}),
    )
    .await;
    patch_ok(&app, &moderator, &id_of(&b), json!({"status": "spam"})).await;
    assert_eq!(c["reference"], "RF-000003");

    let cases: &[(&str, &[&str])] = &[
        ("", &["RF-000004", "RF-000001", "RF-000002", "RF-000003"]),
        ("status=pending", &["RF-000004", "RF-000003"]),
        ("status=approved,spam", &["RF-000001", "RF-000002"]),
        ("status=hidden", &[]),
        ("thematic_area=cultura-diffusa", &["RF-000002"]),
        ("thematic_area=cura-persona", &[]),
        ("tag=piste-ciclabili", &["RF-000001"]),
        ("tag=Piste%20Ciclabili", &["RF-000001"]),
        // Every multi-valued filter takes a comma list: any of its values.
        (
            "thematic_area=cultura-diffusa,bambini-famiglie",
            &["RF-000002", "RF-000003"],
        ),
        ("tag=piste-ciclabili,piste-ciclabili", &["RF-000001"]),
        ("quartiere=5,%204", &["RF-000004", "RF-000002"]),
        ("channel=paper,email", &["RF-000004"]),
        (
            "author_kind=trade_association,cultural_association",
            &["RF-000002", "RF-000003"],
        ),
        ("quartiere=5", &["RF-000002"]),
        ("quartiere=4", &["RF-000004"]),
        ("channel=paper", &["RF-000004"]),
        ("channel=form", &["RF-000001", "RF-000002", "RF-000003"]),
        ("channel=email", &[]),
        ("author_kind=trade_association", &["RF-000002"]),
        ("author_kind=citizen", &["RF-000004", "RF-000001"]),
        ("q=biblioteche", &["RF-000002"]),
        ("q=PIU%20piste", &["RF-000001"]),
        ("q=mobilit%C3%A0%20inesistente", &[]),
        ("q=RF-000002", &["RF-000002"]),
        (
            "received_from=2021-01-01T00:00:00Z",
            &["RF-000001", "RF-000002", "RF-000003"],
        ),
        ("received_to=2021-01-01T00:00:00Z", &["RF-000004"]),
        // received_from is inclusive, received_to exclusive.
        (
            "received_from=2020-06-01T10:00:00Z&received_to=2020-06-01T10:00:01Z",
            &["RF-000004"],
        ),
        ("received_to=2020-06-01T10:00:00Z", &[]),
        (
            "sort=-received_at",
            &["RF-000003", "RF-000002", "RF-000001", "RF-000004"],
        ),
        (
            "sort=received_at",
            &["RF-000004", "RF-000001", "RF-000002", "RF-000003"],
        ),
        ("status=pending&channel=form", &["RF-000003"]),
        (
            "status=pending,approved&sort=-received_at",
            &["RF-000003", "RF-000001", "RF-000004"],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(
            queue_refs(&app, &moderator, query).await,
            *expected,
            "{query}"
        );
    }
}

#[actix_web::test]
async fn invalid_filters_are_named_in_a_422() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    app.submit_ok(&example_submission()).await;
    let long_q = "a".repeat(201);
    let cases = [
        ("status=published", "status"),
        ("status=pending,nope", "status"),
        ("quartiere=6", "quartiere"),
        ("quartiere=centro", "quartiere"),
        ("channel=fax", "channel"),
        ("author_kind=robot", "author_kind"),
        ("received_from=ieri", "received_from"),
        ("received_to=2024-13-01T00:00:00Z", "received_to"),
        ("sort=title", "sort"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=dieci", "limit"),
        ("cursor=%25%25%25", "cursor"),
        (&format!("q={long_q}") as &str, "q"),
        // Values that name nothing stored, and parameters that do not exist.
        ("thematic_area=mobilita", "thematic_area"),
        ("thematic_area=mobilita-green,nonexistent", "thematic_area"),
        ("tag=nessuno", "tag"),
        ("tag=%2C", "tag"),
        ("quartiere=1,9", "quartiere"),
        ("channel=form,fax", "channel"),
        ("author_kind=citizen,", "author_kind"),
        ("area=mobilita-green", "area"),
        ("status=pending&stato=pending", "stato"),
    ];
    for (query, field) in cases {
        let response = app
            .get_as(
                &moderator,
                &paths::with_query(paths::moderation_contributions(), query),
            )
            .await;
        let problem = assert_problem(response, 422).await;
        assert_eq!(failing_fields(&problem), [field], "{query}");
    }
    let response = app
        .get_as(
            &moderator,
            &paths::with_query(
                paths::moderation_contributions(),
                "status=x&channel=y&sort=z",
            ),
        )
        .await;
    let problem = assert_problem(response, 422).await;
    let mut fields = failing_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        ["channel", "sort", "status"],
        "every parameter at once"
    );
}

/// Walks the queue with `limit=2`, submitting a new contribution between pages.
async fn walk(app: &TestApp, token: &str, sort: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..50 {
        let mut path = paths::with_query(
            paths::moderation_contributions(),
            format!("limit=2&sort={sort}"),
        );
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = app.get_json_as(token, &path).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(id_of));
        app.submit_ok(&example_submission()).await;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return seen,
        }
    }
    panic!("paging does not end: {seen:?}");
}

#[actix_web::test]
async fn cursor_paging_visits_every_item_once_while_new_ones_arrive() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    for _ in 0..5 {
        app.submit_ok(&example_submission()).await;
    }
    for sort in ["received_at", "-received_at"] {
        let before: Vec<String> = app
            .get_json_as(
                &moderator,
                &paths::with_query(paths::moderation_contributions(), "limit=500"),
            )
            .await["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect();
        let seen = walk(&app, &moderator, sort).await;
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{sort}: an item seen twice");
        for id in &before {
            assert!(seen.contains(id), "{sort}: {id} skipped");
        }
        if sort == "-received_at" {
            // Newest first: what arrives meanwhile sorts before the cursor.
            assert_eq!(seen.len(), before.len(), "{sort}");
            let mut expected = before.clone();
            expected.reverse();
            assert_eq!(seen, expected);
        } else {
            // Oldest first: what arrives meanwhile is listed at the end, once.
            assert_eq!(seen[..before.len()], before[..]);
        }
    }
}

#[actix_web::test]
async fn patch_needs_the_current_etag() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let id = id_of(&app.submit_ok(&example_submission()).await);

    let response = app
        .get_as(&moderator, &paths::moderation_contribution(&id))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "etag").as_deref(), Some("\"v1\""));
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
    let record: Value = response.json().await.unwrap();
    assert_eq!(record["version"], 1);
    assert_eq!(record["author"]["email"], "maria.rossi@example.org");

    let approve = json!({"status": "approved"});
    assert_problem(
        patch(&app, &moderator, &id, None, approve.clone()).await,
        428,
    )
    .await;
    // If-Match is strict: only the strong tag as read matches.
    for (if_match, status) in [
        ("\"v2\"", 412),
        ("\"v0\"", 412),
        ("\"abc\"", 412),
        ("W/\"v1\"", 412),
        ("*", 428),
        ("qualcosa", 400),
        ("v1", 400),
        ("\"v1\", \"v2\"", 400),
        ("\"v1", 400),
    ] {
        let problem = assert_problem(
            patch(&app, &moderator, &id, Some(if_match), approve.clone()).await,
            status,
        )
        .await;
        assert!(problem["detail"].is_string(), "{if_match}");
    }
    let (unchanged, _) = detail(&app, &moderator, &id).await;
    assert_eq!(
        unchanged["status"], "pending",
        "refused If-Match changed nothing"
    );
    assert_problem(app.get(&paths::contribution(&id)).await, 404).await;

    let response = patch(&app, &moderator, &id, Some("\"v1\""), approve.clone()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "etag").as_deref(), Some("\"v2\""));
    let record: Value = response.json().await.unwrap();
    assert_eq!(record["status"], "approved");
    assert_eq!(record["version"], 2);
    assert!(record["published_at"].is_string());

    let public = app.get_json(&paths::contribution(&id)).await;
    assert_eq!(public["id"], id.as_str());
    assert_eq!(public["published_at"], record["published_at"]);
    // The same If-Match again is stale now.
    assert_problem(
        patch(&app, &moderator, &id, Some("\"v1\""), approve).await,
        412,
    )
    .await;
    let (record, etag) = detail(&app, &moderator, &id).await;
    assert_eq!(
        (record["version"].clone(), etag.as_str()),
        (json!(2), "\"v2\"")
    );

    // Unknown ids.
    let unknown = uuid::Uuid::new_v4();
    assert_problem(
        patch(
            &app,
            &moderator,
            &unknown.to_string(),
            Some("\"v1\""),
            json!({}),
        )
        .await,
        404,
    )
    .await;
    for path in [
        paths::moderation_contribution(unknown),
        paths::moderation_contribution("non-un-uuid"),
    ] {
        let response = app.get_as(&moderator, &path).await;
        assert_problem(response, 404).await;
    }
}

#[actix_web::test]
async fn transitions_outside_the_status_machine_are_conflicts() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let id = id_of(&app.submit_ok(&example_submission()).await);
    let conflict = |from: &'static str, to: &'static str| {
        let (app, moderator, id) = (&app, &moderator, &id);
        async move {
            let (_, etag) = detail(app, moderator, id).await;
            let response = patch(
                app,
                moderator,
                id,
                Some(&etag),
                json!({"status": to, "status_reason": "Motivo"}),
            )
            .await;
            let problem = assert_problem(response, 409).await;
            assert_eq!(
                problem["type"], "/problems/invalid-transition",
                "{from} -> {to}"
            );
            let (record, after) = detail(app, moderator, id).await;
            assert_eq!(after, etag, "{from} -> {to} changed nothing");
            assert_eq!(record["status"], from);
        }
    };
    conflict("pending", "hidden").await;
    patch_ok(&app, &moderator, &id, json!({"status": "approved"})).await;
    conflict("approved", "pending").await;
    conflict("approved", "rejected").await;
    conflict("approved", "spam").await;
    patch_ok(
        &app,
        &moderator,
        &id,
        json!({"status": "hidden", "status_reason": "Linguaggio offensivo"}),
    )
    .await;
    conflict("hidden", "pending").await;
    conflict("hidden", "duplicate").await;
    patch_ok(&app, &moderator, &id, json!({"status": "approved"})).await;
    let other = id_of(&app.submit_ok(&example_submission()).await);
    patch_ok(
        &app,
        &moderator,
        &other,
        json!({"status": "rejected", "status_reason": "Fuori tema"}),
    )
    .await;
    let (_, etag) = detail(&app, &moderator, &other).await;
    for to in ["approved", "spam", "hidden"] {
        assert_problem(
            patch(&app, &moderator, &other, Some(&etag), json!({"status": to})).await,
            409,
        )
        .await;
    }
    patch_ok(&app, &moderator, &other, json!({"status": "pending"})).await;
    let (record, _) = detail(&app, &moderator, &other).await;
    assert_eq!(record["status"], "pending");
    assert_eq!(record["status_reason"], Value::Null);
}

#[actix_web::test]
async fn reasons_duplicates_and_bodies_are_validated() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let original = id_of(&app.submit_ok(&example_submission()).await);
    let copy = id_of(&app.submit_ok(&example_submission()).await);
    let third = id_of(&app.submit_ok(&example_submission()).await);

    let refused = |id: String, body: Value, field: &'static str| {
        let (app, moderator) = (&app, &moderator);
        async move {
            let (_, etag) = detail(app, moderator, &id).await;
            let problem = assert_problem(
                patch(app, moderator, &id, Some(&etag), body.clone()).await,
                422,
            )
            .await;
            assert_eq!(failing_fields(&problem), [field], "{body}");
            let (_, after) = detail(app, moderator, &id).await;
            assert_eq!(after, etag, "{body} changed nothing");
        }
    };
    refused(
        original.clone(),
        json!({"status": "rejected"}),
        "status_reason",
    )
    .await;
    refused(
        original.clone(),
        json!({"status": "rejected", "status_reason": "   "}),
        "status_reason",
    )
    .await;
    refused(
        original.clone(),
        json!({"status": "rejected", "status_reason": null}),
        "status_reason",
    )
    .await;
    refused(copy.clone(), json!({"status": "duplicate"}), "duplicate_of").await;
    refused(
        copy.clone(),
        json!({"status": "duplicate", "duplicate_of": copy}),
        "duplicate_of",
    )
    .await;
    refused(
        copy.clone(),
        json!({"status": "duplicate", "duplicate_of": uuid::Uuid::new_v4().to_string()}),
        "duplicate_of",
    )
    .await;
    refused(
        copy.clone(),
        json!({"status": "duplicate", "duplicate_of": "RF-009999"}),
        "duplicate_of",
    )
    .await;
    refused(copy.clone(), json!({"colore": "rosso"}), "colore").await;
    refused(copy.clone(), json!({"status": "pubblicato"}), "status").await;
    refused(copy.clone(), json!({"status": 3}), "status").await;
    refused(
        copy.clone(),
        json!({"thematic_area": "sport"}),
        "thematic_area",
    )
    .await;
    refused(copy.clone(), json!({"tags": "piste"}), "tags").await;

    // Valid: copy duplicates the original; third may not duplicate the copy.
    let record = patch_ok(
        &app,
        &moderator,
        &copy,
        json!({"status": "duplicate", "duplicate_of": original}),
    )
    .await;
    assert_eq!(record["status"], "duplicate");
    assert_eq!(record["duplicate_of"], original.as_str());
    refused(
        third.clone(),
        json!({"status": "duplicate", "duplicate_of": copy}),
        "duplicate_of",
    )
    .await;
    let record = patch_ok(
        &app,
        &moderator,
        &original,
        json!({"status": "rejected", "status_reason": "Fuori tema"}),
    )
    .await;
    assert_eq!(record["status_reason"], "Fuori tema");

    // Not JSON at all, and malformed JSON.
    let (_, etag) = detail(&app, &moderator, &third).await;
    let path = paths::moderation_contribution(&third);
    let patch = |content_type: &'static str, body: &'static str| {
        app.patch_raw_as(&moderator, &path, Some(&etag), content_type, body)
    };
    assert_problem(patch("text/plain", "status=approved").await, 415).await;
    let malformed = patch("application/merge-patch+json", "{\"status\":").await;
    assert_problem(malformed, 400).await;
    let (record, _) = detail(&app, &moderator, &third).await;
    assert_eq!(record["status"], "pending");
}

#[actix_web::test]
async fn approval_publishes_and_hiding_withdraws() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let id = id_of(&app.submit_ok(&example_submission()).await);
    let public_ids = || async {
        app.get_json(&paths::contributions()).await["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect::<Vec<_>>()
    };
    assert!(public_ids().await.is_empty());
    patch_ok(&app, &moderator, &id, json!({"status": "approved"})).await;
    assert_eq!(public_ids().await, [id.as_str()]);
    let record = patch_ok(
        &app,
        &moderator,
        &id,
        json!({"status": "hidden", "status_reason": "Segnalazione di un cittadino"}),
    )
    .await;
    assert_eq!(record["status_reason"], "Segnalazione di un cittadino");
    assert!(public_ids().await.is_empty());
    assert_problem(app.get(&paths::contribution(&id)).await, 404).await;
    let record = patch_ok(&app, &moderator, &id, json!({"status": "approved"})).await;
    assert_eq!(record["status_reason"], Value::Null);
    assert_eq!(public_ids().await, [id.as_str()]);
    let public = app.get_json(&paths::contribution(&id)).await;
    assert!(!public.to_string().contains("maria.rossi"), "{public}");
}

#[actix_web::test]
async fn tags_replace_the_set_and_are_counted() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let first = id_of(&app.submit_ok(&example_submission()).await);
    let second = id_of(&app.submit_ok(&example_submission()).await);

    let record = patch_ok(
        &app,
        &moderator,
        &first,
        json!({"tags": ["viali", "piste-ciclabili"]}),
    )
    .await;
    assert_eq!(record["tags"], json!(["piste-ciclabili", "viali"]));
    let record = patch_ok(
        &app,
        &moderator,
        &first,
        json!({"tags": ["viali", "zona30"]}),
    )
    .await;
    assert_eq!(
        record["tags"],
        json!(["viali", "zona30"]),
        "the set is replaced"
    );
    patch_ok(&app, &moderator, &second, json!({"tags": ["viali"]})).await;

    // Words become slugs; what has no letter or digit, or is too long, is refused.
    let (_, etag) = detail(&app, &moderator, &second).await;
    let response = patch(
        &app,
        &moderator,
        &second,
        Some(&etag),
        json!({"tags": ["Mercati Rionali", "Città", "viali"]}),
    )
    .await;
    let record: Value = response.json().await.unwrap();
    assert_eq!(record["tags"], json!(["citta", "mercati-rionali", "viali"]));
    patch_ok(&app, &moderator, &second, json!({"tags": ["viali"]})).await;
    let too_long = "a".repeat(51);
    for bad in ["--", "", " ! ", too_long.as_str()] {
        let (_, etag) = detail(&app, &moderator, &second).await;
        let response = patch(
            &app,
            &moderator,
            &second,
            Some(&etag),
            json!({"tags": ["viali", bad]}),
        )
        .await;
        let problem = assert_problem(response, 422).await;
        assert_eq!(failing_fields(&problem), ["tags"], "{bad:?}");
    }
    let (record, _) = detail(&app, &moderator, &second).await;
    assert_eq!(record["tags"], json!(["viali"]));

    let tags = app.get_json_as(&moderator, &paths::tags()).await;
    assert_eq!(
        tags["items"],
        json!([
            {"tag": "citta", "count": 0},
            {"tag": "mercati-rionali", "count": 0},
            {"tag": "piste-ciclabili", "count": 0},
            {"tag": "viali", "count": 2},
            {"tag": "zona30", "count": 1}
        ])
    );
    assert_eq!(
        queue_refs(&app, &moderator, "tag=viali").await,
        ["RF-000001", "RF-000002"]
    );
    assert_eq!(
        queue_refs(&app, &moderator, "tag=zona30").await,
        ["RF-000001"]
    );

    // An empty list clears the set.
    let record = patch_ok(&app, &moderator, &first, json!({"tags": []})).await;
    assert_eq!(record["tags"], json!([]));
    assert_eq!(
        queue_refs(&app, &moderator, "tag=zona30").await,
        Vec::<String>::new()
    );
}

#[actix_web::test]
async fn a_null_tags_member_clears_the_set() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let id = id_of(&app.submit_ok(&example_submission()).await);
    patch_ok(&app, &moderator, &id, json!({"tags": ["viali"]})).await;
    let record = patch_ok(&app, &moderator, &id, json!({"tags": null})).await;
    assert_eq!(record["tags"], json!([]));
}

#[actix_web::test]
async fn notes_are_added_and_shown_to_staff_only() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let id = id_of(&app.submit_ok(&example_submission()).await);
    let notes = paths::moderation_notes(&id);

    let response = app
        .post_json_as(
            &moderator,
            &notes,
            &json!({"text": "Sentire l'ufficio mobilità.\nRichiamare l'autrice."}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let note: Value = response.json().await.unwrap();
    assert_eq!(
        note["text"],
        "Sentire l'ufficio mobilità.\nRichiamare l'autrice."
    );
    assert_eq!(note["author_name"], "Staff moderator");
    assert!(note["id"].is_string() && note["created_at"].is_string());
    let second: Value = app
        .post_json_as(&moderator, &notes, &json!({"text": "Seconda nota"}))
        .await
        .json()
        .await
        .unwrap();

    let (record, etag) = detail(&app, &moderator, &id).await;
    assert_eq!(etag, "\"v1\"", "a note is not a change of the contribution");
    let listed = record["notes"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0], note);
    assert_eq!(listed[1]["id"], second["id"]);

    for (body, field) in [
        (json!({"text": ""}), "text"),
        (json!({"text": "   "}), "text"),
        (json!({}), "text"),
        (json!({"text": "x".repeat(5001)}), "text"),
        (json!({"text": "ok", "private": true}), "private"),
    ] {
        let problem = assert_problem(app.post_json_as(&moderator, &notes, &body).await, 422).await;
        assert_eq!(failing_fields(&problem), [field], "{body}");
    }
    let unknown = paths::moderation_notes(uuid::Uuid::new_v4());
    assert_problem(
        app.post_json_as(&moderator, &unknown, &json!({"text": "Nota"}))
            .await,
        404,
    )
    .await;

    // Published, the contribution still shows no note to the public.
    patch_ok(&app, &moderator, &id, json!({"status": "approved"})).await;
    let public = app.get(&paths::contributions()).await.text().await.unwrap();
    assert!(
        !public.contains("Seconda nota") && !public.contains("notes"),
        "{public}"
    );
}

#[actix_web::test]
async fn the_history_lists_every_change_with_its_actor() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let id = id_of(&app.submit_ok(&example_submission()).await);
    patch_ok(
        &app,
        &moderator,
        &id,
        json!({"thematic_area": "cultura-diffusa"}),
    )
    .await;
    patch_ok(&app, &moderator, &id, json!({"tags": ["eventi", "musei"]})).await;
    let note: Value = app
        .post_json_as(
            &moderator,
            &paths::moderation_notes(&id),
            &json!({"text": "Area sbagliata nel modulo"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let actor = note["author_id"].as_str().unwrap().to_owned();
    patch_ok(
        &app,
        &moderator,
        &id,
        json!({"status": "rejected", "status_reason": "Fuori tema"}),
    )
    .await;
    patch_ok(&app, &moderator, &id, json!({"status": "pending"})).await;
    let (record, _) = detail(&app, &moderator, &id).await;
    assert_eq!(record["thematic_area"], "cultura-diffusa");

    let response = app
        .get_as(&moderator, &paths::moderation_history(&id))
        .await;
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
    let history: Value = response.json().await.unwrap();
    let events = history["items"].as_array().unwrap();
    let summary: Vec<(&str, Value, Value, Value)> = events
        .iter()
        .map(|e| {
            assert_eq!(e["actor"], actor.as_str(), "{e}");
            assert_eq!(e["target_id"], id.as_str(), "{e}");
            assert!(e["occurred_at"].is_string(), "{e}");
            (
                e["action"].as_str().unwrap(),
                e["from"].clone(),
                e["to"].clone(),
                e["reason"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "thematic_area_changed",
                json!("mobilita-green"),
                json!("cultura-diffusa"),
                Value::Null
            ),
            (
                "tags_changed",
                json!(""),
                json!("eventi,musei"),
                Value::Null
            ),
            ("note_added", Value::Null, note["id"].clone(), Value::Null),
            (
                "status_changed",
                json!("pending"),
                json!("rejected"),
                json!("Fuori tema")
            ),
            (
                "status_changed",
                json!("rejected"),
                json!("pending"),
                Value::Null
            ),
        ]
    );
    // Paged one at a time, the same events.
    let mut paged = Vec::new();
    let mut path = paths::with_query(paths::moderation_history(&id), "limit=1");
    loop {
        let page = app.get_json_as(&moderator, &path).await;
        paged.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = paths::with_query(
                    paths::moderation_history(&id),
                    format!("limit=1&cursor={cursor}"),
                )
            }
            None => break,
        }
    }
    assert_eq!(&paged, events);

    let unknown = paths::moderation_history(uuid::Uuid::new_v4());
    let response = app.get_as(&moderator, &unknown).await;
    assert_problem(response, 404).await;
}

#[actix_web::test]
async fn concurrent_patches_with_the_same_etag_let_exactly_one_win() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    for _ in 0..5 {
        let id = id_of(&app.submit_ok(&example_submission()).await);
        let (first, second) = futures::join!(
            patch(
                &app,
                &moderator,
                &id,
                Some("\"v1\""),
                json!({"status": "approved"})
            ),
            patch(
                &app,
                &moderator,
                &id,
                Some("\"v1\""),
                json!({"status": "spam"})
            ),
        );
        let mut statuses = [first.status().as_u16(), second.status().as_u16()];
        let winner = if statuses[0] == 200 {
            "approved"
        } else {
            "spam"
        };
        let loser = if statuses[0] == 200 { second } else { first };
        statuses.sort();
        assert_eq!(statuses, [200, 412]);
        assert_problem(loser, 412).await;
        let (record, etag) = detail(&app, &moderator, &id).await;
        assert_eq!(record["status"], winner);
        assert_eq!(etag, "\"v2\"");
    }
}

#[actix_web::test]
async fn concurrent_tag_changes_with_the_same_etag_let_exactly_one_win() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    for _ in 0..10 {
        let id = id_of(&app.submit_ok(&example_submission()).await);
        let (first, second) = futures::join!(
            patch(
                &app,
                &moderator,
                &id,
                Some("\"v1\""),
                json!({"tags": ["viali", "primo"]})
            ),
            patch(
                &app,
                &moderator,
                &id,
                Some("\"v1\""),
                json!({"tags": ["viali", "secondo"]})
            ),
        );
        let mut statuses = [first.status().as_u16(), second.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 412]);
        let (record, _) = detail(&app, &moderator, &id).await;
        assert_eq!(record["tags"].as_array().unwrap().len(), 2, "{record}");
    }
}

#[actix_web::test]
async fn spam_and_duplicates_leave_the_indicator() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let ids: Vec<String> = {
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(id_of(&app.submit_ok(&example_submission()).await));
        }
        ids
    };
    let indicators = indicators_when_counted(&app, 3).await;
    assert_eq!(
        (
            indicators["counted"].clone(),
            indicators["received"].clone()
        ),
        (json!(3), json!(3))
    );

    patch_ok(&app, &moderator, &ids[0], json!({"status": "spam"})).await;
    let indicators = indicators_when_counted(&app, 2).await;
    assert_eq!(indicators["counted"], 2);
    assert_eq!(indicators["received"], 3);

    patch_ok(
        &app,
        &moderator,
        &ids[1],
        json!({"status": "duplicate", "duplicate_of": ids[2]}),
    )
    .await;
    let indicators = indicators_when_counted(&app, 1).await;
    assert_eq!(indicators["counted"], 1);
    assert_eq!(indicators["received"], 3);
    let areas = indicators["by_thematic_area"].as_array().unwrap();
    let mobility = areas
        .iter()
        .find(|a| a["code"] == "mobilita-green")
        .unwrap();
    assert_eq!(mobility["count"], 1);

    // Rejected and approved still count.
    patch_ok(
        &app,
        &moderator,
        &ids[2],
        json!({"status": "rejected", "status_reason": "Fuori tema"}),
    )
    .await;
    assert_eq!(indicators_when_counted(&app, 1).await["counted"], 1);

    patch_ok(&app, &moderator, &ids[0], json!({"status": "pending"})).await;
    assert_eq!(indicators_when_counted(&app, 2).await["counted"], 2);
    let record = patch_ok(&app, &moderator, &ids[1], json!({"status": "pending"})).await;
    assert_eq!(record["duplicate_of"], Value::Null);
    let indicators = indicators_when_counted(&app, 3).await;
    assert_eq!(indicators["counted"], 3);
    assert_eq!(indicators["received"], 3);
}

#[actix_web::test]
async fn offline_contributions_are_registered_but_never_counted() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    app.submit_ok(&example_submission()).await;

    // On paper, anonymous, received last year.
    let response = app
        .post_json_as(
            &moderator,
            &paths::moderation_contributions(),
            &with(
                offline("paper"),
                "received_at",
                json!("2024-03-15T09:30:00Z"),
            ),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = header(&response, "location").expect("Location");
    assert_eq!(header(&response, "etag").as_deref(), Some("\"v1\""));
    let paper: Value = response.json().await.unwrap();
    assert_eq!(location, paths::moderation_contribution(id_of(&paper)));
    assert_eq!(paper["channel"], "paper");
    assert_eq!(paper["status"], "pending");
    assert_eq!(paper["reference"], "RF-000002");
    assert_eq!(paper["received_at"], "2024-03-15T09:30:00Z");
    assert_eq!(paper["author"]["given_name"], Value::Null);
    assert_eq!(paper["author"]["email"], Value::Null);
    assert_eq!(paper["author"]["quartiere"], 4);
    assert!(paper["registered_by"].is_string());

    // At an event, with the author's names and e-mail.
    let event = with(
        with(
            with(offline("event"), "author.given_name", json!("Giulia")),
            "author.family_name",
            json!("Verdi"),
        ),
        "author.email",
        json!("giulia.verdi@example.org"),
    );
    let event: Value = app
        .post_json_as(&moderator, &paths::moderation_contributions(), &event)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(event["channel"], "event");
    assert_eq!(event["author"]["email"], "giulia.verdi@example.org");
    // By e-mail, received now.
    let response = app
        .post_json_as(
            &moderator,
            &paths::moderation_contributions(),
            &offline("email"),
        )
        .await;
    assert_eq!(response.status(), 201);
    let email: Value = response.json().await.unwrap();
    assert!(email["received_at"].as_str().unwrap() > event["received_at"].as_str().unwrap());

    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    for (body, field) in [
        (with(offline("paper"), "channel", json!("form")), "channel"),
        (with(offline("paper"), "channel", json!("fax")), "channel"),
        (without(offline("paper"), "channel"), "channel"),
        (
            with(offline("paper"), "received_at", json!(tomorrow)),
            "received_at",
        ),
        (
            with(offline("paper"), "received_at", json!("15/03/2024")),
            "received_at",
        ),
        (
            with(offline("paper"), "privacy_notice_accepted", json!("sì")),
            "privacy_notice_accepted",
        ),
        (
            with(offline("paper"), "author.email", json!("non-una-email")),
            "author.email",
        ),
        (
            with(offline("paper"), "thematic_area", json!("sport")),
            "thematic_area",
        ),
        (with(offline("paper"), "title", json!("Wi")), "title"),
    ] {
        let problem = assert_problem(
            app.post_json_as(&moderator, &paths::moderation_contributions(), &body)
                .await,
            422,
        )
        .await;
        assert_eq!(failing_fields(&problem), [field], "{body}");
    }
    assert_eq!(app.count_contributions(), 4);

    assert_eq!(
        queue_refs(&app, &moderator, "channel=paper").await,
        ["RF-000002"]
    );
    assert_eq!(
        queue_refs(&app, &moderator, "channel=event").await,
        ["RF-000003"]
    );
    assert_eq!(
        queue_refs(&app, &moderator, "channel=email").await,
        ["RF-000004"]
    );
    assert_eq!(
        queue_refs(&app, &moderator, "").await,
        ["RF-000002", "RF-000001", "RF-000003", "RF-000004"],
        "ordered by when they reached the Comune"
    );

    let indicators = app.get_json(&paths::indicators()).await;
    assert_eq!(indicators["counted"], 1);
    assert_eq!(indicators["received"], 1);
    // Approved, an offline contribution is published but still not counted
    // (the next form submission refreshes the figures).
    patch_ok(
        &app,
        &moderator,
        &id_of(&paper),
        json!({"status": "approved"}),
    )
    .await;
    app.submit_ok(&example_submission()).await;
    let indicators = indicators_when_counted(&app, 2).await;
    assert_eq!(indicators["counted"], 2);
    assert_eq!(indicators["received"], 2);
    let public = app.get_json(&paths::contribution(id_of(&paper))).await;
    assert_eq!(public["reference"], "RF-000002");
}

#[actix_web::test]
async fn bulk_actions_report_one_outcome_per_id_in_order() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let a = id_of(&app.submit_ok(&example_submission()).await);
    let b = id_of(&app.submit_ok(&example_submission()).await);
    let approved = id_of(&app.submit_ok(&example_submission()).await);
    patch_ok(&app, &moderator, &approved, json!({"status": "approved"})).await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let bulk = &paths::bulk_actions();

    let response = app
        .post_json_as(
            &moderator,
            bulk,
            &json!({"ids": [a, "non-un-id", approved, unknown, b], "status": "spam", "add_tags": ["ondata-spam"]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let outcome: Value = response.json().await.unwrap();
    let items = outcome["items"].as_array().unwrap();
    let summary: Vec<(&str, &str, Value)> = items
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap(),
                i["outcome"].as_str().unwrap(),
                i["problem"]["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (a.as_str(), "applied", Value::Null),
            ("non-un-id", "failed", json!(404)),
            (approved.as_str(), "failed", json!(409)),
            (unknown.as_str(), "failed", json!(404)),
            (b.as_str(), "applied", Value::Null),
        ]
    );
    for item in items.iter().filter(|i| i["outcome"] == "failed") {
        let problem = &item["problem"];
        assert!(
            problem["type"].is_string()
                && problem["title"].is_string()
                && problem["detail"].is_string(),
            "{item}"
        );
    }
    for id in [&a, &b] {
        let (record, etag) = detail(&app, &moderator, id).await;
        assert_eq!(record["status"], "spam");
        assert_eq!(record["tags"], json!(["ondata-spam"]));
        assert_eq!(etag, "\"v2\"");
    }
    let (record, _) = detail(&app, &moderator, &approved).await;
    assert_eq!(record["status"], "approved");
    assert_eq!(
        record["tags"],
        json!([]),
        "a failed item is not half-applied"
    );
    assert_eq!(indicators_when_counted(&app, 1).await["counted"], 1);

    // Tags only; a reason-less rejection fails item by item.
    let outcome: Value = app
        .post_json_as(
            &moderator,
            bulk,
            &json!({"ids": [a, approved], "remove_tags": ["ondata-spam"], "add_tags": ["rivisto"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outcome["items"][0]["outcome"], "applied");
    assert_eq!(outcome["items"][1]["outcome"], "applied");
    assert_eq!(
        detail(&app, &moderator, &a).await.0["tags"],
        json!(["rivisto"])
    );
    assert_eq!(
        detail(&app, &moderator, &approved).await.0["tags"],
        json!(["rivisto"])
    );
    let pending = id_of(&app.submit_ok(&example_submission()).await);
    let outcome: Value = app
        .post_json_as(
            &moderator,
            bulk,
            &json!({"ids": [pending], "status": "rejected"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outcome["items"][0]["outcome"], "failed");
    assert_eq!(outcome["items"][0]["problem"]["status"], 422);
    assert_eq!(
        detail(&app, &moderator, &pending).await.0["status"],
        "pending"
    );

    // Invalid requests are refused whole.
    for (body, field) in [
        (json!({"ids": [], "status": "spam"}), "ids"),
        (json!({"status": "spam"}), "ids"),
        (json!({"ids": "tutti", "status": "spam"}), "ids"),
        (json!({"ids": [a], "status": "cestinato"}), "status"),
        (json!({"ids": [a], "add_tags": ["--"]}), "add_tags"),
        (
            json!({"ids": [a], "thematic_area": "Nessuna Area"}),
            "thematic_area",
        ),
        (json!({"ids": [a], "tags": ["x"]}), "tags"),
    ] {
        let problem = assert_problem(app.post_json_as(&moderator, bulk, &body).await, 422).await;
        assert_eq!(failing_fields(&problem), [field], "{body}");
    }
    let response = app
        .as_staff(Method::POST, bulk, &moderator)
        .header("Content-Type", "text/plain")
        .body("ids=1")
        .send()
        .await
        .unwrap();
    assert_problem(response, 415).await;
    assert_eq!(detail(&app, &moderator, &a).await.0["status"], "spam");
}

#[actix_web::test]
async fn similar_ranks_a_lightly_edited_copy_first() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let original = id_of(
        &app.submit_ok(&with(
            with(
                example_submission(),
                "title",
                json!("Più piste ciclabili sui viali di circonvallazione"),
            ),
            "body",
            json!("Chiedo piste ciclabili protette e illuminate sui viali, collegate alla tramvia e ai parcheggi scambiatori."),
        ))
        .await,
    );
    for (title, body) in [
        (
            "Biblioteche aperte la domenica",
            "Aprire le biblioteche di quartiere anche la domenica pomeriggio, con attività per bambini.",
        ),
        (
            "Più alberi nelle piazze",
            "Piantare alberi nelle piazze dei quartieri per avere ombra d'estate e aria più pulita.",
        ),
    ] {
        app.submit_ok(&with(
            with(example_submission(), "title", json!(title)),
            "body",
            json!(body),
        ))
        .await;
    }
    let path = paths::moderation_similar(&original);
    let before = app.get_json_as(&moderator, &path).await;
    assert!(
        before["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["score"].as_f64().unwrap() < 0.5),
        "{before}"
    );

    // Submitted after the first search: the index must pick it up.
    let copy = app
        .submit_ok(&with(
            with(
                example_submission(),
                "title",
                json!("PIU' PISTE CICLABILI sui viali di circonvallazione!"),
            ),
            "body",
            json!("Chiedo piste ciclabili protette, illuminate, sui viali; collegate alla tramvia e ai parcheggi scambiatori"),
        ))
        .await;
    let similar = app.get_json_as(&moderator, &path).await;
    let items = similar["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.len() <= 10);
    assert_eq!(items[0]["id"], copy["id"]);
    assert_eq!(items[0]["reference"], copy["reference"]);
    assert_eq!(items[0]["status"], "pending");
    assert_eq!(items[0]["thematic_area"], "mobilita-green");
    let best = items[0]["score"].as_f64().unwrap();
    assert!(best > 0.7 && best <= 1.0, "{best}");
    let scores: Vec<f64> = items.iter().map(|i| i["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)), "{scores:?}");
    assert!(
        items.iter().all(|i| i["id"] != original.as_str()),
        "the contribution itself is excluded"
    );
    // And the other way round.
    let reverse = app
        .get_json_as(&moderator, &paths::moderation_similar(id_of(&copy)))
        .await;
    assert_eq!(reverse["items"][0]["id"], original.as_str());
    assert_eq!(reverse["items"][0]["score"], items[0]["score"]);

    for id in [uuid::Uuid::new_v4().to_string(), "RF-009999".to_owned()] {
        let response = app
            .get_as(&moderator, &paths::moderation_similar(&id))
            .await;
        assert_problem(response, 404).await;
    }
}

#[actix_web::test]
async fn offline_times_are_kept_to_the_microsecond_and_paging_ends() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let mut received = Vec::new();
    for _ in 0..2 {
        let response = app
            .post_json_as(
                &moderator,
                &paths::moderation_contributions(),
                &with(
                    offline("paper"),
                    "received_at",
                    json!("2024-03-15T09:30:00.123456789Z"),
                ),
            )
            .await;
        assert_eq!(response.status(), 201);
        let record: Value = response.json().await.unwrap();
        received.push(record["received_at"].clone());
    }
    app.submit_ok(&example_submission()).await;
    let mut seen = Vec::new();
    let mut path = paths::with_query(paths::moderation_contributions(), "limit=1");
    for _ in 0..10 {
        let page = app.get_json_as(&moderator, &path).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["reference"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = paths::with_query(
                    paths::moderation_contributions(),
                    format!("limit=1&cursor={cursor}"),
                )
            }
            None => break,
        }
    }
    assert_eq!(seen, ["RF-000001", "RF-000002", "RF-000003"]);
    // Both backends keep microseconds, as the server's own clock does.
    assert_eq!(received, vec![json!("2024-03-15T09:30:00.123456Z"); 2]);
}

#[actix_web::test]
async fn moderators_find_authors_by_name_or_email_but_the_public_cannot() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let maria = app.submit_ok(&example_submission()).await;
    let niccolo = with(
        with(
            with(example_submission(), "author.given_name", json!("Niccolò")),
            "author.family_name",
            json!("Dell'Acqua"),
        ),
        "author.email",
        json!("n.dellacqua@comune.example"),
    );
    let niccolo = app.submit_ok(&niccolo).await;
    app.publish(&id_of(&maria)).await;
    app.publish(&id_of(&niccolo)).await;
    let cases: &[(&str, &[&str])] = &[
        ("q=rossi", &["RF-000001"]),
        ("q=Maria%20ROSSI", &["RF-000001"]),
        ("q=maria.rossi%40example", &["RF-000001"]),
        ("q=niccol%C3%B2", &["RF-000002"]),
        ("q=comune.example", &["RF-000002"]),
        // Words of the text still match; every word is required.
        ("q=ciclabile%20rossi", &["RF-000001"]),
        ("q=rossi%20acqua", &[]),
        // A word that splits is a phrase: the surname, in the author's words.
        ("q=dell%27acqua", &["RF-000002"]),
    ];
    for (query, expected) in cases {
        assert_eq!(
            queue_refs(&app, &moderator, query).await,
            *expected,
            "{query}"
        );
    }
    let public = app
        .get_json(&paths::with_query(paths::contributions(), "q=rossi"))
        .await;
    assert_eq!(
        public["items"],
        json!([]),
        "the public search reads no personal data"
    );
}

#[actix_web::test]
async fn a_reference_names_a_contribution_wherever_an_id_does() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let original = id_of(&app.submit_ok(&example_submission()).await);
    let copy = id_of(&app.submit_ok(&example_submission()).await);
    let third = id_of(&app.submit_ok(&example_submission()).await);

    let (record, etag) = detail(&app, &moderator, "RF-000002").await;
    assert_eq!(record["id"], copy.as_str());
    let (lowercase, _) = detail(&app, &moderator, "rf-2").await;
    assert_eq!(lowercase["id"], copy.as_str());
    let marked = patch(
        &app,
        &moderator,
        "RF-000002",
        Some(&etag),
        json!({"status": "duplicate", "duplicate_of": "RF-000001"}),
    )
    .await;
    assert_eq!(marked.status(), 200);
    let marked: Value = marked.json().await.unwrap();
    assert_eq!(marked["duplicate_of"], original.as_str());

    let note = app
        .post_json_as(
            &moderator,
            &paths::moderation_notes("RF-000001"),
            &json!({"text": "Originale"}),
        )
        .await;
    assert_eq!(note.status(), 201);
    let history = app
        .get_json_as(&moderator, &paths::moderation_history("RF-000002"))
        .await;
    assert_eq!(history["items"][0]["target_id"], copy.as_str());
    let similar = app
        .get_json_as(&moderator, &paths::moderation_similar("RF-000001"))
        .await;
    assert!(similar["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["id"] == third.as_str()));

    let bulk = app
        .post_json_as(
            &moderator,
            &paths::bulk_actions(),
            &json!({"ids": ["RF-000003", "RF-000099"], "status": "spam"}),
        )
        .await;
    let bulk: Value = bulk.json().await.unwrap();
    assert_eq!(bulk["items"][0]["outcome"], "applied");
    assert_eq!(bulk["items"][1]["problem"]["status"], 404);
    let (third_record, _) = detail(&app, &moderator, &third).await;
    assert_eq!(third_record["status"], "spam");

    // References that name nothing.
    for missing in ["RF-000099", "RF-", "RF-12x"] {
        let response = app
            .get_as(&moderator, &paths::moderation_contribution(missing))
            .await;
        assert_problem(response, 404).await;
    }
    let (_, etag) = detail(&app, &moderator, &third).await;
    let response = patch(
        &app,
        &moderator,
        &third,
        Some(&etag),
        json!({"status": "pending"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let (_, etag) = detail(&app, &moderator, &third).await;
    for (reference, field) in [("RF-000099", "duplicate_of"), ("RF-000003", "duplicate_of")] {
        let response = patch(
            &app,
            &moderator,
            &third,
            Some(&etag),
            json!({"status": "duplicate", "duplicate_of": reference}),
        )
        .await;
        let problem = assert_problem(response, 422).await;
        assert_eq!(failing_fields(&problem), [field], "{reference}");
    }
}

#[actix_web::test]
async fn bulk_actions_move_areas_mark_duplicates_and_report_what_did_not_change() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let original = id_of(&app.submit_ok(&example_submission()).await);
    let copies: Vec<String> = [
        id_of(&app.submit_ok(&example_submission()).await),
        id_of(&app.submit_ok(&example_submission()).await),
    ]
    .into();
    let bulk = &paths::bulk_actions();
    let outcomes = |value: Value| -> Vec<String> {
        value["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["outcome"].as_str().unwrap().to_owned())
            .collect()
    };

    let moved: Value = app
        .post_json_as(
            &moderator,
            bulk,
            &json!({"ids": ["RF-000002", copies[1]], "thematic_area": "cultura-diffusa", "add_tags": ["Mercati Rionali"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outcomes(moved), ["applied", "applied"]);
    for copy in &copies {
        let (record, _) = detail(&app, &moderator, copy).await;
        assert_eq!(record["thematic_area"], "cultura-diffusa");
        assert_eq!(record["tags"], json!(["mercati-rionali"]));
    }

    let marked: Value = app
        .post_json_as(
            &moderator,
            bulk,
            &json!({"ids": copies, "status": "duplicate", "duplicate_of": "RF-000001"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outcomes(marked), ["applied", "applied"]);
    for copy in &copies {
        let (record, _) = detail(&app, &moderator, copy).await;
        assert_eq!(record["status"], "duplicate");
        assert_eq!(record["duplicate_of"], original.as_str());
    }

    // The same action again changes nothing, and says so.
    let again: Value = app
        .post_json_as(
            &moderator,
            bulk,
            &json!({"ids": [copies[0], original], "thematic_area": "cultura-diffusa"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outcomes(again), ["unchanged", "applied"]);
    let (record, etag) = detail(&app, &moderator, &copies[0]).await;
    assert_eq!(etag, "\"v3\"", "nothing written: {record}");

    // An empty list is named as such.
    let problem = assert_problem(
        app.post_json_as(&moderator, bulk, &json!({"ids": [], "status": "spam"}))
            .await,
        422,
    )
    .await;
    assert_eq!(failing_fields(&problem), ["ids"]);
    let message = problem["errors"][0].to_string();
    assert!(message.contains("vuoto"), "{message}");
}

#[actix_web::test]
async fn the_queue_counts_each_status_for_its_filters() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(id_of(&app.submit_ok(&example_submission()).await));
    }
    let other_area = with(
        example_submission(),
        "thematic_area",
        json!("cultura-diffusa"),
    );
    app.submit_ok(&other_area).await;
    patch_ok(&app, &moderator, &ids[0], json!({"status": "approved"})).await;
    patch_ok(&app, &moderator, &ids[1], json!({"status": "spam"})).await;

    let counts = |query: &'static str| {
        let app = &app;
        let moderator = &moderator;
        async move {
            app.get_json_as(
                moderator,
                &paths::with_query(paths::moderation_contributions(), query),
            )
            .await["status_counts"]
                .clone()
        }
    };
    let all =
        json!({"pending": 3, "approved": 1, "rejected": 0, "spam": 1, "duplicate": 0, "hidden": 0});
    assert_eq!(counts("").await, all);
    // The status filter narrows the items, not the counts.
    assert_eq!(counts("status=spam").await, all);
    assert_eq!(
        counts("thematic_area=mobilita-green").await,
        json!({"pending": 2, "approved": 1, "rejected": 0, "spam": 1, "duplicate": 0, "hidden": 0})
    );
    assert_eq!(
        counts("q=nessuna-parola-presente").await,
        json!({"pending": 0, "approved": 0, "rejected": 0, "spam": 0, "duplicate": 0, "hidden": 0})
    );
}

#[actix_web::test]
async fn the_history_names_each_actor_and_shows_each_note() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let id = id_of(&app.submit_ok(&example_submission()).await);
    patch_ok(&app, &moderator, &id, json!({"status": "approved"})).await;
    let note = app
        .post_json_as(
            &moderator,
            &paths::moderation_notes(&id),
            &json!({"text": "Sentito l'autore: confermato"}),
        )
        .await;
    assert_eq!(note.status(), 201);

    let history = app
        .get_json_as(&moderator, &paths::moderation_history(&id))
        .await;
    let events = history["items"].as_array().unwrap();
    let by_action = |action: &str| {
        events
            .iter()
            .find(|event| event["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in {history}"))
    };
    assert_eq!(by_action("status_changed")["actor_name"], "Staff moderator");
    let noted = by_action("note_added");
    assert_eq!(noted["actor_name"], "Staff moderator");
    assert_eq!(noted["details"]["note"], "Sentito l'autore: confermato");
}
