//! The researchers' exports page in the console (issue 14 §1): who may use
//! it, the count of the rows its filters select against the API's export,
//! invalid filters, the downloads (the API's files, with the filters they
//! carry) and the per-account export limit shared with the API.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::exports::{download, parse_ndjson, parse_xlsx, personal_export_events, seed};
use crate::support::console::ConsoleSession;
use crate::support::*;

const PAGE: &str = "/console/esportazioni";

/// The page for `query` (the form's own encoding) as `session` sees it.
async fn page(app: &TestApp, session: &ConsoleSession, query: &str) -> (u16, String) {
    let response = app.console_get(session, &format!("{PAGE}?{query}")).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The count the page shows.
fn count_shown(html: &str) -> u64 {
    let start = html.find("data-count=\"").expect("a count on the page") + 12;
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].parse().unwrap()
}

/// The page's download links by format (`csv`, …, `datapackage`, `report`).
fn links(html: &str) -> BTreeMap<String, String> {
    html.split("<a class=\"pulsante\" href=\"")
        .skip(1)
        .filter_map(|piece| {
            let (href, rest) = piece.split_once('"')?;
            let format = rest.strip_prefix(" data-formato=\"")?.split_once('"')?.0;
            let href = href.replace("&#38;", "&").replace("&amp;", "&");
            Some((format.to_owned(), href))
        })
        .collect()
}

/// The rows of the API's export for `query` (the API's own encoding).
async fn api_rows(app: &TestApp, token: &str, query: &str) -> usize {
    let (_, bytes) = download(app, token, &format!("format=ndjson&{query}")).await;
    parse_ndjson(&bytes).len()
}

#[actix_web::test]
async fn each_exporting_role_sees_the_page_and_anonymous_visitors_sign_in_first() {
    let app = TestApp::spawn().await;
    for role in ["researcher", "moderator", "admin"] {
        let session = app.console_sign_in(role).await;
        let (status, html) = page(&app, &session, "").await;
        assert_eq!(status, 200, "{role}: {html}");
        assert!(
            html.contains(
                "<a href=\"/console/esportazioni\" aria-current=\"page\">Esportazioni</a>"
            ),
            "{role}: the section is marked in the navigation"
        );
        assert_eq!(count_shown(&html), 0, "{role}: nothing to export yet");
        assert_eq!(links(&html).len(), 8, "{role}: every download");
        // Personal data are offered to admins only, as the API allows.
        assert_eq!(
            html.contains("name=\"include_personal_data\""),
            role == "admin",
            "{role}"
        );
    }

    // In English when the browser asks for it.
    let session = app.console_sign_in("researcher").await;
    let english = app
        .client
        .get(app.url(PAGE))
        .header("Cookie", session.cookie_header())
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for text in [
        "Research exports",
        "0 contributions selected",
        "How to load it",
        "Count the contributions",
    ] {
        assert!(english.contains(text), "{text}");
    }

    for path in [
        format!("{PAGE}?status=approved"),
        format!("{PAGE}/file?format=csv"),
        format!("{PAGE}/datapackage.json"),
        format!("{PAGE}/rapporto"),
    ] {
        let anonymous = app.get(&path).await;
        assert_eq!(anonymous.status(), 303, "{path}");
        let next = serde_urlencoded::to_string([("next", path.as_str())]).unwrap();
        assert_eq!(
            header(&anonymous, "location").as_deref(),
            Some(format!("/console/accesso?{next}").as_str())
        );
    }
}

#[actix_web::test]
async fn the_count_shown_is_the_rows_of_the_api_export_for_the_same_filters() {
    let app = TestApp::spawn_with(|config| config.rate_limit_per_minute = 10_000).await;
    seed(&app).await;
    let token = app.researcher().await;
    let session = app.console_sign_in("researcher").await;
    // (the form's query, the same filters as the API takes them, the rows)
    let cases = [
        ("", "", 5),
        ("status=approved&status=hidden", "status=approved,hidden", 2),
        ("status=spam", "status=spam", 1),
        (
            "thematic_area=mobilita-green&quartiere=4&quartiere=1",
            "thematic_area=mobilita-green&quartiere=4,1",
            2,
        ),
        (
            "tag=zona-30%2C+piste-ciclabili",
            "tag=zona-30,piste-ciclabili",
            1,
        ),
        ("channel=paper", "channel=paper", 1),
        (
            "author_kind=cultural_association&author_kind=other_organization",
            "author_kind=cultural_association,other_organization",
            1,
        ),
        ("q=biblioteche", "q=biblioteche", 1),
        // Days in Rome time, the last one included.
        (
            "received_from=2026-01-15&received_to=2026-01-15",
            "received_from=2026-01-15T00:00:00%2B01:00&received_to=2026-01-16T00:00:00%2B01:00",
            1,
        ),
        (
            "received_from=2026-01-16&received_to=2026-01-20",
            "received_from=2026-01-16T00:00:00%2B01:00&received_to=2026-01-21T00:00:00%2B01:00",
            0,
        ),
        (
            "status=pending&thematic_area=cultura-diffusa&thematic_area=bambini-famiglie&q=",
            "status=pending&thematic_area=cultura-diffusa,bambini-famiglie",
            2,
        ),
    ];
    for (form, api, rows) in cases {
        let (status, html) = page(&app, &session, form).await;
        assert_eq!(status, 200, "{form}: {html}");
        let exported = api_rows(&app, &token, api).await;
        assert_eq!(exported, rows, "the API's export for {api}");
        assert_eq!(
            count_shown(&html) as usize,
            exported,
            "the count for {form}"
        );
    }
    let (_, one) = page(&app, &session, "channel=paper").await;
    assert!(one.contains("1 contributo selezionato"), "singular");
    // The form shows what was chosen.
    let (_, chosen) = page(&app, &session, "quartiere=1,4&q=viali").await;
    assert!(chosen.contains("name=\"quartiere\" value=\"4\" checked"));
    assert!(!chosen.contains("name=\"quartiere\" value=\"2\" checked"));
    assert!(chosen.contains("name=\"q\" maxlength=\"200\" value=\"viali\""));
}

#[actix_web::test]
async fn invalid_filters_get_the_form_back_with_the_message_and_no_downloads() {
    let app = TestApp::spawn().await;
    let session = app.console_sign_in("researcher").await;
    for (query, named) in [
        ("thematic_area=mobilita", "Area tematica"),
        ("tag=mai-usata", "Etichette"),
        ("quartiere=9&q=parchi", "Quartiere"),
        ("status=approvato", "Stato"),
        ("received_from=15%2F01%2F2026", "Ricevuti dal"),
        ("area=mobilita-green", "area"),
        ("sort=-received_at", "sort"),
    ] {
        let (status, html) = page(&app, &session, query).await;
        assert_eq!(status, 422, "{query}");
        assert!(html.contains("role=\"alert\""), "{query}: the message");
        assert!(
            html.contains(&format!("<li>{named}: ")),
            "{query}: names {named}: {html}"
        );
        assert!(links(&html).is_empty(), "{query}: no download");
        assert!(!html.contains("data-count"), "{query}: no count");
        assert!(html.contains("<form method=\"get\" action=\"/console/esportazioni\""));
    }
    let (_, kept) = page(&app, &session, "quartiere=9&q=parchi").await;
    assert!(kept.contains("value=\"parchi\""), "what was typed is kept");

    // A download link edited by hand is refused the same way, as a page.
    for path in [
        format!("{PAGE}/file?format=pdf"),
        format!("{PAGE}/file?format=csv&thematic_area=mobilita"),
        format!("{PAGE}/rapporto?include_personal_data=true"),
        format!("{PAGE}/datapackage.json?status=approved"),
    ] {
        let response = app.console_get(&session, &path).await;
        assert_eq!(response.status(), 422, "{path}");
        assert!(
            content_type_of(&response).starts_with("text/html"),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn downloads_carry_the_filters_and_are_the_api_files() {
    let app = TestApp::spawn_with(|config| config.rate_limit_per_minute = 10_000).await;
    seed(&app).await;
    let (account, token) = app.console_account_with_token("researcher", "Ricerca Prova");
    let session = app.console_session_of(account).await;
    let form = "status=pending&thematic_area=mobilita-green&thematic_area=cultura-diffusa";
    let api = "status=pending&thematic_area=mobilita-green,cultura-diffusa";
    let (_, html) = page(&app, &session, form).await;
    assert_eq!(count_shown(&html), 2);
    let found = links(&html);
    assert_eq!(
        found.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "csv",
            "datapackage",
            "json",
            "ndjson",
            "qdc",
            "qdpx",
            "report",
            "xlsx"
        ]
    );

    for format in ["csv", "xlsx", "json", "ndjson", "qdpx", "qdc"] {
        let href = &found[format];
        assert!(
            href.starts_with(&format!("{PAGE}/file?format={format}&")),
            "{href}"
        );
        let console = app.console_get(&session, href).await;
        assert_eq!(console.status(), 200, "{href}");
        let through_api = app
            .get_as(
                &token,
                &paths::with_query(
                    paths::exports_contributions(),
                    format!("format={format}&{api}"),
                ),
            )
            .await;
        for name in ["content-type", "content-disposition", "cache-control"] {
            assert_eq!(
                header(&console, name),
                header(&through_api, name),
                "{format}: {name}"
            );
        }
        let mine = console.bytes().await.unwrap();
        let theirs = through_api.bytes().await.unwrap();
        match format {
            "xlsx" => assert_eq!(parse_xlsx(&mine), parse_xlsx(&theirs)),
            "qdpx" => {
                let sources = |bytes: &[u8]| {
                    crate::refi_qda::unzip(bytes)
                        .into_iter()
                        .filter(|(name, _)| name.starts_with("sources/"))
                        .collect::<BTreeMap<_, _>>()
                };
                assert_eq!(sources(&mine).len(), 2, "two texts");
                assert_eq!(sources(&mine), sources(&theirs));
            }
            _ => assert_eq!(mine, theirs, "{format}"),
        }
        if format == "ndjson" {
            let items = parse_ndjson(&mine);
            assert!(items.iter().all(|item| item["status"] == "pending"));
        }
    }

    let descriptor = app.console_get(&session, &found["datapackage"]).await;
    assert_eq!(descriptor.status(), 200);
    assert_eq!(
        header(&descriptor, "content-disposition").as_deref(),
        Some("attachment; filename=\"datapackage.json\"")
    );
    let mut mine: Value = descriptor.json().await.unwrap();
    let mut theirs = app.get_json_as(&token, &paths::datapackage()).await;
    mine["created"].take();
    theirs["created"].take();
    assert_eq!(mine, theirs, "the API's descriptor");

    let report_href = &found["report"];
    assert_eq!(
        report_href,
        &format!("{PAGE}/rapporto?status=pending&thematic_area=mobilita-green%2Ccultura-diffusa")
    );
    let report = app.console_get(&session, report_href).await;
    assert_eq!(report.status(), 200);
    let through_api = app
        .get_as(&token, &paths::with_query(paths::export_report(), api))
        .await;
    for name in [
        "content-type",
        "content-security-policy",
        "content-disposition",
    ] {
        assert_eq!(header(&report, name), header(&through_api, name), "{name}");
    }
    assert_eq!(
        crate::report::tables(&report.text().await.unwrap()),
        crate::report::tables(&through_api.text().await.unwrap()),
        "the report's tables"
    );
}

#[actix_web::test]
async fn personal_data_are_for_admins_and_audited_as_in_the_api() {
    let app = TestApp::spawn_with(|config| config.rate_limit_per_minute = 10_000).await;
    seed(&app).await;
    for role in ["researcher", "moderator"] {
        let session = app.console_sign_in(role).await;
        for path in [
            format!("{PAGE}?include_personal_data=true"),
            format!("{PAGE}/file?format=csv&include_personal_data=true"),
            format!("{PAGE}/datapackage.json?include_personal_data=true"),
        ] {
            let refused = app.console_get(&session, &path).await;
            assert_eq!(refused.status(), 403, "{role}: {path}");
        }
    }
    assert!(personal_export_events(&app).is_empty());

    let admin = app.console_sign_in("admin").await;
    let (status, html) = page(
        &app,
        &admin,
        "thematic_area=mobilita-green&include_personal_data=true",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"include_personal_data\" value=\"true\" aria-describedby=\"dati-personali-aiuto\" checked"));
    let found = links(&html);
    assert!(
        found["csv"].ends_with("&include_personal_data=true"),
        "{}",
        found["csv"]
    );
    assert_eq!(
        found["datapackage"],
        format!("{PAGE}/datapackage.json?include_personal_data=true")
    );
    assert!(
        !found["report"].contains("include_personal_data"),
        "no personal data in the report"
    );
    let csv = app.console_get(&admin, &found["csv"]).await;
    assert_eq!(csv.status(), 200);
    assert!(header(&csv, "content-disposition")
        .unwrap()
        .contains("rinasce-contributi-con-dati-personali-"));
    let text = String::from_utf8(csv.bytes().await.unwrap().to_vec()).unwrap();
    assert!(text
        .lines()
        .next()
        .unwrap()
        .ends_with("\"given_name\";\"family_name\";\"email\""));
    assert!(text.contains("Ermenegilda"), "the names are in it");

    let events = personal_export_events(&app);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].actor, admin.account.id.to_string());
    let details: Value = serde_json::from_str(events[0].details.as_deref().unwrap()).unwrap();
    assert_eq!(details["rows"], 2);
    assert_eq!(details["complete"], true);
    assert_eq!(
        details["filters"]["thematic_area"],
        serde_json::json!(["mobilita-green"])
    );

    let descriptor: Value = app
        .console_get(&admin, &found["datapackage"])
        .await
        .json()
        .await
        .unwrap();
    let fields = descriptor["resources"][0]["schema"]["fields"]
        .as_array()
        .unwrap();
    assert_eq!(fields.last().unwrap()["name"], "email");
}

/// Opens a console download of `session`'s and reads its answer's head,
/// then never reads again: it holds one of the account's export slots.
async fn stalled_download(
    app: &TestApp,
    session: &ConsoleSession,
) -> (tokio::net::TcpStream, String) {
    let address = app.address.trim_start_matches("http://");
    let mut stream = crate::export_limits::connect_small(app).await;
    let request = format!(
        "GET {PAGE}/file?format=ndjson HTTP/1.1\r\nHost: {address}\r\nCookie: {}\r\n\r\n",
        session.cookie_header()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = vec![0u8; 512];
    let read = stream.read(&mut head).await.unwrap();
    let head = String::from_utf8_lossy(&head[..read]);
    (stream, head.lines().next().unwrap_or_default().to_owned())
}

#[actix_web::test]
async fn console_downloads_and_api_exports_share_the_accounts_limit() {
    let app = TestApp::spawn_with(|config| config.exports_per_account = 1).await;
    crate::export_limits::seed_demo_rows(&app);
    let (account, token) = app.console_account_with_token("researcher", "Ricerca Limite");
    let session = app.console_session_of(account).await;
    let (stalled, status_line) = stalled_download(&app, &session).await;
    assert!(status_line.contains(" 200 "), "{status_line}");

    // The account's one slot is taken: through the console and the API alike.
    let refused = app
        .console_get(&session, &format!("{PAGE}/file?format=csv"))
        .await;
    assert_eq!(refused.status(), 429);
    assert_eq!(header(&refused, "retry-after").as_deref(), Some("30"));
    assert!(content_type_of(&refused).starts_with("text/html"));
    let page = refused.text().await.unwrap();
    assert!(page.contains("<h1>"), "an error page: {page}");
    let api = app.get_as(&token, &paths::exports_contributions()).await;
    let problem = assert_problem(api, 429).await;
    assert_eq!(problem["type"], "/problems/too-many-exports");

    // Another account is not affected, nor is counting.
    let other = app.console_sign_in("researcher").await;
    let theirs = app
        .console_get(&other, &format!("{PAGE}/file?format=qdc"))
        .await;
    assert_eq!(theirs.status(), 200);
    let (status, _) = self::page(&app, &session, "").await;
    assert_eq!(status, 200, "the page still counts");

    // Once the stalled client goes, the slot comes back.
    drop(stalled);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let again = app
            .console_get(&session, &format!("{PAGE}/file?format=qdc"))
            .await;
        if again.status() == 200 {
            break;
        }
        assert_eq!(again.status(), 429);
        assert!(Instant::now() < deadline, "the slot never came back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
