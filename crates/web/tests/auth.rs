//! Signing in, and that no route of the API answers without it (except signing in).

mod common;

use common::{ADMIN_PASSWORD, TestApp};
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::{Client, Method};
use serde_json::{Value, json};

/// Every operation in the OpenAPI document, with path parameters filled in, and whether the
/// document says it may be called without credentials (an empty security requirement).
async fn operations(app: &TestApp) -> Vec<(Method, String, bool)> {
    let doc = app.get("/api/v1/openapi.json").await.ok();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let m: Method = method.to_uppercase().parse().unwrap();
            let filled = path
                .replace("{id}", "1")
                .replace("{measure_id}", "1")
                .replace("{year}", "2026")
                .replace("{kind}", "problems")
                .replace("{tracking_code}", "ABCDE-FGHJK");
            let public = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(|o| o.is_empty())));
            ops.push((m, filled, public));
        }
    }
    ops
}

async fn nothing_answers_without_signing_in(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let anonymous = Client::new();
    let ops = operations(&app).await;
    assert!(ops.len() >= 35, "the document lists every route ({})", ops.len());
    let public_routes: Vec<String> = ops.iter().filter(|o| o.2).map(|o| format!("{} {}", o.0, o.1)).collect();
    let mut sorted = public_routes.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "DELETE /api/v1/session",
            // Appointments: an item's slots, a booking looked up by its code (nothing of the phone).
            "GET /api/v1/appointments/booking/ABCDE-FGHJK",
            "GET /api/v1/appointments/items/1/slots",
            // Published bulletins are public (drafts answer 404 to the public).
            "GET /api/v1/bulletins",
            "GET /api/v1/bulletins/1",
            "GET /api/v1/bulletins/1/content",
            "GET /api/v1/bulletins/1/document",
            // Search: the public finds published problems only (tests/search.rs).
            "GET /api/v1/search",
            // An applicant follows a service case by its code (nothing personal in the answer).
            "GET /api/v1/service-applications/track/ABCDE-FGHJK",
            "GET /api/v1/service-cases/track/ABCDE-FGHJK",
            // The service catalog's published items (unpublished ones answer 404).
            "GET /api/v1/services",
            "GET /api/v1/services/1",
            "GET /api/v1/track/ABCDE-FGHJK",
            // The public record of draws and audit heads (what is not yet public answers 404).
            "GET /api/v1/transparency",
            "GET /api/v1/transparency/reinspections/1/evidence",
            "GET /api/v1/transparency/rounds/1/evidence",
            "GET /healthz",
            // Booking without an account, and cancelling with the code and the phone's tail.
            "POST /api/v1/appointments",
            "POST /api/v1/appointments/booking/ABCDE-FGHJK/cancel",
            "POST /api/v1/cases",
            // Applying online for an item handled fully online, without an account.
            "POST /api/v1/service-applications",
            "POST /api/v1/session",
            "POST /api/v1/track/ABCDE-FGHJK/rating",
        ],
        "the only routes open to the public"
    );
    for (method, path, public) in ops {
        let r = app.send(&anonymous, method.clone(), &path, Some(json!({}))).await;
        if public {
            assert!(r.status.as_u16() < 500 && r.status.as_u16() != 401, "{method} {path}: {}", r.status);
        } else {
            assert_eq!(r.status.as_u16(), 401, "{method} {path} must require sign-in: {}", r.body);
        }
    }
    // A forged cookie or token is no better.
    let forged =
        app.admin.get(app.url("/api/v1/units")).header("authorization", "Bearer rtf_forged").send().await.unwrap();
    assert_eq!(forged.status().as_u16(), 401);
    let cookie =
        anonymous.get(app.url("/api/v1/units")).header("cookie", "rectify_session=forged").send().await.unwrap();
    assert_eq!(cookie.status().as_u16(), 401);
}

async fn sessions_and_tokens(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let c = Client::builder().cookie_store(true).build().unwrap();
    app.login(&c, "admin", "wrong-password").await.expect(401);
    app.login(&c, "nobody", "wrong-password").await.expect(401);
    let ok = app.login(&c, "ADMIN", ADMIN_PASSWORD).await;
    let cookie = ok.headers.get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let me = app.send(&c, Method::GET, "/api/v1/session", None).await.ok();
    assert_eq!(me["role"], "office_admin");
    app.send(&c, Method::DELETE, "/api/v1/session", None).await.expect(204);
    app.send(&c, Method::GET, "/api/v1/session", None).await.expect(401);

    // Tokens: shown once, work as bearer, carry their role.
    let unit = app.unit("区水务局", None).await;
    let t = app
        .post("/api/v1/tokens", json!({"name": "12345 热线对接", "role": "unit_clerk", "unit_id": unit}))
        .await
        .expect(201)
        .body;
    let token = t["token"].as_str().unwrap().to_owned();
    let bearer = |m: Method, p: &str, body: Option<Value>| {
        let mut r = Client::new().request(m, app.url(p)).bearer_auth(&token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send()
    };
    let r = TestApp::reply(bearer(Method::GET, "/api/v1/session", None).await.unwrap()).await.ok();
    assert_eq!(r["role"], "unit_clerk");
    TestApp::reply(bearer(Method::POST, "/api/v1/units", Some(json!({"name": "x"}))).await.unwrap()).await.expect(403);
    let own = TestApp::reply(
        bearer(Method::POST, "/api/v1/problems", Some(json!({"description": "自查问题", "unit_id": unit})))
            .await
            .unwrap(),
    )
    .await;
    own.expect(201);
    assert_eq!(
        app.post("/api/v1/tokens", json!({"name": "x", "role": "unit_clerk"})).await.expect(422).fields(),
        ["unit_id"]
    );
    assert!(!app.count_rows("api_tokens").await.to_string().is_empty());
}

async fn roles_limit_what_accounts_do(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let water = app.unit("区水务局", None).await;
    let tech = app.unit("区科技局", None).await;
    let hidden = app.problem(json!({"description": "科技局内部问题", "unit_id": tech})).await;
    let public = app.problem(json!({"description": "科技局公开问题", "unit_id": tech, "published": true})).await;
    let mine = app.problem(json!({"description": "水务局问题", "unit_id": water})).await;
    let clerk = app.user("clerk", "unit_clerk", Some(&water)).await;
    // A clerk sees their unit's problems and published ones, nothing else.
    let seen: Vec<String> = app.send(&clerk, Method::GET, "/api/v1/problems", None).await.ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["description"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(!seen.contains(&"科技局内部问题".to_owned()));
    app.send(&clerk, Method::GET, &format!("/api/v1/problems/{}", hidden["id"].as_str().unwrap()), None)
        .await
        .expect(404);
    app.send(&clerk, Method::GET, &format!("/api/v1/problems/{}", public["id"].as_str().unwrap()), None)
        .await
        .expect(200);
    // Nor may a clerk act on another unit's problem, or create accounts.
    let other = format!("/api/v1/problems/{}/transitions", public["id"].as_str().unwrap());
    app.send(&clerk, Method::POST, &other, Some(json!({"action": "start"}))).await.expect(403);
    let own = format!("/api/v1/problems/{}/transitions", mine["id"].as_str().unwrap());
    app.send(&clerk, Method::POST, &own, Some(json!({"action": "start"}))).await.expect(200);
    app.send(
        &clerk,
        Method::POST,
        "/api/v1/accounts",
        Some(json!({"username": "x", "password": "password-1", "role": "office_admin"})),
    )
    .await
    .expect(403);
    app.send(&clerk, Method::PUT, "/api/v1/settings", Some(json!({"yellow_working_days": 5}))).await.expect(403);
    app.send(&clerk, Method::POST, "/api/v1/problems", Some(json!({"description": "替别的单位登记", "unit_id": tech})))
        .await
        .expect(403);
    // Accounts: bad input named.
    for (body, field) in [
        (json!({"username": "a b", "password": "password-1", "role": "office_staff"}), "username"),
        (json!({"username": "ab", "password": "short", "role": "office_staff"}), "password"),
        (json!({"username": "ab", "password": "password-1"}), "role"),
        (json!({"username": "ab", "password": "password-1", "role": "king"}), "role"),
        (json!({"username": "admin", "password": "password-1", "role": "office_staff"}), "username"),
    ] {
        assert_eq!(app.post("/api/v1/accounts", body.clone()).await.expect(422).fields(), [field], "{body}");
    }
    let accounts = app.get("/api/v1/accounts").await.ok();
    assert!(accounts.as_array().unwrap().iter().all(|a| a.get("password_hash").is_none()));
}

on_both!(nothing_answers_without_signing_in, sessions_and_tokens, roles_limit_what_accounts_do);
