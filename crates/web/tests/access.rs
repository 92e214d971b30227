//! Access on both databases: sign-in throttling (an account is held after five failures in
//! fifteen minutes, even with the right password; others are not; time lets it in again), API
//! tokens listed and revoked, and signing out everywhere.

mod common;

use common::{ADMIN_PASSWORD, TestApp, hidden};
use rectify_store::Backend;
use rectify_store::on_both;
use rectify_web::WebConfig;
use reqwest::redirect::Policy;
use reqwest::{Client, Method};
use serde_json::json;

async fn failed_sign_ins_hold_the_account_for_a_while(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let other = app.user("clerk", "office_staff", None).await;
    drop(other);
    let c = Client::builder().cookie_store(true).build().unwrap();
    for _ in 0..5 {
        app.login(&c, "admin", "wrong-password").await.expect(401);
    }
    let held = app.login(&c, "admin", ADMIN_PASSWORD).await.expect(429);
    let retry: u64 = held.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((890..=900).contains(&retry), "retry after about 15 minutes: {retry}");
    // Another account from the same address is not held (an office shares one address).
    app.login(&c, "clerk", "password-123").await.expect(200);

    // Fifteen minutes later the account may try again, and a success clears its count.
    app.clock.set(common::monday() + chrono::Duration::minutes(16));
    app.login(&c, "admin", ADMIN_PASSWORD).await.expect(200);
    for _ in 0..4 {
        app.login(&c, "admin", "wrong-password").await.expect(401);
    }
    app.login(&c, "admin", ADMIN_PASSWORD).await.expect(200);
}

async fn tokens_are_revoked_and_sessions_end_everywhere(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let made = app
        .post("/api/v1/tokens", serde_json::json!({"name": "12345 热线对接", "role": "office_staff"}))
        .await
        .expect(201);
    let (id, secret) = (made.id(), made.body["token"].as_str().unwrap().to_owned());
    let bearer = |path: &str| Client::new().get(app.url(path)).bearer_auth(&secret).send();
    assert_eq!(bearer("/api/v1/units").await.unwrap().status(), 200);
    let listed = app.get("/api/v1/tokens").await.ok();
    assert_eq!(listed[0]["name"], "12345 热线对接");
    assert!(!listed.to_string().contains(&secret), "the secret is shown once only");
    let revoked = app.send(&app.admin, reqwest::Method::DELETE, &format!("/api/v1/tokens/{id}"), None).await.ok();
    assert_eq!(revoked["revoked"], true);
    assert_eq!(bearer("/api/v1/units").await.unwrap().status(), 401, "refused from the next request on");

    // Two devices; signing out everywhere from one ends the other too.
    let (phone, desk) =
        (app.user("clerk", "office_staff", None).await, Client::builder().cookie_store(true).build().unwrap());
    app.login(&desk, "clerk", "password-123").await.expect(200);
    assert_eq!(
        app.send(&phone, reqwest::Method::GET, "/api/v1/tokens", None).await.status,
        403,
        "staff do not manage tokens"
    );
    app.send(&phone, reqwest::Method::DELETE, "/api/v1/session?everywhere=true", None).await.expect(204);
    app.send(&desk, reqwest::Method::GET, "/api/v1/session", None).await.expect(401);
    app.get("/api/v1/session").await.expect(200);
}

/// The page header's "sign out everywhere" ends the account's other sessions too.
async fn the_header_signs_out_everywhere(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let other = Client::builder().cookie_store(true).build().unwrap();
    app.login(&other, "admin", ADMIN_PASSWORD).await.expect(200);
    let page = app.admin.get(app.url("/app")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-action=\"logout-everywhere\""));
    let csrf = hidden(&page, "_csrf");
    let form = [("_csrf", csrf.as_str()), ("everywhere", "true")];
    let r = app.admin.post(app.url("/logout")).form(&form).send().await.unwrap();
    assert!(r.status().is_success() || r.status().is_redirection());
    for c in [&app.admin, &other] {
        let r = c.get(app.url("/api/v1/session")).send().await.unwrap();
        assert_eq!(r.status(), 401, "every session ended");
    }
}

/// Text bodies (JSON, forms without files) stop at 1 MiB; uploads keep their 10 MB.
async fn text_bodies_are_held_to_a_megabyte(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("宁海县教育局", None).await;
    let huge = "很".repeat(700_000); // 2.1 MB of UTF-8
    // Refused without reading it all: the client sees 413, or the connection closed while it was
    // still sending.
    let refused = |r: reqwest::Result<reqwest::Response>| match r {
        Ok(resp) => assert_eq!(resp.status(), 413),
        Err(e) => assert!(!e.is_timeout() && !e.is_decode(), "{e}"),
    };
    let body = serde_json::json!({"description": huge, "unit_id": unit});
    refused(app.admin.post(app.url("/api/v1/problems")).json(&body).send().await);
    assert_eq!(app.count_rows("problems").await, 0, "nothing written");
    refused(app.admin.post(app.url("/login")).form(&[("username", "admin"), ("password", huge.as_str())]).send().await);
    let mut photo = common::PNG.to_vec();
    photo.resize(3 * 1024 * 1024, 0);
    let part = reqwest::multipart::Part::bytes(photo).file_name("现场.png");
    let resp =
        app.admin.post(app.url("/api/v1/attachments")).multipart(reqwest::multipart::Form::new().part("file", part));
    assert_eq!(resp.send().await.unwrap().status(), 201, "a 3 MB photo is still taken");
}

/// A sign-in over the API from `address` as `X-Forwarded-For` says.
async fn sign_in_from(app: &TestApp, address: &str, password: &str) -> common::Reply {
    let body = json!({"username": "admin", "password": password});
    let resp = Client::new().post(app.url("/api/v1/session")).header("x-forwarded-for", address).json(&body);
    TestApp::reply(resp.send().await.unwrap()).await
}

/// Five wrong passwords hold the account for the address they came from only: the owner signs
/// in from elsewhere. Behind a trusted proxy the address is the one `X-Forwarded-For` gives;
/// from any other peer that header is the client's own say-so and changes nothing.
async fn a_lockout_holds_only_the_address_it_came_from(backend: Backend) {
    let (attacker, owner) = ("203.0.113.7", "198.51.100.9");
    // Not behind a proxy: every request is the test's own address, whatever the header says.
    let Some(app) = TestApp::spawn(backend).await else { return };
    for _ in 0..5 {
        sign_in_from(&app, attacker, "wrong-password").await.expect(401);
    }
    sign_in_from(&app, owner, ADMIN_PASSWORD).await.expect(429);
    drop(app);

    let trusted = vec!["127.0.0.1/32".parse().unwrap()];
    let config = WebConfig { submit_per_minute: 10_000, trusted_proxies: trusted, ..WebConfig::default() };
    let Some(app) = TestApp::spawn_with(backend, config).await else { return };
    for _ in 0..5 {
        sign_in_from(&app, attacker, "wrong-password").await.expect(401);
    }
    sign_in_from(&app, attacker, ADMIN_PASSWORD).await.expect(429);
    sign_in_from(&app, owner, ADMIN_PASSWORD).await.expect(200);
    // Only the nearest hop a trusted proxy vouches for counts: a forged entry left of it does not.
    sign_in_from(&app, &format!("{owner}, {attacker}"), ADMIN_PASSWORD).await.expect(429);
}

/// After signing in the form goes only to a path of this site, however `next` is written, and
/// always with a `Location`; another site cannot post the form (login CSRF).
async fn signing_in_stays_on_this_site(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let c = Client::builder().redirect(Policy::none()).build().unwrap();
    let page = c.get(app.url("/login?next=%2F%09%2Fevil.example")).send().await.unwrap().text().await.unwrap();
    assert_eq!(hidden(&page, "next").replace("&#x2f;", "/"), "/app");
    let sign_in = |next: &'static str| {
        c.post(app.url("/login")).form(&[("username", "admin"), ("password", ADMIN_PASSWORD), ("next", next)])
    };
    for (next, want) in [
        ("/\t/evil.example", "/app"),
        ("/%09/evil.example", "/app"),
        ("/\\evil.example", "/app"),
        ("/app\n", "/app"),
        ("/app\r\nSet-Cookie: a=b", "/app"),
        ("/app/cases?state=accepted", "/app/cases?state=accepted"),
    ] {
        let r = sign_in(next).send().await.unwrap();
        assert_eq!(r.status(), 303, "{next:?}");
        assert_eq!(r.headers().get("location").map(|l| l.to_str().unwrap()), Some(want), "{next:?}");
    }
    for (header, value) in
        [("sec-fetch-site", "cross-site"), ("sec-fetch-site", "same-site"), ("origin", "https://evil.example")]
    {
        let r = sign_in("/app").header(header, value).send().await.unwrap();
        assert_eq!(r.status(), 403, "{header}: {value}");
        assert!(r.headers().get("set-cookie").is_none(), "no session from another site's form");
    }
    // The site's own page, as a browser posts it.
    let r = sign_in("/app").header("origin", &app.base).header("sec-fetch-site", "same-origin").send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = sign_in("/app").header("origin", &app.base).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

/// Upload routes refuse in problem+json, after the permission check: a wrong body from someone
/// who may not import is 403, a wrong body from someone who may is 400, a file over the limit
/// is 413. Tying an account to a person needs the field: an empty body is refused.
async fn uploads_and_bodies_are_refused_in_order(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("宁海县教育局", None).await;
    let clerk = app.user("clerk", "unit_clerk", Some(&unit)).await;
    let not_multipart = Some(json!({"file": "x"}));
    app.send(&clerk, Method::POST, "/api/v1/imports/problems", not_multipart.clone()).await.expect(403);
    app.send(&app.admin, Method::POST, "/api/v1/imports/problems", not_multipart.clone()).await.expect(400);
    app.send(&clerk, Method::POST, "/api/v1/attachments", not_multipart).await.expect(400);

    let mut big = common::PNG.to_vec();
    big.resize(10 * 1024 * 1024 + 1, 0);
    for (path, name) in [("/api/v1/attachments", "现场.png"), ("/api/v1/imports/problems", "台账.csv")] {
        let part = reqwest::multipart::Part::bytes(big.clone()).file_name(name);
        let resp = app.admin.post(app.url(path)).multipart(reqwest::multipart::Form::new().part("file", part));
        TestApp::reply(resp.send().await.unwrap()).await.expect(413);
    }

    let made = json!({"username": "inspector", "password": "password-123", "role": "inspector"});
    let account = app.post("/api/v1/accounts", made).await.expect(201).id();
    let path = format!("/api/v1/accounts/{account}/person");
    for body in [Some(json!({})), None] {
        let r = app.send(&app.admin, Method::PUT, &path, body).await.expect(422);
        assert_eq!(r.fields(), vec!["person_id"]);
    }
    app.send(&app.admin, Method::PUT, &path, Some(json!({"person_id": null}))).await.expect(200);
}

on_both!(
    a_lockout_holds_only_the_address_it_came_from,
    signing_in_stays_on_this_site,
    uploads_and_bodies_are_refused_in_order,
    failed_sign_ins_hold_the_account_for_a_while,
    tokens_are_revoked_and_sessions_end_everywhere,
    text_bodies_are_held_to_a_megabyte,
    the_header_signs_out_everywhere
);
