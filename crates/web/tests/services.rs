//! The service catalog (事项清单) over HTTP, on both databases: an item as a street office
//! prints it, every bad field named with nothing written, the public seeing only published
//! items, lists by name, list and kind, and every edit a new version with who and why.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::{Client, Method};
use serde_json::{Value, json};

fn birth_registration(unit: &str) -> Value {
    json!({
        "code": "WJZ-MZ-001",
        "name": "生育登记",
        "kind": "public",
        "unit_id": unit,
        "window": "3号窗口",
        "staff": [{"name": "李红", "phone": "0931-7612345"}],
        "place": "王家庄街道便民服务中心一楼",
        "hours": "工作日 9:00—17:00",
        "materials": [
            {"name": "夫妻双方身份证", "form": "both"},
            {"name": "结婚证"}
        ],
        "steps": ["申请", "受理", "办结"],
        "legal_limit_days": 20,
        "promised_limit_days": 1,
        "max_visits": 1,
        "delivery": "appointment",
        "lists": ["最多跑一次", "生育"]
    })
}

async fn an_item_is_kept_with_its_versions_and_the_public_sees_the_published(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let street = app.unit("王家庄街道", None).await;
    let other = app.unit("安宁区政务服务中心", None).await;
    let item = app.post("/api/v1/services", birth_registration(&street)).await.expect(201).body;
    let id = item["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (item["version"].as_i64(), item["published"].as_bool(), item["materials"][1]["form"].as_str()),
        (Some(1), Some(true), Some("original")),
        "{item}"
    );
    assert_eq!(item["staff"][0], json!({"name": "李红", "phone": "0931-7612345"}));

    // A draft item the public does not see.
    let mut draft = birth_registration(&other);
    draft["code"] = json!("ANQ-XK-009");
    draft["name"] = json!("食品经营许可");
    draft["kind"] = json!("license");
    draft["lists"] = json!(["权力清单"]);
    draft["published"] = json!(false);
    let hidden = app.post("/api/v1/services", draft).await.expect(201).id();
    let anonymous = Client::new();
    let public: Value = anonymous.get(app.url("/api/v1/services")).send().await.unwrap().json().await.unwrap();
    let codes: Vec<&str> = public["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["WJZ-MZ-001"]);
    let r = anonymous.get(app.url(&format!("/api/v1/services/{hidden}"))).send().await.unwrap();
    assert_eq!(r.status(), 404, "an unpublished item does not exist for the public");
    assert_eq!(app.get("/api/v1/services").await.ok()["items"].as_array().unwrap().len(), 2, "staff see both");
    // Narrowed by a list, a word, a kind, a unit; a kind that is none is named.
    let by = |q: &str| format!("/api/v1/services?{q}");
    for (q, n) in [("list=最多跑一次", 1), ("list=生育", 1), ("list=生", 0), ("q=许可", 1), ("kind=license", 1)]
    {
        assert_eq!(app.get(&by(q)).await.ok()["items"].as_array().unwrap().len(), n, "{q}");
    }
    assert_eq!(app.get(&by(&format!("unit={street}"))).await.ok()["items"][0]["id"], id.as_str());
    assert_eq!(app.get(&by("kind=permit")).await.expect(422).fields(), ["kind"]);

    // A published item changes only with a reason, against the version read.
    let mut next = birth_registration(&street);
    next["promised_limit_days"] = json!(0);
    next["version"] = json!(1);
    let path = format!("/api/v1/services/{id}");
    assert_eq!(app.put(&path, next.clone()).await.expect(422).fields(), ["reason"]);
    next["reason"] = json!("改为即办件，当场办结");
    let revised = app.put(&path, next.clone()).await.ok();
    assert_eq!((revised["version"].as_i64(), revised["promised_limit_days"].as_u64()), (Some(2), Some(0)));
    app.put(&path, next).await.expect(409);
    let versions = app.get(&format!("{path}/versions")).await.ok();
    let versions = versions.as_array().unwrap();
    assert_eq!(
        versions.iter().map(|v| (v["version"].as_i64(), v["reason"].as_str())).collect::<Vec<_>>(),
        [(Some(2), Some("改为即办件，当场办结")), (Some(1), None)]
    );
    assert_eq!(versions[1]["item"]["promised_limit_days"], 1, "the first version is kept as it was");
}

async fn bad_items_are_named_and_nothing_is_written(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let street = app.unit("王家庄街道", None).await;
    let mut bad = birth_registration(&street);
    bad["promised_limit_days"] = json!(25);
    bad["staff"] = json!([{"name": "王强"}]);
    bad["code"] = json!("WJZ 001");
    let r = app.post("/api/v1/services", bad).await.expect(422);
    assert_eq!(r.fields(), ["code", "staff[0].phone", "promised_limit_days"]);
    let mut unknown = birth_registration(&street);
    unknown["unit_id"] = json!("999999");
    assert_eq!(app.post("/api/v1/services", unknown).await.expect(422).fields(), ["unit_id"]);
    assert_eq!(app.count_rows("service_items").await, 0);
    // Chinese words name the field and the limit.
    let mut late = birth_registration(&street);
    late["promised_limit_days"] = json!(30);
    let r = app
        .admin
        .post(app.url("/api/v1/services"))
        .header("accept-language", "zh-CN")
        .json(&late)
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("20"), "{body}");
    // The same code twice is refused, naming the code.
    app.post("/api/v1/services", birth_registration(&street)).await.expect(201);
    assert_eq!(app.post("/api/v1/services", birth_registration(&street)).await.expect(422).fields(), ["code"]);
    assert_eq!(app.count_rows("service_items").await, 1);
    assert_eq!(app.count_rows("service_item_versions").await, 1);
}

async fn a_units_staff_write_their_own_units_items_only(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let street = app.unit("王家庄街道", None).await;
    let other = app.unit("李家庄街道", None).await;
    let clerk = app.user("wjz_clerk", "unit_clerk", Some(&street)).await;
    let own = app.send(&clerk, Method::POST, "/api/v1/services", Some(birth_registration(&street))).await;
    assert_eq!(own.status.as_u16(), 201);
    let mut elsewhere = birth_registration(&other);
    elsewhere["code"] = json!("LJZ-MZ-001");
    let r = app.send(&clerk, Method::POST, "/api/v1/services", Some(elsewhere)).await;
    assert_eq!(r.status.as_u16(), 403);
}

async fn the_public_finds_what_to_bring_where_and_how_long(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let street = app.unit("王家庄街道", None).await;
    let id = app.post("/api/v1/services", birth_registration(&street)).await.expect(201).id();
    let mut hidden = birth_registration(&street);
    hidden["code"] = json!("WJZ-MZ-002");
    hidden["name"] = json!("独生子女父母光荣证");
    hidden["published"] = json!(false);
    app.post("/api/v1/services", hidden).await.expect(201);
    let anonymous = Client::new();
    let page = |path: String| {
        let anonymous = anonymous.clone();
        async move { anonymous.get(path).send().await.unwrap().text().await.unwrap() }
    };
    let list = page(app.url("/services?list=最多跑一次")).await;
    assert!(list.contains("生育登记") && list.contains("王家庄街道") && list.contains("最多跑一次"), "{list}");
    assert!(list.contains("1个工作日") && !list.contains("独生子女父母光荣证"), "{list}");
    assert!(page(app.url("/services?q=光荣证")).await.contains("没有符合条件的服务事项"));
    let card = page(app.url(&format!("/services/{id}"))).await;
    for words in [
        "夫妻双方身份证",
        "原件和复印件",
        "结婚证",
        "3号窗口",
        "工作日 9:00—17:00",
        "href=\"tel:0931-7612345\"",
        "不收费",
        "20个工作日",
    ] {
        assert!(card.contains(words), "{words}: {card}");
    }
    let steps = card.find("id=\"service-steps\"").expect("the steps");
    assert!(card[steps..].find("申请").unwrap() < card[steps..].find("办结").unwrap(), "in order");
    let english = page(app.url(&format!("/services/{id}?lang=en"))).await;
    assert!(english.contains("Materials to bring") && english.contains("One visit at most"), "{english}");
}

/// A window's day: the item, the officer who receives applicants, and a clerk of the unit.
struct Window {
    app: TestApp,
    street: String,
    item: String,
    officer: String,
    /// A clerk of the street: a unit's own staff work its cases.
    clerk: Client,
}

async fn window(backend: Backend) -> Option<Window> {
    let app = TestApp::spawn(backend).await?;
    app.travel(common::monday()).await;
    let street = app.unit("王家庄街道", None).await;
    let item = app.post("/api/v1/services", birth_registration(&street)).await.expect(201).id();
    let officer =
        app.post("/api/v1/people", json!({"name": "李红", "unit_id": street, "kind": "staff"})).await.expect(201).id();
    let clerk = app.user("wjz_clerk", "unit_clerk", Some(&street)).await;
    Some(Window { app, street, item, officer, clerk })
}

fn applicant(w: &Window) -> Value {
    json!({"item_id": w.item, "channel": "window", "applicant_name": "王秀英", "applicant_phone": "13912345678",
           "responsible_id": w.officer, "note": "二孩生育登记"})
}

async fn step(w: &Window, id: &str, body: Value) -> common::Reply {
    w.app.send(&w.clerk, Method::POST, &format!("/api/v1/service-cases/{id}/transitions"), Some(body)).await
}

async fn a_service_case_runs_from_the_window_to_done_and_the_applicant_hears_every_step(backend: Backend) {
    let Some(w) = window(backend).await else { return };
    let app = &w.app;
    let sealed = || async { app.store.keys().key_usage().await.unwrap().iter().map(|k| k.values).sum::<u64>() };
    let before = sealed().await;
    let case = app.post("/api/v1/service-cases", applicant(&w)).await.expect(201).body;
    // The name, the phone and the SMS's recipient: a key rotation re-seals and counts them all.
    assert_eq!(sealed().await - before, 3);
    let id = case["id"].as_str().unwrap().to_owned();
    let code = case["tracking_code"].as_str().unwrap().to_owned();
    assert_eq!(
        (case["state"].as_str(), case["applicant_name"].as_str(), case["applicant_phone"].as_str()),
        (Some("received"), Some("王**"), Some("139****5678")),
        "the applicant's details are masked: {case}"
    );
    assert_eq!((case["item_version"].as_i64(), case["visits"].as_u64()), (Some(1), Some(1)));

    // Materials missing: acceptance is refused until they are told, all at once.
    let r = step(&w, &id, json!({"action": "accept", "missing": ["结婚证"]})).await.expect(422);
    assert_eq!(r.fields(), ["missing"]);
    let told = step(&w, &id, json!({"action": "notify", "missing": ["结婚证", "户口簿"]})).await.ok();
    assert_eq!((told["state"].as_str(), told["notices_given"].as_u64()), (Some("notified"), Some(1)));
    let back = step(&w, &id, json!({"action": "record_visit"})).await.ok();
    assert_eq!((back["visits"].as_u64(), back["over_visits"].as_bool()), (Some(2), Some(true)), "最多跑一次");
    let accepted = step(&w, &id, json!({"action": "accept", "version": back["version"]})).await.ok();
    assert_eq!(accepted["clock"]["promised_due"], "2026-03-03", "one working day from Monday");
    assert_eq!(accepted["clock"]["light"], "yellow");

    // The steps in the item's order; a step out of order names the one expected.
    let r = step(&w, &id, json!({"action": "record_step", "step": "办结"})).await.expect(422);
    assert_eq!(r.fields(), ["step"]);
    for s in ["申请", "受理"] {
        step(&w, &id, json!({"action": "record_step", "step": s})).await.ok();
    }
    let paused = step(&w, &id, json!({"action": "suspend", "reason": "等待户籍地回函"})).await.ok();
    assert_eq!(paused["clock"]["promised_due"], Value::Null, "no due day while the clock stands");
    app.travel(common::monday() + chrono::Duration::days(3)).await;
    app.relogin(&w.clerk, "wjz_clerk").await;
    let resumed = step(&w, &id, json!({"action": "resume"})).await.ok();
    assert_eq!(resumed["clock"]["promised_due"], "2026-03-05", "Tuesday and Wednesday stood still");
    step(&w, &id, json!({"action": "record_step", "step": "办结"})).await.ok();
    let done = step(&w, &id, json!({"action": "complete", "result": "准予登记，已发放生育服务证"})).await.ok();
    assert_eq!((done["state"].as_str(), done["done_on"].as_str()), (Some("done"), Some("2026-03-05")));
    assert_eq!(
        (done["clock"]["elapsed_days"].as_u64(), done["clock"]["standing"].as_str()),
        (Some(1), Some("within_promise"))
    );
    assert_eq!(step(&w, &id, json!({"action": "resume"})).await.status.as_u16(), 409);

    // The record, step by step, with who did each.
    let detail = app.get(&format!("/api/v1/service-cases/{id}")).await.ok();
    let actions: Vec<&str> =
        detail["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap_or("received")).collect();
    assert_eq!(
        actions,
        [
            "received",
            "notify",
            "record_visit",
            "accept",
            "record_step",
            "record_step",
            "suspend",
            "resume",
            "record_step",
            "complete"
        ]
    );
    assert_eq!(detail["events"][1]["missing"], json!(["结婚证", "户口簿"]));
    assert_eq!(
        (detail["events"][0]["by"].as_str(), detail["events"][1]["by"].as_str()),
        (Some("admin"), Some("wjz_clerk"))
    );

    // Every step reached the applicant by SMS, each with the tracking code; the number is sealed.
    let outbox = app.all("/api/v1/outbox").await;
    let sms: Vec<&Value> = outbox.iter().filter(|n| n["channel"] == "sms").collect();
    let subjects: Vec<&str> = sms.iter().map(|n| n["subject"].as_str().unwrap()).collect();
    for s in ["已收件", "需补齐材料", "已受理", "办理进度", "暂停计时", "恢复办理", "已办结"]
    {
        assert!(subjects.contains(&s), "{s} missing from {subjects:?}");
    }
    assert!(sms.iter().all(|n| n["recipient"] == "139****5678"), "{sms:?}");
    let readable: i64 = app
        .store
        .db()
        .scalar(rectify_store::db::Q::new(
            "SELECT COUNT(*) FROM service_cases WHERE applicant_phone LIKE '%5678%' OR applicant_name LIKE '%秀%' \
             OR phone_index LIKE '%5678%'",
        ))
        .await
        .unwrap();
    assert_eq!(readable, 0, "the applicant's name and phone are sealed at rest");

    // The applicant follows it by code, without an account, and sees nothing personal.
    let r = Client::new()
        .get(app.url(&format!("/api/v1/service-cases/track/{}", code.to_lowercase())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let progress: Value = r.json().await.unwrap();
    assert_eq!((progress["item_name"].as_str(), progress["state"].as_str()), (Some("生育登记"), Some("done")));
    assert_eq!(progress["steps_done"], json!(["申请", "受理", "办结"]));
    assert!(!progress.to_string().contains("王"), "{progress}");
    let r = Client::new().get(app.url("/api/v1/service-cases/track/ABCDE-23456")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    // The tracking page shows the item's steps as a progress bar.
    let html = Client::new().get(app.url(&format!("/track?code={code}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("id=\"service-progress\"") && html.contains("data-step=\"受理\" data-status=\"done\""),
        "{html}"
    );
    assert!(html.contains("准予登记，已发放生育服务证") && !html.contains("王"), "{html}");
}

async fn a_second_one_time_notice_is_a_problem_of_the_unit(backend: Backend) {
    let Some(w) = window(backend).await else { return };
    let app = &w.app;
    let id = app.post("/api/v1/service-cases", applicant(&w)).await.expect(201).id();
    step(&w, &id, json!({"action": "notify", "missing": ["结婚证"]})).await.ok();
    assert_eq!(app.count_rows("problems").await, 0);
    let again = step(&w, &id, json!({"action": "notify", "missing": ["户口簿"]})).await.ok();
    assert_eq!(again["notices_given"], 2);
    let problems = app.all("/api/v1/problems").await;
    assert_eq!(problems.len(), 1);
    let p = &problems[0];
    assert_eq!((p["unit_id"].as_str(), p["sources"][0].as_str()), (Some(w.street.as_str()), Some("service")));
    assert!(p["description"].as_str().unwrap().contains("户口簿"), "{p}");
    let stats = app.get("/api/v1/stats/services").await.ok();
    assert_eq!((stats["notified"].as_u64(), stats["notified_again"].as_u64()), (Some(1), Some(1)));
}

async fn bad_service_cases_are_named_and_nothing_is_written(backend: Backend) {
    let Some(w) = window(backend).await else { return };
    let app = &w.app;
    let r = app.post("/api/v1/service-cases", json!({"applicant_phone": "12"})).await.expect(422);
    assert_eq!(r.fields(), ["item_id", "channel", "responsible_id", "applicant_name", "applicant_phone"]);
    let mut unknown = applicant(&w);
    unknown["item_id"] = json!("999");
    assert_eq!(app.post("/api/v1/service-cases", unknown).await.expect(422).fields(), ["item_id"]);
    let mut nobody = applicant(&w);
    nobody["responsible_id"] = json!("999");
    assert_eq!(app.post("/api/v1/service-cases", nobody).await.expect(422).fields(), ["responsible_id"]);
    // A withdrawn item takes no new cases.
    let mut withdrawn = birth_registration(&w.street);
    withdrawn["published"] = json!(false);
    withdrawn["version"] = json!(1);
    withdrawn["reason"] = json!("事项已取消");
    app.put(&format!("/api/v1/services/{}", w.item), withdrawn).await.ok();
    assert_eq!(app.post("/api/v1/service-cases", applicant(&w)).await.expect(422).fields(), ["item_id"]);
    assert_eq!(app.count_rows("service_cases").await, 0);
    assert_eq!(app.count_rows("outbox").await, 0);
    let r = app.get("/api/v1/service-cases?state=finished&month=2026-13").await.expect(422);
    assert_eq!(r.fields(), ["state", "month"]);
    assert_eq!(app.get("/api/v1/stats/services?group_by=hall").await.expect(422).fields(), ["group_by"]);
}

async fn a_unit_sees_its_own_service_ledger_and_the_figures_count_it(backend: Backend) {
    let Some(w) = window(backend).await else { return };
    let app = &w.app;
    let other = app.unit("李家庄街道", None).await;
    let mut far = birth_registration(&other);
    far["code"] = json!("LJZ-MZ-001");
    far["window"] = json!("1号窗口");
    let far_item = app.post("/api/v1/services", far).await.expect(201).id();
    let ours = app.post("/api/v1/service-cases", applicant(&w)).await.expect(201).id();
    let mut theirs = applicant(&w);
    theirs["item_id"] = json!(far_item);
    let theirs = app.post("/api/v1/service-cases", theirs).await.expect(201).id();
    step(&w, &ours, json!({"action": "accept"})).await.ok();
    step(&w, &ours, json!({"action": "complete", "result": "准予登记"})).await.ok();
    let clerk = app.user("ljz_clerk", "unit_clerk", Some(&other)).await;
    let path = format!("/api/v1/service-cases/{theirs}/transitions");
    app.send(&clerk, Method::POST, &path, Some(json!({"action": "accept"}))).await.ok();
    // Two working days later the other street's case is past its one-day promise.
    app.travel(common::monday() + chrono::Duration::days(2)).await;
    app.relogin(&clerk, "ljz_clerk").await;
    let listed = app.send(&clerk, Method::GET, "/api/v1/service-cases", None).await;
    let ids: Vec<&str> = listed.body["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [theirs.as_str()]);
    assert_eq!(listed.body["items"][0]["clock"]["light"], "red");
    let hidden = app.send(&clerk, Method::GET, &format!("/api/v1/service-cases/{ours}"), None).await;
    assert_eq!(hidden.status.as_u16(), 404);
    let r = app
        .send(
            &clerk,
            Method::POST,
            &format!("/api/v1/service-cases/{ours}/transitions"),
            Some(json!({"action": "record_visit"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 404);

    let stats = app.get("/api/v1/stats/services").await.ok();
    assert_eq!(
        (stats["received"].as_u64(), stats["done"].as_u64(), stats["overdue"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(stats["on_time_rate"].as_f64(), Some(0.5), "one done on time out of one done and one overdue");
    // The figures recount from the rows with the domain's one definition.
    let recounted = recount(app, &app.all("/api/v1/service-cases").await).await;
    assert_eq!(
        (stats["received"].as_u64(), stats["done_within_promise"].as_u64(), stats["overdue"].as_u64()),
        (Some(recounted.received), Some(recounted.done_within_promise), Some(recounted.overdue))
    );
    let by_window = app.get("/api/v1/stats/services?group_by=window").await.ok();
    let windows: Vec<(&str, u64)> = by_window["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["name"].as_str().unwrap(), g["received"].as_u64().unwrap()))
        .collect();
    assert_eq!(windows, [("1号窗口", 1), ("3号窗口", 1)]);
    let month = app.get("/api/v1/stats/services?group_by=month&from=2026-03&to=2026-03").await.ok();
    assert_eq!(month["groups"][0]["key"], "2026-03");
    let own = app.send(&clerk, Method::GET, "/api/v1/stats/services", None).await;
    assert_eq!(own.body["received"], 1, "a unit's figures are its own");
    // The list narrowed by state and found by code.
    let done = app.get("/api/v1/service-cases?state=done").await.ok();
    assert_eq!(done["items"].as_array().unwrap().len(), 1);
    let code = done["items"][0]["tracking_code"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&format!("/api/v1/service-cases?q={code}")).await.ok()["items"][0]["id"], ours.as_str());
}

/// The figures are kept as the cases change (a difference added at every step): after every kind
/// of step — notices, acceptance, suspension, hand-over, refusal, a visit, completion — and days
/// going by, every grouping's groups and whole equal a recount of the rows.
async fn the_kept_figures_equal_a_recount_after_every_kind_of_step(backend: Backend) {
    let Some(w) = window(backend).await else { return };
    let app = &w.app;
    let other = app
        .post("/api/v1/people", json!({"name": "周敏", "unit_id": w.street, "kind": "staff"}))
        .await
        .expect(201)
        .id();
    let act =
        |a: &str| json!({"action": a, "missing": ["结婚证"], "reason": "补正材料", "result": "准予登记", "to": other});
    let scripts: [&[&str]; 12] = [
        &[],
        &["notify"],
        &["notify", "notify"],
        &["accept"],
        &["accept", "suspend"],
        &["accept", "suspend", "resume", "complete"],
        &["accept", "complete"],
        &["record_visit", "record_visit", "accept", "complete"],
        &["refuse"],
        &["accept", "refuse"],
        &["hand_over", "accept", "complete"],
        &["notify", "accept", "hand_over"],
    ];
    for script in scripts {
        let id = app.post("/api/v1/service-cases", applicant(&w)).await.expect(201).id();
        for a in script {
            let mut body = act(a);
            if *a == "accept" {
                body["missing"] = json!([]);
            }
            step(&w, &id, body).await.ok();
        }
    }
    // Three working days on, the open accepted cases are past their one-day promise.
    app.travel(common::monday() + chrono::Duration::days(3)).await;
    let rows = app.all("/api/v1/service-cases").await;
    let whole = recount(app, &rows).await;
    let fields = [
        "received",
        "accepted",
        "done",
        "refused",
        "done_within_promise",
        "done_within_legal",
        "overdue",
        "settled",
        "one_visit",
        "notified",
        "notified_again",
        "working_days",
    ];
    let as_json = serde_json::to_value(whole).unwrap();
    for by in ["unit", "window", "item", "staff", "month"] {
        let stats = app.get(&format!("/api/v1/stats/services?group_by={by}")).await.ok();
        for f in fields {
            assert_eq!(stats[f], as_json[f], "{by}: {f} of the whole");
            let groups: u64 = stats["groups"].as_array().unwrap().iter().map(|g| g[f].as_u64().unwrap()).sum();
            assert_eq!(Some(groups), as_json[f].as_u64(), "{by}: the groups' {f} add up to the whole");
        }
    }
    // Each person's group recounts from their rows (hand-overs moved cases between them).
    let by_staff = app.get("/api/v1/stats/services?group_by=staff").await.ok();
    for g in by_staff["groups"].as_array().unwrap() {
        let theirs: Vec<Value> = rows.iter().filter(|r| r["responsible_id"] == g["key"]).cloned().collect();
        let counted = serde_json::to_value(recount(app, &theirs).await).unwrap();
        for f in fields {
            assert_eq!(g[f], counted[f], "{}: {f}", g["name"]);
        }
    }
    // The two open in process are late; the suspended one's clock stands still.
    assert_eq!((as_json["overdue"].as_u64(), as_json["received"].as_u64()), (Some(2), Some(12)), "{as_json}");
}

/// A campaign bulletin prints the service figures by unit with their scope, the same as the
/// figures route; the PDF has them as a table; an office that leaves the section out prints none.
async fn bulletins_print_the_service_figures(backend: Backend) {
    let Some(w) = window(backend).await else { return };
    let app = &w.app;
    for done in [true, true, false] {
        let id = app.post("/api/v1/service-cases", applicant(&w)).await.expect(201).id();
        step(&w, &id, json!({"action": "accept"})).await.ok();
        if done {
            step(&w, &id, json!({"action": "complete", "result": "准予登记"})).await.ok();
        }
    }
    let camp =
        app.post("/api/v1/campaigns", json!({"name": "作风建设", "starts_on": "2026-01-01"})).await.expect(201).id();
    let draft = app.post("/api/v1/bulletins", json!({"campaign_id": camp})).await.expect(201).id();
    let content = app.get(&format!("/api/v1/bulletins/{draft}/content")).await.ok();
    let sv = &content["services"];
    assert_eq!((sv["from_month"].as_str(), sv["to_month"].as_str()), (Some("2026-01"), Some("2026-03")), "{sv}");
    let stats = app.get("/api/v1/stats/services?group_by=unit&from=2026-01&to=2026-03").await.ok();
    assert_eq!((sv["total"]["received"].as_u64(), sv["total"]["done"].as_u64()), (Some(3), Some(2)));
    assert_eq!(sv["total"]["on_time_rate"], stats["on_time_rate"]);
    assert_eq!((sv["units"][0]["name"].as_str(), sv["units"][0]["received"].as_u64()), (Some("王家庄街道"), Some(3)));
    let page = app.admin.get(app.url(&format!("/app/bulletins/{draft}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"bulletin-services\"") && page.contains("承诺期内按时办结率"), "{page}");
    let pdf = app.admin.get(app.url(&format!("/api/v1/bulletins/{draft}/document?format=pdf"))).send().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.pdf"), pdf.bytes().await.unwrap()).unwrap();
    let out = std::process::Command::new("pdftotext").arg(dir.path().join("b.pdf")).arg("-").output().unwrap();
    let text: String = String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("政务服务办件情况") && text.contains("王家庄街道") && text.contains("表5"), "{text}");
    let without = json!({"campaign_id": camp, "sections": {"services": false}});
    let draft = app.post("/api/v1/bulletins", without).await.expect(201).id();
    assert_eq!(app.get(&format!("/api/v1/bulletins/{draft}/content")).await.ok()["services"], Value::Null);
}

/// The service tally of `cases` (as the API lists them) by the domain's definition, as of the
/// app's today.
async fn recount(app: &TestApp, cases: &[Value]) -> rectify_domain::service::figures::ServiceTally {
    use rectify_domain::service::figures::{ServiceCaseFact, tally};
    let cal = app.store.reference().calendar().await.unwrap();
    let date = |v: &Value| v.as_str().map(|s| s.parse().unwrap());
    let facts: Vec<ServiceCaseFact> = cases
        .iter()
        .map(|c| {
            let suspensions = serde_json::from_value::<Vec<_>>(c["suspensions"].clone()).unwrap();
            let n = |k: &str| c[k].as_u64().unwrap() as u32;
            ServiceCaseFact::from_dates(
                &cal,
                c["state"].as_str().unwrap().parse().unwrap(),
                date(&c["accepted_on"]),
                date(&c["done_on"]),
                &suspensions,
                (n("promised_limit_days"), n("legal_limit_days")),
                n("visits"),
                n("notices_given"),
            )
        })
        .collect();
    tally(&facts, app.store.today())
}

async fn staff_handle_a_case_at_the_window_on_the_ledger_pages(backend: Backend) {
    let Some(w) = window(backend).await else { return };
    let (app, clerk) = (&w.app, &w.clerk);
    let get = |path: String| async move { clerk.get(app.url(&path)).send().await.unwrap().text().await.unwrap() };
    let post = |path: String, form: Vec<(&'static str, String)>| async move {
        let r = clerk.post(app.url(&path)).form(&form).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    };
    let html = get("/app/service-cases/new".into()).await;
    assert!(html.contains("收件登记") && html.contains("WJZ-MZ-001 生育登记") && html.contains("李红"), "{html}");
    let token = common::hidden(&html, "_csrf");
    // A phone left out is named, and the form keeps what was typed.
    let (status, html) = post(
        "/app/service-cases/new".into(),
        vec![
            ("_csrf", token.clone()),
            ("item_id", w.item.clone()),
            ("channel", "window".into()),
            ("applicant_name", "王秀英".into()),
            ("responsible_id", w.officer.clone()),
        ],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("id=\"err-applicant_phone\"") && html.contains("value=\"王秀英\""), "{html}");
    let (status, html) = post(
        "/app/service-cases/new".into(),
        vec![
            ("_csrf", token.clone()),
            ("item_id", w.item.clone()),
            ("channel", "window".into()),
            ("applicant_name", "王秀英".into()),
            ("applicant_phone", "13912345678".into()),
            ("responsible_id", w.officer.clone()),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("已登记收件") && html.contains("王**") && !html.contains("13912345678"), "{html}");
    let id = app.get("/api/v1/service-cases").await.ok()["items"][0]["id"].as_str().unwrap().to_owned();
    // 一次性告知 offers the item's materials to tick.
    assert!(html.contains("value=\"结婚证\"") && html.contains("data-action=\"notify\""), "{html}");
    let act = |action: &'static str, extra: Vec<(&'static str, String)>| {
        let mut form = vec![("_csrf", token.clone()), ("action", action.to_owned())];
        form.extend(extra);
        post(format!("/app/service-cases/{id}/transitions"), form)
    };
    let (status, html) = act("notify", vec![("missing", "结婚证".into()), ("missing", "户口簿".into())]).await;
    assert_eq!(status, 200);
    assert!(html.contains("已一次性告知所缺材料") && html.contains("结婚证、户口簿"), "{html}");
    act("accept", vec![]).await;
    let (_, html) = act("record_step", vec![("step", "申请".into())]).await;
    assert!(html.contains("value=\"受理\""), "the next step is offered: {html}");
    act("record_step", vec![("step", "受理".into())]).await;
    act("record_step", vec![("step", "办结".into())]).await;
    let (status, html) = act("complete", vec![]).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"err-complete-result\""), "{html}");
    let (status, html) = act("complete", vec![("result", "准予登记".into())]).await;
    assert_eq!(status, 200);
    assert!(html.contains("已办结") && html.contains("data-state=\"done\"") && html.contains("在承诺时限内"), "{html}");
    let list = get("/app/service-cases?state=done".into()).await;
    assert!(list.contains("生育登记") && list.contains("3号窗口"), "{list}");
    // The dashboard counts it, saying whose figures they are.
    let dash = app.admin.get(app.url("/app/dashboard")).send().await.unwrap().text().await.unwrap();
    assert!(dash.contains("data-figure=\"service_done\" href=\"/app/service-cases?state=done\">1<"), "{dash}");
    assert!(dash.contains("承诺期内按时办结率") && dash.contains("范围：全部服务窗口的办件"), "{dash}");
    // The office reads the ledger but handles nothing of a unit's case.
    let office =
        app.admin.get(app.url(&format!("/app/service-cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(office.contains("没有可办理的环节"), "{office}");
}

async fn the_office_rings_back_a_verifiable_sample_and_untrue_records_become_problems(backend: Backend) {
    let Some(w) = window(backend).await else { return };
    let app = &w.app;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let id = app.post("/api/v1/service-cases", applicant(&w)).await.expect(201).id();
        step(&w, &id, json!({"action": "accept"})).await.ok();
        step(&w, &id, json!({"action": "complete", "result": "准予登记"})).await.ok();
        ids.push(id);
    }
    let open = app.post("/api/v1/service-cases", applicant(&w)).await.expect(201).id();
    let r = app.post("/api/v1/service-samples", json!({"from": "2026-03-02", "to": "2026-03-01", "size": 0})).await;
    assert_eq!(r.expect(422).fields(), ["to", "size"]);
    let sample = app
        .post("/api/v1/service-samples", json!({"from": "2026-03-01", "to": "2026-03-02", "size": 3}))
        .await
        .expect(201)
        .body;
    let drawn: Vec<String> =
        sample["cases"].as_array().unwrap().iter().map(|c| c["case"]["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!((drawn.len(), sample["pool_size"].as_u64()), (3, Some(5)), "only done cases are drawn: {sample}");
    assert!(!drawn.contains(&open));
    // Anyone with the seed and the list drawn from gets the same cases.
    let pool: Vec<rectify_domain::ids::ServiceCaseId> = ids.iter().map(|i| i.parse().unwrap()).collect();
    let again = rectify_domain::service::sampling::draw(&pool, 3, sample["seed"].as_str().unwrap().as_bytes());
    assert_eq!(again.iter().map(|c| c.to_string()).collect::<Vec<_>>(), drawn);
    assert_eq!(sample["cases"][0]["case"]["applicant_phone"], "139****5678");

    let sid = sample["id"].as_str().unwrap().to_owned();
    let calls = format!("/api/v1/service-samples/{sid}/calls");
    // The phone in full only with a reason, and the reveal is recorded.
    let contact = format!("/api/v1/service-cases/{}/contact", drawn[0]);
    assert_eq!(app.post(&contact, json!({})).await.expect(422).fields(), ["reason"]);
    let revealed = app.post(&contact, json!({"reason": "办件电话回访"})).await.ok();
    assert_eq!(revealed["phone"], "13912345678");
    app.post(&calls, json!({"case_id": drawn[0], "outcome": "unreached"})).await.ok();
    app.post(&calls, json!({"case_id": drawn[0], "outcome": "satisfied"})).await.ok();
    let twice = app.post(&calls, json!({"case_id": drawn[0], "outcome": "unsatisfied", "note": "又说"})).await;
    assert_eq!(twice.expect(422).fields(), ["case_id"], "an answered call is recorded once");
    assert_eq!(
        app.post(&calls, json!({"case_id": drawn[1], "outcome": "facts_differ"})).await.expect(422).fields(),
        ["note"]
    );
    assert_eq!(
        app.post(&calls, json!({"case_id": open, "outcome": "satisfied"})).await.expect(422).fields(),
        ["case_id"]
    );
    let after = app
        .post(&calls, json!({"case_id": drawn[1], "outcome": "facts_differ", "note": "申请人称实际跑了三次"}))
        .await
        .ok();
    let problem = after["cases"][1]["call"]["problem_id"].as_str().expect("a problem").to_owned();
    let p = app.get(&format!("/api/v1/problems/{problem}")).await.ok();
    assert_eq!((p["unit_id"].as_str(), p["sources"][0].as_str()), (Some(w.street.as_str()), Some("service")));
    assert!(p["description"].as_str().unwrap().contains("实际跑了三次"), "{p}");
    // The unit's clerk neither draws nor sees samples.
    let r = app.send(&w.clerk, Method::GET, &format!("/api/v1/service-samples/{sid}"), None).await;
    assert_eq!(r.status.as_u16(), 403);
    // The page: draw, reveal, record.
    let html =
        app.admin.get(app.url(&format!("/app/service-samples/{sid}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("情况不符") && html.contains("已记入整改台账") && html.contains(sample["seed"].as_str().unwrap()),
        "{html}"
    );
}

on_both!(
    the_public_finds_what_to_bring_where_and_how_long,
    an_item_is_kept_with_its_versions_and_the_public_sees_the_published,
    bad_items_are_named_and_nothing_is_written,
    a_units_staff_write_their_own_units_items_only,
    a_service_case_runs_from_the_window_to_done_and_the_applicant_hears_every_step,
    a_second_one_time_notice_is_a_problem_of_the_unit,
    bad_service_cases_are_named_and_nothing_is_written,
    a_unit_sees_its_own_service_ledger_and_the_figures_count_it,
    the_kept_figures_equal_a_recount_after_every_kind_of_step,
    bulletins_print_the_service_figures,
    staff_handle_a_case_at_the_window_on_the_ledger_pages,
    the_office_rings_back_a_verifiable_sample_and_untrue_records_become_problems,
);
