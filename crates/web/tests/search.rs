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
        ("噪音", "&kind=letter", "kind"),
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

/// The problem answered to `path` in `lang` (`zh-CN`, `en`).
async fn problem_in(app: &TestApp, path: &str, lang: &str) -> (u16, Value) {
    let r = app.admin.get(app.url(path)).header("accept-language", lang).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A window that ends before it starts is refused naming `to`, in words either language reads
/// the right way round, on the API and on the page.
async fn an_end_date_before_the_start_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let backwards = path("噪音", "&from=2026-03-01&to=2026-02-01");
    for (lang, message, detail) in [
        ("zh-CN", "不能早于开始日期", "请修改以下1处：截止日期不能早于开始日期。"),
        (
            "en",
            "must not be before the start date",
            "Please correct 1 field(s): End date must not be before the start date.",
        ),
    ] {
        let (status, body) = problem_in(&app, &backwards, lang).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "to", "{body}");
        assert_eq!(body["errors"][0]["message"], message, "{body}");
        assert_eq!(body["detail"], detail, "{body}");
    }
    // One day is a window.
    app.get(&path("噪音", "&from=2026-03-01&to=2026-03-01")).await.expect(200);
    let html = page(&app, &app.admin, "/app/search?q=%E5%99%AA%E9%9F%B3&from=2026-03-01&to=2026-02-01").await;
    assert!(html.contains("error-summary") && html.contains("截止日期不能早于开始日期"), "{html}");
}

/// Whatever is typed into the box, in either language: a clear 4xx in that language or an
/// empty answer, never a 500 — on the API and on both pages.
async fn bad_input_is_a_4xx_or_nothing_in_both_languages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.post("/api/v1/cases", json!({"content": "路灯不亮，晚上很黑", "channel": "hotline", "type": "complaint"}))
        .await
        .expect(201);
    app.post("/api/v1/cases", json!({"content": "路灯不亮，无人维修", "channel": "hotline", "type": "complaint"}))
        .await
        .expect(201);
    app.indexed().await;
    let page_one = app.get(&path("路灯", "&limit=1")).await.expect(200).body;
    let cursor = page_one["next_cursor"].as_str().expect("a second page").to_owned();
    let long = "噪音".repeat(1000);
    let long_words = "噪音 积水 ".repeat(333);
    let too_long = format!("{long}噪");
    let bad_q = ["", "   ", &too_long, "噪音 \"积水", "“搅拌站", "噪音\u{0}积水", "噪音\u{1b}[31m", "-噪音 -\"积水\""];
    let mut refused: Vec<(String, &str)> = bad_q.iter().map(|q| (path(q, ""), "q")).collect();
    let foreign = format!("&cursor={cursor}");
    // Every other parameter, with the query 噪音 (a cursor with its own).
    for (field, values) in [
        ("limit", vec!["&limit=101", "&limit=99999999999999999999", "&limit=-1"]),
        ("cursor", vec![foreign.as_str(), "&cursor=%F0%9F%92%A9"]),
        ("from", vec!["&from=99999-01-01", "&from=%2B99999-01-01", "&from=-0001-01-01", "&from=%2B262143-12-31"]),
        ("from", vec!["&from=2026-02-30"]),
        ("to", vec!["&to=99999-01-01", "&to=-262144-01-01"]),
        ("unit", vec!["&unit=99999999999999999999"]),
        ("kind", vec!["&kind=case,problem"]),
    ] {
        refused.extend(
            values.into_iter().map(|more| (path(if field == "cursor" { "积水" } else { "噪音" }, more), field)),
        );
    }
    for (lang, lead) in [("zh-CN", "请修改以下"), ("en", "Please correct")] {
        for (p, field) in &refused {
            let (status, body) = problem_in(&app, p, lang).await;
            assert_eq!(status, 422, "{lang} {p}: {body}");
            assert_eq!(body["errors"][0]["field"], *field, "{lang} {p}: {body}");
            assert!(body["detail"].as_str().is_some_and(|d| d.starts_with(lead)), "{lang} {p}: {body}");
        }
    }
    let empty: Vec<String> = vec![
        path(&long, ""),
        path(&long_words, ""),
        path("的 了 吗", ""),
        path("\"的 了\"", ""),
        path("-", ""),
        path("噪音 -\"\"", ""),
        path("噪音 -\"搅拌站 夜间\"", ""),
        path("CASE-A-7 -\"CASE-B-7\"", ""),
        path("噪音\t积水", ""),
        path("%_\\'; DROP TABLE cases; --", ""),
        path("<script>alert(1)</script>", ""),
        path("路灯", "&from=1000-01-01&to=9999-12-31"),
        path("路灯", "&from=2300-01-01"),
        path("路灯", "&to=1000-01-01"),
        path("路灯", "&unit=123456789"),
    ];
    for (lang, _) in [("zh-CN", ""), ("en", "")] {
        for p in &empty {
            let (status, body) = problem_in(&app, p, lang).await;
            assert_eq!(status, 200, "{lang} {p}: {body}");
            assert!(body["hits"].as_array().is_some_and(|h| h.len() as u64 <= 2), "{lang} {p}: {body}");
        }
    }
    // The hot spots' window reads its dates the same way.
    for (p, status) in [
        ("/api/v1/hotspots?to=-262144-01-01", 422),
        ("/api/v1/hotspots?from=%2B99999-01-01", 422),
        ("/api/v1/hotspots?to=2300-01-01", 200),
    ] {
        let (got, body) = problem_in(&app, p, "zh-CN").await;
        assert_eq!(got, status, "{p}: {body}");
    }
    // The pages say the same on the form, never as an error page.
    for p in refused.iter().map(|(p, _)| p).chain(&empty) {
        let query = p.trim_start_matches("/api/v1/search");
        for base in ["/app/search", "/search"] {
            for lang in ["zh-CN", "en"] {
                let url = app.url(&format!("{base}{query}"));
                let client = if base == "/search" { reqwest::Client::new() } else { app.admin.clone() };
                let r = client.get(url).header("accept-language", lang).send().await.expect("page");
                assert!(
                    r.status() == 200 || r.status() == 303,
                    "{base}{query} {lang}: {} {}",
                    r.status(),
                    r.text().await.unwrap_or_default()
                );
            }
        }
    }
}

/// A page's HTML as `client` sees it (with `/` as written, not escaped).
async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let r = client.get(app.url(path)).send().await.expect("get");
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.expect("body").replace("&#x2f;", "/")
}

/// The `data-count` of the facet bucket `attr="value"`, if shown.
fn bucket(html: &str, attr: &str, value: &str) -> Option<u64> {
    let rest = &html[html.find(&format!("{attr}=\"{value}\" data-count=\""))?..];
    rest.split("data-count=\"").nth(1)?.split('"').next()?.parse().ok()
}

/// The `href` of the facet bucket `attr="value"`, unescaped.
fn bucket_href(html: &str, attr: &str, value: &str) -> String {
    let rest = &html[html.find(&format!("{attr}=\"{value}\" data-count=\"")).expect("bucket")..];
    rest.split("href=\"").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&")
}

async fn the_results_page_shows_passages_and_narrows_by_facets(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let road = app.unit("区交通局", None).await;
    let water = app.unit("区水务局", None).await;
    app.problem(json!({"description": "丽发新城搅拌站夜间施工噪音扰民，责令停工整改", "unit_id": road})).await;
    app.problem(json!({"description": "搅拌站运输车辆抛洒，路面积尘", "unit_id": water})).await;
    app.post(
        "/api/v1/cases",
        json!({"content": "搅拌站半夜还在施工，吵得睡不着", "channel": "hotline", "type": "complaint"}),
    )
    .await
    .expect(201);
    app.indexed().await;
    let all = page(&app, &app.admin, "/app/search?q=%E6%90%85%E6%8B%8C%E7%AB%99").await;
    assert!(all.contains("data-total=\"3\"") && all.contains("共3条"), "{all}");
    assert!(all.contains("<mark>搅拌站</mark>"), "the passage marks the words found");
    assert_eq!((bucket(&all, "data-kind", "problem"), bucket(&all, "data-kind", "case")), (Some(2), Some(1)));
    assert!(all.contains("检索范围：您有权查看的"), "the page says what it searched");
    // One click narrows to the ledger, another to one unit; the state facet comes with the kind.
    let problems = page(&app, &app.admin, &bucket_href(&all, "data-kind", "problem")).await;
    assert!(problems.contains("data-total=\"2\""), "{problems}");
    assert!(problems.contains("data-facet=\"state\"") && !all.contains("data-facet=\"state\""));
    let one = page(&app, &app.admin, &bucket_href(&problems, "data-unit", &road)).await;
    assert!(one.contains("data-total=\"1\"") && one.contains("夜间施工噪音"), "{one}");
    // The chosen bucket widens again.
    let wide = page(&app, &app.admin, &bucket_href(&one, "data-unit", &road)).await;
    assert!(wide.contains("data-total=\"2\""), "{wide}");
    // A clerk of the water bureau finds their own problem only: no count, facet or passage of others.
    let clerk = app.user("swj", "unit_clerk", Some(&water)).await;
    let theirs = page(&app, &clerk, "/app/search?q=%E6%90%85%E6%8B%8C%E7%AB%99").await;
    assert!(theirs.contains("data-total=\"1\""), "{theirs}");
    assert!(!theirs.contains("噪音") && !theirs.contains("睡不着") && bucket(&theirs, "data-unit", &road).is_none());
    // A bad query is said on the page, in words, not as an error page.
    let bad = page(&app, &app.admin, "/app/search?q=%22%E6%90%85%E6%8B%8C%E7%AB%99").await;
    assert!(bad.contains("error-summary") && bad.contains("引号"), "{bad}");
}

async fn the_portal_search_finds_published_items_and_bulletins_only(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区城管局", None).await;
    app.problem(json!({"description": "占道经营整治不力，已公开整改", "unit_id": unit, "published": true})).await;
    app.problem(json!({"description": "占道经营投诉未回复", "unit_id": unit})).await;
    app.post("/api/v1/cases", json!({"content": "门口占道经营严重", "channel": "hotline", "type": "complaint"}))
        .await
        .expect(201);
    let camp =
        app.post("/api/v1/campaigns", json!({"name": "作风建设年", "starts_on": "2026-01-01"})).await.expect(201).id();
    let draft = app
        .post(
            "/api/v1/bulletins",
            json!({"campaign_id": camp, "headline": "占道经营专项整治情况通报",
            "editor_note": "城管局集中整治占道经营。"}),
        )
        .await
        .expect(201)
        .id();
    let unpublished = app
        .post(
            "/api/v1/bulletins",
            json!({"campaign_id": camp, "headline": "占道经营草稿", "editor_note": "未发布的草稿。"}),
        )
        .await
        .expect(201)
        .id();
    app.indexed().await;
    // The office finds the draft bulletins too.
    let office = page(&app, &app.admin, "/app/search?q=%E5%8D%A0%E9%81%93%E7%BB%8F%E8%90%A5").await;
    assert_eq!(bucket(&office, "data-kind", "bulletin"), Some(2), "{office}");
    app.post(&format!("/api/v1/bulletins/{draft}/publish"), json!({})).await.ok();
    app.indexed().await;
    let anonymous = reqwest::Client::new();
    let public = page(&app, &anonymous, "/search?q=%E5%8D%A0%E9%81%93%E7%BB%8F%E8%90%A5").await;
    assert!(public.contains("data-total=\"2\""), "{public}");
    assert!(public.contains(&format!("href=\"/bulletins/{draft}\"")), "{public}");
    assert!(public.contains("href=\"/board/"), "a published problem leads to its public page");
    assert!(
        !public.contains("未回复")
            && !public.contains("门口")
            && !public.contains(&format!("/bulletins/{unpublished}\""))
    );
    assert!(public.contains("检索范围：已公开的整改事项和整改通报"));
    // Every portal page carries the box.
    assert!(page(&app, &anonymous, "/board").await.contains("id=\"portal-search\""));
}

on_both!(
    a_new_case_is_found_by_word_phrase_and_code,
    an_end_date_before_the_start_is_refused,
    bad_input_is_a_4xx_or_nothing_in_both_languages,
    bad_queries_are_refused_in_words,
    the_results_page_shows_passages_and_narrows_by_facets,
    the_portal_search_finds_published_items_and_bulletins_only
);
