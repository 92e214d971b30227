//! Reporter protection: citizens' names, phones, e-mails and addresses are sealed at rest, masked
//! wherever they are shown, and revealed only to the office with a reason that the audit chain
//! records. The test seeds known details and looks for them everywhere they must not be.

mod common;

use common::{TestApp, TextOf, hidden};
use rectify_store::on_both;
use rectify_store::{Backend, Location};
use reqwest::{Client, Method};
use serde_json::{Value, json};

const NAME: &str = "欧阳秘密";
const PHONE: &str = "13912345678";
const EMAIL: &str = "whistle.blower@example.com";
const ADDRESS: &str = "宁海县跃龙街道秘密小区7幢302室";

/// Every form a seeded detail could take in a leak (the phone with or without separators is
/// still the phone; the bare mailbox name is still the citizen).
fn needles() -> Vec<&'static str> {
    vec![NAME, PHONE, "139 1234 5678", "139-1234-5678", EMAIL, "whistle.blower", ADDRESS, "秘密小区"]
}

fn leaks(text: &str) -> Vec<&'static str> {
    needles().into_iter().filter(|n| text.contains(n)).collect()
}

/// What staff must not see: the citizen's details, but not the place of the problem (the case's
/// location), which they need to handle it.
fn leaks_to_staff(text: &str) -> Vec<&'static str> {
    leaks(text).into_iter().filter(|n| !ADDRESS.contains(n)).collect()
}

/// A public submission and a hotline case registered by staff, both with every detail; the first
/// goes through the loop into the ledger, so its problem, history and notices exist too.
async fn seed(app: &TestApp) -> (String, String, String, String) {
    let unit = app.unit("宁海县住建局", None).await;
    let public = Client::new();
    let resp = public
        .post(app.url("/api/v1/cases"))
        .json(&json!({"content": "小区电梯长期故障无人维修", "type": "complaint", "name": NAME, "phone": PHONE,
            "email": EMAIL, "location": ADDRESS, "unit_id": unit}))
        .send()
        .await
        .unwrap();
    let submitted = TestApp::reply(resp).await.expect(201).body;
    let (case, code) =
        (submitted["id"].as_str().unwrap().to_owned(), submitted["tracking_code"].as_str().unwrap().to_owned());
    let hotline = app
        .post(
            "/api/v1/cases",
            json!({"content": "反映窗口工作人员态度差", "channel": "hotline", "type": "complaint",
            "name": NAME, "phone": "139-1234-5678", "email": EMAIL, "location": ADDRESS}),
        )
        .await
        .expect(201)
        .id();
    for action in [json!({"action": "accept"}), json!({"action": "assign", "unit_id": unit})] {
        app.post(&format!("/api/v1/cases/{case}/transitions"), action).await.expect(200);
    }
    let problem =
        app.problem(json!({"description": "小区电梯长期故障", "unit_id": unit, "case_ids": [case]})).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
    (case, hotline, code, problem)
}

async fn sealed_at_rest_masked_and_revealed_on_record(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (case, hotline, code, problem) = seed(&app).await;

    // Staff see masked details.
    let shown = app.get(&format!("/api/v1/cases/{case}")).await.ok();
    assert_eq!(shown["citizen"], json!({"name": "欧**", "phone": "139****5678", "email": "w***@example.com"}));
    assert_eq!(shown["location"], ADDRESS, "the place of the problem is not the citizen's to hide");

    // Only the office reveals, and only with a reason.
    let clerk = app.user("clerk", "unit_clerk", Some(shown["unit_id"].as_str().unwrap())).await;
    let inspector = app.user("inspector", "inspector", None).await;
    for who in [&clerk, &inspector] {
        let r = app
            .send(who, Method::POST, &format!("/api/v1/cases/{case}/contact"), Some(json!({"reason": "回访"})))
            .await;
        assert_eq!(r.status, 403, "{:?}", r.body);
    }
    let r = app.post(&format!("/api/v1/cases/{case}/contact"), json!({})).await.expect(422);
    assert_eq!(r.fields(), ["reason"]);
    let before = app.count_rows("audit_log").await;
    let revealed =
        app.post(&format!("/api/v1/cases/{case}/contact"), json!({"reason": "电话回访核实情况"})).await.expect(200);
    assert_eq!(
        revealed.body,
        json!({"name": NAME, "phone": PHONE, "email": EMAIL, "location": ADDRESS, "content": null}),
        "the full details, as the citizen gave them (the text hid nothing)"
    );
    assert_eq!(revealed.headers["cache-control"], "no-store");
    assert_eq!(app.count_rows("audit_log").await, before + 1, "every reveal is recorded");
    let (kind, actor, payload): (String, String, String) = app
        .store
        .db()
        .fetch_optional(rectify_store::db::Q::new(
            "SELECT kind, actor, payload FROM audit_log ORDER BY seq DESC LIMIT 1",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((kind.as_str(), actor.as_str()), ("reveal", "admin"));
    assert!(payload.contains("电话回访核实情况"), "the reason is recorded: {payload}");
    assert!(leaks(&payload).is_empty(), "the record names the fields, not their values: {payload}");
    assert!(app.store.audit().verify_audit(Vec::new()).await.unwrap().broken.is_none());

    // Nothing readable at rest: not in any table, nor (SQLite) anywhere in the database files.
    // The place of the problem is sealed in the case's own row, but it is not a contact detail:
    // the staff's history of the case may hold it as they saw it.
    assert_eq!(leaks_to_staff(&dump_database(&app).await), Vec::<&str>::new(), "plain details stored");
    if let Location::DataDir(dir) = app.location() {
        for f in ["rectify.db", "rectify.db-wal"] {
            let bytes = std::fs::read(dir.join(f)).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            assert_eq!(leaks_to_staff(&text), Vec::<&str>::new(), "plain details in {f}");
        }
    }

    // Nothing in any answer but the reveal: public pages and API, staff pages and API, for the
    // office (who may reveal), a clerk of the unit, and the anonymous public.
    let anonymous = Client::new();
    let public_paths = [
        "/".to_owned(),
        "/board".to_owned(),
        format!("/board/{problem}"),
        "/directory".to_owned(),
        format!("/track?code={code}&phone_tail=5678"),
        format!("/api/v1/track/{code}?phone_tail=5678"),
        "/healthz".to_owned(),
    ];
    let staff_paths = [
        "/api/v1/cases".to_owned(),
        format!("/api/v1/cases/{case}"),
        format!("/api/v1/cases/{hotline}"),
        format!("/api/v1/cases/{case}/events"),
        format!("/api/v1/problems/{problem}"),
        format!("/api/v1/problems/{problem}/history"),
        "/api/v1/problems".to_owned(),
        "/api/v1/outbox".to_owned(),
        "/api/v1/stats/cases?group_by=unit".to_owned(),
        "/app".to_owned(),
        "/app/cases?box=all".to_owned(),
        format!("/app/cases/{case}"),
        format!("/app/cases/{hotline}"),
        format!("/app/problems/{problem}"),
        "/app/problems".to_owned(),
    ];
    let mut checked = 0;
    let everything = || public_paths.iter().map(|p| (p, false)).chain(staff_paths.iter().map(|p| (p, true)));
    for (client, paths) in [
        (&anonymous, public_paths.iter().map(|p| (p, false)).collect::<Vec<_>>()),
        (&app.admin, everything().collect()),
        (&clerk, everything().collect()),
    ] {
        for (path, staff) in paths {
            let resp = client.get(app.url(path)).send().await.unwrap();
            let status = resp.status();
            let body = resp.text().await.unwrap();
            assert!(status.as_u16() < 500, "{path}: {status}");
            let found = if staff { leaks_to_staff(&body) } else { leaks(&body) };
            assert_eq!(found, Vec::<&str>::new(), "{path} ({status}) shows a citizen's details");
            checked += 1;
        }
    }
    assert!(checked >= 35);

    // Error messages do not echo what was typed.
    let bad = anonymous
        .post(app.url("/api/v1/cases"))
        .json(&json!({"content": "x", "phone": "1391234567890123456789012", "email": "whistle.blower@", "name": NAME}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let text = bad.text().await.unwrap();
    assert!(!text.contains("1391234567890123456789012") && !text.contains("whistle.blower"), "{text}");

    // The case page: masked, with a reveal form for the office that shows the details once.
    let page = app.admin.get(app.url(&format!("/app/cases/{case}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("139****5678") && page.contains("data-action=\"reveal\""));
    let csrf = hidden(&page, "_csrf");
    let shown = app
        .admin
        .post(app.url(&format!("/app/cases/{case}/contact")))
        .form(&[("_csrf", csrf.as_str()), ("reason", "核实地址")])
        .send()
        .await
        .unwrap();
    assert_eq!(shown.status(), 200);
    assert_eq!(shown.headers()["cache-control"], "no-store");
    let html = shown.text().await.unwrap();
    assert!(html.contains("id=\"revealed-contact\"") && html.contains(PHONE) && html.contains(ADDRESS));
    let clerk_page = clerk.get(app.url(&format!("/app/cases/{case}"))).send().await.unwrap().text().await.unwrap();
    assert!(!clerk_page.contains("data-action=\"reveal\""), "no reveal form for a unit");
}

/// Every table's rows as text.
async fn dump_database(app: &TestApp) -> String {
    let db = app.store.db();
    let mut out = String::new();
    match app.store.backend() {
        Backend::Sqlite => {
            let tables: Vec<(String,)> = db
                .fetch_all(rectify_store::db::Q::new(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                ))
                .await
                .unwrap();
            // Files (blobs) are covered by the scan of the database files themselves.
            for (t,) in tables {
                let cols: Vec<(String,)> = db
                    .fetch_all(rectify_store::db::Q::new(format!("SELECT name FROM pragma_table_info('{t}')")))
                    .await
                    .unwrap();
                let concat = cols.iter().map(|(c,)| format!("CASE WHEN typeof(\"{c}\") IN ('text', 'integer', 'real') THEN CAST(\"{c}\" AS TEXT) ELSE '' END")).collect::<Vec<_>>().join(" || '|' || ");
                let rows: Vec<(String,)> =
                    db.fetch_all(rectify_store::db::Q::new(format!("SELECT {concat} FROM \"{t}\""))).await.unwrap();
                rows.into_iter().for_each(|(r,)| out.push_str(&r));
            }
        }
        Backend::Postgres => {
            let tables: Vec<(String,)> = db
                .fetch_all(rectify_store::db::Q::new(
                    "SELECT table_name::TEXT FROM information_schema.tables WHERE table_schema = 'public'",
                ))
                .await
                .unwrap();
            for (t,) in tables {
                let rows: Vec<(String,)> =
                    db.fetch_all(rectify_store::db::Q::new(format!("SELECT t::TEXT FROM \"{t}\" t"))).await.unwrap();
                rows.into_iter().for_each(|(r,)| out.push_str(&r));
            }
        }
    }
    out
}

/// A duplicate is still found by the sealed phone (through its blind index).
async fn the_same_phone_and_text_is_still_one_case(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let c = Client::new();
    let mut ids = Vec::new();
    for phone in [PHONE, "139 1234 5678"] {
        let r = c
            .post(app.url("/api/v1/cases"))
            .json(&json!({"content": "路灯不亮", "phone": phone}))
            .send()
            .await
            .unwrap();
        let body: Value = r.json().await.unwrap();
        ids.push(body["id"].clone());
    }
    assert_eq!(ids[0], ids[1]);
}

/// A citizen's phone, e-mail and ID number written into the text of a case.
const TEXT_PHONE: &str = "138-7654-3210";
const TEXT_EMAIL: &str = "tip.off@example.org";
/// Valid GB 11643 check digit (4).
const TEXT_ID: &str = "330226198506151234";
/// What the citizen wrote: the details, and numbers that are not details (an order number whose
/// check digit would be wrong for an ID, a date).
fn written() -> String {
    format!(
        "楼下早餐店占道经营，油烟直排进窗户。我的电话{TEXT_PHONE}，邮箱{TEXT_EMAIL}，身份证号{TEXT_ID}，\
         可以随时联系我核实。订单号202612051234567890与此无关，请在2026-12-05前答复。"
    )
}
/// The same text as everyone but a reveal sees it.
const SHOWN: &str = "楼下早餐店占道经营，油烟直排进窗户。我的电话138****3210，邮箱t***@example.org，\
    身份证号330226********1234，可以随时联系我核实。订单号202612051234567890与此无关，请在2026-12-05前答复。";

fn text_leaks(text: &str) -> Vec<&'static str> {
    ["13876543210", TEXT_PHONE, "138 7654 3210", TEXT_EMAIL, "tip.off", TEXT_ID, "19850615"]
        .into_iter()
        .filter(|n| text.contains(n))
        .collect()
}

/// Details typed into the text are masked for the unit (API, page), in the export, and at rest,
/// sealed beside it, and shown as written only by a reveal with a reason, which is recorded.
async fn details_in_the_text_are_masked_sealed_and_revealed_on_record(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("宁海县综合行政执法局", None).await;
    // From the public form, with no contact fields at all, and a hotline case registered by staff.
    let resp = Client::new()
        .post(app.url("/api/v1/cases"))
        .json(&json!({"content": written(), "type": "complaint", "unit_id": unit}))
        .send()
        .await
        .unwrap();
    let case = TestApp::reply(resp).await.expect(201).id();
    let hotline = app
        .post("/api/v1/cases", json!({"content": written(), "channel": "hotline", "type": "complaint"}))
        .await
        .expect(201)
        .body;
    assert_eq!(hotline["content"], SHOWN, "the staff's own answer is masked");
    for action in [json!({"action": "accept"}), json!({"action": "assign", "unit_id": unit})] {
        app.post(&format!("/api/v1/cases/{case}/transitions"), action).await.expect(200);
    }

    // The unit sees the text masked, in the API and on the page, and may not reveal it.
    let clerk = app.user("clerk", "unit_clerk", Some(&unit)).await;
    let shown = app.send(&clerk, Method::GET, &format!("/api/v1/cases/{case}"), None).await.expect(200).body;
    assert_eq!(shown["content"], SHOWN);
    assert_eq!(shown["content_masked"], true);
    let listed = app.send(&clerk, Method::GET, "/api/v1/cases", None).await.expect(200).body;
    assert!(listed.to_string().contains("138****3210"));
    assert_eq!(text_leaks(&listed.to_string()), Vec::<&str>::new());
    let page = clerk.get(app.url(&format!("/app/cases/{case}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("138****3210") && page.contains("330226********1234") && page.contains("t***@example.org"));
    assert!(page.contains("id=\"content-masked\""), "the page says the text is masked");
    assert!(!page.contains("data-action=\"reveal\""), "no reveal form for a unit");
    for path in [format!("/app/cases/{case}"), "/app/cases?box=all".into(), format!("/api/v1/cases/{case}/events")] {
        let body = clerk.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
        assert_eq!(text_leaks(&body), Vec::<&str>::new(), "{path}");
    }
    let r =
        app.send(&clerk, Method::POST, &format!("/api/v1/cases/{case}/contact"), Some(json!({"reason": "核实"}))).await;
    assert_eq!(r.status, 403);

    // The export without a reason carries the masked text.
    let plain = app.admin.get(app.url("/api/v1/exports/cases?format=csv")).send().await.unwrap().text().await.unwrap();
    assert!(plain.contains("138****3210"), "{plain}");
    assert_eq!(text_leaks(&plain), Vec::<&str>::new());

    // At rest: the column holds the masked text, the text as written is sealed; nothing readable.
    let (content, sealed): (String, Option<String>) = app
        .store
        .db()
        .fetch_optional(
            rectify_store::db::Q::new("SELECT content, sealed_content FROM cases WHERE id = $1")
                .bind(case.parse::<i64>().unwrap()),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(content, SHOWN);
    assert!(sealed.as_deref().is_some_and(|s| s.starts_with("pii1.")), "{sealed:?}");
    assert_eq!(text_leaks(&dump_database(&app).await), Vec::<&str>::new(), "plain details stored");
    if let Location::DataDir(dir) = app.location() {
        for f in ["rectify.db", "rectify.db-wal"] {
            let bytes = std::fs::read(dir.join(f)).unwrap_or_default();
            assert_eq!(text_leaks(&String::from_utf8_lossy(&bytes)), Vec::<&str>::new(), "plain details in {f}");
        }
    }

    // The office reveals the text as written, with a reason, recorded.
    let before = app.count_rows("audit_log").await;
    let revealed =
        app.post(&format!("/api/v1/cases/{case}/contact"), json!({"reason": "核实占道经营地点"})).await.expect(200);
    assert_eq!(revealed.body["content"], written());
    assert_eq!(revealed.body["phone"], Value::Null);
    assert_eq!(app.count_rows("audit_log").await, before + 1);
    let payload: String = app
        .store
        .db()
        .scalar(rectify_store::db::Q::new("SELECT payload FROM audit_log ORDER BY seq DESC LIMIT 1"))
        .await
        .unwrap();
    assert!(payload.contains("核实占道经营地点") && payload.contains("content"), "{payload}");
    assert_eq!(text_leaks(&payload), Vec::<&str>::new(), "the record names the fields, not their values");

    // The page offers the reveal for the text alone, and shows it once.
    let page = app.admin.get(app.url(&format!("/app/cases/{case}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-action=\"reveal\""), "a masked text is reason enough to offer a reveal");
    let csrf = hidden(&page, "_csrf");
    let html = app
        .admin
        .post(app.url(&format!("/app/cases/{case}/contact")))
        .form(&[("_csrf", csrf.as_str()), ("reason", "核实地点")])
        .text_of()
        .await;
    assert!(html.contains("id=\"revealed-content\"") && html.contains(TEXT_PHONE) && html.contains(TEXT_ID), "{html}");
    assert_eq!(app.count_rows("audit_log").await, before + 2);

    // The export with a reason carries the text as written, and is recorded.
    let named = app.admin.get(app.url("/api/v1/exports/cases?format=csv&reveal_reason=回访核实")).text_of().await;
    assert!(named.contains(TEXT_PHONE) && named.contains(TEXT_EMAIL) && named.contains(TEXT_ID), "{named}");
    assert_eq!(app.count_rows("audit_log").await, before + 3);
}

on_both!(
    sealed_at_rest_masked_and_revealed_on_record,
    the_same_phone_and_text_is_still_one_case,
    details_in_the_text_are_masked_sealed_and_revealed_on_record
);
