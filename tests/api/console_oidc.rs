//! Console sign-in with the Comune's identity provider across server
//! processes (issue 13 §1): a sign-in begun on one server is finished by
//! another on the same database, as behind a load balancer. A begun flow is
//! stored by the hash of its state, spent by the first answer naming it,
//! bound to the browser that began it, and expires.

use diesel::prelude::*;
use rinasce::db::oidc_flows::OidcFlowRow;
use rinasce::db::schema::oidc_flows;
use rinasce::domain::staff::token_hash;

use crate::support::oidc_provider::MockProvider;
use crate::support::*;

/// A sign-in begun in a browser and answered by the provider: the
/// callback's path and query, and the flow cookie the browser holds.
struct Begun {
    callback: String,
    state: String,
    flow_cookie: String,
}

/// The value of the cookie `name` the response sets.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix(&format!("{name}=")))
        .map(|rest| rest.split(';').next().unwrap().to_owned())
        .filter(|value| !value.is_empty())
}

/// Clicks "Accedi con l'identità del Comune" on `app` and lets the provider
/// answer; the callback is not followed.
async fn begin(app: &TestApp) -> Begun {
    let response = app.get("/console/accesso/comune").await;
    assert_eq!(response.status(), 303, "sent to the provider");
    let authorize = header(&response, "location").unwrap();
    let flow_cookie = set_cookie(&response, "rinasce_oidc").expect("a flow cookie");
    let answer = app.client.get(&authorize).send().await.unwrap();
    assert_eq!(answer.status(), 302, "the provider answers");
    let back = header(&answer, "location").unwrap();
    let callback = back[back.find("/console/").unwrap()..].to_owned();
    let state = back.split("state=").nth(1).unwrap().to_owned();
    Begun {
        callback,
        state,
        flow_cookie,
    }
}

/// The provider's answer reaching `app`, from a browser holding `cookie`.
async fn finish(app: &TestApp, begun: &Begun, cookie: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(&begun.callback));
    if let Some(cookie) = cookie {
        request = request.header("Cookie", format!("rinasce_oidc={cookie}"));
    }
    request.send().await.unwrap()
}

fn stored_flows(app: &TestApp) -> Vec<OidcFlowRow> {
    app.db
        .read_blocking(|conn| {
            Ok::<_, rinasce::db::DbError>(
                oidc_flows::table
                    .select(oidc_flows::all_columns)
                    .load::<OidcFlowRow>(conn)?,
            )
        })
        .unwrap()
}

/// Two servers on one database, both configured for the provider.
async fn two_servers(provider: &MockProvider) -> (TestApp, TestApp) {
    let first = TestApp::spawn_with(|config| config.oidc = Some(provider.config())).await;
    let second = first
        .spawn_on_same_database(|config| config.oidc = Some(provider.config()))
        .await;
    (first, second)
}

#[actix_web::test]
async fn a_sign_in_begun_on_one_server_is_finished_by_another_on_the_same_database() {
    let provider = MockProvider::start().await;
    let (first, second) = two_servers(&provider).await;
    let anna = first.console_account("moderator", "Anna Bianchi");
    provider.vouch_for(&anna.email);

    let begun = begin(&first).await;
    // Only the hash of the state is stored, with the browser's cookie hashed.
    let flows = stored_flows(&first);
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0].state_hash, token_hash(&begun.state));
    assert_eq!(flows[0].browser_hash, token_hash(&begun.flow_cookie));
    assert_eq!(flows[0].next_path, "/console/");

    let response = finish(&second, &begun, Some(&begun.flow_cookie)).await;
    assert_eq!(response.status(), 200);
    let session = set_cookie(&response, "rinasce_sessione").expect("a session");
    assert_eq!(
        provider.exchanged(),
        1,
        "the PKCE verifier reached the provider"
    );
    assert!(stored_flows(&first).is_empty(), "the flow is spent");

    // The session works on both servers.
    for app in [&first, &second] {
        let home = app
            .client
            .get(app.url("/console/"))
            .header("Cookie", format!("rinasce_sessione={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(home.status(), 200);
        assert!(home.text().await.unwrap().contains("Anna Bianchi"));
    }
    let admin = first.admin().await;
    let log = first
        .get_json_as(
            &admin,
            &paths::with_query(paths::audit_log(), "action=console_signed_in"),
        )
        .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{log}");
    assert_eq!(items[0]["to"], "oidc");
    assert_eq!(items[0]["actor"], anna.id.to_string());
}

#[actix_web::test]
async fn a_begun_sign_in_is_spent_once_bound_to_its_browser_and_expires() {
    let provider = MockProvider::start().await;
    let (first, second) = two_servers(&provider).await;
    let anna = first.console_account("moderator", "Anna Bianchi");
    provider.vouch_for(&anna.email);
    let refused = |response: reqwest::Response| async move {
        assert_eq!(response.status(), 403);
        assert!(set_cookie(&response, "rinasce_sessione").is_none());
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Accesso non riuscito"));
    };

    // Another browser's answer (no cookie, or another's) spends the flow.
    let begun = begin(&first).await;
    let other = begin(&first).await;
    refused(finish(&second, &begun, None).await).await;
    refused(finish(&second, &begun, Some(&begun.flow_cookie)).await).await;
    refused(finish(&first, &other, Some(&begun.flow_cookie)).await).await;
    refused(finish(&first, &other, Some(&other.flow_cookie)).await).await;
    assert_eq!(provider.exchanged(), 0, "no code was exchanged");

    // A sign-in that went through cannot be replayed on either server.
    let begun = begin(&second).await;
    let response = finish(&first, &begun, Some(&begun.flow_cookie)).await;
    assert_eq!(response.status(), 200);
    refused(finish(&second, &begun, Some(&begun.flow_cookie)).await).await;
    refused(finish(&first, &begun, Some(&begun.flow_cookie)).await).await;

    // After ten minutes the flow is gone.
    let begun = begin(&first).await;
    first
        .db
        .write_blocking(|conn| {
            diesel::update(oidc_flows::table)
                .set(oidc_flows::expires_at.eq(chrono::Utc::now().naive_utc()))
                .execute(conn)?;
            Ok::<_, rinasce::db::DbError>(())
        })
        .unwrap();
    refused(finish(&second, &begun, Some(&begun.flow_cookie)).await).await;
    assert_eq!(provider.exchanged(), 1);
}
