//! The web UI over HTTP on both databases: the public portal from a citizen's side, the
//! workbench's ledger and case pages from staff's side, with forms that keep what was typed,
//! CSRF, unit scoping and the English switch. (Browser behaviour is tested in `e2e/`.)

mod common;

use common::{PNG, TestApp, hidden};
use rectify_store::Backend;
use rectify_store::on_both;
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
    // The same message sent again from this device (a new form, no phone this time) is the
    // first case: the citizen is told so and given its code.
    get(&app, &citizen, "/submit").await;
    let form = Form::new().text("nonce", "n-2").text("type", "complaint").text("content", "路灯坏了一个月，没人修！");
    let p = page(citizen.post(app.url("/submit")).multipart(form).send().await.unwrap()).await;
    assert!(p.html.contains("本次未重复立件") && p.html.contains(&code), "{}", p.html);
    assert_eq!(app.all("/api/v1/cases").await.len(), 1, "no second case");
    let full = app.get(&format!("/api/v1/cases/{case}")).await.ok();
    assert_eq!(full["attachments"].as_array().map(Vec::len), Some(1), "the photo came with it");

    // The office accepts and assigns on the case page; the unit signs and replies.
    let case_page = format!("/app/cases/{case}");
    let act = format!("/app/cases/{case}/transitions");
    let p = get(&app, &app.admin, &case_page).await;
    assert!(p.html.contains("data-action=\"accept\""), "the office may accept");
    assert!(!p.html.contains("data-action=\"sign\""), "signing is the unit's");
    let p = post_form(&app, &app.admin, &case_page, &act, &[("action", "accept")]).await;
    assert!(p.url.ends_with("done=case_accept"), "{}", p.url);
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
    // A terse reply is held back with what it lacks; the unit sends it anyway.
    let p = post_form(&app, &clerk, &case_page, &act, &[("action", "reply"), ("answer", "已修复路灯")]).await;
    assert!(p.html.contains("id=\"reply-warning\"") && !p.html.contains("data-state=\"replied\""));
    let anyway = [("action", "reply"), ("answer", "已修复路灯"), ("send_anyway", "true")];
    let p = post_form(&app, &clerk, &case_page, &act, &anyway).await;
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
    let dashboard = get(&app, a, "/app/dashboard?campaign=all").await;
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
        "/app/imports",
        "/app/bulletins",
        "/bulletins",
        "/transparency",
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
    let weeks = app.store.ledger().problem_weeks(&admin, &Default::default(), 3).await.unwrap();
    let got: Vec<(String, u64, u64)> = weeks.iter().map(|w| (w.week_start.to_string(), w.found, w.closed)).collect();
    assert_eq!(
        got,
        [("2026-02-23".into(), 0, 0), ("2026-03-02".into(), 2, 0), ("2026-03-09".into(), 1, 1)],
        "weeks run Monday to Sunday in China time"
    );
}

/// An attribute value as a browser reads it (the templates escape `&`, quotes and `/`).
fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The `href` of the first link whose address starts with `prefix`, as a browser follows it.
fn link(html: &str, prefix: &str) -> String {
    let escaped = prefix.replace('/', "&#x2f;");
    let at = html
        .find(&format!("href=\"{prefix}"))
        .or_else(|| html.find(&format!("href=\"{escaped}")))
        .unwrap_or_else(|| panic!("no link to {prefix}"))
        + "href=\"".len();
    unescape(html[at..].split('"').next().unwrap())
}

/// The fields of the form marked `data-action="{action}"`: its hidden inputs, as a browser
/// sends them.
fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html.find(&format!("data-action=\"{action}\"")).unwrap_or_else(|| panic!("no {action} form"));
    let form = &html[start..start + html[start..].find("</form>").unwrap()];
    let mut out = Vec::new();
    for input in form.split("<input").skip(1) {
        let attr = |name: &str| {
            let marker = format!(" {name}=\"");
            input.find(&marker).map(|i| unescape(input[i + marker.len()..].split('"').next().unwrap()))
        };
        if let (Some(name), Some(value)) = (attr("name"), attr("value")) {
            out.push((name, value));
        }
    }
    out
}

/// Sends the import page's form as a browser does (multipart, with the page's CSRF token).
async fn upload(app: &TestApp, fields: &[(&str, &str)], file: Option<(&str, Vec<u8>)>) -> Page {
    let csrf = hidden(&get(app, &app.admin, "/app/imports").await.html, "_csrf");
    let mut form = Form::new().text("_csrf", csrf);
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_owned()));
    }
    page(app.admin.post(app.url("/app/imports")).multipart(form).send().await.unwrap()).await
}

fn count(html: &str, name: &str) -> u64 {
    let marker = format!("data-count=\"{name}\">");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no count {name}")) + marker.len();
    html[at..].split('<').next().unwrap().parse().unwrap()
}

async fn spreadsheets_are_imported_through_the_upload_page(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let home = get(&app, &app.admin, "/app").await;
    assert!(home.html.contains("href=\"/app/imports\""), "the administrator's nav offers imports");
    let form = get(&app, &app.admin, "/app/imports").await;
    assert_eq!(form.status, 200);
    assert!(
        form.html.contains("enctype=\"multipart/form-data\"")
            && form.html.contains("name=\"dry_run\" type=\"checkbox\" value=\"true\" checked")
    );

    // Units from a GBK file (as Excel saves CSV on a Chinese Windows), checked then imported.
    let units = "单位名称,上级单位,单位类型\n蔡甸区,,区\n公安,蔡甸区,部门\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(units);
    let p = upload(&app, &[("kind", "units"), ("dry_run", "true")], Some(("单位.csv", gbk.to_vec()))).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(
        p.html.contains("data-dry-run=\"true\" data-applied=\"false\" data-passed=\"true\""),
        "{}",
        &p.html[p.html.find("import-report").unwrap_or(0)..][..600]
    );
    assert_eq!((count(&p.html, "rows"), count(&p.html, "created")), (2, 2));
    assert_eq!(app.all("/api/v1/units").await.len(), 0, "a dry run writes nothing");
    // The file rides along in the page: "import now" sends it again with the same settings.
    let carried = form_fields(&p.html, "import-now");
    assert!(carried.iter().any(|(k, v)| k == "kind" && v == "units"));
    assert!(!carried.iter().any(|(k, _)| k == "dry_run"), "the real import");
    let mut form = Form::new();
    for (k, v) in carried {
        form = form.text(k, v);
    }
    let p = page(app.admin.post(app.url("/app/imports")).multipart(form).send().await.unwrap()).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("data-applied=\"true\""), "imported");
    assert_eq!(app.all("/api/v1/units").await.len(), 2);

    // Problems with a unit that does not exist: the row, the column, the value and why.
    let ledger = "序号,问题描述,责任单位,整改时限\n1,路灯损坏,公安,2026-04-30\n2,窗口态度差,不存在的单位,2026-05-31\n";
    let fields = [("kind", "problems"), ("dry_run", "true")];
    let p = upload(&app, &fields, Some(("台账.csv", ledger.as_bytes().to_vec()))).await;
    assert_eq!(p.status, 422, "{}", p.html);
    let row = &p.html[p.html.find("<tr data-row=\"3\">").expect("row 3 is named")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("<td>责任单位</td>") && row.contains("<td>不存在的单位</td>"), "{row}");
    assert!(!p.html.contains("data-action=\"import-now\""), "nothing to import");
    // The real import of the same file is refused whole.
    let p = upload(&app, &[("kind", "problems")], Some(("台账.csv", ledger.as_bytes().to_vec()))).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("data-applied=\"false\"") && p.html.contains("<tr data-row=\"3\">"));
    assert_eq!(app.all("/api/v1/problems").await.len(), 0, "all or nothing");
    // Corrected and sent for real straight away (the box unticked).
    let fixed = ledger.replace("不存在的单位", "蔡甸区");
    let p = upload(&app, &[("kind", "problems")], Some(("台账.csv", fixed.as_bytes().to_vec()))).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert_eq!((count(&p.html, "created"), count(&p.html, "errors")), (2, 0));
    assert_eq!(app.all("/api/v1/problems").await.len(), 2);
    // Again: nothing changes.
    let p = upload(&app, &[("kind", "problems")], Some(("台账.csv", fixed.as_bytes().to_vec()))).await;
    assert_eq!((count(&p.html, "created"), count(&p.html, "unchanged")), (0, 2));

    // Without a file the form says so next to the field; an unknown mapping too.
    let p = upload(&app, &[("kind", "units"), ("map", "没有等号")], None).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("id=\"err-file\"") && p.html.contains("id=\"err-map\""), "{}", p.html);

    // Only the administrator imports.
    let staff = app.user("staff", "office_staff", None).await;
    assert!(!get(&app, &staff, "/app").await.html.contains("href=\"/app/imports\""));
    assert_eq!(get(&app, &staff, "/app/imports").await.status, 403);
}

async fn lists_link_their_exports_with_their_filters(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区城管局", None).await;
    let other = app.unit("区教育局", None).await;
    app.problem(json!({"description": "占道经营无人管", "unit_id": unit})).await;
    app.problem(json!({"description": "校门口拥堵", "unit_id": other})).await;

    let p = get(&app, &app.admin, &format!("/app/problems?unit={unit}&state=open&cursor=x")).await;
    let xlsx = link(&p.html, "/api/v1/exports/problems?");
    assert_eq!(xlsx, format!("/api/v1/exports/problems?unit={unit}&state=open&format=xlsx"), "filters, not paging");
    let resp = app.admin.get(app.url(&xlsx)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let csv = app.admin.get(app.url(&xlsx.replace("format=xlsx", "format=csv"))).send().await.unwrap();
    let text = csv.text().await.unwrap();
    assert!(text.contains("占道经营无人管") && !text.contains("校门口拥堵"), "the list's rows only: {text}");

    // The inbox's box is the API's own filter.
    let p = get(&app, &app.admin, "/app/cases?box=to_accept&q=路灯").await;
    assert_eq!(
        link(&p.html, "/api/v1/exports/cases?"),
        "/api/v1/exports/cases?state=received&q=%E8%B7%AF%E7%81%AF&format=xlsx"
    );
    assert!(
        p.html.contains("data-action=\"export-contacts\""),
        "the office may export the citizens' details, with a reason"
    );
    for (path, kind) in [("/app/admin/units", "units"), ("/app/admin/people", "people")] {
        let p = get(&app, &app.admin, path).await;
        assert_eq!(link(&p.html, &format!("/api/v1/exports/{kind}?")), format!("/api/v1/exports/{kind}?format=xlsx"));
    }
    // A unit's clerk gets the links too, and the files hold their own unit's rows only.
    let clerk = app.user("clerk", "unit_clerk", Some(&unit)).await;
    let p = get(&app, &clerk, "/app/cases?box=all").await;
    assert!(p.html.contains("data-export=\"cases\"") && !p.html.contains("data-action=\"export-contacts\""));
    let p = get(&app, &clerk, "/app/problems").await;
    let csv =
        clerk.get(app.url(&link(&p.html, "/api/v1/exports/problems?").replace("xlsx", "csv"))).send().await.unwrap();
    let text = csv.text().await.unwrap();
    assert!(text.contains("占道经营无人管") && !text.contains("校门口拥堵"), "{text}");
}

async fn a_bulletin_is_composed_previewed_and_published_through_the_pages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区城管局", None).await;
    let campaign = app
        .post("/api/v1/campaigns", json!({"name": "作风建设年", "starts_on": "2026-03-01", "unit_ids": [unit]}))
        .await
        .expect(201)
        .id();
    let lamp = app.problem(json!({"description": "路灯损坏", "unit_id": unit, "campaign_id": campaign})).await;
    let lamp = lamp["id"].as_str().unwrap().to_owned();
    app.problem(json!({"description": "占道经营", "unit_id": unit, "campaign_id": campaign})).await;
    app.close_off(&lamp).await;

    let list = get(&app, &app.admin, "/app/bulletins").await;
    assert!(list.html.contains("data-action=\"new-bulletin\""));
    let fields = [
        ("campaign_id", campaign.as_str()),
        ("headline", "作风建设简报"),
        ("issuer", "区作风办"),
        ("editor_note", "各单位高度重视。"),
        ("show_units", "true"),
        ("show_overdue", "true"),
    ];
    let p = post_form(&app, &app.admin, "/app/bulletins", "/app/bulletins", &fields).await;
    assert!(p.url.contains("done=created"), "{}", p.url);
    let id = p.url.rsplit('/').next().unwrap().split('?').next().unwrap().to_owned();
    let draft_page = format!("/app/bulletins/{id}");
    // The preview counts the ledger now: two problems, one closed off.
    assert!(p.html.contains("data-status=\"draft\""));
    assert!(p.html.contains("data-figure=\"total\">2<") && p.html.contains("data-figure=\"closed\">1<"), "{}", p.html);
    assert!(p.html.contains("【编者按】</strong>各单位高度重视。截至2026年3月"));
    assert!(!p.html.contains("id=\"h-b-categories\""), "the categories were left out");
    assert!(p.html.contains("/api/v1/bulletins/") && p.html.contains("document?format=pdf"));

    // An item chosen by its number, with the editor's words; a number that is no problem is refused.
    let save = |sel: &str| {
        vec![
            ("version".to_owned(), String::new()),
            ("headline".to_owned(), "作风建设简报".to_owned()),
            ("issuer".to_owned(), "区作风办".to_owned()),
            ("issued_on".to_owned(), "2026-03-02".to_owned()),
            ("editor_note".to_owned(), "各单位高度重视。".to_owned()),
            ("body".to_owned(), "下一步，继续抓好整改落实。".to_owned()),
            ("show_units".to_owned(), "true".to_owned()),
            ("sel_kind_0".to_owned(), "problem".to_owned()),
            ("sel_id_0".to_owned(), sel.to_owned()),
            ("sel_comment_0".to_owned(), "当天修复，群众满意。".to_owned()),
            ("sel_id_1".to_owned(), String::new()),
        ]
    };
    let version = hidden(&get(&app, &app.admin, &draft_page).await.html, "version");
    let with_version = |mut f: Vec<(String, String)>| {
        f[0].1 = version.clone();
        f
    };
    let bad = with_version(save("999999"));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let p = post_form(&app, &app.admin, &draft_page, &draft_page, &bad).await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(p.html.contains("id=\"err-selected\"") && p.html.contains("value=\"999999\""), "kept, with the error");
    let good = with_version(save(&lamp));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let p = post_form(&app, &app.admin, &draft_page, &draft_page, &good).await;
    assert!(p.url.contains("done=saved"), "{} {}", p.url, p.html);
    assert!(
        p.html.contains("id=\"bulletin-selected\"")
            && p.html.contains("路灯损坏")
            && p.html.contains("当天修复，群众满意。")
    );
    assert!(p.html.contains("下一步，继续抓好整改落实。"));

    // A draft is the office's: not on the portal, not for a unit's clerk.
    let public = Client::new();
    assert_eq!(get(&app, &public, &format!("/bulletins/{id}")).await.status, 404);
    assert!(!get(&app, &public, "/bulletins").await.html.contains("作风建设简报"));
    let clerk = app.user("clerk", "unit_clerk", Some(&unit)).await;
    assert_eq!(get(&app, &clerk, &draft_page).await.status, 404);

    // Published as issue 8 (seven came out on paper), then frozen.
    let p = post_form(
        &app,
        &app.admin,
        &draft_page,
        &format!("{draft_page}/publish"),
        &[("version", &hidden(&get(&app, &app.admin, &draft_page).await.html, "version")), ("number", "8")],
    )
    .await;
    assert!(p.url.contains("done=published"), "{} {}", p.url, p.html);
    assert!(p.html.contains("data-status=\"published\"") && p.html.contains("id=\"frozen\""));
    assert!(p.html.contains("第8期") && !p.html.contains("data-action=\"save-draft\""), "read-only");
    // The ledger moves on; the issue does not.
    app.problem(json!({"description": "新问题", "unit_id": unit, "campaign_id": campaign})).await;
    let p = get(&app, &app.admin, &draft_page).await;
    assert!(p.html.contains("data-figure=\"total\">2<"), "frozen");

    // On the portal, for everyone, with its documents.
    let index = get(&app, &public, "/").await;
    assert!(index.html.contains("href=\"/bulletins\""));
    let list = get(&app, &public, "/bulletins").await;
    assert!(list.html.contains(&format!("href=\"/bulletins/{id}\"")) && list.html.contains("第8期"));
    let issue = get(&app, &public, &format!("/bulletins/{id}")).await;
    assert_eq!(issue.status, 200);
    assert!(issue.html.contains("作风建设简报") && issue.html.contains("当天修复，群众满意。"));
    assert!(issue.html.contains(&format!("/api/v1/bulletins/{id}/document?format=docx")));
    let clerk_view = get(&app, &clerk, &draft_page).await;
    assert_eq!(clerk_view.status, 200, "a published issue is every account's");
    // Published is final: an edit sent anyway is refused.
    let p = post_form(&app, &app.admin, "/app/bulletins", &draft_page, &good).await;
    assert_eq!(p.status, 422);
}

async fn the_dashboard_shows_the_fair_figures_and_the_ranking(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let big = app.unit("区城管局", None).await;
    let small = app.unit("区档案馆", None).await;
    for n in 0..5 {
        let p = app.problem(json!({"description": format!("问题{n}"), "unit_id": big, "deadline": "2026-04-30"})).await;
        if n < 2 {
            app.close_off(p["id"].as_str().unwrap()).await;
        }
    }
    app.problem(json!({"description": "档案", "unit_id": small})).await;
    let p = get(&app, &app.admin, "/app/dashboard?campaign=all").await;
    for figure in ["verified", "verified_rate", "on_time_rate", "rebounded"] {
        assert!(p.html.contains(&format!("data-figure=\"{figure}\"")), "{figure}");
    }
    let verified = &p.html[p.html.find("data-figure=\"verified\"").unwrap()..];
    assert!(
        verified[..verified.find("</a>").unwrap()].ends_with(">2"),
        "both closed off with evidence: {verified:.200}"
    );
    let ranking = &p.html[p.html.find("id=\"ranking\"").expect("the ranking")..];
    assert!(ranking.contains("<tr data-rank=\"1\"><td>1</td><td>区城管局</td><td>5</td><td>2</td>"), "{ranking}");
    assert!(ranking.contains("data-min-items=\"5\"") && ranking.contains("区档案馆（1）"), "too few items to rank");
}

/// The ledger says how many items match in all (not only on this page) and how many days each
/// red item is overdue.
async fn the_ledger_says_its_total_and_days_overdue(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区城管局", None).await;
    // Monday 2 March: due on 20 February, 10 days overdue; due next month, on time.
    let late = app.problem(json!({"description": "占道经营", "unit_id": unit, "deadline": "2026-02-20"})).await;
    for i in 0..51 {
        app.problem(json!({"description": format!("路灯{i}"), "unit_id": unit, "deadline": "2026-04-30"})).await;
    }
    let html = get(&app, &app.admin, "/app/problems").await.html;
    assert!(html.contains("data-total=\"52\">共52条，本页50条"), "the total and this page's count");
    let q = get(&app, &app.admin, "/app/problems?q=%E5%8D%A0%E9%81%93").await.html;
    assert!(q.contains("data-total=\"1\">共1条，本页1条"), "the total follows the filter");
    let row =
        q.split(&format!("<td>{}</td>", late["id"].as_str().unwrap())).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.contains("data-overdue=\"10\"") && row.contains("逾期10天"), "{row}");
    assert!(row.contains("2026年2月20日"), "the due date as people read it: {row}");
}

on_both!(
    the_ledger_says_its_total_and_days_overdue,
    spreadsheets_are_imported_through_the_upload_page,
    lists_link_their_exports_with_their_filters,
    a_bulletin_is_composed_previewed_and_published_through_the_pages,
    the_dashboard_shows_the_fair_figures_and_the_ranking,
    the_dashboard_line_counts_each_week,
    a_citizen_uses_the_portal_and_staff_the_case_pages,
    a_problem_is_closed_off_through_the_pages,
    forms_need_a_session_and_its_csrf_token,
    a_clerk_sees_only_their_units_records,
    english_pages_have_no_chinese_in_their_chrome,
);
