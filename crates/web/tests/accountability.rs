//! Accountability (问责) over HTTP on both databases: actions recorded by the office, proposals
//! made by the rules and confirmed or dismissed, yearly points, and who may see what.

mod common;

use chrono::TimeZone;
use common::TestApp;
use rectify_store::Backend;
use rectify_store::db::Q;
use rectify_store::on_both;
use reqwest::Method;
use serde_json::{Value, json};

/// 10:00 in China on the given day.
fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap()
}

async fn person(app: &TestApp, name: &str, unit: &str) -> String {
    app.post("/api/v1/people", json!({"name": name, "unit_id": unit, "kind": "staff"})).await.expect(201).id()
}

/// History rows of one action record, by action, oldest first.
async fn history_of(app: &TestApp, id: &str) -> Vec<String> {
    let rows: Vec<(String,)> = app
        .store
        .db()
        .fetch_all(
            Q::new("SELECT action FROM history WHERE entity = 'action_record' AND entity_id = $1 ORDER BY id")
                .bind(id.to_owned()),
        )
        .await
        .unwrap();
    rows.into_iter().map(|(a,)| a).collect()
}

async fn run_rules(app: &TestApp) -> u64 {
    app.post("/api/v1/actions/proposals/run", json!({})).await.ok()["proposed"].as_u64().unwrap()
}

async fn recording_confirming_and_dismissing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区行政服务中心", None).await;
    let clerk_person = person(&app, "王某", &unit).await;
    let problem = app.problem(json!({"description": "一次性告知不到位", "unit_id": unit})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post(
            "/api/v1/actions",
            json!({"kind": "named_criticism", "person_id": clerk_person, "reason": "工作时间上网聊天",
                "deciding_body": "区纪委", "problem_ids": [problem]}),
        )
        .await
        .expect(201);
    assert_eq!(r.headers["location"], format!("/api/v1/actions/{}", r.id()));
    let a = r.body;
    let id = a["id"].as_str().unwrap().to_owned();
    assert_eq!((a["status"].as_str(), a["confirmed_by"].as_str()), (Some("confirmed"), Some("admin")));
    assert_eq!((a["decided_on"].as_str(), a["rule"].as_str()), (Some("2026-03-02"), None));
    assert_eq!((a["person_name"].as_str(), a["unit_id"].as_str()), (Some("王某"), None));
    assert_eq!(a["problem_ids"], json!([problem]));
    assert_eq!(app.get(&format!("/api/v1/actions/{id}")).await.ok(), a);
    assert_eq!(history_of(&app, &id).await, ["create"]);
    // A recorded action is no proposal: nothing to confirm or dismiss.
    app.post(&format!("/api/v1/actions/{id}/confirm"), json!({})).await.expect(409);
    app.post(&format!("/api/v1/actions/{id}/dismiss"), json!({"reason": "重复"})).await.expect(409);
    // The person's unit owns it: the unit filter finds it, another kind does not.
    assert_eq!(app.all(&format!("/api/v1/actions?unit={unit}")).await.len(), 1);
    assert_eq!(app.all("/api/v1/actions?kind=praise").await.len(), 0);
    assert_eq!(app.all("/api/v1/actions?from=2026-03-03").await.len(), 0);
    assert_eq!(app.all("/api/v1/actions?to=2026-03-02&status=confirmed").await.len(), 1);

    // Praise is recorded the same way.
    let praise = app
        .post(
            "/api/v1/actions",
            json!({"kind": "praise", "unit_id": unit, "reason": "设立导服台", "decided_on": "2026-02-27"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(praise["unit_name"], "区行政服务中心");

    // Bad input: 422 naming the field, nothing written.
    let (actions, history) = (app.count_rows("action_records").await, app.count_rows("history").await);
    for (body, field) in [
        (json!({"unit_id": unit, "reason": "x"}), "kind"),
        (json!({"kind": "scolding", "unit_id": unit, "reason": "x"}), "kind"),
        (json!({"kind": "bulletin", "reason": "x"}), "unit_id"),
        (json!({"kind": "bulletin", "unit_id": unit}), "reason"),
        (json!({"kind": "bulletin", "unit_id": unit, "reason": "  "}), "reason"),
        (json!({"kind": "bulletin", "unit_id": unit, "reason": "x", "decided_on": "2026-03-03"}), "decided_on"),
        (json!({"kind": "bulletin", "unit_id": "4242", "reason": "x"}), "unit_id"),
        (json!({"kind": "bulletin", "person_id": "4242", "reason": "x"}), "person_id"),
        (json!({"kind": "bulletin", "unit_id": unit, "reason": "x", "problem_ids": ["4242"]}), "problem_ids[0]"),
        (json!({"kind": "bulletin", "unit_id": unit, "reason": "x", "case_ids": ["4242"]}), "case_ids[0]"),
        (json!({"kind": "bulletin", "unit_id": unit, "reason": "x", "verdict": "guilty"}), "verdict"),
    ] {
        let r = app.post("/api/v1/actions", body.clone()).await.expect(422);
        assert_eq!(r.fields(), [field], "{body}");
    }
    app.get("/api/v1/actions?status=pending").await.expect(422);
    assert_eq!(app.count_rows("action_records").await, actions, "no action written");
    assert_eq!(app.count_rows("history").await, history, "no history written");
    app.get("/api/v1/actions/4242").await.expect(404);
}

async fn a_problem_red_too_long_proposes_an_interview(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区交通局", None).await;
    let leader = person(&app, "李局长", &unit).await;
    let problem = app
        .problem(json!({"description": "路口绿化影响视线", "unit_id": unit, "leader_person_id": leader,
            "deadline": "2026-03-03"}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(run_rules(&app).await, 0, "not red yet");
    // Red from Wednesday 4 March; 17 March is its 10th working day red, the threshold itself.
    app.travel(at(2026, 3, 17)).await;
    assert_eq!(run_rules(&app).await, 0);
    app.travel(at(2026, 3, 18)).await;
    assert_eq!(run_rules(&app).await, 1);
    assert_eq!(run_rules(&app).await, 0, "running the rules again proposes nothing new");
    let proposals = app.all("/api/v1/actions?status=proposed").await;
    assert_eq!(proposals.len(), 1);
    let p = &proposals[0];
    assert_eq!((p["kind"].as_str(), p["rule"].as_str()), (Some("interview"), Some("red_problem")));
    assert_eq!((p["person_id"].as_str(), p["unit_id"].as_str()), (Some(leader.as_str()), Some(unit.as_str())));
    assert_eq!(p["problem_ids"], json!([problem]));
    assert!(p["reason"].as_str().unwrap().contains("11 个工作日"), "{}", p["reason"]);
    let id = p["id"].as_str().unwrap();
    assert_eq!(history_of(&app, id).await, ["propose"]);

    // Dismissed with a reason, it stays dismissed however often the rules run.
    let r = app.post(&format!("/api/v1/actions/{id}/dismiss"), json!({})).await.expect(422);
    assert_eq!(r.fields(), ["reason"]);
    let d = app.post(&format!("/api/v1/actions/{id}/dismiss"), json!({"reason": "已约谈过", "version": 1})).await.ok();
    assert_eq!((d["status"].as_str(), d["dismissed_reason"].as_str()), (Some("dismissed"), Some("已约谈过")));
    assert_eq!(d["dismissed_by"], "admin");
    app.travel(at(2026, 3, 25)).await;
    assert_eq!(run_rules(&app).await, 0);
    assert_eq!(app.all("/api/v1/actions").await.len(), 1);
    app.post(&format!("/api/v1/actions/{id}/confirm"), json!({})).await.expect(409);
    assert_eq!(history_of(&app, id).await, ["propose", "dismiss"]);

    // The background job proposes by itself (as the system), here for a second red problem.
    app.problem(json!({"description": "窗口无人值守", "unit_id": unit, "deadline": "2026-03-26"})).await;
    app.travel(at(2026, 4, 20)).await;
    assert_eq!(app.store.accountability().propose_actions().await.unwrap(), 1);
    let p = &app.all("/api/v1/actions?status=proposed").await[0];
    assert_eq!(p["unit_id"], unit.as_str());
    assert!(p["person_id"].is_null(), "no leader named: the unit is interviewed");
    let c = app.post(&format!("/api/v1/actions/{}/confirm", p["id"].as_str().unwrap()), json!({})).await.ok();
    assert_eq!((c["status"].as_str(), c["decided_on"].as_str()), (Some("confirmed"), Some("2026-04-20")));
    assert_eq!(c["confirmed_by"], "admin");
}

/// A historical ledger brought in already red floods nobody: the rules propose only for items
/// that fall due after they were written down here and after the rules were switched on. What
/// they do propose, the office confirms or dismisses in bulk, with one reason, all or nothing.
async fn old_red_items_propose_nothing_and_proposals_are_decided_in_bulk(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区住建局", None).await;
    // Brought in on 2 March, red since 2018 and since January: no proposal, however long.
    for (text, deadline) in [("老旧小区改造拖延", "2018-07-31"), ("物业投诉久拖不决", "2026-01-15")] {
        app.problem(json!({"description": text, "unit_id": unit, "deadline": deadline})).await;
    }
    // Three written down in time, then missed.
    for text in ["施工围挡占道", "工地扬尘", "渣土车遗撒"] {
        app.problem(json!({"description": text, "unit_id": unit, "deadline": "2026-03-04"})).await;
    }
    app.travel(at(2026, 4, 1)).await;
    assert_eq!(run_rules(&app).await, 3, "only the items that fell due after they arrived");
    let proposals = app.all("/api/v1/actions?status=proposed").await;
    let ids: Vec<String> = proposals.iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
    assert!(proposals.iter().all(|p| !p["reason"].as_str().unwrap().contains("2018")));

    // Bulk: a missing reason or a record already decided refuses the whole batch.
    let r = app.post("/api/v1/actions/decisions", json!({"ids": [ids[0]], "decision": "dismiss"})).await.expect(422);
    assert_eq!(r.fields(), ["reason"]);
    app.post(&format!("/api/v1/actions/{}/dismiss", ids[2]), json!({"reason": "单独处理"})).await.ok();
    let batch = json!({"ids": [ids[0], ids[2]], "decision": "confirm", "reason": "经研究，予以约谈"});
    let r = app.post("/api/v1/actions/decisions", batch).await.expect(422);
    assert_eq!(
        (r.body["errors"][0]["field"].as_str(), r.body["errors"][0]["code"].as_str()),
        (Some("ids[1]"), Some("not_allowed_from_state"))
    );
    assert_eq!(app.get(&format!("/api/v1/actions/{}", ids[0])).await.ok()["status"], "proposed", "nothing decided");
    // On the page, a table: tick two, one decision, one reason.
    let html = page(&app, "/app/accountability").await;
    assert!(html.contains("id=\"proposals\"") && html.contains("data-problem=\""), "linked problem numbers");
    assert!(
        html.contains("批量处理选中的建议") && html.contains(&format!("value=\"{}\" form=\"bulk-decision\"", ids[0]))
    );
    let token = common::hidden(&html, "_csrf");
    let fields = [
        ("ids", ids[0].as_str()),
        ("ids", ids[1].as_str()),
        ("decision", "dismiss"),
        ("reason", "已在专项整治中统一处理"),
        ("_csrf", &token),
    ];
    let r = app.admin.post(app.url("/app/accountability/decisions")).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("已驳回选中的2条建议。"), "the notice says what was done");
    for id in &ids[..2] {
        let a = app.get(&format!("/api/v1/actions/{id}")).await.ok();
        assert_eq!(
            (a["status"].as_str(), a["dismissed_reason"].as_str()),
            (Some("dismissed"), Some("已在专项整治中统一处理"))
        );
        assert_eq!(history_of(&app, id).await, ["propose", "dismiss"]);
    }

    // Rules switched on (saved) today propose nothing for what fell due before today.
    app.put(
        "/api/v1/settings",
        json!({"proposal_rules": {"red_working_days": 10, "overdue_after_reminder_working_days": 5}}),
    )
    .await
    .ok();
    let s = app.get("/api/v1/settings").await.ok();
    assert_eq!(s["proposal_rules"]["since"], "2026-04-01");
    app.problem(json!({"description": "违规发放补贴", "unit_id": unit, "deadline": "2026-04-02"})).await;
    app.travel(at(2026, 4, 30)).await;
    assert_eq!(run_rules(&app).await, 1, "due after the switch: proposed");
}

async fn a_case_overdue_after_its_reminder_proposes_a_criticism_bulletin(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app
        .post("/api/v1/units", json!({"name": "区城管局", "kind": "department", "mailbox": "cgj@example.gov.cn"}))
        .await
        .expect(201)
        .id();
    let case = app
        .post("/api/v1/cases", json!({"content": "路灯坏了", "channel": "hotline", "type": "help"}))
        .await
        .expect(201)
        .id();
    let path = format!("/api/v1/cases/{case}/transitions");
    app.post(&path, json!({"action": "accept"})).await.ok();
    let assigned = app.post(&path, json!({"action": "assign", "unit_id": unit})).await.ok();
    assert_eq!(assigned["due_on"], "2026-03-05");
    // Friday 6 March: overdue, and the reminder (催办) goes out.
    app.travel(at(2026, 3, 6)).await;
    assert!(app.store.cases().queue_case_reminders().await.unwrap() >= 1);
    assert_eq!(run_rules(&app).await, 0);
    // Four working days after the reminder: not yet; five: proposed.
    app.travel(at(2026, 3, 12)).await;
    assert_eq!(run_rules(&app).await, 0);
    app.travel(at(2026, 3, 13)).await;
    assert_eq!(run_rules(&app).await, 1);
    assert_eq!(run_rules(&app).await, 0);
    let p = &app.all("/api/v1/actions?status=proposed").await[0];
    assert_eq!((p["kind"].as_str(), p["rule"].as_str()), (Some("criticism_bulletin"), Some("overdue_after_reminder")));
    assert_eq!((p["unit_id"].as_str(), p["case_ids"].clone()), (Some(unit.as_str()), json!([case])));
    // Once replied, the case no longer counts (the proposal made stays for the office).
    let clerk = app.user("cgj-clerk", "unit_clerk", Some(&unit)).await;
    for body in [json!({"action": "sign"}), json!({"action": "reply", "answer": "已修复"})] {
        app.send(&clerk, Method::POST, &path, Some(body)).await.ok();
    }
    app.travel(at(2026, 3, 20)).await;
    assert_eq!(run_rules(&app).await, 0);
}

async fn points_per_year(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("邱隘广电站", None).await;
    let staff = person(&app, "值班员甲", &unit).await;
    let other = person(&app, "值班员乙", &unit).await;
    let deduct = |date: &'static str| json!({"person_id": staff, "kind": "verified_complaint", "reason": "有效投诉", "date": date});
    let mut left = Vec::new();
    for _ in 0..3 {
        let r = app.post("/api/v1/points/deductions", deduct("2026-03-02")).await.expect(201);
        left.push(r.body["points"]["remaining"].as_u64().unwrap());
    }
    assert_eq!(left, [8, 4, 0]);
    let talk = app.all(&format!("/api/v1/actions?person={staff}")).await;
    assert_eq!(talk.len(), 1, "reaching zero proposes an admonishing talk");
    assert_eq!(
        (talk[0]["kind"].as_str(), talk[0]["status"].as_str(), talk[0]["rule"].as_str()),
        (Some("admonishing_talk"), Some("proposed"), Some("points_exhausted"))
    );
    assert_eq!(talk[0]["unit_id"], Value::Null);
    // A fourth: still zero, and no second proposal.
    let r = app.post("/api/v1/points/deductions", deduct("2026-03-02")).await.expect(201).body;
    assert_eq!((r["points"]["remaining"].as_u64(), r["points"]["deducted"].as_u64()), (Some(0), Some(12)));
    assert_eq!(r["deductions"].as_array().unwrap().len(), 4);
    assert_eq!(app.all(&format!("/api/v1/actions?person={staff}")).await.len(), 1);

    let table = app.get(&format!("/api/v1/points?year=2026&unit={unit}")).await.ok();
    let lines: Vec<(String, u64)> = table
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["name"].as_str().unwrap().to_owned(), l["remaining"].as_u64().unwrap()))
        .collect();
    assert_eq!(lines, [("值班员甲".to_owned(), 0), ("值班员乙".to_owned(), 12)]);
    let mine = app.get(&format!("/api/v1/people/{other}/points")).await.ok();
    assert_eq!((mine["points"]["year"].as_i64(), mine["points"]["remaining"].as_u64()), (Some(2026), Some(12)));

    // The next year starts afresh.
    app.travel(at(2027, 1, 5)).await;
    let next = app.get(&format!("/api/v1/people/{staff}/points")).await.ok();
    assert_eq!((next["points"]["year"].as_i64(), next["points"]["remaining"].as_u64()), (Some(2027), Some(12)));
    let r = app.post("/api/v1/points/deductions", deduct("2027-01-04")).await.expect(201).body;
    assert_eq!(r["points"]["remaining"], 8);
    let last = app.get(&format!("/api/v1/people/{staff}/points?year=2026")).await.ok();
    assert_eq!(last["points"]["remaining"], 0);
    assert_eq!(app.count_rows("point_deductions").await, 5);

    // Bad input: 422 naming the field, nothing written.
    let (rows, history) = (app.count_rows("point_deductions").await, app.count_rows("history").await);
    let supervisor =
        app.post("/api/v1/people", json!({"name": "监督员丙", "kind": "supervisor"})).await.expect(201).id();
    let history = history + 1;
    for (body, field) in [
        (json!({"kind": "verified_complaint", "reason": "x"}), "person_id"),
        (json!({"person_id": staff, "kind": "late", "reason": "x"}), "kind"),
        (json!({"person_id": staff, "reason": "x"}), "kind"),
        (json!({"person_id": staff, "kind": "verified_complaint"}), "reason"),
        (json!({"person_id": staff, "kind": "verified_complaint", "reason": "x", "date": "2027-02-01"}), "date"),
        (json!({"person_id": "4242", "kind": "verified_complaint", "reason": "x"}), "person_id"),
        (json!({"person_id": supervisor, "kind": "verified_complaint", "reason": "x"}), "person_id"),
        (json!({"person_id": staff, "kind": "verified_complaint", "reason": "x", "case_id": "4242"}), "case_id"),
    ] {
        let r = app.post("/api/v1/points/deductions", body.clone()).await.expect(422);
        assert_eq!(r.fields(), [field], "{body}");
    }
    app.get("/api/v1/points?year=20226").await.expect(422);
    assert_eq!(app.count_rows("point_deductions").await, rows);
    assert_eq!(app.count_rows("history").await, history, "only the supervisor's creation was written");

    // The scheme is a setting: a new yearly allowance applies to every balance.
    let s = app
        .put("/api/v1/settings", json!({"points": {"yearly": 20, "deductions": [["verified_complaint", 5]]}}))
        .await
        .ok();
    assert_eq!(s["points"]["yearly"], 20);
    let next = app.get(&format!("/api/v1/people/{staff}/points")).await.ok();
    assert_eq!(next["points"]["remaining"], 16, "the 2027 deduction was charged 4 when made");
    let r = app.put("/api/v1/settings", json!({"points": {"yearly": 0, "deductions": []}})).await.expect(422);
    assert_eq!(r.fields(), ["points.yearly"]);
    let r = app
        .put(
            "/api/v1/settings",
            json!({"proposal_rules": {"red_working_days": 999,
        "overdue_after_reminder_working_days": 5}}),
        )
        .await
        .expect(422);
    assert_eq!(r.fields(), ["proposal_rules"]);
}

async fn unit_staff_see_their_own(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let a = app.unit("区水务局", None).await;
    let sub = app.unit("节约用水管理办公室", Some(&a)).await;
    let b = app.unit("区科技局", None).await;
    let mut ids = Vec::new();
    for (u, reason) in [(&a, "甲"), (&sub, "乙"), (&b, "丙")] {
        ids.push(
            app.post("/api/v1/actions", json!({"kind": "bulletin", "unit_id": u, "reason": reason}))
                .await
                .expect(201)
                .id(),
        );
    }
    let pa = person(&app, "甲单位干部", &a).await;
    let pb = person(&app, "丙单位干部", &b).await;
    let clerk = app.user("clerk-a", "unit_clerk", Some(&a)).await;
    let leader = app.user("leader-a", "unit_leader", Some(&a)).await;
    let inspector = app.user("inspector", "inspector", None).await;
    let get = |who: &reqwest::Client, path: String| {
        let who = who.clone();
        let app = &app;
        async move { app.send(&who, Method::GET, &path, None).await }
    };
    let reasons = |page: Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|i| i["reason"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(reasons(get(&clerk, "/api/v1/actions".into()).await.ok()), ["甲"]);
    assert_eq!(reasons(get(&leader, "/api/v1/actions".into()).await.ok()), ["乙", "甲"]);
    get(&clerk, format!("/api/v1/actions/{}", ids[0])).await.ok();
    let r = get(&clerk, format!("/api/v1/actions/{}", ids[2])).await;
    assert!(matches!(r.status.as_u16(), 403 | 404), "{}", r.status);
    get(&clerk, format!("/api/v1/actions/{}", ids[1])).await.expect(403);
    get(&leader, format!("/api/v1/actions/{}", ids[1])).await.ok();
    get(&inspector, "/api/v1/actions".into()).await.expect(403);
    get(&inspector, format!("/api/v1/actions/{}", ids[0])).await.expect(403);

    // Unit staff cannot record, confirm, dismiss, run the rules or deduct.
    let before = app.count_rows("action_records").await;
    let post = |path: String, body: Value| {
        let clerk = clerk.clone();
        let app = &app;
        async move { app.send(&clerk, Method::POST, &path, Some(body)).await }
    };
    post("/api/v1/actions".into(), json!({"kind": "bulletin", "unit_id": a, "reason": "自己"})).await.expect(403);
    post(format!("/api/v1/actions/{}/confirm", ids[0]), json!({})).await.expect(403);
    post(format!("/api/v1/actions/{}/dismiss", ids[0]), json!({"reason": "x"})).await.expect(403);
    post("/api/v1/actions/proposals/run".into(), json!({})).await.expect(403);
    post("/api/v1/points/deductions".into(), json!({"person_id": pa, "kind": "verified_complaint", "reason": "x"}))
        .await
        .expect(403);
    assert_eq!(app.count_rows("action_records").await, before);
    assert_eq!(app.count_rows("point_deductions").await, 0);

    // Points: their own unit's people.
    let table = get(&clerk, "/api/v1/points".into()).await.ok();
    let names: Vec<&str> = table.as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["甲单位干部"]);
    get(&clerk, format!("/api/v1/people/{pa}/points")).await.ok();
    get(&clerk, format!("/api/v1/people/{pb}/points")).await.expect(403);
    get(&inspector, "/api/v1/points".into()).await.expect(403);
}

/// A page's HTML as the admin sees it.
async fn page(app: &TestApp, path: &str) -> String {
    let r = app.admin.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

/// Sends a form with the page's CSRF token; follows the redirect. The status and the page.
async fn submit(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let token = common::hidden(&page(app, "/app/accountability").await, "_csrf");
    let mut fields = fields.to_vec();
    fields.push(("_csrf", &token));
    let r = app.admin.post(app.url(path)).form(&fields).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn the_pages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区农林局", None).await;
    let staff = person(&app, "农友书屋值班员", &unit).await;
    let html = page(&app, "/app/accountability?lang=en").await;
    assert!(html.contains("href=\"/app/accountability\""), "the nav link");
    assert!(html.contains("No proposals are waiting."));
    page(&app, "/app/accountability?lang=zh").await;

    // Recording: a bad form names the field, a good one lands on the list.
    let (status, html) = submit(&app, "/app/accountability", &[("kind", "bulletin"), ("unit_id", &unit)]).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"err-reason\""), "the reason is marked");
    assert_eq!(app.count_rows("action_records").await, 0);
    let (status, html) =
        submit(&app, "/app/accountability", &[("kind", "bulletin"), ("unit_id", &unit), ("reason", "上班迟到")]).await;
    assert_eq!(status, 200);
    assert!(html.contains("已记录。") && html.contains("上班迟到"));

    // Points: three deductions use up the year and a proposal waits on the list.
    for _ in 0..3 {
        let fields = [("person_id", staff.as_str()), ("kind", "verified_complaint"), ("reason", "有效投诉")];
        let (status, html) = submit(&app, "/app/points", &fields).await;
        assert_eq!(status, 200);
        assert!(html.contains("已扣分。"));
    }
    let html = page(&app, "/app/points").await;
    assert!(html.contains("农友书屋值班员") && html.contains("已扣完"));
    let html = page(&app, "/app/accountability").await;
    assert!(html.contains("诫勉谈话") && html.contains("年度积分扣完"));
    let id = app.all("/api/v1/actions?status=proposed").await[0]["id"].as_str().unwrap().to_owned();
    let (status, html) = submit(&app, &format!("/app/accountability/{id}/dismiss"), &[]).await;
    assert_eq!(status, 422);
    assert!(html.contains("err-reason"));
    let (status, html) = submit(&app, &format!("/app/accountability/{id}/confirm"), &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("已确认。") && html.contains("暂无待确认的建议。"));
    let (status, _) = submit(&app, &format!("/app/accountability/{id}/confirm"), &[]).await;
    assert_eq!(status, 409, "a decided proposal cannot be decided again");
}

on_both!(
    the_pages,
    recording_confirming_and_dismissing,
    a_problem_red_too_long_proposes_an_interview,
    old_red_items_propose_nothing_and_proposals_are_decided_in_bulk,
    a_case_overdue_after_its_reminder_proposes_a_criticism_bulletin,
    points_per_year,
    unit_staff_see_their_own,
);
