//! Chinese pages have no English in them: over the demo data, every page a staff member and a
//! citizen can reach by following links is read as a person reads it (text, not markup, scripts
//! or ids), and no Latin-letter word may remain outside codes, ids and URLs.

mod common;

use common::TestApp;
use rectify_store::{Backend, on_both};
use reqwest::Client;
use std::collections::{BTreeSet, VecDeque};

/// The text a reader sees: tags, scripts, styles, `<code>`, elements written in another
/// language (`lang="en"`, the language switch) and data not to be translated (`translate="no"`:
/// user names, tracking codes) left out; entities decoded.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    // Elements whose whole content is skipped, by the opening tag's name.
    let mut skipping: Vec<String> = Vec::new();
    while let Some(lt) = rest.find('<') {
        if skipping.is_empty() {
            out.push_str(&rest[..lt]);
        }
        rest = &rest[lt..];
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if skipping.last() == Some(&name) {
                skipping.pop();
            }
            out.push(' ');
            continue;
        }
        let name: String = tag.split([' ', '\n', '/']).next().unwrap_or("").to_ascii_lowercase();
        let void = tag.ends_with('/')
            || ["br", "img", "input", "meta", "link", "hr", "source", "wbr"].contains(&name.as_str());
        let skip = ["script", "style", "code", "template", "svg"].contains(&name.as_str())
            || tag.contains(r#"lang="en""#)
            || tag.contains(r#"translate="no""#);
        if !skipping.is_empty() {
            // Nested elements of the same name keep the skip balanced.
            if !void && skipping.last() == Some(&name) {
                skipping.push(name);
            }
            continue;
        }
        if skip && !void {
            skipping.push(name);
        }
        out.push(' ');
    }
    out.push_str(rest);
    out.replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Words of two or more Latin letters that are not codes (`_`, digits), all-capital
/// abbreviations (PDF, CSV, tracking codes) or the parts of a URL.
fn english_words(text: &str) -> BTreeSet<String> {
    // Placeholders of a URL template (`{key}`) are codes.
    let mut plain = String::with_capacity(text.len());
    let mut in_braces = false;
    for c in text.chars() {
        match c {
            '{' => in_braces = true,
            '}' => in_braces = false,
            _ if !in_braces => plain.push(c),
            _ => {}
        }
    }
    plain
        .split_whitespace()
        .filter(|w| !w.contains("://") && !w.starts_with('/') && !w.contains('@'))
        .flat_map(|w| w.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')))
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2)
        .filter(|w| !w.contains(['_', '.']) && !w.chars().any(|c| c.is_ascii_digit()))
        .filter(|w| !w.chars().all(|c| c.is_ascii_uppercase() || c == '-'))
        .map(str::to_owned)
        .collect()
}

/// Same-site links of a page worth reading (no files, no sign-out, no language switch).
fn links(html: &str) -> Vec<String> {
    html.split(r#"href=""#)
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|h| h.replace("&amp;", "&").replace("&#x2f;", "/"))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .filter(|h| !h.starts_with("/static") && !h.starts_with("/api") && !h.contains("lang="))
        .filter(|h| {
            ![".pdf", ".docx", ".xlsx", ".csv", ".png", "/export", "/download", "/files/", "/photos/", "/logout"]
                .iter()
                .any(|x| h.contains(x))
        })
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .collect()
}

/// Reads up to `limit` pages reachable from `start`, one of each path (the first query seen),
/// and answers the English words found on each.
async fn crawl(app: &TestApp, client: &Client, start: &[&str], limit: usize) -> Vec<(String, BTreeSet<String>)> {
    let mut queue: VecDeque<String> = start.iter().map(|s| s.to_string()).collect();
    let mut seen_paths = BTreeSet::new();
    let mut found = Vec::new();
    let mut read = 0;
    while let Some(path) = queue.pop_front() {
        // One page per shape: `/app/problems/12` stands for every problem.
        let shape: String = path
            .split('?')
            .next()
            .unwrap_or_default()
            .split('/')
            .map(|seg| if seg.chars().any(|c| c.is_ascii_digit()) { "N" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        let query_keys: String = path
            .split_once('?')
            .map(|(_, q)| q.split('&').map(|kv| kv.split('=').next().unwrap_or("")).collect::<Vec<_>>().join("&"))
            .unwrap_or_default();
        if !seen_paths.insert(format!("{shape}?{query_keys}")) || read >= limit {
            continue;
        }
        let resp = client.get(app.url(&path)).send().await.expect("get");
        let html_page = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/html"));
        if !resp.status().is_success() || !html_page {
            continue;
        }
        read += 1;
        let html = resp.text().await.expect("body");
        assert!(html.contains(r#"<html lang="zh-CN">"#), "{path} is in Chinese");
        let words = english_words(&visible_text(&html));
        if !words.is_empty() {
            found.push((path.clone(), words));
        }
        queue.extend(links(&html));
    }
    assert!(read > 10, "the crawl read only {read} pages");
    found
}

async fn chinese_pages_have_no_english_words(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    rectify_demo::load(&app.store).await.expect("demo loads");
    let citizen = Client::builder().cookie_store(true).build().unwrap();
    let mut found =
        crawl(&app, &citizen, &["/", "/board", "/directory", "/bulletins", "/transparency", "/services"], 60).await;
    found.extend(
        crawl(
            &app,
            &app.admin,
            &["/app", "/app/dashboard", "/app/problems", "/app/cases", "/app/service-applications"],
            160,
        )
        .await,
    );
    let report: Vec<String> = found.iter().map(|(p, w)| format!("{p}: {w:?}")).collect();
    assert!(report.is_empty(), "English words on Chinese pages:\n{}", report.join("\n"));
}

/// A refusal, a state conflict and a tracking code that leads nowhere, as the API says them to a
/// caller who reads Chinese: the sentence names the role, the action and the state in Chinese.
async fn refusals_read_in_chinese(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (own, other) = (app.unit("区教育局", None).await, app.unit("区卫健局", None).await);
    let clerk = app.user("clerk", "unit_clerk", Some(&own)).await;
    let zh = |r: reqwest::RequestBuilder| r.header("accept-language", "zh-CN,zh;q=0.9");
    let detail = |body: serde_json::Value| body["detail"].as_str().unwrap_or_default().to_owned();

    let r = zh(clerk.post(app.url("/api/v1/problems")))
        .json(&serde_json::json!({"description": "窗口无人", "unit_id": other}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(detail(r.json().await.unwrap()), "单位联络员无权为该单位登记问题");

    let p = app.problem(serde_json::json!({"description": "窗口无人", "unit_id": own})).await;
    let path = format!("/api/v1/problems/{}/transitions", p["id"].as_str().unwrap());
    let r = zh(app.admin.post(app.url(&path))).json(&serde_json::json!({"action": "verify"})).send().await.unwrap();
    assert_eq!(r.status(), 409);
    let said = detail(r.json().await.unwrap());
    assert!(said.starts_with("该问题当前为「") && english_words(&said).is_empty(), "{said}");

    let r = zh(citizen_client().get(app.url("/api/v1/track/ABCDE-FGHJK?phone_tail=1234"))).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(detail(r.json().await.unwrap()), "未找到与该查询码和手机号码后四位相符的诉求件");
}

fn citizen_client() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

#[test]
fn visible_text_leaves_out_markup_and_marked_data() {
    let html = r#"<p class="x">已受理 <code>abc</code><span translate="no">admin</span><a lang="en" href="/?lang=en">English</a></p><script>let x = 1;</script>"#;
    let text = visible_text(html);
    assert!(text.contains("已受理") && !text.contains("admin") && !text.contains("English") && !text.contains("let"));
    assert_eq!(
        english_words("共 3 条 PDF AB3CD-EF9GH time_limited https://x.org 用于{key} 下载 file")
            .into_iter()
            .collect::<Vec<_>>(),
        ["file"]
    );
}

on_both!(chinese_pages_have_no_english_words, refusals_read_in_chinese);
