//! The queue page's counts per status (issue 13 §2): for the other filters,
//! each a link to the queue of that status alone, the other filters kept.

use serde_json::json;

use crate::support::*;

/// The link of one count on a queue page: its address (unescaped) and the
/// number it shows. `code` is a status, or `None` for the total.
fn count_link(html: &str, code: Option<&str>) -> (String, i64) {
    let list = &html[html.find("<ul class=\"conteggi\">").expect("the counts")..];
    let list = &list[..list.find("</ul>").unwrap()];
    let item = list
        .split("<li>")
        .skip(1)
        .find(|item| match code {
            Some(code) => item.contains(&format!("class=\"conteggio-{code}\"")),
            None => !item.contains("class=\"conteggio-"),
        })
        .unwrap_or_else(|| panic!("no count for {code:?} in {list}"));
    let href = item.split("href=\"").nth(1).unwrap();
    let href = href[..href.find('"').unwrap()].replace("&#38;", "&");
    let number = item.split("<strong>").nth(1).unwrap();
    let number = number[..number.find("</strong>").unwrap()].parse().unwrap();
    (href, number)
}

fn is_current(html: &str, code: &str) -> bool {
    let marker = format!("class=\"conteggio-{code}\"");
    let at = html.find(&marker).expect("the count");
    let tag_start = html[..at].rfind("<a ").unwrap();
    html[tag_start..at].contains("aria-current=\"page\"")
}

async fn submit_in(app: &TestApp, area: &str) -> String {
    let receipt = app
        .submit_ok(&with(example_submission(), "thematic_area", json!(area)))
        .await;
    receipt["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn the_queue_counts_each_status_for_its_other_filters_and_links_to_it() {
    let app = TestApp::spawn().await;
    let anna = app.console_sign_in("moderator").await;
    let mut green = Vec::new();
    for _ in 0..5 {
        green.push(submit_in(&app, "mobilita-green").await);
    }
    app.publish(&green[0]).await;
    app.set_status(&green[1], "rejected").await;
    app.set_status(&green[2], "spam").await;
    // Another area: counted only without the area filter.
    let elsewhere = submit_in(&app, "cultura-diffusa").await;
    app.publish(&elsewhere).await;

    let response = app
        .console_get(
            &anna,
            "/console/coda?thematic_area=mobilita-green&status=pending",
        )
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let expected = [
        ("pending", 2),
        ("approved", 1),
        ("rejected", 1),
        ("spam", 1),
        ("duplicate", 0),
        ("hidden", 0),
    ];
    for (code, count) in expected {
        let (href, shown) = count_link(&html, Some(code));
        assert_eq!(shown, count, "{code}");
        assert_eq!(
            href,
            format!("/console/coda?thematic_area=mobilita-green&status={code}"),
            "the link keeps the area and names the status alone"
        );
    }
    assert_eq!(
        count_link(&html, None),
        ("/console/coda?thematic_area=mobilita-green".to_owned(), 5)
    );
    assert!(is_current(&html, "pending") && !is_current(&html, "approved"));

    // Following a count: the queue of that status, the area kept.
    let (href, _) = count_link(&html, Some("approved"));
    let html = app.console_get(&anna, &href).await.text().await.unwrap();
    let rows = html.matches("class=\"riga-link\"").count();
    assert_eq!(rows, 1, "one approved in the area: {html}");
    assert!(is_current(&html, "approved"));

    // Without filters, every area counts; two statuses chosen mark none.
    let html = app
        .console_get(&anna, "/console/coda?status=pending&status=spam")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(count_link(&html, Some("approved")).1, 2);
    assert_eq!(count_link(&html, None).1, 6);
    assert!(!is_current(&html, "pending") && !is_current(&html, "spam"));
}

#[actix_web::test]
async fn the_count_links_keep_search_and_order_and_invalid_filters_show_none() {
    let app = TestApp::spawn().await;
    let anna = app.console_sign_in("moderator").await;
    submit_in(&app, "mobilita-green").await;
    // A filter that cannot be read counts nothing: no numbers are shown.
    let response = app.console_get(&anna, "/console/coda?quartiere=9").await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(!html.contains("class=\"conteggi\""), "{html}");
    let html = app
        .console_get(&anna, "/console/coda?q=piste&sort=-received_at&vuota=1")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        count_link(&html, Some("pending")),
        (
            "/console/coda?q=piste&sort=-received_at&status=pending".to_owned(),
            1
        )
    );
}
