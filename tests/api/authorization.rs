//! Who may call which staff route: bearer tokens, roles, deactivated accounts.

use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};

/// A role of the matrix, or the lack of a valid token.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    NoToken,
    BadToken,
    BasicAuth,
    Moderator,
    Researcher,
    Admin,
}

/// Which roles a route admits.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Allowed {
    Moderators,
    Admins,
}

/// A request body made fresh for each call, with its content type.
type BodyMaker = Box<dyn Fn(usize) -> (Value, &'static str)>;

struct Route {
    method: Method,
    path: String,
    allowed: Allowed,
    /// The status an allowed caller gets with this request.
    success: u16,
    /// A body made fresh for each call (codes and e-mails must be unique).
    body: Option<BodyMaker>,
    if_match: bool,
}

fn route(method: Method, path: String, allowed: Allowed, success: u16) -> Route {
    Route {
        method,
        path,
        allowed,
        success,
        body: None,
        if_match: false,
    }
}

impl Route {
    fn with_body(mut self, body: impl Fn(usize) -> (Value, &'static str) + 'static) -> Route {
        self.body = Some(Box::new(body));
        self
    }

    fn with_if_match(mut self) -> Route {
        self.if_match = true;
        self
    }
}

fn offline_contribution() -> Value {
    json!({
        "channel": "paper",
        "thematic_area": "cultura-diffusa",
        "title": "Biblioteche aperte la domenica",
        "body": "Lettera consegnata all'URP: aprire le biblioteche di quartiere la domenica.",
        "author": {"kind": "citizen"}
    })
}

#[actix_web::test]
async fn every_staff_route_checks_the_token_and_the_role() {
    let app = TestApp::spawn().await;
    let id = app.submit_ok(&example_submission()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let moderator = app.moderator().await;
    let researcher = app.researcher().await;
    let admin = app.admin().await;
    // An account that admins deactivate during the matrix (again and again).
    let created = app
        .post_json_as(
            &admin,
            &paths::admin_staff(),
            &json!({"email": "uscente@comune.example.org", "name": "Uscente", "role": "moderator"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let leaving: Value = created.json().await.unwrap();
    let leaving = leaving["id"].as_str().unwrap().to_owned();

    let contribution = paths::moderation_contribution(&id);
    let routes = vec![
        route(
            Method::GET,
            paths::moderation_contributions(),
            Allowed::Moderators,
            200,
        ),
        route(
            Method::POST,
            paths::moderation_contributions(),
            Allowed::Moderators,
            201,
        )
        .with_body(|_| (offline_contribution(), "application/json")),
        route(Method::GET, contribution.clone(), Allowed::Moderators, 200),
        route(Method::PATCH, contribution.clone(), Allowed::Moderators, 200)
            .with_body(|n| {
                (
                    json!({"tags": [format!("giro-{n}")]}),
                    "application/merge-patch+json",
                )
            })
            .with_if_match(),
        route(
            Method::POST,
            format!("{contribution}/notes"),
            Allowed::Moderators,
            201,
        )
        .with_body(|n| (json!({"text": format!("Nota {n}")}), "application/json")),
        route(
            Method::GET,
            format!("{contribution}/history"),
            Allowed::Moderators,
            200,
        ),
        route(
            Method::GET,
            format!("{contribution}/similar"),
            Allowed::Moderators,
            200,
        ),
        route(
            Method::POST,
            paths::bulk_actions(),
            Allowed::Moderators,
            200,
        )
        .with_body({
            let id = id.clone();
            move |_| (json!({"ids": [id], "add_tags": ["massivo"]}), "application/json")
        }),
        route(
            Method::GET,
            paths::tags(),
            Allowed::Moderators,
            200,
        ),
        route(Method::GET, paths::admin_staff(), Allowed::Admins, 200),
        route(Method::POST, paths::admin_staff(), Allowed::Admins, 201).with_body(|n| {
            (
                json!({"email": format!("nuovo-{n}@comune.example.org"), "name": "Nuovo", "role": "researcher"}),
                "application/json",
            )
        }),
        route(
            Method::DELETE,
            paths::admin_staff_member(&leaving),
            Allowed::Admins,
            200,
        ),
        route(
            Method::POST,
            paths::admin_thematic_areas(),
            Allowed::Admins,
            201,
        )
        .with_body(|n| {
            (
                json!({"code": format!("area-{n}"), "name": format!("Area {n}")}),
                "application/json",
            )
        }),
        route(
            Method::PATCH,
            paths::admin_thematic_area("cultura-diffusa"),
            Allowed::Admins,
            200,
        )
        .with_body(|n| {
            (
                json!({"description": format!("Descrizione {n}")}),
                "application/merge-patch+json",
            )
        }),
        route(
            Method::GET,
            paths::audit_log(),
            Allowed::Admins,
            200,
        ),
    ];

    let callers = [
        Caller::NoToken,
        Caller::BadToken,
        Caller::BasicAuth,
        Caller::Moderator,
        Caller::Researcher,
        Caller::Admin,
    ];
    let mut calls = 0;
    for route in &routes {
        for caller in callers {
            calls += 1;
            let mut request = app
                .client
                .request(route.method.clone(), app.url(&route.path));
            request = match caller {
                Caller::NoToken => request,
                Caller::BadToken => request.bearer_auth("rf_notarealtoken"),
                Caller::BasicAuth => request.header("Authorization", "Basic YWRtaW46YWRtaW4="),
                Caller::Moderator => request.bearer_auth(&moderator),
                Caller::Researcher => request.bearer_auth(&researcher),
                Caller::Admin => request.bearer_auth(&admin),
            };
            if let Some(body) = &route.body {
                let (body, content_type) = body(calls);
                request = request
                    .header("Content-Type", content_type)
                    .body(body.to_string());
            }
            if route.if_match {
                // If-Match is strict: the ETag as read now.
                let current = app.get_as(&admin, &route.path).await;
                request = request.header("If-Match", header(&current, "etag").expect("an ETag"));
            }
            let response = request.send().await.unwrap();
            let what = format!("{} {} as {caller:?}", route.method, route.path);
            match caller {
                Caller::NoToken | Caller::BadToken | Caller::BasicAuth => {
                    assert_eq!(response.status(), 401, "{what}");
                    let challenge = response
                        .headers()
                        .get("www-authenticate")
                        .map(|v| v.to_str().unwrap().to_owned())
                        .unwrap_or_default();
                    assert!(challenge.starts_with("Bearer"), "{what}: {challenge:?}");
                    assert_problem(response, 401).await;
                }
                Caller::Researcher => {
                    assert_eq!(response.status(), 403, "{what}");
                    assert_problem(response, 403).await;
                }
                Caller::Moderator if route.allowed == Allowed::Admins => {
                    assert_eq!(response.status(), 403, "{what}");
                    assert_problem(response, 403).await;
                }
                Caller::Moderator | Caller::Admin => {
                    let status = response.status().as_u16();
                    let text = response.text().await.unwrap();
                    assert_eq!(status, route.success, "{what}: {text}");
                }
            }
        }
    }
    assert_eq!(calls, 15 * 6);
}

#[actix_web::test]
async fn a_deactivated_account_is_refused_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut accounts = Vec::new();
    for (email, role) in [
        ("moderatrice@comune.example.org", "moderator"),
        ("amministratore@comune.example.org", "admin"),
    ] {
        let response = app
            .post_json_as(
                &admin,
                &paths::admin_staff(),
                &json!({"email": email, "name": "Da disattivare", "role": role}),
            )
            .await;
        assert_eq!(response.status(), 201);
        let account: Value = response.json().await.unwrap();
        accounts.push((
            account["id"].as_str().unwrap().to_owned(),
            account["token"].as_str().unwrap().to_owned(),
        ));
    }
    let probes = [&paths::moderation_contributions(), &paths::tags()];
    for (id, token) in &accounts {
        for path in probes {
            let response = app.get_as(token, path).await;
            assert_eq!(response.status(), 200, "{path} before deactivation");
        }
        let response = app.delete_as(&admin, &paths::admin_staff_member(id)).await;
        assert_eq!(response.status(), 200);
        for path in probes {
            let response = app.get_as(token, path).await;
            assert!(
                response
                    .headers()
                    .get("www-authenticate")
                    .is_some_and(|v| v.to_str().unwrap().starts_with("Bearer")),
                "{path}"
            );
            assert_problem(response, 401).await;
        }
    }
    // The deactivated admin can no longer manage staff either.
    let (_, deactivated_admin) = &accounts[1];
    let response = app.get_as(deactivated_admin, &paths::admin_staff()).await;
    assert_problem(response, 401).await;
}

#[actix_web::test]
async fn malformed_authorization_headers_are_unauthorized() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let path = app.url(&paths::moderation_contributions());
    for header in [
        format!("Basic {moderator}"),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        format!("Token {moderator}"),
        format!("Bearer {moderator}x"),
        format!("Bearer {}", "a".repeat(300)),
    ] {
        let response = app
            .client
            .get(&path)
            .header("Authorization", &header)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{header}");
        assert_problem(response, 401).await;
    }
    // The scheme is case-insensitive (RFC 9110 §11.1).
    let response = app
        .client
        .get(&path)
        .header("Authorization", format!("bearer {moderator}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
