//! Health, the OpenAPI document and its viewer, and the edge's own behaviour.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;

async fn health_docs_and_headers(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let anonymous = reqwest::Client::new();
    let h = anonymous.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(h.status(), 200);
    let body: serde_json::Value = h.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    let doc: serde_json::Value =
        anonymous.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/problems",
        "/api/v1/problems/{id}/transitions",
        "/api/v1/stats/problems",
        "/api/v1/units",
        "/api/v1/session",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    // The case figures take every filter of the case list, and both document them.
    let names = |path: &str| -> Vec<String> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (list, stats) = (names("/api/v1/cases"), names("/api/v1/stats/cases"));
    assert!(list.iter().filter(|n| !["limit", "cursor"].contains(&n.as_str())).all(|n| stats.contains(n)), "{stats:?}");
    assert!(["type", "sign_overdue", "from", "to"].iter().all(|n| list.iter().any(|l| l == n)), "{list:?}");
    let docs = anonymous.get(app.url("/api/docs")).send().await.unwrap();
    let csp = docs.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && !csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    let html = docs.text().await.unwrap();
    assert!(html.contains("/api/docs/vendor/swagger-ui-bundle.js"), "served from the binary, not a CDN");
    assert!(!html.contains("http://") && !html.contains("https://"));
    let js = anonymous.get(app.url("/api/docs/vendor/swagger-ui-bundle.js")).send().await.unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.bytes().await.unwrap().len() > 100_000);
    anonymous
        .get(app.url("/api/docs/vendor/../../Cargo.toml"))
        .send()
        .await
        .map(|r| assert_ne!(r.status(), 200))
        .unwrap();

    let nf = app.get("/api/v1/nothing-here").await.expect(404);
    assert_eq!(nf.body["type"], "urn:rectify:error:not_found");
    let r = anonymous.get(app.url("/api/v1/units")).send().await.unwrap();
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["x-frame-options"], "DENY");
}

on_both!(health_docs_and_headers);
