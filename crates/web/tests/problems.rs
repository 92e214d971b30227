//! The ledger over HTTP: creating problems, every kind of bad input (4xx problem+json naming the
//! field, nothing written), transitions and their guards, optimistic versions, idempotency,
//! filters and pagination.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::Method;
use serde_json::{Value, json};

async fn setup(app: &TestApp) -> (String, String) {
    let district = app.unit("安宁区", None).await;
    let unit = app.unit("区财政局", Some(&district)).await;
    (district, unit)
}

async fn bad_input_is_refused_and_writes_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (_, unit) = setup(&app).await;
    let before = app.count_rows("problems").await;
    let history_before = app.count_rows("history").await;
    let ok = json!({"description": "审批超过承诺时限", "unit_id": unit, "deadline": "2026-03-31"});
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    // (body, status, the field the answer must name)
    let cases: Vec<(Value, u16, &str)> = vec![
        (with("unit_id", json!("99999")), 422, "unit_id"),
        (with("unit_id", json!("not-an-id")), 422, "unit_id"),
        (with("deadline", json!("2026-02-30")), 422, "deadline"),
        (with("deadline", json!("31/03/2026")), 422, "deadline"),
        (with("description", json!("")), 422, "description"),
        (with("description", json!("长".repeat(4001))), 422, "description"),
        (with("description", json!(42)), 422, "description"),
        (with("type", json!("urgent")), 422, "type"),
        (with("published", json!("yes")), 422, "published"),
        (with("colour", json!("red")), 422, "colour"),
        (with("category", json!("类".repeat(101))), 422, "category"),
        (with("responsible_person_id", json!("4242")), 422, "responsible_person_id"),
        (with("batch_id", json!("777")), 422, "batch_id"),
        (with("campaign_id", json!("777")), 422, "campaign_id"),
        (with("measures", json!([{"description": ""}])), 422, "measures[0].description"),
        (with("measures", json!([{"description": "x", "deadline": "soon"}])), 422, "measures[0].deadline"),
        (json!({"unit_id": unit}), 422, "description"),
        (json!([1, 2]), 422, "body"),
    ];
    for (body, status, field) in cases {
        let r = app.post("/api/v1/problems", body.clone()).await.expect(status);
        assert!(r.fields().iter().any(|f| f == field), "{body} should name {field}: {}", r.body);
    }
    // Not JSON at all: 400.
    let raw = app
        .admin
        .post(app.url("/api/v1/problems"))
        .header("content-type", "application/json")
        .body("{\"description\":")
        .send()
        .await
        .unwrap();
    TestApp::reply(raw).await.expect(400);
    let wrong_type = app
        .admin
        .post(app.url("/api/v1/problems"))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    TestApp::reply(wrong_type).await.expect(415);
    assert_eq!(app.count_rows("problems").await, before, "no problem written");
    assert_eq!(app.count_rows("history").await, history_before, "no history written");
    // Chinese on request.
    let zh = app
        .admin
        .post(app.url("/api/v1/problems"))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .json(&json!({"unit_id": unit}))
        .send()
        .await
        .unwrap();
    let zh = TestApp::reply(zh).await.expect(422);
    assert_eq!(zh.body["errors"][0]["message"], "必填");
}

async fn a_batch_must_belong_to_the_campaign(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (_, unit) = setup(&app).await;
    let c1 = app.post("/api/v1/campaigns", json!({"name": "一", "starts_on": "2026-01-01"})).await.expect(201).id();
    let c2 = app.post("/api/v1/campaigns", json!({"name": "二", "starts_on": "2026-01-01"})).await.expect(201).id();
    let b1 = app.post(&format!("/api/v1/campaigns/{c1}/batches"), json!({"name": "第一批"})).await.expect(201).id();
    let r = app
        .post("/api/v1/problems", json!({"description": "x", "unit_id": unit, "campaign_id": c2, "batch_id": b1}))
        .await
        .expect(422);
    assert_eq!(r.fields(), ["batch_id"]);
    app.post(&format!("/api/v1/campaigns/{c1}/batches"), json!({"name": "错", "campaign_id": c2})).await.expect(422);
}

async fn transitions_follow_the_table(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (district, unit) = setup(&app).await;
    let p = app.problem(json!({"description": "窗口服务态度生硬", "unit_id": unit, "deadline": "2026-03-10"})).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/problems/{id}/transitions");
    let fire = |action: &str| app.post(&path, json!({"action": action}));

    // Not from `open`: report, verify, reject, reopen.
    for action in ["report_done", "verify", "reject", "reopen"] {
        let r = fire(action).await.expect(409);
        assert_eq!(r.fields(), ["action"], "{action}");
    }
    assert_eq!(app.post(&path, json!({"action": "explode"})).await.expect(422).fields(), ["action"]);
    assert_eq!(app.post(&path, json!({})).await.expect(422).fields(), ["action"]);
    fire("start").await.expect(200);
    fire("start").await.expect(409);
    fire("report_done").await.expect(200);
    // Close-off needs evidence.
    let r = fire("verify").await.expect(422);
    assert_eq!(r.fields(), ["evidence"]);
    // Evidence arrives with a progress entry.
    let photo = app.upload_png(&app.admin).await;
    app.post(&format!("/api/v1/problems/{id}/progress"), json!({"note": "已整改", "attachment_ids": [photo]}))
        .await
        .expect(201);
    // The same file cannot be evidence twice.
    let again =
        app.post(&format!("/api/v1/problems/{id}/progress"), json!({"attachment_ids": [photo]})).await.expect(422);
    assert_eq!(again.fields(), ["attachment_ids[0]"]);
    // An office member who works in the owner unit may not verify it.
    let insider = app.user("insider", "office_staff", Some(&unit)).await;
    let r = app.send(&insider, Method::POST, &path, Some(json!({"action": "verify"}))).await.expect(422);
    assert_eq!(r.body["errors"][0]["code"], "verifier_in_owner_unit");
    // Nor one in a unit above it? Above is outside: the district office may verify.
    let outsider = app.user("outsider", "office_staff", Some(&district)).await;
    let closed = app.send(&outsider, Method::POST, &path, Some(json!({"action": "verify"}))).await.expect(200).body;
    assert_eq!(closed["state"], "closed");
    // Closed: no more progress until reopened, and reopening needs a reason.
    app.post(&format!("/api/v1/problems/{id}/progress"), json!({"note": "补充"})).await.expect(422);
    assert_eq!(fire("reopen").await.expect(422).fields(), ["note"]);
    let reopened = app.post(&path, json!({"action": "reopen", "note": "群众反映问题反弹"})).await.ok();
    assert_eq!(reopened["state"], "in_progress");
    assert!(reopened["closed_at"].is_null());
}

async fn stale_versions_conflict(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (_, unit) = setup(&app).await;
    let p = app.problem(json!({"description": "原描述", "unit_id": unit})).await;
    let path = format!("/api/v1/problems/{}", p["id"].as_str().unwrap());
    assert_eq!(app.patch(&path, json!({"description": "新描述"})).await.expect(422).fields(), ["version"]);
    let v1 = app.patch(&path, json!({"description": "第二版", "version": 1})).await.ok();
    assert_eq!(v1["version"], 2);
    let stale = app.patch(&path, json!({"description": "基于旧版本", "version": 1})).await.expect(409);
    assert_eq!(stale.body["current_version"], 2);
    assert_eq!(app.get(&path).await.ok()["description"], "第二版");
    // Concurrent edits from the same version: exactly one wins.
    let (a, b) = tokio::join!(
        app.patch(&path, json!({"description": "甲", "version": 2})),
        app.patch(&path, json!({"description": "乙", "version": 2}))
    );
    let mut codes = [a.status.as_u16(), b.status.as_u16()];
    codes.sort();
    assert_eq!(codes, [200, 409]);
    // A transition with a stale version is refused too.
    app.post(&format!("{path}/transitions"), json!({"action": "start", "version": 1})).await.expect(409);
    // Clearing with null, keeping what is absent.
    let cleared = app.patch(&path, json!({"version": 3, "deadline": "2026-04-01", "category": "形式主义"})).await.ok();
    let cleared = app.patch(&path, json!({"version": cleared["version"], "category": null})).await.ok();
    assert!(cleared["category"].is_null());
    assert_eq!(cleared["deadline"], "2026-04-01");
}

async fn idempotency_keys_create_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (_, unit) = setup(&app).await;
    let body = json!({"description": "网站留言回复不及时", "unit_id": unit});
    let send =
        |b: Value| app.admin.post(app.url("/api/v1/problems")).header("Idempotency-Key", "k-123").json(&b).send();
    let first = TestApp::reply(send(body.clone()).await.unwrap()).await.expect(201);
    let second = TestApp::reply(send(body.clone()).await.unwrap()).await.expect(201);
    assert_eq!(first.id(), second.id());
    assert_eq!(second.headers.get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));
    assert_eq!(app.count_rows("problems").await, 1);
    let other =
        TestApp::reply(send(json!({"description": "另一个", "unit_id": unit})).await.unwrap()).await.expect(422);
    assert_eq!(other.fields(), ["Idempotency-Key"]);
    // Concurrent duplicates: still one row.
    let send2 = || app.admin.post(app.url("/api/v1/problems")).header("Idempotency-Key", "k-456").json(&body).send();
    let (a, b, c) = tokio::join!(send2(), send2(), send2());
    let mut ids = Vec::new();
    for r in [a, b, c] {
        ids.push(TestApp::reply(r.unwrap()).await.expect(201).id());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one problem for one key");
    assert_eq!(app.count_rows("problems").await, 2);
    // Keys belong to their caller: the same key from someone else creates its own.
    let other_user = app.user("other", "office_staff", None).await;
    let r = other_user
        .post(app.url("/api/v1/problems"))
        .header("Idempotency-Key", "k-123")
        .json(&body)
        .send()
        .await
        .unwrap();
    TestApp::reply(r).await.expect(201);
    assert_eq!(app.count_rows("problems").await, 3);
}

async fn lists_filter_and_page(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (district, unit) = setup(&app).await;
    let sub = app.unit("国库收付中心", Some(&unit)).await;
    let other = app.unit("区教育局", Some(&district)).await;
    // Monday 2 March: red before the 2nd, yellow to Thursday the 5th, green after.
    for (i, (u, deadline, published)) in [
        (&unit, "2026-02-20", true),
        (&unit, "2026-03-04", false),
        (&sub, "2026-03-30", true),
        (&other, "2026-02-27", false),
        (&other, "2026-03-05", true),
    ]
    .iter()
    .enumerate()
    {
        app.problem(json!({"description": format!("问题{i} 台账不健全"), "unit_id": u, "deadline": deadline, "published": published, "category": if i % 2 == 0 {"形式主义"} else {"官僚主义"}})).await;
    }
    for _ in 0..7 {
        app.problem(json!({"description": "无时限问题", "unit_id": other})).await;
    }
    let count = |q: &str| app.all_owned(format!("/api/v1/problems?{q}"));
    assert_eq!(count("").await.len(), 12);
    assert_eq!(count(&format!("unit={unit}")).await.len(), 2);
    assert_eq!(count(&format!("unit={unit}&include_sub_units=true")).await.len(), 3);
    assert_eq!(count("light=red").await.len(), 2);
    assert_eq!(count("overdue=true").await.len(), 2);
    assert_eq!(count("overdue=false").await.len(), 10);
    assert_eq!(count("light=yellow").await.len(), 2);
    assert_eq!(count("light=green").await.len(), 8);
    assert_eq!(count("published=true").await.len(), 3);
    assert_eq!(count("category=形式主义").await.len(), 3);
    assert_eq!(count("q=台账").await.len(), 5);
    assert_eq!(count("q=100%25").await.len(), 0, "LIKE wildcards in the text are literal");
    assert_eq!(count("state=open,in_progress").await.len(), 12);
    assert_eq!(count("state=closed").await.len(), 0);
    // Pages of 5 walk all 12 without repeats, newest first; sort by due date puts undated last.
    let page = app.get("/api/v1/problems?limit=5").await.ok();
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    assert!(page["next_cursor"].is_string());
    let all = app.all("/api/v1/problems?limit=5").await;
    let mut ids: Vec<i64> = all.iter().map(|p| p["id"].as_str().unwrap().parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]));
    ids.dedup();
    assert_eq!(ids.len(), 12);
    let due = app.all("/api/v1/problems?sort=due&limit=2").await;
    let dues: Vec<Value> = due.iter().map(|p| p["due_on"].clone()).collect();
    assert_eq!(dues[0], "2026-02-20");
    assert!(dues[5..].iter().all(Value::is_null));
    assert_eq!(due.len(), 12);
    // Bad parameters are named.
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("light=purple", "light"),
        ("state=done", "state"),
        ("unit=x", "unit"),
        ("cursor=@@", "cursor"),
        ("sort=size", "sort"),
        ("overdue=maybe", "overdue"),
        ("stat=open", "stat"),
    ] {
        let r = app.get(&format!("/api/v1/problems?{q}")).await.expect(422);
        assert_eq!(r.fields(), [field], "{q}");
    }
}

async fn measures_roll_up_and_change(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (_, unit) = setup(&app).await;
    let p = app.problem(json!({"description": "公车停放不规范", "unit_id": unit, "deadline": "2026-04-30"})).await;
    assert_eq!(p["light"], "green");
    let id = p["id"].as_str().unwrap();
    // A measure due before the problem's deadline, already overdue, turns the problem red.
    let m = app
        .post(
            &format!("/api/v1/problems/{id}/measures"),
            json!({"description": "公车统一停放", "deadline": "2026-02-26"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(m["light"], "red");
    let p = app.get(&format!("/api/v1/problems/{id}")).await.ok();
    assert_eq!((p["light"].as_str(), p["due_on"].as_str()), (Some("red"), Some("2026-02-26")));
    // Done, it no longer counts.
    let mpath = format!("/api/v1/problems/{id}/measures/{}", m["id"].as_str().unwrap());
    app.patch(&mpath, json!({"done": true, "version": 5})).await.expect(409);
    app.patch(&mpath, json!({"done": true, "version": 1})).await.expect(200);
    let p = app.get(&format!("/api/v1/problems/{id}")).await.ok();
    assert_eq!((p["light"].as_str(), p["due_on"].as_str()), (Some("green"), Some("2026-04-30")));
    // Bad measure input.
    assert_eq!(
        app.post(&format!("/api/v1/problems/{id}/measures"), json!({"deadline": "2026-01-01"}))
            .await
            .expect(422)
            .fields(),
        ["description"]
    );
    app.patch(&format!("/api/v1/problems/{id}/measures/999"), json!({"done": true})).await.expect(404);
    // Withdrawing a measure is archiving it, never deleting.
    let w = app.patch(&mpath, json!({"archived": true})).await.ok();
    assert_eq!(w["archived"], true);
    assert_eq!(app.get(&format!("/api/v1/problems/{id}")).await.ok()["measures"].as_array().unwrap().len(), 1);
}

async fn problems_are_archived_not_deleted(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (_, unit) = setup(&app).await;
    let p = app.problem(json!({"description": "重复登记", "unit_id": unit})).await;
    let path = format!("/api/v1/problems/{}", p["id"].as_str().unwrap());
    app.patch(&path, json!({"archived": true, "version": 1})).await.expect(200);
    assert_eq!(app.all("/api/v1/problems").await.len(), 0);
    assert_eq!(app.all("/api/v1/problems?archived=true").await.len(), 1);
    assert_eq!(app.get(&path).await.ok()["archived"], true);
    let history = app.all(&format!("{path}/history")).await;
    assert_eq!(history.last().unwrap()["action"], "archive");
    app.send(&app.admin, Method::DELETE, &path, None).await.expect(405);
}

/// A unit cannot quietly move what it is judged by: its own deadline, a measure's deadline,
/// publication, archiving and the owner unit are the office's; it asks for more time (延期)
/// before the deadline, with a reason, and the office grants or refuses it, in the history and
/// on the public board. It rewords its problem only while it is open.
async fn units_ask_for_time_and_cannot_move_their_own_deadlines(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (_, unit) = setup(&app).await;
    let clerk = app.user("clerk", "unit_clerk", Some(&unit)).await;
    let body = json!({"description": "窗口人员上班迟到", "unit_id": unit, "deadline": "2026-03-13", "published": true,
                      "measures": [{"description": "建立考勤通报制度", "deadline": "2026-03-06"}]});
    let p = app.problem(body).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/problems/{id}");
    let version = |p: &Value| p["version"].as_i64().unwrap();
    let patch = |b: Value| app.send(&clerk, Method::PATCH, &path, Some(b));
    for (field, value) in [
        ("deadline", json!("2026-06-30")),
        ("published", json!(false)),
        ("archived", json!(true)),
        ("unit_id", json!(setup_unit_other(&app).await)),
    ] {
        let mut b = json!({"version": version(&p)});
        b[field] = value;
        let r = patch(b).await.expect(422);
        assert_eq!(
            (r.body["errors"][0]["code"].as_str(), r.body["errors"][0]["field"].as_str()),
            (Some("office_only_field"), Some(field)),
            "{field}"
        );
    }
    let m = &p["measures"][0];
    let mpath = format!("{path}/measures/{}", m["id"].as_str().unwrap());
    let r =
        app.send(&clerk, Method::PATCH, &mpath, Some(json!({"version": m["version"], "deadline": "2026-06-30"}))).await;
    assert_eq!(r.expect(422).body["errors"][0]["field"], "deadline");
    let r = app.send(&clerk, Method::PATCH, &mpath, Some(json!({"version": m["version"], "archived": true}))).await;
    assert_eq!(r.expect(422).body["errors"][0]["field"], "archived");
    assert_eq!(app.get(&path).await.ok()["version"], p["version"], "nothing written");

    // Wording while open, with its history; not once work has started.
    let reworded = patch(json!({"version": version(&p), "description": "窗口人员上班迟到早退"})).await.ok();
    assert_eq!(reworded["description"], "窗口人员上班迟到早退");
    let t = format!("{path}/transitions");
    app.send(&clerk, Method::POST, &t, Some(json!({"action": "start"}))).await.expect(200);
    let p = app.get(&path).await.ok();
    let r = patch(json!({"version": version(&p), "description": "已无此事"})).await.expect(422);
    assert_eq!(r.body["errors"][0]["code"], "wording_fixed");
    let history = app.all(&format!("{path}/history")).await;
    assert!(history.iter().any(|h| h["action"] == "update"), "the reword is in the history");

    // The unit asks before the deadline, for a later date, with a reason.
    let ask = |b: Value| app.send(&clerk, Method::POST, &t, Some(b));
    assert_eq!(ask(json!({"action": "extend", "due": "2026-03-31"})).await.expect(422).fields(), ["note"]);
    let r = ask(json!({"action": "extend", "due": "2026-03-10", "note": "需协调"})).await.expect(422);
    assert_eq!(r.body["errors"][0]["code"], "extension_not_later");
    let asked = ask(json!({"action": "extend", "due": "2026-03-31", "note": "需协调人社部门调整排班"})).await.ok();
    assert_eq!(
        (asked["extension"]["status"].as_str(), asked["deadline"].as_str()),
        (Some("pending"), Some("2026-03-13"))
    );
    assert_eq!(
        ask(json!({"action": "extend", "due": "2026-04-30", "note": "再延"})).await.expect(422).body["errors"][0]["code"],
        "extension_pending"
    );
    // Only the office decides, and the deadline moves only then.
    let own = json!({"action": "extend", "approve": true, "due": "2026-03-31", "note": "批准"});
    let r = app.send(&clerk, Method::POST, &t, Some(own)).await;
    assert_eq!(r.expect(422).body["errors"][0]["code"], "extension_pending", "the unit cannot grant its own");
    let granted = app.post(&t, json!({"action": "extend", "approve": true, "note": "同意"})).await.ok();
    assert_eq!(
        (granted["deadline"].as_str(), granted["extended_from"].as_str(), granted["extension"]["status"].as_str()),
        (Some("2026-03-31"), Some("2026-03-13"), Some("granted"))
    );
    let history = app.all(&format!("{path}/history")).await;
    let extends: Vec<&Value> = history.iter().filter(|h| h["action"] == "extend").collect();
    assert_eq!(extends.len(), 2, "asked and granted are both recorded");
    // The public board says so.
    let board = reqwest::get(app.url(&format!("/board/{id}"))).await.unwrap().text().await.unwrap();
    assert!(board.contains("延期至2026年3月31日（已批准）") || board.contains("延期至2026-03-31（已批准）"), "{board}");
    let list = reqwest::get(app.url("/board")).await.unwrap().text().await.unwrap();
    assert!(list.contains("（已批准）"), "the board's list says it too");

    // A second request after the deadline passed is refused; one in time may be refused.
    let ask = ask(json!({"action": "extend", "due": "2026-04-30", "note": "人员不足"})).await.ok();
    assert_eq!(ask["extension"]["status"], "pending");
    let page = app.admin.get(app.url(&format!("/app/problems/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("审批延期") && page.contains("人员不足"), "the office decides on the page");
    let refused = app.post(&t, json!({"action": "extend", "approve": false, "note": "不同意"})).await.ok();
    assert_eq!(
        (refused["deadline"].as_str(), refused["extension"]["status"].as_str()),
        (Some("2026-03-31"), Some("refused"))
    );
    app.travel(common::monday() + chrono::Duration::days(30)).await;
    app.relogin(&clerk, "clerk").await;
    let late = app
        .send(&clerk, Method::POST, &t, Some(json!({"action": "extend", "due": "2026-05-30", "note": "迟到的申请"})))
        .await;
    assert_eq!(late.expect(422).body["errors"][0]["code"], "extension_after_due");
    // The office still sets deadlines itself.
    let p = app.get(&path).await.ok();
    let set = app.patch(&path, json!({"version": version(&p), "deadline": "2026-04-15"})).await.ok();
    assert_eq!((set["deadline"].as_str(), set["extended_from"].as_str()), (Some("2026-04-15"), None));
}

async fn setup_unit_other(app: &TestApp) -> String {
    app.unit("区教育局", None).await
}

on_both!(
    units_ask_for_time_and_cannot_move_their_own_deadlines,
    bad_input_is_refused_and_writes_nothing,
    a_batch_must_belong_to_the_campaign,
    transitions_follow_the_table,
    stale_versions_conflict,
    idempotency_keys_create_once,
    lists_filter_and_page,
    measures_roll_up_and_change,
    problems_are_archived_not_deleted,
);
