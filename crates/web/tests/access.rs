//! Access on both databases: sign-in throttling (an account is held after five failures in
//! fifteen minutes, even with the right password; others are not; time lets it in again), API
//! tokens listed and revoked, and signing out everywhere.

mod common;

use common::{ADMIN_PASSWORD, TestApp};
use rectify_store::Backend;
use reqwest::Client;

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

on_both!(failed_sign_ins_hold_the_account_for_a_while, tokens_are_revoked_and_sessions_end_everywhere);
