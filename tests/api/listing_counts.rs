//! The numbers beside a listing (issue 18): the queue's counts per status
//! and the public total come from the running counts for no filter or one
//! of area, quartiere, channel and author kind, and are counted one by one,
//! up to 1,000, for any other filter. Either way they are the listing's own
//! rows, which is what these tests compare them with.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::support::*;

const STATUSES: [&str; 6] = [
    "pending",
    "approved",
    "rejected",
    "spam",
    "duplicate",
    "hidden",
];

/// Every contribution the queue lists for `query`, page by page, counted
/// per status.
async fn listed_by_status(app: &TestApp, token: &str, query: &str) -> BTreeMap<String, i64> {
    let mut counts: BTreeMap<String, i64> = STATUSES.iter().map(|s| (s.to_string(), 0)).collect();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/moderation/contributions?limit=500&{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={}", urlencoding(cursor)));
        }
        let page = app.get_json_as(token, &path).await;
        for item in page["items"].as_array().unwrap() {
            *counts.get_mut(item["status"].as_str().unwrap()).unwrap() += 1;
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return counts,
        }
    }
}

fn urlencoding(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn status_counts(app: &TestApp, token: &str, query: &str) -> Value {
    app.get_json_as(
        token,
        &format!("/api/v1/moderation/contributions?limit=1&{query}"),
    )
    .await["status_counts"]
        .clone()
}

/// The queue's counts for `query` are the statuses of the rows it lists.
async fn assert_counts_match_rows(app: &TestApp, token: &str, query: &str) {
    let listed = listed_by_status(app, token, query).await;
    let counts = status_counts(app, token, query).await;
    for status in STATUSES {
        assert_eq!(
            counts[status].as_i64(),
            Some(listed[status]),
            "{status} for ?{query}: {counts}"
        );
    }
}

/// Demo rows spread over every area, quartiere, channel, author kind,
/// status and tag.
fn seed(app: &TestApp, count: u32) {
    app.run_command(&["demo-data", "--count", &count.to_string(), "--seed", "18"]);
}

const FILTERS: [&str; 11] = [
    "",
    "thematic_area=mobilita-green",
    "thematic_area=mobilita-green,cultura-diffusa",
    "quartiere=3",
    "channel=paper",
    "author_kind=cultural_association,trade_association",
    // Counted one by one: none of these is a running count.
    "thematic_area=mobilita-green&quartiere=2",
    "channel=form&author_kind=citizen",
    "tag=periferie",
    "q=quartiere",
    "received_from=2000-01-01T00:00:00Z",
];

#[actix_web::test]
async fn the_queue_counts_are_the_statuses_of_the_rows_it_lists_after_every_change() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    seed(&app, 150);
    // In mobilita-green and quartiere 2, as the example is.
    let submitted = app.submit_ok(&example_submission()).await;
    let id = submitted["id"].as_str().unwrap();
    for filter in FILTERS {
        assert_counts_match_rows(&app, &moderator, filter).await;
    }

    // The status filter itself is left out of the counts, so that every
    // tab shows its number.
    assert_eq!(
        status_counts(&app, &moderator, "status=pending&quartiere=1").await,
        status_counts(&app, &moderator, "quartiere=1").await
    );
    assert_eq!(
        status_counts(&app, &moderator, "status=spam&q=quartiere").await,
        status_counts(&app, &moderator, "q=quartiere").await
    );

    // A status change and a change of area move the counts of both sides.
    app.moderate(
        id,
        json!({"status": "approved", "thematic_area": "cultura-diffusa"}),
    )
    .await;
    app.set_status(id, "hidden").await;
    for filter in FILTERS {
        assert_counts_match_rows(&app, &moderator, filter).await;
    }

    // Removing the demo data takes its counts away.
    app.run_command(&["demo-data", "--remove"]);
    let counts = status_counts(&app, &moderator, "").await;
    assert_eq!(counts["hidden"], 1, "{counts}");
    assert_eq!(
        STATUSES
            .iter()
            .map(|s| counts[s].as_i64().unwrap())
            .sum::<i64>(),
        1,
        "{counts}"
    );
    assert_counts_match_rows(&app, &moderator, "thematic_area=cultura-diffusa").await;

    let verified = app.run_command(&["indicators", "--verify"]);
    assert!(!verified.contains("differ"), "{verified}");
}

#[actix_web::test]
async fn the_public_total_is_the_number_of_published_rows_for_every_filter() {
    let app = TestApp::spawn().await;
    seed(&app, 150);
    for query in [
        "",
        "thematic_area=mobilita-green",
        "quartiere=4",
        "thematic_area=mobilita-green&quartiere=4",
        "q=quartiere",
    ] {
        let mut listed = 0;
        let mut path = format!("/api/v1/contributions?limit=100&{query}");
        let first = app.get_json(&path).await;
        let mut page = first.clone();
        loop {
            listed += page["items"].as_array().unwrap().len() as i64;
            let Some(next) = page["next_cursor"].as_str() else {
                break;
            };
            path = format!(
                "/api/v1/contributions?limit=100&{query}&cursor={}",
                urlencoding(next)
            );
            page = app.get_json(&path).await;
        }
        assert_eq!(first["total"], listed, "?{query}");
        assert_eq!(first["total_exact"], true, "?{query}");
    }
}

/// Every row a listing gives, page by page, in order: `(id, sort key)`.
async fn every_row(app: &TestApp, token: &str, path: &str, key: &str) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let mut page = app.get_json_as(token, path).await;
    loop {
        for item in page["items"].as_array().unwrap() {
            rows.push((
                item["id"].as_str().unwrap().to_owned(),
                item[key].as_str().unwrap().to_owned(),
            ));
        }
        let Some(next) = page["next_cursor"].as_str() else {
            return rows;
        };
        page = app
            .get_json_as(token, &format!("{path}&cursor={}", urlencoding(next)))
            .await;
    }
}

#[actix_web::test]
async fn more_than_a_thousand_matches_of_an_uncounted_filter_are_not_counted_one_by_one() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    seed(&app, 2_100);

    // A running count answers however many match.
    let counts = status_counts(&app, &moderator, "").await;
    let total: i64 = STATUSES.iter().map(|s| counts[s].as_i64().unwrap()).sum();
    assert_eq!(total, 2_100, "{counts}");

    // Filters keeping more than 1,000 are listed by walking the order: every
    // row once, in order, however the filters are written for the backend.
    let areas = app.get_json(&paths::thematic_areas()).await;
    let every_area: Vec<&str> = areas["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|area| area["code"].as_str().unwrap())
        .collect();
    for filter in [
        format!("thematic_area={}", every_area.join(",")),
        format!("status={}", STATUSES.join(",")),
        "channel=form,event,email,paper&sort=-received_at".to_owned(),
    ] {
        let path = format!("/api/v1/moderation/contributions?limit=500&{filter}");
        let rows = every_row(&app, &moderator, &path, "received_at").await;
        assert_eq!(rows.len(), 2_100, "?{filter}");
        let mut ids: Vec<&String> = rows.iter().map(|(id, _)| id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 2_100, "each once, ?{filter}");
        let times: Vec<&String> = rows.iter().map(|(_, at)| at).collect();
        let mut sorted = times.clone();
        sorted.sort();
        if filter.contains("-received_at") {
            sorted.reverse();
        }
        assert_eq!(times, sorted, "in order, ?{filter}");
    }
    let public = app.get_json("/api/v1/contributions?limit=1").await;
    assert_eq!(public["total_exact"], true);
    let approved = public["total"].as_i64().unwrap();
    assert!(approved > 1_000, "{approved} published");
    let published = every_row(
        &app,
        &moderator,
        "/api/v1/contributions?limit=500",
        "published_at",
    )
    .await;
    assert_eq!(published.len() as i64, approved);

    // Dates are not a running count: more than 1,000 match, so no numbers.
    let since = "received_from=2000-01-01T00:00:00Z";
    let page = app
        .get_json_as(
            &moderator,
            &format!("/api/v1/moderation/contributions?limit=3&{since}"),
        )
        .await;
    assert_eq!(page["status_counts"], Value::Null, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    // Within a status, the same filter counts its rows again.
    assert_counts_match_rows(&app, &moderator, &format!("{since}&quartiere=5")).await;

    // The console says so instead of showing numbers.
    let anna = app.console_sign_in("moderator").await;
    let html = app
        .console_get(&anna, &format!("/console/coda?{since}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("tutti gli stati: <strong>più di 1.000</strong>"),
        "{html}"
    );
    assert!(
        html.contains("class=\"conteggio-pending\">in attesa</a>"),
        "{html}"
    );
    let html = app
        .console_get(&anna, "/console/coda")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("tutti gli stati: <strong>2.100</strong>"),
        "{html}"
    );
}

/// The ids a listing gives, page by page, sorted.
async fn ids_of(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let mut ids: Vec<String> = every_row(app, token, path, "id")
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    ids.sort();
    ids
}

#[actix_web::test]
async fn searches_and_tags_matching_more_than_a_thousand_list_the_same_rows_as_few_would() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    seed(&app, 2_100);

    // Each of these matches more than 1,000 rows in the title and text
    // ("potrebbe"), in the authors' e-mail addresses ("example") or both,
    // so the queue walks its order checking each row. Ordered by relevance
    // it lists the full-text index's own matches: the same rows.
    for q in [
        "potrebbe",
        "example",
        "potrebbe%20example",
        "%22example%20com%22",
    ] {
        let queue = format!("/api/v1/moderation/contributions?q={q}");
        let first = app
            .get_json_as(&moderator, &format!("{queue}&limit=1"))
            .await;
        let walked = format!("{queue}&limit=500");
        let ranked = ids_of(&app, &moderator, &format!("{walked}&sort=relevance")).await;
        if ranked.len() > 1_000 {
            assert_eq!(first["status_counts"], Value::Null, "q={q}: {first}");
        }
        let rows = every_row(&app, &moderator, &walked, "received_at").await;
        let times: Vec<&String> = rows.iter().map(|(_, at)| at).collect();
        let mut sorted = times.clone();
        sorted.sort();
        assert_eq!(times, sorted, "in order, q={q}");
        let mut ids: Vec<String> = rows.into_iter().map(|(id, _)| id).collect();
        ids.sort();
        assert_eq!(ids, ranked, "q={q}");
    }
    let matched = ids_of(
        &app,
        &moderator,
        "/api/v1/moderation/contributions?limit=500&q=potrebbe&sort=relevance",
    )
    .await;
    assert!(matched.len() > 1_000, "{} match potrebbe", matched.len());

    // A tag on 1,100 rows: walked too, every tagged row once.
    let all = ids_of(
        &app,
        &moderator,
        "/api/v1/moderation/contributions?limit=500",
    )
    .await;
    let tagged: Vec<String> = all.iter().step_by(2).cloned().collect();
    assert_eq!(tagged.len(), 1_050);
    for ids in tagged.chunks(500) {
        let action = json!({"ids": ids, "add_tags": ["cantieri aperti"]});
        let response = app
            .post_json_as(&moderator, &paths::bulk_actions(), &action)
            .await;
        assert_eq!(response.status(), 200);
    }
    let queue = "/api/v1/moderation/contributions?sort=-received_at&tag=cantieri-aperti";
    let first = app
        .get_json_as(&moderator, &format!("{queue}&limit=1"))
        .await;
    assert_eq!(first["status_counts"], Value::Null, "{first}");
    let path = format!("{queue}&limit=500");
    assert_eq!(ids_of(&app, &moderator, &path).await, tagged);
    let times: Vec<String> = every_row(&app, &moderator, &path, "received_at")
        .await
        .into_iter()
        .map(|(_, at)| at)
        .collect();
    let mut newest_first = times.clone();
    newest_first.sort();
    newest_first.reverse();
    assert_eq!(times, newest_first, "newest first, ?{path}");
    let either = format!("{queue},periferie&limit=500");
    let with_periferie = ids_of(&app, &moderator, &either).await;
    assert!(
        with_periferie.len() > tagged.len(),
        "{}",
        with_periferie.len()
    );
}
