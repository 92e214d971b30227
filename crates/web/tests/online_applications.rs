//! The online hall's applications (网上申报) over HTTP and on pages, on both databases: a citizen
//! applies without an account for an item handled fully online and is told by SMS; the unit's
//! staff take it up (a service case of the ledger under the same code, the first-contact officer
//! the one named) or return it with a reason; bad input is named with nothing written; the
//! uploaded materials reach the unit's staff and no one else.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::{Client, Method};
use serde_json::{Value, json};

/// A street with an item handled fully online and one done at the window, the officer who
/// pre-checks, a clerk of the street and a clerk of another street.
struct Hall {
    app: TestApp,
    online: String,
    window: String,
    officer: String,
    clerk: Client,
    stranger: Client,
}

fn item(unit: &str, code: &str, delivery: &str) -> Value {
    json!({
        "code": code, "name": format!("城乡居民医疗保险参保登记{code}"), "kind": "public", "unit_id": unit,
        "window": "2号窗口", "legal_limit_days": 5, "promised_limit_days": 1, "max_visits": 0,
        "delivery": delivery, "steps": ["网上申请", "受理", "办结"],
        "materials": [{"name": "居民身份证", "form": "copy", "count": 1}]
    })
}

async fn hall(backend: Backend) -> Option<Hall> {
    let app = TestApp::spawn(backend).await?;
    let street = app.unit("王家庄街道", None).await;
    let other = app.unit("多湖街道", None).await;
    let online = app.post("/api/v1/services", item(&street, "WJZ-SB-101", "online")).await.expect(201).id();
    let window = app.post("/api/v1/services", item(&street, "WJZ-SB-102", "window")).await.expect(201).id();
    let officer = app
        .post("/api/v1/people", json!({"name": "周晓燕", "unit_id": street, "kind": "staff"}))
        .await
        .expect(201)
        .id();
    let clerk = app.user("wjz_clerk", "unit_clerk", Some(&street)).await;
    let stranger = app.user("dh_clerk", "unit_clerk", Some(&other)).await;
    Some(Hall { app, online, window, officer, clerk, stranger })
}

fn application(item: &str) -> Value {
    json!({"item_id": item, "applicant_name": "王秀英", "applicant_phone": "13912345678", "note": "新生儿参保"})
}

async fn public(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> common::Reply {
    app.send(&Client::new(), method, path, body).await
}

/// The texts of the SMS with `subject`, as the outbox holds them.
async fn bodies(app: &TestApp, subject: &str) -> Vec<String> {
    let q =
        rectify_store::db::Q::new("SELECT body FROM outbox WHERE subject = $1 ORDER BY id").bind(subject.to_owned());
    app.store.db().fetch_all::<(String,)>(q).await.unwrap().into_iter().map(|r| r.0).collect()
}

async fn a_citizen_applies_online_and_the_unit_takes_it_up(backend: Backend) {
    let Some(h) = hall(backend).await else { return };
    let app = &h.app;
    let made = public(app, Method::POST, "/api/v1/service-applications", Some(application(&h.online))).await;
    let made = made.expect(201).body;
    let code = made["tracking_code"].as_str().unwrap().to_owned();
    assert_eq!((made["state"].as_str(), made["files"].as_u64()), (Some("submitted"), Some(0)), "{made}");
    assert!(!made.to_string().contains("5678") && !made.to_string().contains("秀英"), "nothing personal: {made}");
    let sms = bodies(app, "网上申报已提交").await;
    assert!(sms.len() == 1 && sms[0].contains(&code), "{sms:?}");
    let readable: i64 = app
        .store
        .db()
        .scalar(rectify_store::db::Q::new(
            "SELECT COUNT(*) FROM online_applications WHERE applicant_phone LIKE '%5678%' OR applicant_name LIKE '%秀%'",
        ))
        .await
        .unwrap();
    assert_eq!(readable, 0, "the applicant is sealed at rest");

    // Followed by the code; the unit's staff see it masked, another unit's do not see it.
    let track = format!("/api/v1/service-applications/track/{}", code.to_lowercase());
    assert_eq!(public(app, Method::GET, &track, None).await.ok()["state"], "submitted");
    let queue = app.send(&h.clerk, Method::GET, "/api/v1/service-applications", None).await.ok();
    assert_eq!(queue.as_array().map(Vec::len), Some(1));
    assert_eq!(
        (queue[0]["applicant_name"].as_str(), queue[0]["applicant_phone"].as_str()),
        (Some("王**"), Some("139****5678"))
    );
    let id = queue[0]["id"].as_str().unwrap().to_owned();
    let theirs = app.send(&h.stranger, Method::GET, "/api/v1/service-applications", None).await.ok();
    assert_eq!(theirs.as_array().map(Vec::len), Some(0));
    let path = format!("/api/v1/service-applications/{id}");
    app.send(&h.stranger, Method::GET, &path, None).await.expect(404);
    let decide = format!("{path}/transitions");
    let take = json!({"action": "take_up", "responsible_id": h.officer});
    app.send(&h.stranger, Method::POST, &decide, Some(take.clone())).await.expect(404);

    // Taken up without an officer: named. Taken up: a service case online under the same code.
    let named = app.send(&h.clerk, Method::POST, &decide, Some(json!({"action": "take_up"}))).await.expect(422);
    assert_eq!(named.fields(), vec!["responsible_id"]);
    let taken = app.send(&h.clerk, Method::POST, &decide, Some(take.clone())).await.ok();
    assert_eq!(taken["state"], "taken_up");
    let case_id = taken["service_case_id"].as_str().unwrap().to_owned();
    let case = app.send(&h.clerk, Method::GET, &format!("/api/v1/service-cases/{case_id}"), None).await.ok();
    assert_eq!(
        (case["tracking_code"].as_str(), case["channel"].as_str(), case["visits"].as_u64(), case["state"].as_str()),
        (Some(code.as_str()), Some("online"), Some(0), Some("received")),
        "{case}"
    );
    assert_eq!(case["responsible_id"].as_str(), Some(h.officer.as_str()));
    assert!(bodies(app, "已收件").await.iter().any(|b| b.contains(&code)), "the applicant hears it is received");
    app.send(&h.clerk, Method::POST, &decide, Some(take)).await.expect(409);

    // The code now follows the service case, from either route.
    let followed = public(app, Method::GET, &track, None).await.ok();
    assert_eq!(
        (followed["state"].as_str(), followed["service_case"]["state"].as_str()),
        (Some("taken_up"), Some("received"))
    );
    let progress = public(app, Method::GET, &format!("/api/v1/service-cases/track/{code}"), None).await.ok();
    assert_eq!(progress["steps"], json!(["网上申请", "受理", "办结"]));
}

async fn bad_applications_are_named_and_nothing_is_written(backend: Backend) {
    let Some(h) = hall(backend).await else { return };
    let app = &h.app;
    let post = |body: Value| public(app, Method::POST, "/api/v1/service-applications", Some(body));
    let r = post(application(&h.window)).await.expect(422);
    assert_eq!(r.fields(), vec!["item_id"]);
    let words = r.body.to_string();
    assert!(words.contains("全程网办") || words.contains("fully online"), "{words}");
    let r = post(json!({"item_id": h.online, "applicant_phone": "12"})).await.expect(422);
    let fields = r.fields();
    assert!(
        fields.contains(&"applicant_name".to_owned()) && fields.contains(&"applicant_phone".to_owned()),
        "{fields:?}"
    );
    post(json!({"item_id": "SI-999999", "applicant_name": "王秀英", "applicant_phone": "13912345678"}))
        .await
        .expect(422);
    let r = post(json!({"item_id": h.online, "applicant_name": "王秀英", "applicant_phone": "13912345678", "attachment_ids": ["AT-999"]})).await;
    assert!(r.status == 422 || r.status == 400, "{}", r.body);
    assert_eq!(app.count_rows("online_applications").await, 0);
    assert_eq!(app.count_rows("outbox").await, 0);

    // A return needs its reason, and tells the applicant why.
    let made = post(application(&h.online)).await.expect(201).body;
    let queue = app.send(&h.clerk, Method::GET, "/api/v1/service-applications", None).await.ok();
    let decide = format!("/api/v1/service-applications/{}/transitions", queue[0]["id"].as_str().unwrap());
    let r = app.send(&h.clerk, Method::POST, &decide, Some(json!({"action": "return"}))).await.expect(422);
    assert_eq!(r.fields(), vec!["reason"]);
    let r = app.send(&h.clerk, Method::POST, &decide, Some(json!({"action": "fly"}))).await.expect(422);
    assert_eq!(r.fields(), vec!["action"]);
    let back = json!({"action": "return", "reason": "户籍不在本街道，请向户籍所在地申报"});
    assert_eq!(app.send(&h.clerk, Method::POST, &decide, Some(back)).await.ok()["state"], "returned");
    let sms = bodies(app, "网上申报已退回").await;
    assert!(sms.len() == 1 && sms[0].contains("户籍不在本街道"), "{sms:?}");
    let code = made["tracking_code"].as_str().unwrap();
    let page = Client::new().get(app.url(&format!("/track?code={code}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已退回") && page.contains("户籍不在本街道"), "{page}");
}

async fn the_form_applies_with_files_and_only_the_unit_reads_them(backend: Backend) {
    let Some(h) = hall(backend).await else { return };
    let app = &h.app;
    let citizen = Client::new();
    let card = citizen.get(app.url(&format!("/services/{}", h.online))).send().await.unwrap().text().await.unwrap();
    assert!(card.contains(&format!("href=\"/services/{}/apply\"", h.online)), "{card}");
    let window = citizen.get(app.url(&format!("/services/{}/apply", h.window))).send().await.unwrap().text().await;
    assert!(window.unwrap().contains("id=\"not-online\""));
    let send = |name: &'static str| {
        let (citizen, url) = (citizen.clone(), app.url(&format!("/services/{}/apply", h.online)));
        async move {
            let part = reqwest::multipart::Part::bytes(common::PNG.to_vec()).file_name("身份证.png");
            let form = reqwest::multipart::Form::new()
                .text("applicant_name", name)
                .text("applicant_phone", "13912345678")
                .part("files", part);
            let r = citizen.post(url).multipart(form).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, html) = send("").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("id=\"err-applicant_name\""), "{html}");
    let (status, html) = send("王秀英").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("网上申报已提交") && !html.contains("13912345678"), "{html}");
    let at = html.find("id=\"tracking-code\">").unwrap() + "id=\"tracking-code\">".len();
    let code = html[at..at + 11].to_owned();
    let page = citizen.get(app.url(&format!("/track?code={code}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-state=\"submitted\"") && page.contains("待预审"), "{page}");

    // The unit's pre-check page lists the file; only the unit's staff read it.
    let list = h.clerk.get(app.url("/app/service-applications")).send().await.unwrap().text().await.unwrap();
    let id_at = list.find("data-application=\"").unwrap() + "data-application=\"".len();
    let id: String = list[id_at..].chars().take_while(|c| *c != '"').collect();
    let page = h.clerk.get(app.url(&format!("/app/service-applications/{id}"))).send().await.unwrap().text().await;
    let page = page.unwrap();
    assert!(page.contains("身份证.png") && page.contains("周晓燕") && page.contains("预审接件"), "{page}");
    let file_at = page.find("/api/v1/attachments/").unwrap();
    let file: String = page[file_at..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(app.send(&h.clerk, Method::GET, &file, None).await.status, 200);
    assert_eq!(app.send(&h.stranger, Method::GET, &file, None).await.status, 404);
    assert_eq!(public(app, Method::GET, &file, None).await.status, 401);

    // Taken up on the page: on to the service case, which shows the materials.
    let token = common::hidden(&page, "_csrf");
    let r = h
        .clerk
        .post(app.url(&format!("/app/service-applications/{id}/transitions")))
        .form(&[("_csrf", token.as_str()), ("action", "take_up"), ("responsible_id", h.officer.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.url().path().starts_with("/app/service-cases/"), "{}", r.url());
    let html = r.text().await.unwrap();
    assert!(html.contains("已接件") && html.contains("身份证.png") && html.contains("周晓燕"), "{html}");
}

on_both!(
    a_citizen_applies_online_and_the_unit_takes_it_up,
    bad_applications_are_named_and_nothing_is_written,
    the_form_applies_with_files_and_only_the_unit_reads_them,
);
