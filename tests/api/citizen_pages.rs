//! The citizens' pages as a browser without JavaScript meets them: `/`,
//! the `/partecipa` form posted as HTML, `/contributi` and its pages, and
//! the private status page of the acknowledgement's link. Errors are pages
//! for people (HTML), never problem documents. The real-browser checks are
//! in tests/browser/suites/citizen.sh.

use crate::support::*;
use serde_json::{json, Value};

/// A form post, encoded as a browser encodes it.
async fn post_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let body = fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    app.client
        .post(app.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("request sent")
}

/// A complete, valid filling of the form.
fn valid_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("idempotency_key", "chiave-modulo-1"),
        ("thematic_area", "mobilita-green"),
        ("title", "Più alberi in via Pistoiese"),
        (
            "body",
            "Piantare alberi lungo la via per fare ombra d'estate e ridurre il rumore.",
        ),
        ("author.kind", "citizen"),
        ("author.given_name", "Giulia"),
        ("author.family_name", "Bruni"),
        ("author.organization_name", ""),
        ("author.email", "giulia.bruni@example.org"),
        ("author.quartiere", "5"),
        ("privacy_notice_accepted", "true"),
    ]
}

/// `fields` with `name` set to `value` (or removed, with `None`).
fn changed(
    mut fields: Vec<(&'static str, &'static str)>,
    name: &str,
    value: Option<&'static str>,
) -> Vec<(&'static str, &'static str)> {
    fields.retain(|(n, _)| *n != name);
    if let Some(value) = value {
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        fields.push((name, value));
    }
    fields
}

/// The HTML of a page, after checking its status and that it is a page.
async fn html(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status(), status, "{}", response.url());
    assert_eq!(content_type_of(&response), "text/html; charset=utf-8");
    let policy = header(&response, "content-security-policy").unwrap();
    assert!(
        policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"),
        "{policy}"
    );
    response.text().await.unwrap()
}

/// The secret link of the acknowledgement e-mail to `email`.
fn status_link(app: &TestApp, email: &str) -> String {
    let (_, _, text) = app
        .outbox()
        .into_iter()
        .find(|(to, subject, _)| to == email && subject.contains("RF-"))
        .expect("an acknowledgement");
    let start = text.find("/stato/").expect("a status link");
    text[start..start + "/stato/".len() + 43].to_owned()
}

#[actix_web::test]
async fn the_home_page_lists_the_areas_and_links_everywhere() {
    let app = TestApp::spawn().await;
    let page = html(app.get("/").await, 200).await;
    let areas = app.get_json(&paths::thematic_areas()).await;
    let areas = areas["items"].as_array().unwrap();
    assert_eq!(areas.len(), 9);
    for area in areas {
        let name = area["name"].as_str().unwrap().replace('\'', "&#39;");
        assert!(page.contains(&name), "{name} missing");
    }
    for link in [
        "href=\"/partecipa\"",
        "href=\"/contributi\"",
        "href=\"/cruscotto\"",
        "href=\"/docs/\"",
    ] {
        assert!(page.contains(link), "{link} missing");
    }
    assert!(page.contains("<html lang=\"it\">"));
    assert!(page.contains("/assets/site.css"));
    assert_eq!(app.get("/assets/site.css").await.status(), 200);
}

#[actix_web::test]
async fn the_form_without_javascript_stores_and_shows_the_receipt() {
    let app = TestApp::spawn().await;
    let form = html(app.get("/partecipa").await, 200).await;
    assert!(form.contains("action=\"/partecipa\""));
    assert!(form.contains("name=\"idempotency_key\""));
    assert!(
        form.contains("data-max=\"150\""),
        "title limit for the counter"
    );

    let receipt = html(post_form(&app, "/partecipa", &valid_form()).await, 200).await;
    assert!(receipt.contains("RF-000001"), "{receipt}");
    assert_eq!(app.count_contributions(), 1);
    let moderator = app.moderator().await;
    let queue = app
        .get_json_as(&moderator, &paths::moderation_contributions())
        .await;
    let stored = &queue["items"][0];
    assert_eq!(stored["title"], "Più alberi in via Pistoiese");
    assert_eq!(stored["author"]["quartiere"], 5);
    assert_eq!(stored["contact_consent"], false);
    assert!(status_link(&app, "giulia.bruni@example.org").starts_with("/stato/"));

    // The same filling sent twice (a double click) is stored once.
    let again = html(post_form(&app, "/partecipa", &valid_form()).await, 200).await;
    assert!(again.contains("RF-000001"));
    assert_eq!(app.count_contributions(), 1);
}

#[actix_web::test]
async fn each_invalid_field_is_marked_with_its_message_and_what_was_typed_is_kept() {
    let app = TestApp::spawn().await;
    let cases: [(&str, Option<&'static str>, &str, &str); 9] = [
        ("title", Some(""), "title", "campo obbligatorio"),
        (
            "title",
            Some("Poco"),
            "title",
            "deve contenere almeno 5 caratteri",
        ),
        (
            "body",
            Some("Troppo corto."),
            "body",
            "deve contenere almeno 20 caratteri",
        ),
        (
            "thematic_area",
            Some(""),
            "thematic_area",
            "scegliere un&#39;area tematica",
        ),
        ("author.kind", None, "author-kind", "campo obbligatorio"),
        (
            "author.email",
            Some("giulia.example.org"),
            "author-email",
            "non è un indirizzo e-mail valido",
        ),
        (
            "privacy_notice_accepted",
            None,
            "privacy_notice_accepted",
            "occorre accettare l&#39;informativa",
        ),
        (
            "title",
            Some("Titolo con \u{202E} rovesciato"),
            "title",
            "U+202E",
        ),
        (
            "author.quartiere",
            Some("9"),
            "author-quartiere",
            "deve essere compreso tra 1 e 5",
        ),
    ];
    for (field, value, id, message) in cases {
        let response = post_form(&app, "/partecipa", &changed(valid_form(), field, value)).await;
        let page = html(response, 422).await;
        let marked = format!("id=\"{id}-errore\">Errore: ");
        let start = page
            .find(&marked)
            .unwrap_or_else(|| panic!("{field}: no message in {page}"));
        let shown = &page[start + marked.len()..][..200];
        assert!(shown.contains(message), "{field}: {shown}");
        assert!(
            page.contains(&format!("href=\"#{id}\"")),
            "{field}: summary link"
        );
        assert!(
            page.contains("class=\"riepilogo\" id=\"riepilogo\" tabindex=\"-1\" autofocus"),
            "{field}"
        );
        assert!(page.contains("<title>Errore: "), "{field}");
        // The failing input says so and points to its message.
        let input = page.find(&format!("id=\"{id}\"")).unwrap();
        let tag = &page[input..input + page[input..].find('>').unwrap()];
        assert!(tag.contains("aria-invalid=\"true\""), "{field}: {tag}");
        if !field.starts_with("author.kind") && field != "privacy_notice_accepted" {
            assert!(tag.contains(&format!("{id}-errore")), "{field}: {tag}");
        }
        // What was typed elsewhere is still there.
        assert!(page.contains("value=\"Giulia\""), "{field}");
        if field != "body" {
            assert!(page.contains("ridurre il rumore.</textarea>"), "{field}");
        }
    }
    assert_eq!(app.count_contributions(), 0);
}

#[actix_web::test]
async fn an_organisation_needs_its_name_and_gets_it_published() {
    let app = TestApp::spawn().await;
    let without_name = changed(valid_form(), "author.kind", Some("cultural_association"));
    let page = html(post_form(&app, "/partecipa", &without_name).await, 422).await;
    assert!(
        page.contains("obbligatorio quando l&#39;autore è un&#39;associazione"),
        "{page}"
    );
    let with_name = changed(
        without_name,
        "author.organization_name",
        Some("Amici di Novoli"),
    );
    html(post_form(&app, "/partecipa", &with_name).await, 200).await;
    let id = app.get_json(&paths::contributions()).await;
    assert_eq!(
        id["items"].as_array().unwrap().len(),
        0,
        "not published yet"
    );
}

#[actix_web::test]
async fn a_closed_consultation_says_so_with_its_dates_and_stores_nothing() {
    let app = TestApp::spawn_with(|config| {
        config.opens_at = Some("2026-01-01T08:00:00Z".parse().unwrap());
        config.closes_at = Some("2026-02-01T08:00:00Z".parse().unwrap());
    })
    .await;
    let page = html(app.get("/partecipa").await, 200).await;
    assert!(
        page.contains("La consultazione è chiusa: è stata aperta dal 1 gennaio 2026 alle 09:00 al 1 febbraio 2026 alle 09:00."),
        "{page}"
    );
    assert!(!page.contains("<form class=\"scheda\" id=\"modulo\""));
    let refused = html(post_form(&app, "/partecipa", &valid_form()).await, 409).await;
    assert!(refused.contains("La consultazione è chiusa"));
    assert_eq!(app.count_contributions(), 0);
    let home = html(app.get("/").await, 200).await;
    assert!(home.contains("La consultazione è chiusa"));
    assert!(!home.contains("Invia un contributo"));
}

#[actix_web::test]
async fn published_contributions_are_listed_filtered_searched_and_shown() {
    let app = TestApp::spawn().await;
    let bikes = app.submit_ok(&example_submission()).await;
    let trees = with(
        example_submission(),
        "title",
        json!("Alberi nelle piazze del centro"),
    );
    let trees = with(trees, "thematic_area", json!("cultura-diffusa"));
    let trees = with(trees, "author.kind", json!("cultural_association"));
    let trees = with(
        trees,
        "author.organization_name",
        json!("Amici del verde <b>"),
    );
    let trees = with(trees, "author.quartiere", json!(1));
    let trees = app.submit_ok(&trees).await;
    let pending = app
        .submit_ok(&with(
            example_submission(),
            "title",
            json!("Ancora in revisione"),
        ))
        .await;
    app.publish(bikes["id"].as_str().unwrap()).await;
    app.publish(trees["id"].as_str().unwrap()).await;

    let all = html(app.get("/contributi").await, 200).await;
    assert!(all.contains("Più piste ciclabili sui viali") && all.contains("Alberi nelle piazze"));
    assert!(!all.contains("Ancora in revisione"));
    assert!(
        !all.contains("Maria") && !all.contains("maria.rossi@example.org"),
        "no personal data"
    );
    assert!(
        all.contains("Amici del verde &#60;b&#62;") || all.contains("Amici del verde &lt;b&gt;"),
        "escaped organisation"
    );

    let by_area = html(
        app.get("/contributi?area=cultura-diffusa&quartiere=&q=")
            .await,
        200,
    )
    .await;
    assert!(by_area.contains("Alberi nelle piazze") && !by_area.contains("Più piste ciclabili"));
    let by_quartiere = html(app.get("/contributi?quartiere=2").await, 200).await;
    assert!(
        by_quartiere.contains("Più piste ciclabili")
            && !by_quartiere.contains("Alberi nelle piazze")
    );
    let searched = html(app.get("/contributi?q=PIAZZE").await, 200).await;
    assert!(searched.contains("Alberi nelle piazze") && !searched.contains("Più piste ciclabili"));
    let nothing = html(app.get("/contributi?q=astronavi").await, 200).await;
    assert!(nothing.contains("Nessun contributo pubblicato corrisponde alla ricerca."));
    let bad = html(app.get("/contributi?quartiere=9").await, 422).await;
    assert!(bad.contains("deve essere compreso tra 1 e 5"), "{bad}");

    let reference = trees["reference"].as_str().unwrap();
    let jump = app
        .get(&format!("/contributi?q={}", reference.to_lowercase()))
        .await;
    assert_eq!(jump.status(), 303);
    assert_eq!(
        header(&jump, "location").unwrap(),
        format!("/contributi/{reference}")
    );

    let one = html(app.get(&format!("/contributi/{reference}")).await, 200).await;
    assert!(one.contains("Cultura diffusa"), "area name");
    assert!(one.contains("Centro Storico"), "quartiere name");
    assert!(one.contains("Amici del verde"), "organisation");
    assert!(one.contains("(ora italiana)") && one.contains("<time datetime=\""));

    for missing in [
        format!("/contributi/{}", pending["reference"].as_str().unwrap()),
        "/contributi/RF-999999".to_owned(),
        "/contributi/qualcosa".to_owned(),
    ] {
        let page = html(app.get(&missing).await, 404).await;
        assert!(page.contains("Pagina non trovata"), "{missing}");
    }
}

#[actix_web::test]
async fn the_listing_pages_with_plain_links() {
    let app = TestApp::spawn().await;
    for n in 0..21 {
        let body = with(
            example_submission(),
            "title",
            json!(format!("Proposta numero {n:02}")),
        );
        let receipt = app.submit_ok(&body).await;
        app.publish(receipt["id"].as_str().unwrap()).await;
    }
    let first = html(app.get("/contributi?quartiere=2").await, 200).await;
    assert_eq!(first.matches("<li>\n      <h3>").count(), 20);
    let start = first
        .find("href=\"/contributi?quartiere=2&#38;dopo=")
        .unwrap_or_else(|| panic!("a next link: {}", &first[first.len() - 1500..]));
    let href = &first[start + 6..];
    let href = href[..href.find('"').unwrap()].replace("&#38;", "&");
    let second = html(app.get(&href).await, 200).await;
    assert_eq!(second.matches("<li>\n      <h3>").count(), 1);
    assert!(second.contains("Proposta numero 00"), "the oldest is last");
    assert!(!second.contains("rel=\"next\""));
}

#[actix_web::test]
async fn the_status_page_follows_the_contribution_through_its_private_link() {
    let app = TestApp::spawn().await;
    let receipt = app.submit_ok(&example_submission()).await;
    let id = receipt["id"].as_str().unwrap();
    let link = status_link(&app, "maria.rossi@example.org");

    let response = app.get(&link).await;
    assert_eq!(header(&response, "cache-control").unwrap(), "no-store");
    assert_eq!(header(&response, "referrer-policy").unwrap(), "no-referrer");
    let page = html(response, 200).await;
    assert!(page.contains("Ricevuto, in revisione"), "{page}");
    assert!(page.contains("RF-000001"));

    app.set_status(id, "rejected").await;
    let page = html(app.get(&link).await, 200).await;
    assert!(
        page.contains("Non pubblicato") && page.contains("Motivo: Messo da parte per la prova")
    );

    app.set_status(id, "pending").await;
    app.publish(id).await;
    let page = html(app.get(&link).await, 200).await;
    assert!(page.contains("Pubblicato") && page.contains("href=\"/contributi/RF-000001\""));

    let second = app
        .submit_ok(&with(
            example_submission(),
            "author.email",
            json!("luca@example.org"),
        ))
        .await;
    app.mark_duplicate(second["id"].as_str().unwrap(), id).await;
    let page = html(app.get(&status_link(&app, "luca@example.org")).await, 200).await;
    assert!(
        page.contains("Unito a un altro contributo") && page.contains("RF-000001"),
        "{page}"
    );
}

#[actix_web::test]
async fn a_wrong_or_malformed_status_link_is_a_404_page() {
    let app = TestApp::spawn().await;
    app.submit_ok(&example_submission()).await;
    let link = status_link(&app, "maria.rossi@example.org");
    let mut wrong = link.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == 'A' { 'B' } else { 'A' });
    for path in [wrong, "/stato/abc".to_owned()] {
        let page = html(app.get(&path).await, 404).await;
        assert!(page.contains("Pagina non trovata"), "{path}");
    }
    // Only the hash is stored.
    let secret = &link["/stato/".len()..];
    let stored: Vec<String> = app.stored_status_link_hashes();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(secret));
    assert_eq!(stored[0].len(), 64);
}

#[actix_web::test]
async fn the_author_erases_their_data_from_the_status_page_after_confirming() {
    let app = TestApp::spawn().await;
    let first = app.submit_ok(&example_submission()).await;
    let second = app
        .submit_ok(&with(
            example_submission(),
            "title",
            json!("Seconda proposta di Maria"),
        ))
        .await;
    let other = app
        .submit_ok(&with(
            example_submission(),
            "author.email",
            json!("luca@example.org"),
        ))
        .await;
    let link = status_link(&app, "maria.rossi@example.org");
    let moderator = app.moderator().await;
    let detail = |id: &Value| paths::moderation_contribution(id["id"].as_str().unwrap());

    // Asking shows what will go, and erases nothing yet.
    let asked = html(post_form(&app, &link, &[("passo", "conferma")]).await, 200).await;
    assert!(
        asked.contains("Vuole cancellare i suoi dati?") && asked.contains("value=\"cancella\"")
    );
    assert_eq!(
        app.get_json_as(&moderator, &detail(&first)).await["author"]["email"],
        "maria.rossi@example.org"
    );

    let response = post_form(&app, &link, &[("passo", "cancella")]).await;
    assert_eq!(header(&response, "cache-control").unwrap(), "no-store");
    let done = html(response, 200).await;
    assert!(done.contains("Abbiamo cancellato nome, cognome e indirizzo e-mail da 2 contributi (RF-000001, RF-000002)"), "{done}");
    for erased in [&first, &second] {
        let author = &app.get_json_as(&moderator, &detail(erased)).await["author"];
        assert_eq!(author["email"], Value::Null, "{author}");
        assert_eq!(author["given_name"], Value::Null, "{author}");
    }
    let kept = &app.get_json_as(&moderator, &detail(&other)).await["author"];
    assert_eq!(kept["email"], "luca@example.org");

    let admin = app.admin().await;
    let audit = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::audit_log(), "action=erasure_request"),
        )
        .await;
    let event = &audit["items"][0];
    assert_eq!(event["actor"], "author", "{event}");
    assert!(
        !event.to_string().contains("maria.rossi"),
        "no address in the audit log"
    );

    // The link is spent; only the other author's link is kept.
    html(app.get(&link).await, 404).await;
    html(post_form(&app, &link, &[("passo", "cancella")]).await, 404).await;
    assert_eq!(app.stored_status_link_hashes().len(), 1);
}

#[actix_web::test]
async fn the_form_without_javascript_shares_the_quota_of_accepted_submissions() {
    let app = TestApp::spawn_with(|config| config.rate_limit_per_minute = 2).await;
    // Corrections do not use the quota.
    for _ in 0..3 {
        let invalid = changed(valid_form(), "title", Some(""));
        let response = post_form(&app, "/partecipa", &invalid).await;
        assert_eq!(header(&response, "x-ratelimit-remaining").unwrap(), "2");
        html(response, 422).await;
    }
    let response = post_form(&app, "/partecipa", &valid_form()).await;
    assert_eq!(header(&response, "x-ratelimit-remaining").unwrap(), "1");
    html(response, 200).await;
}

#[actix_web::test]
async fn the_form_over_the_quota_is_refused_with_a_page() {
    let app = TestApp::spawn_with(|config| config.rate_limit_per_minute = 1).await;
    html(post_form(&app, "/partecipa", &valid_form()).await, 200).await;
    let again = changed(valid_form(), "idempotency_key", Some("chiave-modulo-2"));
    let refused = post_form(&app, "/partecipa", &again).await;
    assert_eq!(header(&refused, "x-ratelimit-remaining").unwrap(), "0");
    let wait: u64 = header(&refused, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let page = html(refused, 429).await;
    assert!(page.contains("Troppi invii"), "{page}");
    assert_eq!(app.count_contributions(), 1);
}

#[actix_web::test]
async fn the_forms_honeypot_filled_is_answered_as_usual_but_stored_as_spam() {
    let app = TestApp::spawn().await;
    let form = html(app.get("/partecipa").await, 200).await;
    assert!(form.contains("name=\"website\"") && form.contains("name=\"form_token\""));
    let bot = changed(valid_form(), "website", Some("https://spam.example"));
    let receipt = html(post_form(&app, "/partecipa", &bot).await, 200).await;
    assert!(receipt.contains("RF-000001"));
    let moderator = app.moderator().await;
    let queue = app
        .get_json_as(&moderator, &paths::moderation_contributions())
        .await;
    assert_eq!(queue["items"][0]["status"], "spam", "{queue}");
    assert!(
        app.stored_status_link_hashes().is_empty(),
        "a bot gets no status link"
    );
}
