//! Sign-in throttling on both databases: an account is held after five failures in fifteen
//! minutes (even with the right password), others are not, and time lets it in again.

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

on_both!(failed_sign_ins_hold_the_account_for_a_while);
