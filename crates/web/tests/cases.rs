//! Citizen cases over HTTP on both databases: intake on every channel, the loop to the citizen's
//! satisfaction, tracking that leaks nothing, and cases turned into problems.

mod common;

use chrono::TimeZone;
use common::{PNG, TestApp, TextOf};
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, Method};
use serde_json::{Value, json};

async fn submit(app: &TestApp, body: Value) -> common::Reply {
    TestApp::reply(Client::new().post(app.url("/api/v1/cases")).json(&body).send().await.unwrap()).await
}

async fn act(app: &TestApp, who: &Client, case: &str, body: Value) -> common::Reply {
    app.send(who, Method::POST, &format!("/api/v1/cases/{case}/transitions"), Some(body)).await
}

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap()
}

async fn the_public_form(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区城管局", None).await;
    let r = submit(&app, json!({"content": "小区门口路灯坏了一个月", "type": "help", "phone": "13812345678", "unit_id": unit, "location": "培黎街道建设路12号"})).await.expect(201);
    let code = r.body["tracking_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 11, "XXXXX-XXXXX: {code}");
    assert!(code.chars().all(|c| c == '-' || "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c)));
    assert!(r.headers.get("location").is_some());
    assert_eq!(r.body.as_object().unwrap().len(), 2, "the public gets the id and the code, nothing more");
    let case = app.get(&format!("/api/v1/cases/{}", r.id())).await.ok();
    assert_eq!(
        (case["channel"].as_str(), case["state"].as_str(), case["type"].as_str()),
        (Some("web"), Some("received"), Some("help"))
    );
    assert_eq!(case["tracking_code"], code);
    assert!(case["registered_by"].is_null());

    // Photos with the form, as multipart.
    let form = Form::new()
        .text("content", "垃圾桶满溢无人清理")
        .text("type", "complaint")
        .text("latitude", "36.1")
        .text("longitude", "103.7")
        .part("files", Part::bytes(PNG.to_vec()).file_name("现场1.png"))
        .part("files", Part::bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec()).file_name("说明.pdf"));
    let r = TestApp::reply(Client::new().post(app.url("/api/v1/cases")).multipart(form).send().await.unwrap())
        .await
        .expect(201);
    let case = app.get(&format!("/api/v1/cases/{}", r.id())).await.ok();
    assert_eq!(case["attachments"].as_array().unwrap().len(), 2);
    assert_eq!(case["latitude"], 36.1);

    // Bad input: 4xx naming the field, nothing written.
    let before = app.count_rows("cases").await;
    for (body, field) in [
        (json!({}), "content"),
        (json!({"content": "  "}), "content"),
        (json!({"content": "长".repeat(20_001)}), "content"),
        (json!({"content": "x", "phone": "12345"}), "phone"),
        (json!({"content": "x", "phone": "call me maybe"}), "phone"),
        (json!({"content": "x", "email": "nope"}), "email"),
        (json!({"content": "x", "channel": "hotline"}), "channel"),
        (json!({"content": "x", "urgent": true}), "urgent"),
        (json!({"content": "x", "received_at": "2026-01-01T00:00:00+08:00"}), "received_at"),
        (json!({"content": "x", "type": "rant"}), "type"),
        (json!({"content": "x", "unit_id": "999"}), "unit_id"),
        (json!({"content": "x", "latitude": 95.0, "longitude": 103.0}), "latitude"),
        (json!({"content": "x", "password": "x"}), "password"),
    ] {
        let r = submit(&app, body.clone()).await.expect(422);
        assert_eq!(r.fields(), [field], "{body}");
    }
    let files = |parts: Vec<(&str, Vec<u8>)>| {
        let mut f = Form::new().text("content", "带附件");
        for (name, bytes) in parts {
            f = f.part("files", Part::bytes(bytes).file_name(name.to_owned()));
        }
        f
    };
    let six: Vec<(&str, Vec<u8>)> = (0..6).map(|_| ("p.png", PNG.to_vec())).collect();
    for (form, field) in [
        (files(six), "files"),
        (files(vec![("photo.jpg", b"MZ\x90\0 not a photo".to_vec())]), "files[0]"),
        (files(vec![("ok.png", PNG.to_vec()), ("scan.png", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec())]), "files[1]"),
        (files(vec![("table.docx", b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0word/document.xml".to_vec())]), "files[0]"),
    ] {
        let r =
            TestApp::reply(Client::new().post(app.url("/api/v1/cases")).multipart(form).send().await.unwrap()).await;
        assert_eq!(r.expect(422).fields(), [field]);
    }
    let mut big = PNG.to_vec();
    big.resize(10 * 1024 * 1024 + 10, 0);
    let r = TestApp::reply(
        Client::new().post(app.url("/api/v1/cases")).multipart(files(vec![("big.png", big)])).send().await.unwrap(),
    )
    .await;
    assert!(r.status == 413 || r.status == 422, "{}", r.status);
    assert_eq!(app.count_rows("cases").await, before, "bad submissions write nothing");
}

async fn duplicates_create_nothing_new(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let body = json!({"content": "公交站牌被撞倒", "phone": "13900001111"});
    let first = submit(&app, body.clone()).await.expect(201);
    let again = submit(&app, json!({"content": "  公交站牌被撞倒 ", "phone": "139 0000 1111"})).await.expect(201);
    assert_eq!(first.body, again.body, "same phone, same text, within ten minutes: a second press");
    assert_eq!(again.headers["idempotent-replayed"], "true");
    // Later, the same message again — punctuation changed, a character or two — is the first
    // case too, and its record says the citizen wrote again; staff see one case.
    app.clock.set(common::monday() + chrono::TimeDelta::minutes(11));
    let again = submit(&app, json!({"content": "公交站牌被撞倒！！", "phone": "13900001111"})).await.expect(201);
    assert_eq!(again.id(), first.id(), "a resubmission within three days");
    let events = app.all(&format!("/api/v1/cases/{}/events", first.id())).await;
    assert_eq!(events.iter().filter(|e| e["action"] == "resubmitted").count(), 1, "{events:?}");
    // Something else from the same phone is a case of its own.
    let other = submit(&app, json!({"content": "小区路灯不亮", "phone": "13900001111"})).await.expect(201);
    assert_ne!(other.id(), first.id());
    // The same device without a phone: its resubmission is known by the device.
    let device = |text: &str| json!({"content": text, "device_id": "phone-app-7f3a9c"});
    let by_device = submit(&app, device("幸福路井盖缺失，夜里有人掉进去")).await.expect(201);
    let resent = submit(&app, device("幸福路 井盖缺失了,夜里有人掉进去。")).await.expect(201);
    assert_eq!(resent.id(), by_device.id());
    // Three days on it is a new case.
    app.clock.set(common::monday() + chrono::TimeDelta::hours(73));
    let later = submit(&app, body).await.expect(201);
    assert_ne!(later.id(), first.id());
    // Anonymous messages cannot be told apart by phone: each is a case.
    submit(&app, json!({"content": "匿名举报"})).await.expect(201);
    submit(&app, json!({"content": "匿名举报"})).await.expect(201);
    // The same Idempotency-Key answers with the first case.
    let keyed = |text: &str| {
        Client::new()
            .post(app.url("/api/v1/cases"))
            .header("Idempotency-Key", "form-7f3a")
            .json(&json!({"content": text}))
            .send()
    };
    let a = TestApp::reply(keyed("噪音扰民").await.unwrap()).await.expect(201);
    let b = TestApp::reply(keyed("噪音扰民").await.unwrap()).await.expect(201);
    assert_eq!(a.id(), b.id());
    assert_eq!(app.count_rows("cases").await, 7);
}

async fn staff_register_other_channels(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("县教育局", None).await;
    let forum = app
        .post("/api/v1/intake-sessions", json!({"title": "师德师风专题座谈会", "held_on": "2026-02-27", "place": "县教育局三楼会议室", "participants": 23, "unit_id": unit}))
        .await
        .expect(201)
        .body;
    assert_eq!(forum["channel"], "forum");
    let session = forum["id"].as_str().unwrap().to_owned();
    for text in ["有偿家教屡禁不止", "学生课业负担重"] {
        let c = app
            .post("/api/v1/cases", json!({"content": text, "channel": "forum", "type": "suggestion", "session_id": session, "received_at": "2026-02-27T15:00:00+08:00"}))
            .await
            .expect(201)
            .body;
        assert_eq!(c["received_at"], "2026-02-27T15:00:00+08:00", "when the office really received it");
        assert_eq!(c["registered_by"], "1", "who registered it");
    }
    assert_eq!(app.get(&format!("/api/v1/intake-sessions/{session}")).await.ok()["cases"], 2);
    assert_eq!(app.all(&format!("/api/v1/cases?session={session}")).await.len(), 2);
    let hotline = app.post("/api/v1/cases", json!({"content": "咨询招生政策", "channel": "hotline", "type": "consult", "name": "李女士", "phone": "0574-65512345", "urgent": true})).await.expect(201).body;
    assert_eq!(hotline["citizen"]["phone"], "057****2345", "masked for everyday display");
    assert_eq!(hotline["citizen"]["name"], "李**");
    assert_eq!(hotline["urgent"], true);
    // Bad staff input.
    assert_eq!(
        app.post("/api/v1/cases", json!({"content": "x", "received_at": "2030-01-01T00:00:00+08:00"}))
            .await
            .expect(422)
            .fields(),
        ["received_at"]
    );
    assert_eq!(
        app.post("/api/v1/cases", json!({"content": "x", "session_id": "99"})).await.expect(422).fields(),
        ["session_id"]
    );
    assert_eq!(
        app.post("/api/v1/intake-sessions", json!({"title": "x", "held_on": "2030-01-01"})).await.expect(422).fields(),
        ["held_on"]
    );
    let clerk = app.user("clerk", "unit_clerk", Some(&unit)).await;
    app.send(&clerk, Method::POST, "/api/v1/cases", Some(json!({"content": "x", "channel": "hotline"})))
        .await
        .expect(403);
}

async fn the_loop(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app
        .post("/api/v1/units", json!({"name": "区城管局", "kind": "department", "mailbox": "cgj@example.gov.cn"}))
        .await
        .expect(201)
        .id();
    let other = app.unit("区水务局", None).await;
    let clerk = app.user("chengguan", "unit_clerk", Some(&unit)).await;
    let stranger = app.user("shuiwu", "unit_clerk", Some(&other)).await;
    let r =
        submit(&app, json!({"content": "占道经营严重", "type": "complaint", "phone": "13812345678"})).await.expect(201);
    let (id, code) = (r.id(), r.body["tracking_code"].as_str().unwrap().to_owned());

    // Out of order: nothing to sign or reply yet.
    act(&app, &app.admin, &id, json!({"action": "assign", "unit_id": unit})).await.expect(409);
    act(&app, &app.admin, &id, json!({"action": "teleport"})).await.expect(422);
    act(&app, &app.admin, &id, json!({"action": "decline"})).await.expect(422);
    act(&app, &app.admin, &id, json!({"action": "accept"})).await.expect(200);
    assert_eq!(act(&app, &app.admin, &id, json!({"action": "assign"})).await.expect(422).fields(), ["unit_id"]);
    assert_eq!(
        act(&app, &app.admin, &id, json!({"action": "assign", "unit_id": "999"})).await.expect(422).fields(),
        ["unit_id"]
    );
    // Monday 2 March: a complaint is due in 13 working days, signing the next working day.
    let c = act(&app, &app.admin, &id, json!({"action": "assign", "unit_id": unit})).await.expect(200).body;
    assert_eq!((c["due_on"].as_str(), c["sign_due_on"].as_str()), (Some("2026-03-19"), Some("2026-03-03")));
    // Only the assigned unit acts on it; others do not even see it.
    app.send(&stranger, Method::GET, &format!("/api/v1/cases/{id}"), None).await.expect(404);
    act(&app, &stranger, &id, json!({"action": "sign"})).await.expect(404);
    act(&app, &clerk, &id, json!({"action": "reply", "answer": "x"})).await.expect(409);
    // Wednesday: signing is overdue, and shows.
    app.travel(at(2026, 3, 4)).await;
    app.relogin(&clerk, "chengguan").await;
    let c = app.send(&clerk, Method::GET, &format!("/api/v1/cases/{id}"), None).await.ok();
    assert_eq!(c["sign_overdue"], true);
    let overdue = app.send(&clerk, Method::GET, "/api/v1/cases?sign_overdue=true", None).await.ok();
    assert_eq!(overdue["items"].as_array().unwrap().len(), 1);
    act(&app, &clerk, &id, json!({"action": "sign"})).await.expect(200);
    // An extension: before the due date, to a later date, with a reason; the office decides.
    assert_eq!(
        act(&app, &clerk, &id, json!({"action": "extend", "due": "2026-03-25"})).await.expect(422).fields(),
        ["reason"]
    );
    assert_eq!(
        act(&app, &clerk, &id, json!({"action": "extend", "due": "2026-03-10", "reason": "需协调"}))
            .await
            .expect(422)
            .body["errors"][0]["code"],
        "extension_not_later"
    );
    let c = act(
        &app,
        &clerk,
        &id,
        json!({"action": "extend", "due": "2026-03-25", "reason": "需协调市场监管部门联合执法"}),
    )
    .await
    .ok();
    assert_eq!(c["pending_extension"], true);
    act(&app, &clerk, &id, json!({"action": "extend", "due": "2026-03-26", "reason": "再延"})).await.expect(422);
    act(&app, &clerk, &id, json!({"action": "extend", "approve": true})).await.expect(422);
    let c = act(&app, &app.admin, &id, json!({"action": "extend", "approve": true})).await.ok();
    assert_eq!((c["due_on"].as_str(), c["pending_extension"].as_bool()), (Some("2026-03-25"), Some(false)));
    // Reply with the answer; the citizen reads it and rates once.
    act(&app, &clerk, &id, json!({"action": "reply"})).await.expect(422);
    let c = act(&app, &clerk, &id, json!({"action": "reply", "answer": "已联合市场监管部门清理占道摊点，并设置疏导点。", "note": "内部：执法队出动3次"})).await.ok();
    assert_eq!((c["state"].as_str(), c["visit_due"].as_bool()), (Some("replied"), Some(true)));
    let t = app.get(&format!("/api/v1/track/{code}?phone_tail=5678")).await.ok();
    assert_eq!(t["answer"], "已联合市场监管部门清理占道摊点，并设置疏导点。");
    assert_eq!(t["can_rate"], true);
    let rate = |body: Value| Client::new().post(app.url(&format!("/api/v1/track/{code}/rating"))).json(&body).send();
    TestApp::reply(rate(json!({"phone_tail": "0000", "satisfaction": "satisfied"})).await.unwrap()).await.expect(404);
    TestApp::reply(rate(json!({"phone_tail": "5678"})).await.unwrap()).await.expect(422);
    let t = TestApp::reply(
        rate(json!({"phone_tail": "5678", "satisfaction": "satisfied", "comment": "处理及时"})).await.unwrap(),
    )
    .await
    .ok();
    assert_eq!(t["can_rate"], false);
    let again = TestApp::reply(rate(json!({"phone_tail": "5678", "satisfaction": "very_satisfied"})).await.unwrap())
        .await
        .expect(422);
    assert_eq!(again.body["errors"][0]["code"], "already_rated");
    let c = act(&app, &app.admin, &id, json!({"action": "close"})).await.ok();
    assert_eq!(c["state"], "closed");
    // The timeline for staff has every step; the citizen's only the public ones.
    let events: Vec<String> = app
        .all(&format!("/api/v1/cases/{id}/events"))
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(events, ["received", "accept", "assign", "sign", "extend", "extend", "reply", "rated", "close"]);
    let t = app.get(&format!("/api/v1/track/{code}?phone_tail=5678")).await.ok();
    let public: Vec<&str> = t["timeline"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(public, ["received", "accepted", "assigned", "extension", "extension", "replied", "rated", "closed"]);
    assert_eq!(t["timeline"][2]["text"], "已转交区城管局办理");
    assert_eq!(t["timeline"][4]["text"], "延期申请已批准，答复期限延至2026-03-25");

    // Notices went into the outbox: the citizen's SMS and the unit's e-mail.
    let outbox = app.all(&format!("/api/v1/outbox?case={id}&limit=1")).await;
    let sent: Vec<(&str, &str, &str)> = outbox
        .iter()
        .map(|n| (n["case_id"].as_str().unwrap(), n["channel"].as_str().unwrap(), n["recipient"].as_str().unwrap()))
        .collect();
    assert!(sent.contains(&(id.as_str(), "sms", "138****5678")), "recipients are masked: {sent:?}");
    assert!(sent.contains(&(id.as_str(), "email", "c***@example.gov.cn")));
    assert!(sent.iter().all(|n| n.0 == id));
    // Every step the citizen should hear of reached them.
    let to_citizen: Vec<&str> =
        outbox.iter().filter(|n| n["channel"] == "sms").map(|n| n["subject"].as_str().unwrap()).collect();
    for subject in ["诉求已受理", "诉求已转办", "承办单位申请延期", "延期申请已批准", "诉求已答复", "诉求已办结"]
    {
        assert!(to_citizen.contains(&subject), "{subject} missing from {to_citizen:?}");
    }
}

async fn due_dates_by_type_and_urgency(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区人社局", None).await;
    for (kind, urgent, due) in [
        ("consult", false, "2026-03-05"),
        ("help", false, "2026-03-05"),
        ("report", false, "2026-03-19"),
        ("complaint", true, "2026-03-02"),
    ] {
        let c = app
            .post("/api/v1/cases", json!({"content": "x", "channel": "hotline", "type": kind, "urgent": urgent}))
            .await
            .expect(201)
            .id();
        act(&app, &app.admin, &c, json!({"action": "accept"})).await.expect(200);
        let c = act(&app, &app.admin, &c, json!({"action": "assign", "unit_id": unit})).await.ok();
        assert_eq!(c["due_on"], due, "{kind} urgent={urgent}");
    }
    // The table is a setting.
    app.put(
        "/api/v1/settings",
        json!({"case_due": {"consult": 5, "help": 5, "complaint": 10, "report": 10, "suggestion": 10, "praise": 10}}),
    )
    .await
    .ok();
    let c = app
        .post("/api/v1/cases", json!({"content": "x", "channel": "hotline", "type": "consult"}))
        .await
        .expect(201)
        .id();
    act(&app, &app.admin, &c, json!({"action": "accept"})).await.expect(200);
    assert_eq!(
        act(&app, &app.admin, &c, json!({"action": "assign", "unit_id": unit})).await.ok()["due_on"],
        "2026-03-09"
    );
    // Past the due date: overdue, and too late to ask for more time.
    app.travel(at(2026, 3, 12)).await;
    let clerk = app.user("clerk", "unit_clerk", Some(&unit)).await;
    act(&app, &clerk, &c, json!({"action": "sign"})).await.expect(200);
    let r = act(&app, &clerk, &c, json!({"action": "extend", "due": "2026-03-20", "reason": "x"})).await.expect(422);
    assert_eq!(r.body["errors"][0]["code"], "extension_after_due");
    assert_eq!(app.get(&format!("/api/v1/cases/{c}")).await.ok()["reply_overdue"], true);
    // The consult, help and urgent cases of the first round are overdue too; the report is not.
    assert_eq!(app.all("/api/v1/cases?reply_overdue=true").await.len(), 4);
    assert_eq!(app.all("/api/v1/cases?reply_overdue=false").await.len(), 1);
}

async fn unsatisfied_citizens_reopen_and_repeats_escalate(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区住建局", None).await;
    let clerk = app.user("clerk", "unit_clerk", Some(&unit)).await;
    let r = submit(&app, json!({"content": "楼道漏水", "phone": "13700002222"})).await.expect(201);
    let (id, code) = (r.id(), r.body["tracking_code"].as_str().unwrap().to_owned());
    act(&app, &app.admin, &id, json!({"action": "accept"})).await.expect(200);
    act(&app, &app.admin, &id, json!({"action": "assign", "unit_id": unit})).await.expect(200);
    for round in 1..=3 {
        act(&app, &clerk, &id, json!({"action": "sign"})).await.expect(200);
        act(&app, &clerk, &id, json!({"action": "reply", "answer": format!("第{round}次答复")})).await.expect(200);
        let body = json!({"phone_tail": "2222", "satisfaction": "unsatisfied", "comment": "仍然漏水"});
        let t = TestApp::reply(
            Client::new().post(app.url(&format!("/api/v1/track/{code}/rating"))).json(&body).send().await.unwrap(),
        )
        .await
        .ok();
        assert_eq!(t["state"], "assigned", "back to the same unit");
        let c = app.get(&format!("/api/v1/cases/{id}")).await.ok();
        assert_eq!((c["reopen_count"].as_i64(), c["unit_id"].as_str()), (Some(round), Some(unit.as_str())));
        assert_eq!(c["escalated"], round >= 3);
    }
    assert_eq!(app.all("/api/v1/cases?escalated=true").await.len(), 1);
    // Sent back three times also escalates.
    let c2 =
        app.post("/api/v1/cases", json!({"content": "不属于本单位职责", "channel": "letter"})).await.expect(201).id();
    act(&app, &app.admin, &c2, json!({"action": "accept"})).await.expect(200);
    for _ in 0..3 {
        act(&app, &app.admin, &c2, json!({"action": "assign", "unit_id": unit})).await.expect(200);
        act(&app, &clerk, &c2, json!({"action": "send_back"})).await.expect(422);
        let c = act(&app, &clerk, &c2, json!({"action": "send_back", "reason": "非本单位职责"})).await.ok();
        assert_eq!(c["state"], "accepted");
    }
    let c = app.get(&format!("/api/v1/cases/{c2}")).await.ok();
    assert_eq!((c["send_back_count"].as_i64(), c["escalated"].as_bool()), (Some(3), Some(true)));
    // A visit by the office finding the citizen unsatisfied also sends it back.
    let c3 = app
        .post("/api/v1/cases", json!({"content": "x", "channel": "hotline", "phone": "13600003333"}))
        .await
        .expect(201)
        .id();
    act(&app, &app.admin, &c3, json!({"action": "accept"})).await.expect(200);
    act(&app, &app.admin, &c3, json!({"action": "reply", "answer": "已电话解答"})).await.expect(200);
    act(&app, &app.admin, &c3, json!({"action": "visit"})).await.expect(422);
    let c =
        act(&app, &app.admin, &c3, json!({"action": "visit", "satisfaction": "very_unsatisfied", "method": "phone"}))
            .await
            .ok();
    assert_eq!(c["state"], "accepted", "no unit yet: back to the office");
    // Closing needs satisfaction or a reason.
    act(&app, &app.admin, &c3, json!({"action": "reply", "answer": "再次解答"})).await.expect(200);
    assert_eq!(act(&app, &app.admin, &c3, json!({"action": "close"})).await.expect(422).fields(), ["reason"]);
    act(&app, &app.admin, &c3, json!({"action": "visit", "method": "unreachable"})).await.expect(200);
    act(&app, &app.admin, &c3, json!({"action": "close", "reason": "三次回访无人接听"})).await.expect(200);
}

async fn tracking_shows_nothing_private(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区卫计局", None).await;
    let r = submit(
        &app,
        json!({"content": "诊所乱收费", "name": "张秘密", "phone": "13811112222", "email": "zhang@example.com"}),
    )
    .await
    .expect(201);
    let (id, code) = (r.id(), r.body["tracking_code"].as_str().unwrap().to_owned());
    act(&app, &app.admin, &id, json!({"action": "accept", "note": "内部备注：举报人系诊所前员工"})).await.expect(200);
    act(&app, &app.admin, &id, json!({"action": "assign", "unit_id": unit, "note": "请卫计局核查"})).await.expect(200);
    let text = app.get(&format!("/api/v1/track/{code}?phone_tail=2222")).await.ok().to_string();
    for secret in ["张秘密", "13811112222", "1381111", "zhang@example.com", "内部备注", "前员工", "请卫计局核查"]
    {
        assert!(!text.contains(secret), "the tracking answer leaks {secret}: {text}");
    }
    // Wrong code and wrong tail answer alike.
    let wrong_tail = app.get(&format!("/api/v1/track/{code}?phone_tail=9999")).await.expect(404);
    let no_tail = app.get(&format!("/api/v1/track/{code}")).await.expect(404);
    let wrong_code = app.get("/api/v1/track/23456-78923?phone_tail=2222").await.expect(404);
    let junk = app.get("/api/v1/track/not-a-code").await.expect(404);
    assert_eq!(wrong_tail.body, wrong_code.body);
    assert_eq!(no_tail.body, junk.body);
    // Anonymous: the code alone; lower case and spaces are fine.
    let anon = submit(&app, json!({"content": "匿名反映"})).await.expect(201);
    let anon_code = anon.body["tracking_code"].as_str().unwrap().to_lowercase().replace('-', " ");
    let url = format!("/api/v1/track/{}", anon_code.replace(' ', "%20"));
    assert_eq!(app.get(&url).await.ok()["state"], "received");
    // Lookups are limited per client.
    let mut limited = false;
    for _ in 0..30 {
        let r = TestApp::reply(Client::new().get(app.url("/api/v1/track/23456-78923")).send().await.unwrap()).await;
        if r.status == 429 {
            assert!(r.headers.get("retry-after").is_some());
            limited = true;
            break;
        }
    }
    assert!(limited, "guessing codes is limited");
}

async fn cases_into_the_ledger(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区教育局", None).await;
    let office = app.unit("区作风办", None).await;
    let verifier = app.user("verifier", "office_staff", Some(&office)).await;
    let mut ids = Vec::new();
    let mut codes = Vec::new();
    for (text, phone) in
        [("学校门口拥堵", Some("13800000001")), ("接送车辆乱停", Some("13800000002")), ("上学路段无交警", None)]
    {
        let mut body = json!({"content": text});
        if let Some(p) = phone {
            body["phone"] = json!(p);
        }
        let r = submit(&app, body).await.expect(201);
        act(&app, &app.admin, &r.id(), json!({"action": "accept"})).await.expect(200);
        codes.push(r.body["tracking_code"].as_str().unwrap().to_owned());
        ids.push(r.id());
    }
    let declined = submit(&app, json!({"content": "与本活动无关"})).await.expect(201).id();
    act(&app, &app.admin, &declined, json!({"action": "decline", "reason": "不属于受理范围"})).await.expect(200);
    let r = app
        .post(
            "/api/v1/problems",
            json!({"description": "学校周边交通秩序混乱", "unit_id": unit, "case_ids": [ids[0], declined]}),
        )
        .await
        .expect(422);
    assert_eq!(r.fields(), ["case_ids[1]"]);
    let p = app
        .problem(json!({"description": "学校周边交通秩序混乱", "unit_id": unit, "case_ids": [ids[0], ids[1]]}))
        .await;
    let pid = p["id"].as_str().unwrap().to_owned();
    assert_eq!(p["case_ids"], json!([ids[0], ids[1]]));
    assert!(p["sources"].as_array().unwrap().contains(&json!("case")));
    let p = app.post(&format!("/api/v1/problems/{pid}/cases"), json!({"case_ids": [ids[2]]})).await.ok();
    assert_eq!(p["case_ids"].as_array().unwrap().len(), 3);
    assert_eq!(app.get(&format!("/api/v1/cases/{}", ids[0])).await.ok()["problem_ids"], json!([pid]));
    // Fix it and report it.
    let t = format!("/api/v1/problems/{pid}/transitions");
    app.post(&t, json!({"action": "start"})).await.expect(200);
    let photo = app.upload_png(&app.admin).await;
    app.post(&format!("/api/v1/problems/{pid}/progress"), json!({"note": "增设护学岗", "attachment_ids": [photo]}))
        .await
        .expect(201);
    app.post(&t, json!({"action": "report_done"})).await.expect(200);
    // No close-off until the two reachable citizens are satisfied (the anonymous one cannot be asked).
    let r = app.send(&verifier, Method::POST, &t, Some(json!({"action": "verify"}))).await.expect(422);
    assert_eq!(r.body["errors"][0]["code"], "citizen_satisfaction_required");
    act(&app, &app.admin, &ids[0], json!({"action": "visit", "satisfaction": "satisfied", "method": "phone"}))
        .await
        .expect(200);
    app.send(&verifier, Method::POST, &t, Some(json!({"action": "verify"}))).await.expect(422);
    let bad_waiver = json!({"action": "verify", "waivers": [{"case_id": ids[1]}]});
    assert_eq!(
        app.send(&verifier, Method::POST, &t, Some(bad_waiver)).await.expect(422).fields(),
        ["waivers[0].reason"]
    );
    let closed = app
        .send(&verifier, Method::POST, &t, Some(json!({"action": "verify", "note": "已增设护学岗，早晚高峰有专人疏导。", "waivers": [{"case_id": ids[1], "reason": "群众已搬离，电话停机"}]})))
        .await
        .ok();
    assert_eq!(closed["state"], "closed");
    // Each citizen is answered and can rate.
    let track = app.get(&format!("/api/v1/track/{}?phone_tail=0001", codes[0])).await.ok();
    assert_eq!(
        (track["state"].as_str(), track["answer"].as_str()),
        (Some("replied"), Some("已增设护学岗，早晚高峰有专人疏导。"))
    );
    let anon = app.get(&format!("/api/v1/track/{}", codes[2])).await.ok();
    assert_eq!(anon["state"], "replied");
    // An unsatisfied citizen brings the problem back (反弹), with the reason.
    let body = json!({"phone_tail": "0001", "satisfaction": "unsatisfied", "comment": "晚高峰仍然拥堵"});
    TestApp::reply(
        Client::new().post(app.url(&format!("/api/v1/track/{}/rating", codes[0]))).json(&body).send().await.unwrap(),
    )
    .await
    .ok();
    let p = app.get(&format!("/api/v1/problems/{pid}")).await.ok();
    assert_eq!(p["state"], "in_progress");
    let history = app.all(&format!("/api/v1/problems/{pid}/history")).await;
    let last = history.last().unwrap().clone();
    assert_eq!(last["action"], "reopen");
    assert!(last["note"].as_str().unwrap().contains("晚高峰仍然拥堵"));

    // Reported fixed again: the unsatisfied citizen cannot be waived as unreachable; only a
    // review by the verifier (outside the owner unit) overturns the answer, and the figures
    // count that close-off apart from "verified fixed".
    app.post(&t, json!({"action": "report_done"})).await.expect(200);
    let unreachable = json!({"case_id": ids[1], "reason": "群众已搬离，电话停机"});
    let waive_both = json!({"action": "verify", "waivers": [unreachable, {"case_id": ids[0], "reason": "联系不上"}]});
    let r = app.send(&verifier, Method::POST, &t, Some(waive_both)).await.expect(422);
    assert_eq!(
        (r.body["errors"][0]["code"].as_str(), r.body["errors"][0]["field"].as_str()),
        (Some("unsatisfied_needs_review"), Some("waivers[1].case_id"))
    );
    let review_the_other = json!({"action": "verify", "reviews": [{"case_id": ids[1], "finding": "现场核查"}]});
    let r = app.send(&verifier, Method::POST, &t, Some(review_the_other)).await.expect(422);
    assert_eq!(r.body["errors"][0]["code"], "nothing_to_review");
    let no_finding = json!({"action": "verify", "waivers": [unreachable], "reviews": [{"case_id": ids[0]}]});
    assert_eq!(
        app.send(&verifier, Method::POST, &t, Some(no_finding)).await.expect(422).fields(),
        ["reviews[0].finding"]
    );
    assert_eq!(app.get(&format!("/api/v1/problems/{pid}")).await.ok()["state"], "reported", "nothing written");
    // The verifier does it from the problem page: it says where each citizen stands and offers
    // a review for the unsatisfied one, a waiver for the one not yet asked.
    let html = verifier.get(app.url(&format!("/app/problems/{pid}"))).text_of().await;
    assert!(html.contains("群众不满意，须经复核方可销号") && html.contains("整改后尚未回访"), "{html}");
    assert!(
        html.contains(&format!("name=\"review_{}\"", ids[0])) && html.contains(&format!("name=\"waiver_{}\"", ids[1]))
    );
    assert!(!html.contains(&format!("data-case=\"{}\"", ids[2])), "the anonymous citizen cannot be asked");
    let version = app.get(&format!("/api/v1/problems/{pid}")).await.ok()["version"].to_string();
    let finding = "晚高峰增派交警两名，现场复核通行顺畅";
    let form: Vec<(String, String)> = vec![
        ("_csrf".into(), common::hidden(&html, "_csrf")),
        ("action".into(), "verify".into()),
        ("version".into(), version),
        ("note".into(), "已增派交警，早晚高峰通行顺畅。".into()),
        (format!("review_{}", ids[0]), finding.into()),
        (format!("waiver_{}", ids[1]), "群众已搬离，电话停机".into()),
    ];
    let r = verifier.post(app.url(&format!("/app/problems/{pid}/transitions"))).form(&form).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let closed = app.get(&format!("/api/v1/problems/{pid}")).await.ok();
    assert_eq!((closed["state"].as_str(), closed["close_basis"].as_str()), (Some("closed"), Some("reviewed")));
    let events = app.all(&format!("/api/v1/cases/{}/events", ids[0])).await;
    let review = events.iter().find(|e| e["action"] == "reviewed").expect("the review is on the case's record");
    assert!(review["note"].as_str().unwrap().contains(finding), "{review}");
    assert_eq!(review["actor"], "verifier");
    let page = app.admin.get(app.url(&format!("/app/problems/{pid}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("复核后销号（群众不满意）"), "the problem page says how it was closed off");
    let stats = app.get("/api/v1/stats/problems?group_by=state").await.ok();
    assert_eq!(
        (stats["closed"].as_i64(), stats["verified"].as_i64(), stats["reviewed"].as_i64()),
        (Some(1), Some(0), Some(1))
    );
}

/// A report (举报) is investigated: each dispatch is recorded by the unit or the office, and the
/// office records the outcome once; a founded one links the action taken and costs the teacher
/// a verified complaint's 4 points with no second step. The figures say it in seed 001's words.
async fn reports_are_investigated_and_founded_ones_cost_points(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let bureau = app.unit("县教育局", None).await;
    let clerk = app.user("liaison", "unit_clerk", Some(&bureau)).await;
    let teacher = app
        .post("/api/v1/people", json!({"name": "某教师", "unit_id": bureau, "kind": "staff"}))
        .await
        .expect(201)
        .id();
    let report = submit(&app, json!({"content": "数学老师校外有偿补课", "type": "report", "phone": "13900000001"}))
        .await
        .expect(201)
        .id();
    let consult = submit(&app, json!({"content": "招生政策咨询", "type": "consult"})).await.expect(201).id();
    let dispatch = |case: &str| format!("/api/v1/cases/{case}/dispatches");
    let visit = json!({"investigators": "监察室 王某、李某", "place": "城关中学", "findings": "调阅补课收费记录"});
    // Not before it is accepted, and never for a question.
    let r = app.send(&app.admin, Method::POST, &dispatch(&report), Some(visit.clone())).await.expect(422);
    assert_eq!(r.body["errors"][0]["code"], "not_investigated");
    act(&app, &app.admin, &report, json!({"action": "accept"})).await.expect(200);
    act(&app, &app.admin, &report, json!({"action": "assign", "unit_id": bureau})).await.expect(200);
    act(&app, &app.admin, &consult, json!({"action": "accept"})).await.expect(200);
    app.send(&app.admin, Method::POST, &dispatch(&consult), Some(visit.clone())).await.expect(422);
    // The outcome needs a dispatch first; the unit may dispatch, only the office concludes.
    let outcome_path = format!("/api/v1/cases/{report}/investigation");
    let founded = json!({"outcome": "verified", "conclusion": "有偿补课属实", "person_id": teacher});
    let r = app.send(&app.admin, Method::PUT, &outcome_path, Some(founded.clone())).await.expect(422);
    assert_eq!(r.body["errors"][0]["code"], "no_dispatch");
    assert_eq!(
        app.send(&clerk, Method::POST, &dispatch(&report), Some(json!({"place": "城关中学"})))
            .await
            .expect(422)
            .fields(),
        ["investigators"]
    );
    app.send(&clerk, Method::POST, &dispatch(&report), Some(visit.clone())).await.expect(201);
    app.send(
        &app.admin,
        Method::POST,
        &dispatch(&report),
        Some(json!({"investigators": "监察室 王某", "place": "学生家中"})),
    )
    .await
    .expect(201);
    app.send(&clerk, Method::PUT, &outcome_path, Some(founded.clone())).await.expect(403);
    let unfounded_with_person = json!({"outcome": "unfounded", "conclusion": "不属实", "person_id": teacher});
    let r = app.send(&app.admin, Method::PUT, &outcome_path, Some(unfounded_with_person)).await.expect(422);
    assert_eq!(r.body["errors"][0]["field"], "person_id");
    // Founded: the action record is linked and the points go in the same step.
    let action = app
        .post(
            "/api/v1/actions",
            json!({"kind": "criticism_bulletin", "person_id": teacher, "reason": "有偿补课", "case_ids": [report]}),
        )
        .await
        .expect(201)
        .id();
    let body =
        json!({"outcome": "verified", "conclusion": "有偿补课属实", "person_id": teacher, "action_ids": [action]});
    let inv = app.send(&app.admin, Method::PUT, &outcome_path, Some(body)).await.ok();
    assert_eq!(inv["dispatches"].as_array().unwrap().len(), 2);
    assert_eq!(
        (inv["outcome"]["outcome"].as_str(), inv["outcome"]["action_ids"].clone()),
        (Some("verified"), json!([action]))
    );
    assert!(inv["outcome"]["deduction_id"].is_string());
    let points = app.get(&format!("/api/v1/people/{teacher}/points")).await.ok();
    assert_eq!(points["points"]["remaining"], 8, "12 a year, a verified complaint 4");
    // Once recorded, nothing more is added.
    let r = app.send(&app.admin, Method::POST, &dispatch(&report), Some(visit)).await.expect(422);
    assert_eq!(r.body["errors"][0]["code"], "investigation_decided");
    app.send(&app.admin, Method::PUT, &outcome_path, Some(founded)).await.expect(422);
    // On the case page and in the figures.
    let page = app.admin.get(app.url(&format!("/app/cases/{report}"))).text_of().await;
    assert!(page.contains("调查核实") && page.contains("学生家中") && page.contains("查实"), "{page}");
    let stats = app.get("/api/v1/stats/investigations").await.ok();
    assert_eq!(stats["sentence"], "受理举报1件，派出调查工作人员2次，查实通报处理1人");
    app.send(&clerk, Method::GET, "/api/v1/stats/investigations", None).await.expect(403);
}

on_both!(
    reports_are_investigated_and_founded_ones_cost_points,
    the_public_form,
    duplicates_create_nothing_new,
    staff_register_other_channels,
    the_loop,
    due_dates_by_type_and_urgency,
    unsatisfied_citizens_reopen_and_repeats_escalate,
    tracking_shows_nothing_private,
    cases_into_the_ledger,
);
