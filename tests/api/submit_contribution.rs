//! `POST /api/v1/contributions`: the Rete Civica form.

use crate::support::*;
use serde_json::{json, Value};

#[actix_web::test]
async fn the_spec_example_gets_the_first_reference_and_an_acknowledgement() {
    let app = TestApp::spawn().await;
    let response = app.submit(&example_submission()).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let receipt: Value = response.json().await.unwrap();
    assert_eq!(receipt["reference"], "RF-000001");
    assert_eq!(receipt["status"], "pending");
    let id = receipt["id"].as_str().unwrap();
    assert_eq!(location, paths::contribution(id));
    assert!(receipt["received_at"].as_str().unwrap().ends_with('Z'));

    let second = app.submit_ok(&example_submission()).await;
    assert_eq!(second["reference"], "RF-000002");

    let outbox = app.outbox();
    assert_eq!(outbox.len(), 2);
    assert_eq!(outbox[0].0, "maria.rossi@example.org");
    assert!(outbox[0].1.contains("RF-000001"));
    assert!(outbox[0].2.contains("Mobilità green"));
}

#[actix_web::test]
async fn what_is_stored_is_what_was_sent_trimmed() {
    let app = TestApp::spawn().await;
    let body = with(
        example_submission(),
        "title",
        json!("   Più alberi in piazza 🌳   "),
    );
    let receipt = app.submit_ok(&body).await;
    let id = receipt["id"].as_str().unwrap();
    app.publish(id).await;
    let stored = app.get_json(&paths::contribution(id)).await;
    assert_eq!(stored["title"], "Più alberi in piazza 🌳");
    assert_eq!(stored["quartiere"], 2);
    assert_eq!(stored["author_kind"], "citizen");
}

#[actix_web::test]
async fn every_failing_field_is_named_in_one_answer() {
    let app = TestApp::spawn().await;
    let body = json!({
        "thematic_area": "non-esiste",
        "title": "abc",
        "body": 42,
        "author": {"kind": "trade_association", "given_name": "", "email": "not-an-address", "quartiere": 9, "nickname": "x"},
        "privacy_notice_accepted": false,
        "colour": "blue"
    });
    let problem = assert_problem(app.submit(&body).await, 422).await;
    let mut fields = failing_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        [
            "author.email",
            "author.family_name",
            "author.given_name",
            "author.nickname",
            "author.organization_name",
            "author.quartiere",
            "body",
            "colour",
            "privacy_notice_accepted",
            "thematic_area",
            "title",
        ]
    );
    assert_eq!(app.count_contributions(), 0);
}

#[actix_web::test]
async fn missing_fields_and_nulls_where_a_value_is_required() {
    let app = TestApp::spawn().await;
    for field in [
        "thematic_area",
        "title",
        "body",
        "author",
        "privacy_notice_accepted",
        "author.kind",
        "author.given_name",
        "author.family_name",
        "author.email",
    ] {
        let problem =
            assert_problem(app.submit(&without(example_submission(), field)).await, 422).await;
        assert_eq!(failing_fields(&problem), [field], "missing {field}");
        let problem = assert_problem(
            app.submit(&with(example_submission(), field, Value::Null))
                .await,
            422,
        )
        .await;
        assert_eq!(failing_fields(&problem), [field], "null {field}");
    }
    // Optional fields may be absent or null.
    for field in [
        "contact_consent",
        "author.quartiere",
        "author.organization_name",
    ] {
        app.submit_ok(&without(example_submission(), field)).await;
        app.submit_ok(&with(example_submission(), field, Value::Null))
            .await;
    }
}

#[actix_web::test]
async fn wrong_json_types_are_refused() {
    let app = TestApp::spawn().await;
    let cases = [
        ("thematic_area", json!(3)),
        ("title", json!(["a"])),
        ("body", json!({"text": "x"})),
        ("author", json!("Maria")),
        ("privacy_notice_accepted", json!("true")),
        ("contact_consent", json!(1)),
        ("author.kind", json!(true)),
        ("author.email", json!(1.5)),
        ("author.quartiere", json!("2")),
        ("author.quartiere", json!(2.5)),
        ("author.quartiere", json!(18446744073709551615u64)),
        ("author.quartiere", json!(-1)),
    ];
    for (field, value) in cases {
        let problem = assert_problem(
            app.submit(&with(example_submission(), field, value.clone()))
                .await,
            422,
        )
        .await;
        assert_eq!(failing_fields(&problem), [field], "{field} = {value}");
    }
    for body in [json!([]), json!("text"), json!(null), json!(12)] {
        let problem = assert_problem(app.submit(&body).await, 422).await;
        assert_eq!(failing_fields(&problem), ["$"], "{body}");
    }
    assert_eq!(app.count_contributions(), 0);
}

#[actix_web::test]
async fn lengths_are_counted_in_characters_at_each_limit() {
    let app = TestApp::spawn().await;
    let limits = [
        ("title", 5, 150),
        ("body", 20, 5000),
        ("author.given_name", 1, 80),
        ("author.family_name", 1, 80),
    ];
    for (field, min, max) in limits {
        // Accented letters and emoji are one character each, several bytes
        // (an emoji beside a letter: a text needs a visible letter or digit).
        for filler in ["a", "à", "🚲"] {
            let text = |n: usize| match filler {
                "🚲" => format!("a{}", filler.repeat(n - 1)),
                _ => filler.repeat(n),
            };
            app.submit_ok(&with(example_submission(), field, json!(text(max))))
                .await;
            app.submit_ok(&with(example_submission(), field, json!(text(min))))
                .await;
            let over = assert_problem(
                app.submit(&with(example_submission(), field, json!(text(max + 1))))
                    .await,
                422,
            )
            .await;
            assert_eq!(failing_fields(&over), [field]);
        }
        if min > 1 {
            let under = assert_problem(
                app.submit(&with(
                    example_submission(),
                    field,
                    json!("x".repeat(min - 1)),
                ))
                .await,
                422,
            )
            .await;
            assert_eq!(failing_fields(&under), [field]);
        }
        // Blanks around the text do not count.
        let padded = format!("   {}   ", "x".repeat(min.max(1) - 1));
        if min > 1 {
            let problem = assert_problem(
                app.submit(&with(example_submission(), field, json!(padded)))
                    .await,
                422,
            )
            .await;
            assert_eq!(failing_fields(&problem), [field]);
        }
    }
    let organisation = with(
        example_submission(),
        "author.kind",
        json!("cultural_association"),
    );
    app.submit_ok(&with(
        organisation.clone(),
        "author.organization_name",
        json!("é".repeat(200)),
    ))
    .await;
    for bad in ["é".repeat(201), "x".to_owned()] {
        let problem = assert_problem(
            app.submit(&with(
                organisation.clone(),
                "author.organization_name",
                json!(bad),
            ))
            .await,
            422,
        )
        .await;
        assert_eq!(failing_fields(&problem), ["author.organization_name"]);
    }
    let long_email = format!("{}@example.org", "a".repeat(243));
    assert_eq!(long_email.len(), 255);
    let problem = assert_problem(
        app.submit(&with(
            example_submission(),
            "author.email",
            json!(long_email),
        ))
        .await,
        422,
    )
    .await;
    assert_eq!(failing_fields(&problem), ["author.email"]);
}

#[actix_web::test]
async fn control_characters_are_refused_but_paragraphs_are_kept() {
    let app = TestApp::spawn().await;
    for (field, value) in [
        ("title", "Titolo con\u{0007} campanello"),
        ("body", "Testo con un carattere nullo \u{0000} in mezzo."),
        ("body", "Testo con escape \u{001b}[31m rosso e lungo."),
        ("author.given_name", "Ma\u{0008}ria"),
        ("author.email", "maria\u{000d}\u{000a}bcc@example.org"),
    ] {
        let problem = assert_problem(
            app.submit(&with(example_submission(), field, json!(value)))
                .await,
            422,
        )
        .await;
        assert_eq!(failing_fields(&problem), [field], "{value:?}");
    }
    let receipt = app
        .submit_ok(&with(
            example_submission(),
            "body",
            json!("Primo paragrafo del testo.\n\n\tSecondo paragrafo."),
        ))
        .await;
    let id = receipt["id"].as_str().unwrap();
    app.publish(id).await;
    let stored = app.get_json(&paths::contribution(id)).await;
    assert_eq!(
        stored["body"],
        "Primo paragrafo del testo.\n\n\tSecondo paragrafo."
    );
}

/// The message of the one failing field of a 422 problem.
fn only_message(problem: &Value) -> &str {
    assert_eq!(
        problem["errors"].as_array().map(Vec::len),
        Some(1),
        "{problem}"
    );
    problem["errors"][0]["message"].as_str().unwrap()
}

#[actix_web::test]
async fn text_pasted_from_word_or_pdf_is_normalised_and_accepted() {
    let app = TestApp::spawn().await;
    let pasted = with(
        with(
            with(
                example_submission(),
                "title",
                json!("Pi\u{00AD}ste ciclabili\u{00A0}sui\u{2028}viali\u{200B}"),
            ),
            "body",
            json!("Primo para\u{00AD}grafo\u{2009}del testo.\u{2029}Secondo\u{2028}riga\u{FEFF}."),
        ),
        "author.given_name",
        json!("\u{200B}Ma\u{200D}ria\u{202F}"),
    );
    let receipt = app.submit_ok(&pasted).await;
    let id = receipt["id"].as_str().unwrap();
    app.publish(id).await;
    let stored = app.get_json(&paths::contribution(id)).await;
    assert_eq!(stored["title"], "Piste ciclabili sui viali");
    assert_eq!(
        stored["body"],
        "Primo paragrafo del testo.\n\nSecondo\nriga."
    );
}

#[actix_web::test]
async fn what_cannot_be_normalised_is_refused_naming_the_character_and_position() {
    let app = TestApp::spawn().await;
    let body = with(
        example_submission(),
        "title",
        json!("Titolo con \u{202E}rovescio"),
    );
    let italian = assert_problem(app.submit(&body).await, 422).await;
    assert_eq!(failing_fields(&italian), ["title"]);
    assert_eq!(
        only_message(&italian),
        "carattere non ammesso U+202E alla posizione 12"
    );
    let english = app
        .client
        .post(app.url(&paths::contributions()))
        .header("Content-Type", "application/json")
        .header("Accept-Language", "en")
        .body(
            with(
                example_submission(),
                "author.family_name",
                json!("Ro\u{0000}ssi"),
            )
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let english = assert_problem(english, 422).await;
    assert_eq!(failing_fields(&english), ["author.family_name"]);
    assert_eq!(
        only_message(&english),
        "character U+0000 at position 3 is not allowed"
    );
}

#[actix_web::test]
async fn empty_fields_are_required_and_an_unchosen_area_says_so() {
    let app = TestApp::spawn().await;
    for (field, empty) in [
        ("title", ""),
        ("body", "   "),
        ("author.given_name", "\u{00A0}\u{200B}"),
        ("author.family_name", ""),
        ("author.email", ""),
    ] {
        let problem = assert_problem(
            app.submit(&with(example_submission(), field, json!(empty)))
                .await,
            422,
        )
        .await;
        assert_eq!(failing_fields(&problem), [field], "{empty:?}");
        assert_eq!(only_message(&problem), "campo obbligatorio", "{field}");
    }
    for unchosen in ["", " "] {
        let problem = assert_problem(
            app.submit(&with(
                example_submission(),
                "thematic_area",
                json!(unchosen),
            ))
            .await,
            422,
        )
        .await;
        assert_eq!(failing_fields(&problem), ["thematic_area"]);
        assert_eq!(only_message(&problem), "scegliere un'area tematica");
    }
    assert!(app.outbox().is_empty());
}

#[actix_web::test]
async fn organisations_must_give_their_name_and_citizens_never_show_one() {
    let app = TestApp::spawn().await;
    for kind in [
        "cultural_association",
        "trade_association",
        "other_organization",
    ] {
        let body = with(example_submission(), "author.kind", json!(kind));
        let problem = assert_problem(app.submit(&body).await, 422).await;
        assert_eq!(failing_fields(&problem), ["author.organization_name"]);
        let body = with(
            body,
            "author.organization_name",
            json!("Associazione Amici del Tram"),
        );
        app.submit_ok(&body).await;
    }
    let citizen = with(
        example_submission(),
        "author.organization_name",
        json!("Ditta Rossi"),
    );
    let receipt = app.submit_ok(&citizen).await;
    let id = receipt["id"].as_str().unwrap();
    app.publish(id).await;
    let stored = app.get_json(&paths::contribution(id)).await;
    assert_eq!(stored["organization_name"], Value::Null);
}

#[actix_web::test]
async fn unknown_or_inactive_areas_and_enum_values_are_refused() {
    let app = TestApp::spawn().await;
    app.change_area("cultura-diffusa", json!({"active": false}))
        .await;
    for area in [
        "cultura-diffusa",
        "non-esiste",
        "MOBILITA-GREEN",
        "../etc/passwd",
    ] {
        let problem = assert_problem(
            app.submit(&with(example_submission(), "thematic_area", json!(area)))
                .await,
            422,
        )
        .await;
        assert_eq!(failing_fields(&problem), ["thematic_area"], "{area}");
    }
    let problem = assert_problem(
        app.submit(&with(example_submission(), "author.kind", json!("robot")))
            .await,
        422,
    )
    .await;
    assert_eq!(failing_fields(&problem), ["author.kind"]);
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("citizen"));
}

#[actix_web::test]
async fn injection_strings_are_stored_verbatim_and_returned_as_json_text() {
    let app = TestApp::spawn().await;
    let title = "'); DROP TABLE contributions; --";
    let body = "<script>alert('x')</script> \" OR 1=1 -- <img src=x onerror=alert(1)>";
    let receipt = app
        .submit_ok(&with(
            with(example_submission(), "title", json!(title)),
            "body",
            json!(body),
        ))
        .await;
    let id = receipt["id"].as_str().unwrap();
    app.publish(id).await;
    let response = app.get(&paths::contribution(id)).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let stored: Value = response.json().await.unwrap();
    assert_eq!(stored["title"], title);
    assert_eq!(stored["body"], body);
    let search = app
        .get_json(&paths::with_query(paths::contributions(), "q=DROP%20TABLE"))
        .await;
    assert_eq!(search["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.count_contributions(), 1);
}

#[actix_web::test]
async fn fifty_parallel_submissions_get_fifty_distinct_references() {
    let app = TestApp::spawn().await;
    let body = example_submission();
    let submissions = (0..50).map(|_| app.submit_ok(&body));
    let receipts = futures::future::join_all(submissions).await;
    let mut references: Vec<String> = receipts
        .iter()
        .map(|r| r["reference"].as_str().unwrap().to_owned())
        .collect();
    references.sort();
    references.dedup();
    assert_eq!(references.len(), 50);
    assert_eq!(app.count_contributions(), 50);
    assert_eq!(app.outbox().len(), 50);
}

#[actix_web::test]
async fn the_same_idempotency_key_and_body_return_the_first_answer() {
    let app = TestApp::spawn().await;
    let send = |key: &'static str, body: Value| {
        app.client
            .post(app.url(&paths::contributions()))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .body(body.to_string())
            .send()
    };
    let first = send("key-1", example_submission()).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send("key-1", example_submission()).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(app.count_contributions(), 1);
    assert_eq!(app.outbox().len(), 1);

    let other_body = with(example_submission(), "title", json!("Un titolo diverso"));
    assert_problem(send("key-1", other_body).await.unwrap(), 409).await;
    assert_eq!(app.count_contributions(), 1);

    // Concurrent retries with one key still store one contribution.
    let racing = (0..8).map(|_| send("key-2", example_submission()));
    let answers = futures::future::join_all(racing).await;
    let mut ids = Vec::new();
    for answer in answers {
        let answer = answer.unwrap();
        assert_eq!(answer.status(), 201);
        ids.push(answer.json::<Value>().await.unwrap()["id"].clone());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
    assert_eq!(app.count_contributions(), 2);

    let too_long = app
        .client
        .post(app.url(&paths::contributions()))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", "k".repeat(256))
        .body(example_submission().to_string())
        .send()
        .await
        .unwrap();
    assert_problem(too_long, 422).await;
}

#[actix_web::test]
async fn outside_the_consultation_window_submissions_get_409() {
    let closed = TestApp::spawn_with(|config| {
        config.opens_at = Some("2020-01-01T00:00:00Z".parse().unwrap());
        config.closes_at = Some("2020-06-01T00:00:00Z".parse().unwrap());
    })
    .await;
    let problem = assert_problem(closed.submit(&example_submission()).await, 409).await;
    assert_eq!(problem["type"], "/problems/consultation-closed");
    assert_eq!(problem["title"], "Consultazione chiusa");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("si è chiusa il 1 giugno 2020 alle 02:00"),
        "{detail}"
    );
    assert!(detail.contains("2020-06-01T00:00:00Z"), "{detail}");
    assert_eq!(closed.count_contributions(), 0);
    let consultation = closed.get_json(&paths::consultation()).await;
    assert_eq!(consultation["open"], false);
    assert_eq!(consultation["state"], "closed");
    assert_eq!(consultation["opens_at"], "2020-01-01T00:00:00Z");
    assert_eq!(consultation["closes_at"], "2020-06-01T00:00:00Z");

    let not_yet = TestApp::spawn_with(|config| {
        config.opens_at = Some("2999-01-01T00:00:00Z".parse().unwrap());
    })
    .await;
    let problem = assert_problem(not_yet.submit(&example_submission()).await, 409).await;
    assert_eq!(problem["type"], "/problems/consultation-not-yet-open");
    assert_eq!(problem["title"], "Consultazione non ancora aperta");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("2999-01-01T00:00:00Z"));
    let consultation = not_yet.get_json(&paths::consultation()).await;
    assert_eq!(consultation["state"], "not_yet_open");
    assert_eq!(consultation["open"], false);
    assert_eq!(consultation["closes_at"], Value::Null);
    let open = TestApp::spawn()
        .await
        .get_json(&paths::consultation())
        .await;
    assert_eq!(open["open"], true);
    assert_eq!(open["state"], "open");
    let window = not_yet.get_json(&paths::indicators()).await["window"].clone();
    assert_eq!(window["opens_at"], "2999-01-01T00:00:00Z");
}

#[actix_web::test]
async fn with_mail_off_nothing_is_queued() {
    let app = TestApp::spawn_with(|config| config.mail = rinasce::config::MailTransport::Off).await;
    app.submit_ok(&example_submission()).await;
    assert!(app.outbox().is_empty());
}

#[actix_web::test]
async fn invisible_or_letterless_text_is_refused() {
    let app = TestApp::spawn().await;
    for (field, value) in [
        ("title", "\u{200b}\u{200b}\u{200b}\u{200b}\u{200b}"),
        ("author.given_name", "\u{2060}"),
        ("author.family_name", "Rossi\u{202e}"),
        ("body", &"\u{0301}".repeat(25)),
        ("title", "!!!!! ?????"),
        // Issue 16 item 10: letters and blanks that render as nothing.
        ("title", "\u{3164}\u{3164}\u{3164}\u{3164}\u{3164}"),
        ("title", &"\u{2800}".repeat(5)),
        ("author.given_name", "\u{115F}"),
        ("author.family_name", "\u{E0041}\u{E0042}\u{E0043}"),
    ] {
        let problem = assert_problem(
            app.submit(&with(example_submission(), field, json!(value)))
                .await,
            422,
        )
        .await;
        assert_eq!(failing_fields(&problem), [field], "{value:?}");
    }
    app.submit_ok(&with(
        example_submission(),
        "title",
        json!("Famiglie 👨\u{200d}👩\u{200d}👧 al parco"),
    ))
    .await;
}

#[actix_web::test]
async fn the_same_json_with_other_spacing_is_the_same_idempotent_request() {
    let app = TestApp::spawn().await;
    let send = |body: String| {
        app.client
            .post(app.url(&paths::contributions()))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "spacing")
            .body(body)
            .send()
    };
    let compact = send(example_submission().to_string()).await.unwrap();
    assert_eq!(compact.status(), 201);
    let pretty = send(serde_json::to_string_pretty(&example_submission()).unwrap())
        .await
        .unwrap();
    assert_eq!(pretty.status(), 201);
    assert_eq!(app.count_contributions(), 1);
    let bad_key = app
        .client
        .post(app.url(&paths::contributions()))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", "a b")
        .body(example_submission().to_string())
        .send()
        .await
        .unwrap();
    let problem = assert_problem(bad_key, 422).await;
    assert_eq!(failing_fields(&problem), ["Idempotency-Key"]);
}

/// Concurrent submissions are written in groups: each still gets its own
/// answer, and its acknowledgement carries its own reference, whatever the
/// others in its group did (an inactive area, an idempotency key sent twice).
#[actix_web::test]
async fn a_burst_of_mixed_submissions_gets_each_its_own_answer_and_e_mail() {
    let app = TestApp::spawn().await;
    app.change_area("cultura-diffusa", json!({"active": false}))
        .await;
    let plain = (0..30).map(|i| {
        with(
            example_submission(),
            "author.email",
            json!(format!("persona{i}@example.org")),
        )
    });
    let inactive = (0..6).map(|_| {
        with(
            example_submission(),
            "thematic_area",
            json!("cultura-diffusa"),
        )
    });
    let keyed = with(
        example_submission(),
        "author.email",
        json!("chiave@example.org"),
    );
    let send = |body: Value, key: Option<&'static str>| {
        let mut request = app
            .client
            .post(app.url(&paths::contributions()))
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        async move {
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    let (plain, inactive, keyed) = futures::join!(
        futures::future::join_all(plain.map(|body| send(body, None))),
        futures::future::join_all(inactive.map(|body| send(body, None))),
        futures::future::join_all((0..6).map(|_| send(keyed.clone(), Some("burst")))),
    );

    let outbox = app.outbox();
    for (i, (status, receipt)) in plain.iter().enumerate() {
        assert_eq!(*status, 201, "{receipt}");
        let recipient = format!("persona{i}@example.org");
        let subjects: Vec<&String> = outbox
            .iter()
            .filter(|(to, _, _)| *to == recipient)
            .map(|(_, subject, _)| subject)
            .collect();
        assert_eq!(subjects.len(), 1, "{recipient}");
        assert!(
            subjects[0].contains(receipt["reference"].as_str().unwrap()),
            "{recipient} got {subjects:?} for {receipt}"
        );
    }
    for (status, problem) in &inactive {
        assert_eq!(*status, 422);
        assert_eq!(failing_fields(problem), ["thematic_area"]);
    }
    let keyed_ids: Vec<&Value> = keyed.iter().map(|(_, receipt)| &receipt["id"]).collect();
    assert!(keyed.iter().all(|(status, _)| *status == 201), "{keyed:?}");
    assert!(
        keyed_ids.iter().all(|id| *id == keyed_ids[0]),
        "{keyed_ids:?}"
    );
    assert_eq!(app.count_contributions(), 31);
    assert_eq!(outbox.len(), 31);
}

/// The writer used directly, so that the submissions surely share one group:
/// a key sent twice in a group rolls the group back and each submission is
/// written alone; only the second of the pair is told its key was taken.
#[actix_web::test]
async fn a_key_taken_within_a_group_fails_only_that_submission() {
    use rinasce::app::submissions::{
        IdempotencyClaim, Submission, SubmissionWriter, SubmitFailure,
    };
    use rinasce::http::contributions::{parse_contribution, SubmissionRules};
    use rinasce::http::input::FieldErrors;

    let app = TestApp::spawn().await;
    let config = test_config(&app.database_url, &app.mail_dir);
    let writer = SubmissionWriter::spawn(
        app.db.clone(),
        rinasce::mail::MailContext::from_config(&config),
        config.target,
        None,
    );
    let submission = |email: &str, key: Option<&str>| {
        let mut errors = FieldErrors::default();
        let body = with(example_submission(), "author.email", json!(email));
        Submission {
            input: parse_contribution(body, SubmissionRules::Form, &mut errors).unwrap(),
            idempotency: key.map(|key| IdempotencyClaim {
                scope: "form".to_owned(),
                key: key.to_owned(),
                request_hash: "same".to_owned(),
            }),
            bot: None,
            client: None,
        }
    };
    // Queued before the writer task runs, so they form one group.
    let outcomes = futures::future::join_all([
        writer.store(submission("uno@example.org", Some("k"))),
        writer.store(submission("due@example.org", None)),
        writer.store(submission("tre@example.org", Some("k"))),
    ])
    .await;
    assert!(outcomes[0].is_ok(), "{:?}", outcomes[0]);
    assert!(outcomes[1].is_ok(), "{:?}", outcomes[1]);
    assert!(
        matches!(outcomes[2], Err(SubmitFailure::KeyTaken)),
        "{:?}",
        outcomes[2]
    );
    assert_eq!(app.count_contributions(), 2);
    let recipients: Vec<String> = app.outbox().into_iter().map(|(to, _, _)| to).collect();
    assert_eq!(recipients, ["uno@example.org", "due@example.org"]);
}
