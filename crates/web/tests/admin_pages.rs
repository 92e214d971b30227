//! The administration pages of the workbench, used as a browser would: signed in through the
//! sign-in form, forms posted urlencoded with the page's CSRF token, answers read as HTML.

mod common;

use common::{ADMIN_PASSWORD, TestApp};
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::Client;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

/// A browser-like client (cookies kept, redirects not followed so they can be checked),
/// signed in through the sign-in form.
async fn browser(app: &TestApp, username: &str, password: &str) -> Client {
    let c = Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap();
    let form = c.get(app.url("/login")).send().await.unwrap();
    assert_eq!(form.status().as_u16(), 200);
    let r = c
        .post(app.url("/login"))
        .form(&[("username", username), ("password", password), ("next", "/app/admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "signing in as {username}");
    assert_eq!(r.headers()["location"], "/app/admin");
    c
}

async fn admin(app: &TestApp) -> Client {
    browser(app, "admin", ADMIN_PASSWORD).await
}

/// A fresh account made through the API, signed in through the form.
async fn account(app: &TestApp, username: &str, role: &str, unit: Option<&str>) -> Client {
    let mut body = json!({"username": username, "password": "password-123", "role": role});
    if let Some(u) = unit {
        body["unit_id"] = json!(u);
    }
    app.post("/api/v1/accounts", body).await.expect(201);
    browser(app, username, "password-123").await
}

async fn page(app: &TestApp, c: &Client, path: &str) -> (u16, String) {
    let r = c.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[track_caller]
fn ok(got: (u16, String)) -> String {
    assert_eq!(got.0, 200, "{}", got.1);
    got.1
}

/// Posts a form; answers (status, Location, body).
async fn post(app: &TestApp, c: &Client, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let r = c.post(app.url(path)).form(fields).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, location, r.text().await.unwrap())
}

/// The CSRF token in a page's forms.
fn csrf(html: &str) -> String {
    let at = html.find(r#"name="_csrf" value=""#).expect("a form with a CSRF token") + r#"name="_csrf" value=""#.len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// The unit id linked from the tree by its name.
fn unit_link(html: &str, name: &str) -> String {
    let end = html.find(&format!(r#"">{name}</a>"#)).unwrap_or_else(|| panic!("no link to {name}"));
    let start = html[..end].rfind("/app/admin/units/").unwrap() + "/app/admin/units/".len();
    html[start..end].to_owned()
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// The text inside every `<tag …>…</tag>` of the page.
fn elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        // `<th` must not match `<thead`, `<header` not `<head`.
        if !after.starts_with([' ', '>']) {
            rest = after;
            continue;
        }
        let end = after.find(&close).unwrap_or_else(|| panic!("<{tag}> not closed"));
        out.push(&after[..end]);
        rest = &after[end..];
    }
    out
}

/// Drops elements marked as being in Chinese (`lang="zh-CN"`, the language switch), which are
/// meant to be read in Chinese whatever the page's language.
fn without_chinese_marked(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(r#"lang="zh-CN""#) {
        let start = rest[..i].rfind('<').unwrap();
        out.push_str(&rest[..start]);
        let end = rest[i..].find("</").map(|e| i + e).unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[track_caller]
fn assert_english_chrome(path: &str, html: &str) {
    assert!(html.contains(r#"<html lang="en">"#), "{path} is in English");
    for tag in ["header", "nav", "label", "th", "button"] {
        for text in elements(html, tag) {
            let text = without_chinese_marked(text);
            assert!(!text.chars().any(is_cjk), "{path}: Chinese in <{tag}>: {text}");
        }
    }
}

async fn adding_a_unit_shows_it_in_the_tree(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let c = admin(&app).await;
    let index = ok(page(&app, &c, "/app/admin").await);
    for link in ["units", "people", "campaigns", "calendar", "accounts"] {
        assert!(index.contains(&format!(r#"href="/app/admin/{link}""#)), "the index links {link}");
    }
    let html = ok(page(&app, &c, "/app/admin/units").await);
    assert!(html.contains(r#"action="/app/admin/units""#), "the add form");
    let token = csrf(&html);

    let (status, location, _) = post(
        &app,
        &c,
        "/app/admin/units",
        &[("_csrf", &token), ("name", "宁海县"), ("kind", "district"), ("complaint_phone", "0574-65561234")],
    )
    .await;
    assert_eq!((status, location.as_str()), (303, "/app/admin/units?done=created"));
    let html = ok(page(&app, &c, "/app/admin/units?done=created").await);
    assert!(html.contains("已创建。"), "the notice");
    let county = unit_link(&html, "宁海县");
    let (status, _, _) = post(
        &app,
        &c,
        "/app/admin/units",
        &[
            ("_csrf", &token),
            ("name", "跃龙街道"),
            ("parent_id", &county),
            ("kind", "street"),
            ("system", "民政"),
            ("mailbox", "yuelong@ninghai.gov.cn"),
        ],
    )
    .await;
    assert_eq!(status, 303);

    // The street shows inside the county's nested list, with what was typed.
    let html = ok(page(&app, &c, "/app/admin/units").await);
    let tree = &html[html.find(r#"<ul class="tree">"#).expect("the tree")..];
    let (county_at, street_at) = (tree.find("宁海县</a>").unwrap(), tree.find("跃龙街道</a>").unwrap());
    assert!(county_at < street_at && tree[county_at..street_at].contains("<ul>"), "nested under its parent");
    assert!(!tree[county_at..street_at].contains("</li>"), "inside the county's item");
    for shown in ["街道", "民政", "yuelong@ninghai.gov.cn", "0574-65561234"] {
        assert!(tree.contains(shown), "the tree shows {shown}");
    }

    // Editing: the fields sent change, a blanked optional field is cleared.
    let street = unit_link(&html, "跃龙街道");
    let edit = ok(page(&app, &c, &format!("/app/admin/units/{street}")).await);
    assert!(edit.contains(r#"name="version" value="1""#));
    let fields = [
        ("_csrf", token.as_str()),
        ("version", "1"),
        ("name", "跃龙街道办事处"),
        ("parent_id", county.as_str()),
        ("kind", "street"),
        ("system", "民政"),
        ("complaint_phone", ""),
        ("mailbox", ""),
    ];
    let (status, location, _) = post(&app, &c, &format!("/app/admin/units/{street}"), &fields).await;
    assert_eq!((status, location), (303, format!("/app/admin/units/{street}?done=saved")));
    let unit = app.get(&format!("/api/v1/units/{street}")).await.ok();
    assert_eq!(
        (unit["name"].as_str(), unit["mailbox"].as_str(), unit["version"].as_i64()),
        (Some("跃龙街道办事处"), None, Some(2))
    );
    assert_eq!(unit["parent_id"], json!(county), "kept");
    // The same form again is from an older version: refused, shown with the saved unit.
    let (status, _, html) = post(&app, &c, &format!("/app/admin/units/{street}"), &fields).await;
    assert_eq!(status, 422);
    assert!(html.contains("已更新到版本 2"), "{html}");
    assert!(html.contains(r#"name="version" value="2""#), "sending again replaces it knowingly");
}

async fn a_bad_form_keeps_what_was_typed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let c = admin(&app).await;
    let token = csrf(&ok(page(&app, &c, "/app/admin/units").await));
    let before = app.count_rows("units").await;
    let (status, _, html) = post(
        &app,
        &c,
        "/app/admin/units",
        &[
            ("_csrf", &token),
            ("name", "  "),
            ("system", "公安"),
            ("complaint_phone", "0574-88886666"),
            ("kind", "station"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(app.count_rows("units").await, before, "nothing added");
    assert!(html.contains(r#"class="error-summary""#), "a summary");
    // The message sits right after the name input, which points at it.
    let (input, message, next) = (
        html.find(r#"id="f-name""#).unwrap(),
        html.find(r#"id="err-name""#).unwrap(),
        html.find(r#"id="f-parent_id""#).unwrap(),
    );
    assert!(input < message && message < next, "the error is next to its field");
    assert!(html[input..message].contains(r#"aria-invalid="true" aria-describedby="err-name""#));
    assert!(html[message..next].contains("必填"));
    // What was typed is still there.
    assert!(html.contains(r#"value="公安""#) && html.contains(r#"value="0574-88886666""#));
    assert!(html.contains(r#"<option value="station" selected>"#), "the chosen type");

    // Other forms refill the same way; a refused account form never sends the password back.
    let (status, _, html) = post(
        &app,
        &c,
        "/app/admin/accounts",
        &[("_csrf", &token), ("username", "zhang.san"), ("role", "unit_clerk"), ("password", "secret-password-1")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains(r#"id="err-unit_id""#) && html.contains(r#"value="zhang.san""#));
    assert!(!html.contains("secret-password-1"), "the password is not echoed");
    let (status, _, html) =
        post(&app, &c, "/app/admin/people", &[("_csrf", &token), ("name", "王五"), ("position", "科员")]).await;
    assert_eq!(status, 422);
    assert!(html.contains(r#"id="err-unit_id""#) && html.contains(r#"value="科员""#));
}

async fn a_form_without_its_token_changes_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let c = admin(&app).await;
    ok(page(&app, &c, "/app/admin/units").await);
    let before = (app.count_rows("units").await, app.count_rows("accounts").await);
    for fields in [vec![("name", "无令牌单位")], vec![("_csrf", "forged-token"), ("name", "伪造令牌单位")]] {
        let (status, _, html) = post(&app, &c, "/app/admin/units", &fields).await;
        assert_eq!(status, 403, "{html}");
        assert!(html.contains("表单已过期"), "the error page says why");
    }
    let (status, _, _) = post(
        &app,
        &c,
        "/app/admin/accounts",
        &[("username", "sneaky"), ("role", "office_admin"), ("password", "password-123")],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!((app.count_rows("units").await, app.count_rows("accounts").await), before);
    // Not signed in: to the sign-in page, nothing changed.
    let anonymous = Client::builder().redirect(Policy::none()).build().unwrap();
    let r = anonymous.get(app.url("/app/admin/units")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login?next="));
}

async fn a_unit_clerk_may_look_but_not_change(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("县市场监管局", None).await;
    let clerk = account(&app, "clerk", "unit_clerk", Some(&unit)).await;
    let index = ok(page(&app, &clerk, "/app/admin").await);
    assert!(index.contains(r#"href="/app/admin/units""#) && !index.contains(r#"href="/app/admin/accounts""#));
    assert!(index.contains("仅可查看"));

    let html = ok(page(&app, &clerk, "/app/admin/units").await);
    assert!(html.contains("县市场监管局"), "the tree is readable");
    assert!(!html.contains(r#"method="post" action="/app/admin/units""#), "no add form");
    let edit = ok(page(&app, &clerk, &format!("/app/admin/units/{unit}")).await);
    assert!(!edit.contains(r#"name="version""#), "no edit form");
    for path in ["/app/admin/people", "/app/admin/campaigns", "/app/admin/calendar"] {
        let html = ok(page(&app, &clerk, path).await);
        assert!(!html.contains(r#"method="post" action="/app/admin"#), "{path} has no form");
    }

    // A hand-made form with a valid token is still refused by the use case.
    let token = csrf(&html);
    let before = app.count_rows("units").await;
    let (status, _, _) = post(&app, &clerk, "/app/admin/units", &[("_csrf", &token), ("name", "擅自添加")]).await;
    assert_eq!(status, 403);
    let (status, _, _) =
        post(&app, &clerk, &format!("/app/admin/units/{unit}"), &[("_csrf", &token), ("name", "改名")]).await;
    assert_eq!(status, 403);
    assert_eq!(app.count_rows("units").await, before);
    assert_eq!(app.get(&format!("/api/v1/units/{unit}")).await.ok()["name"], "县市场监管局");
    assert_eq!(page(&app, &clerk, "/app/admin/accounts").await.0, 403);
}

async fn the_immediate_list_shows_who_still_owes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (done, owing) = (app.unit("县住建局", None).await, app.unit("县交通运输局", None).await);
    let c = admin(&app).await;
    let token = csrf(&ok(page(&app, &c, "/app/admin/campaigns").await));
    let (status, location, _) = post(
        &app,
        &c,
        "/app/admin/campaigns",
        &[
            ("_csrf", &token),
            ("name", "作风建设年"),
            ("starts_on", "2026-03-01"),
            ("unit_ids", &done),
            ("unit_ids", &owing),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let campaign_path = location.split('?').next().unwrap().to_owned();
    let campaign = campaign_path.rsplit('/').next().unwrap().to_owned();
    let html = ok(page(&app, &c, &campaign_path).await);
    assert!(html.contains("尚无批次"));

    // A refused batch keeps its values; a good one opens its list.
    let batches = format!("{campaign_path}/batches");
    let (status, _, html) =
        post(&app, &c, &batches, &[("_csrf", &token), ("name", "第一批"), ("items_per_unit", "101")]).await;
    assert_eq!(status, 422);
    assert!(html.contains(r#"id="err-items_per_unit""#) && html.contains(r#"value="101""#));
    let (status, location, _) =
        post(&app, &c, &batches, &[("_csrf", &token), ("name", "第一批立改项目"), ("items_per_unit", "1")]).await;
    assert_eq!(status, 303);
    let batch = location.split("batch=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    app.problem(json!({"description": "窗口服务不规范", "unit_id": done, "campaign_id": campaign, "batch_id": batch}))
        .await;

    let html = ok(page(&app, &c, &location).await);
    assert!(html.contains("立改清单</h2>") && html.contains("批次： <strong>第一批立改项目</strong>"));
    let owing_box = &html[html.find(r#"id="units-owing""#).expect("the owing units")..];
    let owing_box = &owing_box[..owing_box.find("</div>").unwrap()];
    assert!(owing_box.contains("县交通运输局") && !owing_box.contains("县住建局"), "{owing_box}");
    assert!(owing_box.contains(r#"<span class="badge warn">还差 1 项</span>"#));
    let row = |name: &str| {
        let at = html.rfind(name).unwrap();
        let start = html[..at].rfind("<tr").unwrap();
        html[start..start + html[start..].find("</tr>").unwrap()].to_owned()
    };
    assert!(row("县交通运输局").contains("data-owing") && row("县交通运输局").contains("badge warn"));
    assert!(!row("县住建局").contains("data-owing") && row("县住建局").contains("已报齐"));
    // A batch of another campaign is not on this page.
    assert_eq!(page(&app, &c, &format!("{campaign_path}?batch=99999")).await.0, 404);
}

async fn english_pages_have_english_chrome(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("县民政局", None).await;
    app.post("/api/v1/people", json!({"name": "李四", "unit_id": unit, "position": "局长"})).await.expect(201);
    let camp = app
        .post("/api/v1/campaigns", json!({"name": "创建评议", "starts_on": "2026-03-01", "unit_ids": [unit]}))
        .await
        .expect(201)
        .id();
    app.post("/api/v1/batches", json!({"campaign_id": camp, "name": "第一批"})).await.expect(201);
    let c = admin(&app).await;
    let paths = [
        "/app/admin".to_owned(),
        "/app/admin/units".to_owned(),
        format!("/app/admin/units/{unit}"),
        "/app/admin/people".to_owned(),
        format!("/app/admin/people?unit={unit}"),
        "/app/admin/campaigns".to_owned(),
        format!("/app/admin/campaigns/{camp}"),
        "/app/admin/calendar".to_owned(),
        "/app/admin/accounts".to_owned(),
    ];
    for path in &paths {
        let sep = if path.contains('?') { '&' } else { '?' };
        let html = ok(page(&app, &c, &format!("{path}{sep}lang=en")).await);
        assert_english_chrome(path, &html);
    }
    // The calendar shows the shipped years with their holidays and make-up days.
    let html = ok(page(&app, &c, "/app/admin/calendar?lang=zh").await);
    assert!(html.contains("调休上班日") && html.contains("春节"), "holidays and make-up days");
    // A refused form in English too.
    let token = csrf(&ok(page(&app, &c, "/app/admin/units?lang=en").await));
    let (status, _, html) = post(&app, &c, "/app/admin/units", &[("_csrf", &token), ("name", "")]).await;
    assert_eq!(status, 422);
    assert_english_chrome("refused unit form", &html);
    assert!(html.contains("is required"));
}

async fn people_are_filtered_by_unit_and_paged(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (big, small) = (app.unit("县政务服务中心", None).await, app.unit("县档案馆", None).await);
    for i in 0..51 {
        app.post("/api/v1/people", json!({"name": format!("窗口人员{i:02}"), "unit_id": big})).await.expect(201);
    }
    app.post("/api/v1/people", json!({"name": "档案员", "unit_id": small, "phone": "0574-65550000"})).await.expect(201);
    let c = admin(&app).await;
    let first = ok(page(&app, &c, &format!("/app/admin/people?unit={big}")).await);
    assert_eq!(first.matches("<td>窗口人员").count(), 50, "a page of fifty");
    assert!(!first.contains("档案员"), "only the chosen unit");
    assert!(first.contains(&format!(r#"<option value="{big}" selected>"#)), "the filter shows its choice");
    let next = first.split(r#"rel="next" href=""#).nth(1).expect("a next-page link").split('"').next().unwrap();
    // As a browser reads the attribute.
    let next = next.replace("&amp;", "&").replace("&#x2f;", "/");
    assert!(next.contains(&format!("unit={big}")), "the filter is kept: {next}");
    let second = ok(page(&app, &c, &next).await);
    assert_eq!(second.matches("<td>窗口人员").count(), 1);
    assert!(!second.contains(r#"rel="next""#));
    let other = ok(page(&app, &c, &format!("/app/admin/people?unit={small}")).await);
    assert!(other.contains("档案员") && other.contains("0574-65550000") && !other.contains("<td>窗口人员"));

    // Adding a person through the form lands on their unit's list.
    let token = csrf(&other);
    let fields = [("_csrf", token.as_str()), ("name", "新档案员"), ("unit_id", small.as_str()), ("position", "馆员")];
    let (status, location, _) = post(&app, &c, "/app/admin/people", &fields).await;
    assert_eq!((status, location), (303, format!("/app/admin/people?unit={small}&done=created")));
    let html = ok(page(&app, &c, &format!("/app/admin/people?unit={small}")).await);
    assert!(html.contains("<td>新档案员</td>") && html.contains("<td>馆员</td>"));
}

/// Labels the templates build from domain values (unit kinds, person kinds, the index's pages)
/// are in the catalog in both languages; a missing one would show as its key.
#[test]
fn the_admin_pages_have_their_words() {
    use rectify_domain::person::PersonKind;
    use rectify_domain::unit::UnitKind;
    use rectify_domain::wire::Wire;
    use rectify_web::i18n::Lang;
    use rectify_web::pages::view::Catalog;
    let (catalog, faults) = Catalog::load();
    assert!(faults.is_empty(), "{faults:?}");
    let mut keys: Vec<String> = UnitKind::ALL.iter().map(|k| k.label_key()).collect();
    keys.extend(PersonKind::ALL.iter().map(|k| k.label_key()));
    for page in ["units", "people", "campaigns", "calendar", "accounts"] {
        keys.extend([format!("admin.{page}.title"), format!("admin.{page}.desc")]);
    }
    for key in keys {
        for lang in [Lang::Zh, Lang::En] {
            assert!(catalog.get(&key, lang).is_some_and(|t| !t.trim().is_empty()), "{key} is missing");
        }
        assert!(!catalog.get(&key, Lang::En).unwrap_or_default().chars().any(is_cjk), "{key} in English");
    }
}

/// The administrator makes an API token on the accounts page (its secret shown that once),
/// uses it, and revokes it there.
async fn tokens_are_made_shown_once_and_revoked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let a = admin(&app).await;
    let html = ok(page(&app, &a, "/app/admin/accounts").await);
    let token = csrf(&html);
    let (status, _, body) =
        post(&app, &a, "/app/admin/tokens", &[("_csrf", &token), ("name", "12345热线对接"), ("role", "office_staff")])
            .await;
    assert_eq!(status, 200, "{body}");
    let start = body.find(r#"<code class="token">"#).expect("the secret, shown once") + r#"<code class="token">"#.len();
    let secret = body[start..].split('<').next().unwrap().to_owned();
    let api = Client::new();
    let me = api.get(app.url("/api/v1/session")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(me.status(), 200);
    let again = ok(page(&app, &a, "/app/admin/accounts").await);
    assert!(again.contains("12345热线对接") && !again.contains(&secret), "listed, never shown again");
    let at = again.find("/app/admin/tokens/").unwrap() + "/app/admin/tokens/".len();
    let id = again[at..].split('/').next().unwrap().to_owned();
    let (status, location, _) =
        post(&app, &a, &format!("/app/admin/tokens/{id}/revoke"), &[("_csrf", &csrf(&again))]).await;
    assert_eq!((status, location.as_str()), (303, "/app/admin/accounts?done=revoked"));
    let me = api.get(app.url("/api/v1/session")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(me.status(), 401, "refused once revoked");
    // A bad form names the field and keeps the name typed.
    let (status, _, body) = post(&app, &a, "/app/admin/tokens", &[("_csrf", &token), ("name", "数据平台")]).await;
    assert_eq!(status, 422);
    assert!(body.contains("数据平台") && body.contains("err-token-role"), "{body}");
}

/// The settings page: the administrator changes the acceptance limit, a reply deadline and the
/// tile server in one form; a value out of range is named in Chinese and nothing is saved; others
/// read the settings without a form to send.
async fn settings_are_changed_through_their_page(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let c = admin(&app).await;
    let html = ok(page(&app, &c, "/app/admin/settings").await);
    assert!(html.contains(r#"name="accept_within_working_days" type="number" value="1""#), "today's value");
    assert!(html.contains(r#"name="case_due.complaint" type="number" value="13""#));
    let token = csrf(&html);
    let mut owned: Vec<(String, String)> = [
        ("_csrf", token.as_str()),
        ("yellow_working_days", "3"),
        ("accept_within_working_days", "2"),
        ("ranking_min_items", "5"),
        ("office_name", "区作风建设督导办"),
        ("map_tiles.url", "https://tiles.example.org/{z}/{x}/{y}.png"),
        ("map_tiles.attribution", "示例地图"),
        ("map_tiles.latitude", "29.87"),
        ("map_tiles.longitude", "121.54"),
        ("map_tiles.zoom", "12"),
        ("map_tiles.max_zoom", "18"),
        ("triage.auto_route_above", "0.9"),
        ("triage.refit_after_confirmations", "20"),
        ("triage.refit_after_minutes", "30"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .to_vec();
    for (t, d) in [("consult", 3), ("help", 3), ("complaint", 10), ("report", 13), ("suggestion", 13), ("praise", 13)] {
        owned.push((format!("case_due.{t}"), d.to_string()));
    }
    let send = |o: Vec<(String, String)>| {
        let c = &c;
        let app = &app;
        async move {
            let refs: Vec<(&str, &str)> = o.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            post(app, c, "/app/admin/settings", &refs).await
        }
    };
    let (status, location, _) = send(owned.clone()).await;
    assert_eq!((status, location.as_str()), (303, "/app/admin/settings?done=saved"));
    let saved = app.get("/api/v1/settings").await.ok();
    assert_eq!(saved["accept_within_working_days"], 2);
    assert_eq!(saved["case_due"]["complaint"], 10);
    assert_eq!(saved["office_name"], "区作风建设督导办");
    assert_eq!(saved["map_tiles"]["url"], "https://tiles.example.org/{z}/{x}/{y}.png");
    assert_eq!(saved["map_tiles"]["center"], json!([29.87, 121.54]));
    assert_eq!(
        saved["triage"],
        json!({"auto_route_above": 0.9, "refit_after_confirmations": 20, "refit_after_minutes": 30})
    );
    // An empty threshold: a person routes every case again.
    let mut off = owned.clone();
    off.iter_mut().find(|(k, _)| k == "triage.auto_route_above").unwrap().1 = String::new();
    assert_eq!(send(off).await.0, 303);
    assert_eq!(app.get("/api/v1/settings").await.ok()["triage"]["auto_route_above"], Value::Null);
    // Below a coin's odds: named by its own label.
    let mut coin = owned.clone();
    coin.iter_mut().find(|(k, _)| k == "triage.auto_route_above").unwrap().1 = "0.3".into();
    let (status, _, html) = send(coin).await;
    assert!(status == 422 && html.contains("自动分派置信度下限"), "{html}");

    // Out of range: named by its label, the form kept, nothing written.
    owned[1].1 = "99".into();
    owned[2].1 = "5".into();
    let (status, _, html) = send(owned.clone()).await;
    assert_eq!(status, 422);
    assert!(html.contains("黄灯预警提前工作日数须在 0 到 30 之间"), "{html}");
    assert!(html.contains(r#"name="yellow_working_days" type="number" value="99""#), "what was typed is kept");
    assert_eq!(app.get("/api/v1/settings").await.ok()["accept_within_working_days"], 2, "nothing saved");

    // Others read them; only the administrator has a form to send.
    let unit = app.unit("区教育局", None).await;
    let clerk = account(&app, "clerk", "unit_clerk", Some(&unit)).await;
    let html = ok(page(&app, &clerk, "/app/admin/settings").await);
    assert!(html.contains(r#"value="2""#) && !html.contains("保存设置"));
    let (status, _, _) =
        post(&app, &clerk, "/app/admin/settings", &[("_csrf", &csrf(&html)), ("yellow_working_days", "4")]).await;
    assert_eq!(status, 403);
}

on_both!(
    settings_are_changed_through_their_page,
    tokens_are_made_shown_once_and_revoked,
    adding_a_unit_shows_it_in_the_tree,
    a_bad_form_keeps_what_was_typed,
    a_form_without_its_token_changes_nothing,
    a_unit_clerk_may_look_but_not_change,
    the_immediate_list_shows_who_still_owes,
    english_pages_have_english_chrome,
    people_are_filtered_by_unit_and_paged,
);
