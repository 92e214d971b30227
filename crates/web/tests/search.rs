//! `GET /api/v1/search` on both databases: a case registered through the API is found within a
//! second (the server's indexer follows the feed), by a word, a phrase and its tracking code;
//! bad queries are a 4xx in the caller's language, never a 500; the public sees only published
//! problems.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn path(q: &str, more: &str) -> String {
    let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    format!("/api/v1/search?q={q}{more}")
}

/// Searches as the admin until `id` is among the hits (or a second has passed).
async fn found_within_a_second(app: &TestApp, q: &str, id: &str) -> Value {
    let start = Instant::now();
    loop {
        let body = app.get(&path(q, "")).await.expect(200).body;
        if body["hits"].as_array().unwrap().iter().any(|h| h["id"] == id) {
            return body;
        }
        assert!(start.elapsed() < Duration::from_secs(1), "{q:?} did not find {id} within a second: {body}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_new_case_is_found_by_word_phrase_and_code(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let text = "丽发新城旁的搅拌站夜间施工，噪音扰民，电话13912345678";
    let case = app
        .post(
            "/api/v1/cases",
            json!({"content": text, "title": "搅拌站噪音", "channel": "hotline", "type": "complaint"}),
        )
        .await
        .expect(201)
        .body;
    let id = case["id"].as_str().unwrap().to_owned();
    let body = found_within_a_second(&app, "搅拌站 噪音", &id).await;
    let hit = &body["hits"][0];
    assert_eq!(hit["kind"], "case");
    assert!(hit["snippet"].as_str().unwrap().contains("<mark>"), "{hit}");
    assert!(!body.to_string().contains("13912345678"), "contacts are never indexed: {body}");
    assert_eq!(body["facets"]["kind"][0], json!({"value": "case", "count": 1}));
    found_within_a_second(&app, "\"夜间施工\"", &id).await;
    found_within_a_second(&app, case["tracking_code"].as_str().unwrap(), &id).await;
    found_within_a_second(&app, "攪拌站", &id).await;
    // The public search covers published problems only.
    let anonymous = reqwest::Client::new();
    let public = app.send(&anonymous, Method::GET, &path("搅拌站", ""), None).await.expect(200).body;
    assert_eq!(public["total"], 0, "{public}");
}

async fn bad_queries_are_refused_in_words(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let long = "噪".repeat(2001);
    for (q, more, field) in [
        ("", "", "q"),
        (long.as_str(), "", "q"),
        ("噪音 \"积水", "", "q"),
        ("噪音\u{1}", "", "q"),
        ("-噪音", "", "q"),
        ("噪音", "&limit=101", "limit"),
        ("噪音", "&limit=0", "limit"),
        ("噪音", "&kind=bulletin", "kind"),
        ("噪音", "&from=2026-13-01", "from"),
        ("噪音", "&cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("噪音", "&sort=score", "sort"),
    ] {
        let reply = app.get(&path(q, more)).await;
        assert_eq!(reply.status.as_u16(), 422, "{q:?}{more}: {}", reply.body);
        assert_eq!(reply.fields(), [field], "{q:?}{more}");
    }
    // In Chinese for a Chinese reader.
    let zh = app
        .admin
        .get(app.url(&path("噪音 \"积水", "")))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(zh.contains("引号"), "{zh}");
    // Only stop words: nothing to look for, an empty answer.
    let none = app.get(&path("的 了 吗", "")).await.expect(200).body;
    assert_eq!(none["total"], 0);
    // A cursor from another query is refused.
    for n in 0..3 {
        app.post(
            "/api/v1/cases",
            json!({"content": format!("路灯不亮{n}"), "channel": "hotline", "type": "complaint"}),
        )
        .await
        .expect(201);
    }
    let start = Instant::now();
    let cursor = loop {
        let page = app.get(&path("路灯", "&limit=1")).await.expect(200).body;
        if let Some(c) = page["next_cursor"].as_str() {
            break c.to_owned();
        }
        assert!(start.elapsed() < Duration::from_secs(2), "{page}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    app.get(&path("路灯", &format!("&limit=1&cursor={cursor}"))).await.expect(200);
    let reply = app.get(&path("积水", &format!("&cursor={cursor}"))).await;
    assert_eq!(reply.status.as_u16(), 422);
    assert_eq!(reply.fields(), ["cursor"]);
}

on_both!(a_new_case_is_found_by_word_phrase_and_code, bad_queries_are_refused_in_words);
