//! The staff's daily pages on both databases: the to-do list at `/app` (an office clerk's and a
//! unit clerk's, each count the length of the list it links to), the inbox's counts, waiting
//! times and late acceptances, the notices that say what was done, the header's search, and the
//! dashboard's statement of whose figures it shows.

mod common;

use common::{TestApp, hidden, monday};
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::Client;
use reqwest::redirect::Policy;
use serde_json::json;

async fn html(app: &TestApp, client: &Client, path: &str) -> String {
    let r = client.get(app.url(path)).send().await.expect("get");
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.text().await.expect("body")
}

/// The count a to-do line (`data-todo=NAME`) or an inbox tab (`data-box=NAME`) shows, if shown.
fn count(html: &str, attr: &str, name: &str) -> Option<u64> {
    let at = html.find(&format!("{attr}=\"{name}\""))?;
    let rest = &html[at..];
    let c = rest.find("data-count=\"")? + "data-count=\"".len();
    rest[c..].split('"').next()?.parse().ok()
}

async fn case(app: &TestApp, content: &str) -> (String, String) {
    let body = json!({"content": content, "channel": "hotline", "type": "complaint", "phone": "13800001111"});
    let c = app.post("/api/v1/cases", body).await.expect(201).body;
    (c["id"].as_str().unwrap().to_owned(), c["tracking_code"].as_str().unwrap().to_owned())
}

async fn fire(app: &TestApp, id: &str, body: serde_json::Value) {
    app.post(&format!("/api/v1/cases/{id}/transitions"), body).await.ok();
}

/// Posts a page's form with its CSRF token; answers the redirect's target (not followed).
async fn post_form(app: &TestApp, client: &Client, from: &str, action: &str, fields: &[(&str, &str)]) -> String {
    let csrf = hidden(&html(app, client, from).await, "_csrf");
    let mut body: Vec<(&str, &str)> = vec![("_csrf", &csrf)];
    body.extend_from_slice(fields);
    let r = client.post(app.url(action)).form(&body).send().await.expect("post");
    r.url().to_string()
}

async fn the_office_and_a_unit_each_see_their_own_to_do_list(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区教育局", None).await;
    let other = app.unit("区民政局", None).await;
    let (waiting, _) = case(&app, "学校门口道路拥堵").await;
    let (assigned, _) = case(&app, "校车超载").await;
    fire(&app, &assigned, json!({"action": "accept"})).await;
    fire(&app, &assigned, json!({"action": "assign", "unit_id": unit})).await;
    let (elsewhere, _) = case(&app, "养老院收费不合理").await;
    fire(&app, &elsewhere, json!({"action": "accept"})).await;
    fire(&app, &elsewhere, json!({"action": "assign", "unit_id": other})).await;

    // The office: one to accept (on time on Monday), none late, two with units.
    let office = html(&app, &app.admin, "/app").await;
    assert!(office.contains("id=\"todo\""), "/app opens on the to-do list");
    assert_eq!(count(&office, "data-todo", "cases_to_accept"), Some(1));
    assert_eq!(count(&office, "data-todo", "cases_accept_late"), Some(0));
    assert_eq!(count(&office, "data-todo", "cases_to_assign"), Some(0));
    assert_eq!(count(&office, "data-todo", "cases_to_sign"), None, "signing is the units'");
    assert!(office.contains("cases?box=to_accept\""), "each count links to its list");

    // A unit clerk: the one case of their unit to sign, nothing of the office's.
    let clerk = app.user("jyj", "unit_clerk", Some(&unit)).await;
    let mine = html(&app, &clerk, "/app").await;
    assert_eq!(count(&mine, "data-todo", "cases_to_sign"), Some(1), "{mine}");
    assert_eq!(count(&mine, "data-todo", "cases_to_accept"), None);
    assert_eq!(count(&mine, "data-todo", "proposals"), None);
    assert!(mine.contains("区教育局"), "the list says whose it is");

    // Wednesday: Monday's case waited past the office's one working day.
    app.travel(monday() + chrono::Duration::days(2)).await;
    let office = html(&app, &app.admin, "/app").await;
    assert_eq!(count(&office, "data-todo", "cases_accept_late"), Some(1));
    let inbox = html(&app, &app.admin, "/app/cases?box=accept_late").await;
    assert!(inbox.contains(&format!("data-case=\"{waiting}\" data-accept-late")), "{inbox}");
    assert!(inbox.contains("超时未受理") && inbox.contains("2天"), "the flag and the wait");
    assert_eq!(count(&inbox, "data-box", "to_accept"), Some(1), "the tabs count");
    assert_eq!(count(&inbox, "data-box", "to_sign"), Some(2));
    assert_eq!(count(&inbox, "data-box", "all"), Some(3));
    // A longer limit, set by the office: the case is no longer late.
    app.put("/api/v1/settings", json!({"accept_within_working_days": 3})).await.ok();
    let office = html(&app, &app.admin, "/app").await;
    assert_eq!(count(&office, "data-todo", "cases_accept_late"), Some(0));
    app.put("/api/v1/settings", json!({"accept_within_working_days": 31})).await.expect(422);

    // The clerk's inbox counts only the unit's cases.
    app.relogin(&clerk, "jyj").await;
    let inbox = html(&app, &clerk, "/app/cases").await;
    assert_eq!(count(&inbox, "data-box", "to_sign"), Some(1));
    assert_eq!(count(&inbox, "data-box", "all"), Some(1));
}

async fn actions_say_what_was_done_and_assign_reads_reassign(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区教育局", None).await;
    let other = app.unit("区交通局", None).await;
    let (id, _) = case(&app, "校车超载").await;
    let page = format!("/app/cases/{id}");
    let act = format!("/app/cases/{id}/transitions");
    let shown = html(&app, &app.admin, &page).await;
    let accept = shown.find("data-action=\"accept\"").unwrap();
    assert!(accept < shown.find("data-action=\"decline\"").unwrap());
    let to = post_form(&app, &app.admin, &page, &act, &[("action", "accept")]).await;
    assert!(to.ends_with("done=case_accept"), "{to}");
    // 派单 comes before 不予受理.
    let shown = html(&app, &app.admin, &page).await;
    assert!(shown.find("data-action=\"assign\"").unwrap() < shown.find("data-action=\"decline\"").unwrap());
    let to = post_form(&app, &app.admin, &page, &act, &[("action", "assign"), ("unit_id", &unit)]).await;
    assert!(to.ends_with("done=case_assign"), "{to}");
    let shown = html(&app, &app.admin, &to.replace(&app.base, "")).await;
    assert!(shown.contains("已派单至区教育局。"), "the notice names the unit");
    assert!(shown.contains(">改派</button>"), "after 派单 the action reads 改派");
    let to = post_form(&app, &app.admin, &page, &act, &[("action", "assign"), ("unit_id", &other)]).await;
    assert!(to.ends_with("done=case_reassign"), "{to}");
    assert!(html(&app, &app.admin, &to.replace(&app.base, "")).await.contains("已改派至区交通局。"));
}

async fn the_header_search_finds_a_case_by_code_or_number(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区教育局", None).await;
    let (id, code) = case(&app, "校车超载问题严重").await;
    let (other, _) = case(&app, "校车司机态度差").await;
    fire(&app, &other, json!({"action": "accept"})).await;
    let no_follow = Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap();
    app.login(&no_follow, "admin", common::ADMIN_PASSWORD).await.expect(200);
    let location =
        |r: reqwest::Response| r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    // The code as printed (with its dash), in lower case, or the number: straight to the case.
    let dashed = format!("{}-{}", &code[..5], &code[5..]).to_lowercase();
    for q in [code.as_str(), dashed.as_str(), id.as_str()] {
        let r = no_follow.get(app.url("/app/search")).query(&[("q", q)]).send().await.unwrap();
        assert_eq!(location(r), format!("/app/cases/{id}"), "{q}");
    }
    // Words: the matches, counted by kind.
    app.indexed().await;
    let found = html(&app, &app.admin, "/app/search?q=%E6%A0%A1%E8%BD%A6").await;
    assert_eq!(count(&found, "data-kind", "case"), Some(2), "{found}");
    // The header carries the box on every staff page.
    assert!(found.contains("id=\"header-search\""));
    // A clerk does not reach a case outside their unit by its code.
    let clerk = app.user("jyj", "unit_clerk", Some(&unit)).await;
    let r = clerk.get(app.url("/app/search")).query(&[("q", code.as_str())]).send().await.unwrap();
    assert!(r.url().path().starts_with("/app/search"), "no jump for a case the clerk may not see");
    // The inbox's search says when the matches are in other boxes.
    let inbox = html(&app, &app.admin, "/app/cases?box=to_accept&q=%E6%A0%A1%E8%BD%A6").await;
    assert_eq!(count(&inbox, "id", "elsewhere"), Some(1), "{inbox}");
    assert!(inbox.contains("其他状态中有1条"));
}

async fn the_dashboard_states_whose_figures_it_shows(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区教育局", None).await;
    let other = app.unit("区民政局", None).await;
    app.problem(json!({"description": "本单位问题", "unit_id": unit})).await;
    app.problem(json!({"description": "他单位公开问题", "unit_id": other, "published": true})).await;
    app.problem(json!({"description": "他单位问题", "unit_id": other})).await;
    let office = html(&app, &app.admin, "/app/dashboard?campaign=all").await;
    assert!(office.contains("data-scope=\"district\"") && office.contains("统计范围：全区各单位"), "{office}");
    let clerk = app.user("jyj", "unit_clerk", Some(&unit)).await;
    let mine = html(&app, &clerk, "/app/dashboard?campaign=all").await;
    assert!(mine.contains("data-scope=\"unit\"") && mine.contains("统计范围：区教育局本单位"));
    let found = &mine[mine.find("data-figure=\"problems_found\"").unwrap()..];
    assert!(found[..found.find("</a>").unwrap()].ends_with(">1"), "the unit's own problems only: {found:.200}");
}

on_both!(
    the_office_and_a_unit_each_see_their_own_to_do_list,
    actions_say_what_was_done_and_assign_reads_reassign,
    the_header_search_finds_a_case_by_code_or_number,
    the_dashboard_states_whose_figures_it_shows,
);
