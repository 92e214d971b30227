//! Evidence files: typed by their bytes, size-limited, served back safely.

mod common;

use common::{PNG, TestApp};
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::multipart::{Form, Part};

async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>) -> common::Reply {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    TestApp::reply(app.admin.post(app.url("/api/v1/attachments")).multipart(form).send().await.unwrap()).await
}

async fn uploads_are_checked_and_served(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let ok = upload(&app, "../../现场照片.png", PNG.to_vec()).await.expect(201).body;
    assert_eq!(ok["content_type"], "image/png");
    assert_eq!(ok["filename"], "现场照片.png", "only the last path component is kept");
    let id = ok["id"].as_str().unwrap();
    let resp = app.admin.get(app.url(&format!("/api/v1/attachments/{id}"))).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert!(resp.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert_eq!(resp.bytes().await.unwrap().as_ref(), PNG);

    // A program named like a photo, plain text, a PDF claiming to be a photo: refused.
    assert_eq!(upload(&app, "photo.jpg", b"MZ\x90\0\x03\0\0\0 program".to_vec()).await.expect(422).fields(), ["file"]);
    assert_eq!(upload(&app, "notes.txt", b"just some text".to_vec()).await.expect(422).fields(), ["file"]);
    assert_eq!(
        upload(&app, "scan.png", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec()).await.expect(422).fields(),
        ["file"]
    );
    assert_eq!(upload(&app, "empty.png", Vec::new()).await.expect(422).fields(), ["file"]);
    // Over 10 MB.
    let mut big = PNG.to_vec();
    big.resize(10 * 1024 * 1024 + 1, 0);
    let r = upload(&app, "big.png", big).await;
    assert!(r.status == 413 || r.status == 422, "{}", r.status);
    // No file part.
    let form = Form::new().text("note", "x");
    let r = TestApp::reply(app.admin.post(app.url("/api/v1/attachments")).multipart(form).send().await.unwrap()).await;
    assert_eq!(r.expect(422).fields(), ["file"]);
    assert_eq!(app.count_rows("attachments").await, 1, "nothing but the good upload was stored");
    app.get("/api/v1/attachments/999").await.expect(404);
}

async fn evidence_is_seen_only_with_its_problem(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let water = app.unit("区水务局", None).await;
    let tech = app.unit("区科技局", None).await;
    let p = app.problem(serde_json::json!({"description": "内部问题", "unit_id": tech})).await;
    let file = app.upload_png(&app.admin).await;
    app.post(
        &format!("/api/v1/problems/{}/progress", p["id"].as_str().unwrap()),
        serde_json::json!({"attachment_ids": [file]}),
    )
    .await
    .expect(201);
    let clerk = app.user("clerk", "unit_clerk", Some(&water)).await;
    let r = TestApp::reply(clerk.get(app.url(&format!("/api/v1/attachments/{file}"))).send().await.unwrap()).await;
    r.expect(404);
}

/// Evidence is one's own upload (the office may use any pending one): someone else's pending
/// upload, attached to a problem of one's own, would become readable.
async fn evidence_is_ones_own_upload(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区水务局", None).await;
    let clerk = app.user("clerk", "unit_clerk", Some(&unit)).await;
    let p = app.problem(serde_json::json!({"description": "河道保洁不到位", "unit_id": unit})).await;
    let path = format!("/api/v1/problems/{}/progress", p["id"].as_str().unwrap());
    let attach = |id: &str| Some(serde_json::json!({"note": "已整改", "attachment_ids": [id]}));
    let theirs = app.upload_png(&app.admin).await;
    let r = app.send(&clerk, reqwest::Method::POST, &path, attach(&theirs)).await.expect(422);
    assert_eq!(r.fields(), ["attachment_ids[0]"], "another's upload is unknown to the clerk");
    app.send(&clerk, reqwest::Method::GET, &format!("/api/v1/attachments/{theirs}"), None).await.expect(404);
    let mine = app.upload_png(&clerk).await;
    app.send(&clerk, reqwest::Method::POST, &path, attach(&mine)).await.expect(201);
    app.send(&app.admin, reqwest::Method::POST, &path, attach(&theirs)).await.expect(201);
}

on_both!(uploads_are_checked_and_served, evidence_is_seen_only_with_its_problem, evidence_is_ones_own_upload);
