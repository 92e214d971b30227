//! The web UI over HTTP on both databases: the public portal from a citizen's side, the
//! workbench's ledger and case pages from staff's side, with forms that keep what was typed,
//! CSRF, unit scoping and the English switch. (Browser behaviour is tested in `e2e/`.)

mod common;

use common::{PNG, TestApp, hidden};
use rectify_store::Backend;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::json;

struct Page {
    status: StatusCode,
    url: String,
    html: String,
}

async fn page(resp: reqwest::Response) -> Page {
    let status = resp.status();
    let url = resp.url().to_string();
    let html = resp.text().await.expect("body");
    Page { status, url, html }
}

async fn get(app: &TestApp, client: &Client, path: &str) -> Page {
    page(client.get(app.url(path)).send().await.expect("get")).await
}

/// Posts a urlencoded form with the page's CSRF token.
async fn post_form(app: &TestApp, client: &Client, from: &str, action: &str, fields: &[(&str, &str)]) -> Page {
    let csrf = hidden(&get(app, client, from).await.html, "_csrf");
    let mut body: Vec<(&str, &str)> = vec![("_csrf", &csrf)];
    body.extend_from_slice(fields);
    page(client.post(app.url(action)).form(&body).send().await.expect("post")).await
}

/// Texts inside every `<tag …>…</tag>` (no nesting of the same tag in our pages).
fn inner_texts(html: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        if !rest.starts_with([' ', '>']) {
            continue;
        }
        let Some(end) = rest.find(&close) else { break };
        let inner = &rest[..end];
        let text: String = inner
            .split('<')
            .map(|part| part.split_once('>').map(|(_, t)| t).unwrap_or(part))
            .collect::<Vec<_>>()
            .join("");
        out.push(text);
        rest = &rest[end..];
    }
    out
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{3400}'..='\u{9fff}').contains(&c))
}

async fn a_citizen_uses_the_portal_and_staff_the_case_pages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区城管局", None).await;
    let citizen = Client::builder().cookie_store(true).build().unwrap();

    let form_page = get(&app, &citizen, "/submit").await;
    assert!(
        form_page.html.contains("<option value=\"complaint\" selected>投诉</option>"),
        "types offered, complaint first"
    );
    assert!(form_page.html.contains("<option value=\"consult\">咨询</option>"));

    // A form without its text comes back with the error next to the field and the rest kept.
    let form = Form::new().text("type", "complaint").text("name", "王女士").text("content", "  ");
    let p = page(citizen.post(app.url("/submit")).multipart(form).send().await.unwrap()).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("id=\"err-content\""), "the content field carries its error");
    assert!(p.html.contains("value=\"王女士\""), "the name typed is kept");
    assert_eq!(app.all("/api/v1/cases").await.len(), 0, "nothing was created");

    let form = Form::new()
        .text("nonce", "n-1")
        .text("type", "complaint")
        .text("content", "路灯坏了一个月没人修")
        .text("phone", "13812345678")
        .part("files", Part::bytes(PNG.to_vec()).file_name("photo.png"));
    let p = page(citizen.post(app.url("/submit")).multipart(form).send().await.unwrap()).await;
    assert_eq!(p.status, 200);
    let code_at = p.html.find("id=\"tracking-code\">").expect("the code is shown") + "id=\"tracking-code\">".len();
    let code = p.html[code_at..code_at + 11].to_owned();
    let cases = app.all("/api/v1/cases").await;
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["tracking_code"], code.as_str());
    assert_eq!(cases[0]["channel"], "web");
    let case = cases[0]["id"].as_str().unwrap().to_owned();
    let full = app.get(&format!("/api/v1/cases/{case}")).await.ok();
    assert_eq!(full["attachments"].as_array().map(Vec::len), Some(1), "the photo came with it");

    // The office accepts and assigns on the case page; the unit signs and replies.
    let case_page = format!("/app/cases/{case}");
    let act = format!("/app/cases/{case}/transitions");
    let p = get(&app, &app.admin, &case_page).await;
    assert!(p.html.contains("data-action=\"accept\""), "the office may accept");
    assert!(!p.html.contains("data-action=\"sign\""), "signing is the unit's");
    let p = post_form(&app, &app.admin, &case_page, &act, &[("action", "accept")]).await;
    assert!(p.url.ends_with("done=action"), "{}", p.url);
    // Assigning without a unit: the error sits at the unit select of the assign form.
    let p = post_form(&app, &app.admin, &case_page, &act, &[("action", "assign")]).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("id=\"err-assign-unit_id\""), "{}", p.html);
    post_form(&app, &app.admin, &case_page, &act, &[("action", "assign"), ("unit_id", &unit)]).await;
    let clerk = app.user("clerk", "unit_clerk", Some(&unit)).await;
    let inbox = get(&app, &clerk, "/app/cases").await;
    assert!(inbox.html.contains(&format!("href=\"/app/cases/{case}\"")), "the case waits in the unit's inbox");
    post_form(&app, &clerk, &case_page, &act, &[("action", "sign")]).await;
    // The office decides extensions only once a unit asks for one.
    assert!(!get(&app, &app.admin, &case_page).await.html.contains("data-action=\"extend\""));
    let extend = [("action", "extend"), ("due", "2026-04-30"), ("reason", "需协调多个部门")];
    post_form(&app, &clerk, &case_page, &act, &extend).await;
    let p = get(&app, &app.admin, &case_page).await;
    assert!(p.html.contains("data-action=\"extend\"") && p.html.contains("name=\"approve\""));
    post_form(&app, &app.admin, &case_page, &act, &[("action", "extend"), ("approve", "true")]).await;
    let granted = app.get(&format!("/api/v1/cases/{case}")).await.ok();
    assert_eq!(granted["due_on"], "2026-04-30");
    let p = post_form(&app, &clerk, &case_page, &act, &[("action", "reply"), ("answer", "已修复路灯")]).await;
    assert!(p.html.contains("data-state=\"replied\""));

    // The citizen tracks it with the phone tail and rates it.
    let track = format!("/track?code={code}&phone_tail=5678");
    let p = get(&app, &citizen, &track).await;
    assert!(p.html.contains("id=\"case-answer\">已修复路灯"));
    assert!(!p.html.contains("13812345678") && !p.html.contains("clerk"), "no phone, no staff names");
    let wrong = get(&app, &citizen, &format!("/track?code={code}&phone_tail=0000")).await;
    assert_eq!(wrong.status, 404);
    let p = page(
        citizen
            .post(app.url("/track/rating"))
            .form(&[("code", code.as_str()), ("phone_tail", "5678"), ("satisfaction", "satisfied")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(p.url.contains("done=rated"), "{}", p.url);
    let case = app.get(&format!("/api/v1/cases/{case}")).await.ok();
    assert_eq!(case["satisfaction"], "satisfied");
}

async fn a_problem_is_closed_off_through_the_pages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区住建局", None).await;
    let a = &app.admin;

    // Without a description: 422, the error next to it, the unit still chosen.
    let p =
        post_form(&app, a, "/app/problems/new", "/app/problems/new", &[("unit_id", &unit), ("deadline", "2026-03-20")])
            .await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("id=\"err-description\""));
    assert!(p.html.contains(&format!("<option value=\"{unit}\" selected>")));
    assert!(p.html.contains("value=\"2026-03-20\""));

    let p = post_form(
        &app,
        a,
        "/app/problems/new",
        "/app/problems/new",
        &[
            ("description", "窗口工作人员上班玩手机"),
            ("unit_id", &unit),
            ("deadline", "2026-03-20"),
            ("published", "true"),
        ],
    )
    .await;
    assert!(p.url.contains("done=created"), "{}", p.url);
    let id = p.url.split("/app/problems/").nth(1).unwrap().split('?').next().unwrap().to_owned();
    let here = format!("/app/problems/{id}");
    let act = format!("/app/problems/{id}/transitions");
    assert!(p.html.contains("data-action=\"start\""));
    post_form(&app, a, &here, &act, &[("action", "start")]).await;
    // Evidence through the page's multipart form.
    let csrf = hidden(&get(&app, a, &here).await.html, "_csrf");
    let form = Form::new()
        .text("_csrf", csrf)
        .text("note", "已约谈并通报")
        .part("files", Part::bytes(PNG.to_vec()).file_name("整改照片.png"));
    let p = page(a.post(app.url(&format!("/app/problems/{id}/progress"))).multipart(form).send().await.unwrap()).await;
    assert!(p.url.contains("done=uploaded"), "{}", p.url);
    assert!(p.html.contains("<img src=\"/api/v1/attachments/"), "the evidence shows as a thumbnail");
    post_form(&app, a, &here, &act, &[("action", "report_done")]).await;
    let p = post_form(&app, a, &here, &act, &[("action", "verify"), ("note", "验收合格")]).await;
    assert!(p.html.contains("id=\"problem-state\" data-state=\"closed\""), "{}", p.url);

    let board = get(&app, &Client::new(), "/board").await;
    assert!(board.html.contains(&format!("href=\"/board/{id}\"")));
    let permalink = get(&app, &Client::new(), &format!("/board/{id}")).await;
    assert!(permalink.html.contains("data-state=\"closed\""));
    let dashboard = get(&app, a, "/app?campaign=all").await;
    assert!(
        dashboard.html.contains("data-figure=\"problems_closed\" href=\"&#x2f;app&#x2f;problems?state=closed\">1<"),
        "the dashboard counts it and links to the closed problems"
    );
}

async fn forms_need_a_session_and_its_csrf_token(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let anonymous = Client::new();
    // Every page: a CSP that allows no inline script or style and no framing.
    let home = anonymous.get(app.url("/")).send().await.unwrap();
    let csp = home.headers()["content-security-policy"].to_str().unwrap().to_owned();
    for part in ["script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(home.headers()["x-content-type-options"], "nosniff");
    assert_eq!(home.headers()["referrer-policy"], "no-referrer");
    let missing = get(&app, &anonymous, "/no-such-page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.html.starts_with("<!doctype html>"), "pages answer a missing page in HTML");
    let p = get(&app, &anonymous, "/app/problems").await;
    assert!(p.url.ends_with("/login?next=%2Fapp%2Fproblems"), "{}", p.url);

    let unit = app.unit("区市场监管局", None).await;
    let forged = page(
        app.admin
            .post(app.url("/app/problems/new"))
            .form(&[("description", "伪造的问题"), ("unit_id", unit.as_str()), ("_csrf", "0123")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(forged.status, 403);
    assert!(app.all("/api/v1/problems").await.is_empty(), "nothing was written");

    // Signing in through the form comes back to the page asked for; a wrong password stays.
    let c = Client::builder().cookie_store(true).build().unwrap();
    let p = page(
        c.post(app.url("/login"))
            .form(&[("username", "admin"), ("password", "nope"), ("next", "/app/cases")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p.status, 401);
    assert!(p.html.contains("value=\"admin\""));
    let p = page(
        c.post(app.url("/login"))
            .form(&[("username", "admin"), ("password", common::ADMIN_PASSWORD), ("next", "/app/cases")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(p.url.ends_with("/app/cases"), "{}", p.url);
    let p = post_form(&app, &c, "/app", "/logout", &[]).await;
    assert!(p.url.ends_with('/'));
    assert!(get(&app, &c, "/app").await.url.contains("/login"), "signed out");
}

async fn a_clerk_sees_only_their_units_records(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (mine, other) = (app.unit("区民政局", None).await, app.unit("区卫健委", None).await);
    let hidden_problem =
        app.problem(json!({"description": "卫健委内部问题不公开", "unit_id": other, "deadline": "2026-04-01"})).await;
    let public_problem = app
        .problem(
            json!({"description": "卫健委公开问题", "unit_id": other, "deadline": "2026-04-01", "published": true}),
        )
        .await;
    let case = app
        .post("/api/v1/cases", json!({"content": "卫健委的诉求", "type": "complaint", "channel": "hotline"}))
        .await
        .expect(201)
        .id();
    app.post(&format!("/api/v1/cases/{case}/transitions"), json!({"action": "accept"})).await.ok();
    app.post(&format!("/api/v1/cases/{case}/transitions"), json!({"action": "assign", "unit_id": other})).await.ok();

    let clerk = app.user("clerk", "unit_clerk", Some(&mine)).await;
    assert_eq!(
        get(&app, &clerk, &format!("/app/problems/{}", hidden_problem["id"].as_str().unwrap())).await.status,
        404
    );
    assert_eq!(get(&app, &clerk, &format!("/app/cases/{case}")).await.status, 404);
    let ledger = get(&app, &clerk, "/app/problems").await;
    assert!(!ledger.html.contains("卫健委内部问题不公开"));
    assert!(ledger.html.contains("卫健委公开问题"), "published problems are everyone's");
    let public_id = public_problem["id"].as_str().unwrap();
    let p = get(&app, &clerk, &format!("/app/problems/{public_id}")).await;
    assert!(!p.html.contains(&format!("action=\"/app/problems/{public_id}/")), "no actions on another unit's problem");
    let inbox = get(&app, &clerk, "/app/cases?box=all").await;
    assert!(!inbox.html.contains("卫健委的诉求"));
}

async fn english_pages_have_no_chinese_in_their_chrome(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区教育局", None).await;
    let problem = app.problem(json!({"description": "问题", "unit_id": unit, "published": true})).await;
    let id = problem["id"].as_str().unwrap();
    let c = Client::builder().cookie_store(true).build().unwrap();
    app.login(&c, "admin", common::ADMIN_PASSWORD).await.expect(200);
    // The switch is remembered: only the first page names the language.
    get(&app, &c, "/?lang=en").await;
    for path in [
        "/",
        "/submit",
        "/track",
        "/board",
        "/directory",
        "/app",
        "/app/problems",
        &format!("/app/problems/{id}"),
        "/app/problems/new",
        "/app/cases",
        "/app/cases/new",
    ] {
        let p = get(&app, &c, path).await;
        assert_eq!(p.status, 200, "{path}");
        assert!(p.html.contains("<html lang=\"en\">"), "{path} is in English");
        // The switch back to Chinese is written in Chinese, marked `lang="zh-CN"`.
        let html = p.html.replace("lang=\"zh-CN\">中文<", "><");
        for tag in ["header", "nav", "footer", "label", "th", "button", "h1", "h2", "legend", "title"] {
            for text in inner_texts(&html, tag) {
                // Unit names are data, shown in the unit filter's options, never in these tags.
                assert!(!has_cjk(&text), "{path}: <{tag}> has Chinese: {text}");
            }
        }
    }
    let zh = get(&app, &c, "/?lang=zh").await;
    assert!(zh.html.contains("<html lang=\"zh-CN\">") && zh.html.contains("整改"));
}

async fn the_dashboard_line_counts_each_week(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区交通局", None).await;
    // Week of Monday 2 March: two found. Week of 9 March: one found, one of the first closed.
    let first = app.problem(json!({"description": "一", "unit_id": unit})).await;
    app.problem(json!({"description": "二", "unit_id": unit})).await;
    app.travel(common::monday() + chrono::Duration::days(8)).await;
    app.problem(json!({"description": "三", "unit_id": unit})).await;
    app.close_off(first["id"].as_str().unwrap()).await;
    let admin = rectify_domain::actor::Actor::system();
    let weeks = app.store.problem_weeks(&admin, &Default::default(), 3).await.unwrap();
    let got: Vec<(String, u64, u64)> = weeks.iter().map(|w| (w.week_start.to_string(), w.found, w.closed)).collect();
    assert_eq!(
        got,
        [("2026-02-23".into(), 0, 0), ("2026-03-02".into(), 2, 0), ("2026-03-09".into(), 1, 1)],
        "weeks run Monday to Sunday in China time"
    );
}

on_both!(
    the_dashboard_line_counts_each_week,
    a_citizen_uses_the_portal_and_staff_the_case_pages,
    a_problem_is_closed_off_through_the_pages,
    forms_need_a_session_and_its_csrf_token,
    a_clerk_sees_only_their_units_records,
    english_pages_have_no_chinese_in_their_chrome,
);
