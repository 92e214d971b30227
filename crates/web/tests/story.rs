//! The story of a campaign, told over HTTP on both databases: a campaign with a batch, problems
//! written into the ledger, progress with evidence from the unit, report, verification by the
//! office, and figures that follow.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::Method;
use serde_json::json;

async fn campaign_to_figures(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };

    // The unit tree, the people, the campaign.
    let district = app.unit("金东区", None).await;
    let office = app
        .post("/api/v1/units", json!({"name": "区群教办", "parent_id": district, "kind": "office"}))
        .await
        .expect(201)
        .id();
    let water = app.unit("区水务局", Some(&district)).await;
    let tech = app.unit("区科技局", Some(&district)).await;
    let head = app
        .post("/api/v1/people", json!({"name": "王建国", "unit_id": water, "position": "局长"}))
        .await
        .expect(201)
        .id();
    let campaign = app
        .post(
            "/api/v1/campaigns",
            json!({
                "name": "党的群众路线教育实践活动", "starts_on": "2026-02-02", "ends_on": "2026-06-30",
                "phases": [{"name": "学习教育、听取意见", "due_on": "2026-03-15"}, {"name": "整改落实", "due_on": "2026-06-30"}],
                "unit_ids": [water, tech]
            }),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(campaign["phases"].as_array().unwrap().len(), 2);
    let campaign = campaign["id"].as_str().unwrap().to_owned();
    let batch = app
        .post("/api/v1/batches", json!({"campaign_id": campaign, "name": "第一批立改项目", "items_per_unit": 2}))
        .await
        .expect(201)
        .id();

    // Three immediate items of 区水务局 in the batch.
    let cups = app
        .problem(json!({
            "description": "一次性纸杯使用数量多、浪费多", "unit_id": water, "deadline": "2026-03-04",
            "category": "奢靡之风", "type": "immediate", "campaign_id": campaign, "batch_id": batch,
            "responsible_person_id": head, "published": true,
            "measures": [{"description": "开会禁用一次性纸杯，干部自带水杯", "deadline": "2026-03-03"}]
        }))
        .await;
    assert_eq!(cups["state"], "open");
    assert_eq!(cups["light"], "yellow", "due within 3 working days");
    assert_eq!(cups["measures"][0]["light"], "yellow");
    let cups_id = cups["id"].as_str().unwrap().to_owned();
    let lights = app
        .problem(json!({"description": "会议室长明灯", "unit_id": water, "deadline": "2026-03-20", "batch_id": batch}))
        .await;
    assert_eq!(lights["light"], "green");
    assert_eq!(lights["campaign_id"].as_str(), Some(campaign.as_str()), "the batch implies its campaign");
    let late = app
        .problem(
            json!({"description": "办事指南未公示", "unit_id": water, "deadline": "2026-02-27", "batch_id": batch}),
        )
        .await;
    assert_eq!(late["light"], "red");

    // The unit's clerk works on the first item: start, progress with a photo, measure done, report.
    let clerk = app.user("shuiwu", "unit_clerk", Some(&water)).await;
    let fire = |who: &reqwest::Client, id: &str, action: &str, note: Option<&str>| {
        let body = json!({"action": action, "note": note});
        let path = format!("/api/v1/problems/{id}/transitions");
        let who = who.clone();
        let app = &app;
        async move { app.send(&who, Method::POST, &path, Some(body)).await }
    };
    assert_eq!(fire(&clerk, &cups_id, "start", None).await.expect(200).body["state"], "in_progress");
    let photo = app.upload_png(&clerk).await;
    let progress = app
        .send(
            &clerk,
            Method::POST,
            &format!("/api/v1/problems/{cups_id}/progress"),
            Some(json!({"note": "已停用一次性纸杯", "attachment_ids": [photo]})),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(progress["attachments"][0]["content_type"], "image/png");
    let listed = app.send(&clerk, Method::GET, &format!("/api/v1/problems/{cups_id}/progress"), None).await.ok();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["note"], "已停用一次性纸杯");
    assert_eq!(listed[0]["author"], "shuiwu");
    // Reporting with a measure still open is refused.
    fire(&clerk, &cups_id, "report_done", None).await.expect(422);
    let measure = &app.get(&format!("/api/v1/problems/{cups_id}")).await.ok()["measures"][0];
    let mpath = format!("/api/v1/problems/{cups_id}/measures/{}", measure["id"].as_str().unwrap());
    let done =
        app.send(&clerk, Method::PATCH, &mpath, Some(json!({"done": true, "version": measure["version"]}))).await.ok();
    assert_eq!(done["done"], true);
    assert!(done["done_at"].is_string());
    assert_eq!(fire(&clerk, &cups_id, "report_done", None).await.expect(200).body["state"], "reported");

    // A clerk cannot close off their own unit's work; the office can.
    fire(&clerk, &cups_id, "verify", None).await.expect(403);
    let closed = fire(&app.admin, &cups_id, "verify", Some("经核查整改到位")).await.expect(200).body;
    assert_eq!(closed["state"], "closed");
    assert!(closed["closed_at"].is_string());

    // The second item is reported and sent back by the office.
    let lights_id = lights["id"].as_str().unwrap().to_owned();
    fire(&clerk, &lights_id, "start", None).await.expect(200);
    fire(&clerk, &lights_id, "report_done", None).await.expect(200);
    fire(&app.admin, &lights_id, "reject", None).await.expect(422);
    assert_eq!(
        fire(&app.admin, &lights_id, "reject", Some("仍有长明灯")).await.expect(200).body["state"],
        "in_progress"
    );

    // Figures follow the ledger.
    let by_batch = app.get(&format!("/api/v1/stats/problems?group_by=batch&campaign={campaign}")).await.ok();
    assert_eq!(by_batch["total"], 3);
    assert_eq!(by_batch["closed"], 1);
    assert_eq!(by_batch["rate"], 0.3333);
    assert_eq!(by_batch["groups"][0]["name"], "第一批立改项目");
    assert_eq!(
        (by_batch["red"].as_u64(), by_batch["yellow"].as_u64(), by_batch["green"].as_u64()),
        (Some(1), Some(0), Some(2))
    );
    let by_state = app.get("/api/v1/stats/problems?group_by=state").await.ok();
    let state_count =
        |s: &str| by_state["groups"].as_array().unwrap().iter().find(|g| g["key"] == s).map(|g| g["total"].clone());
    assert_eq!(state_count("closed"), Some(json!(1)));
    assert_eq!(state_count("in_progress"), Some(json!(1)));
    assert_eq!(state_count("open"), Some(json!(1)));

    // The immediate list: 区水务局 proposed 3 (none owed); 区科技局 still owes 2.
    let list = app.get(&format!("/api/v1/batches/{batch}/immediate-list")).await.ok();
    assert_eq!(list["total_proposed"], 3);
    assert_eq!(list["total_closed"], 1);
    let owing: Vec<_> =
        list["units_owing"].as_array().unwrap().iter().map(|l| (l["unit_name"].clone(), l["owed"].clone())).collect();
    assert_eq!(owing, vec![(json!("区科技局"), json!(2))]);

    // The history tells who did what, with before and after.
    // Paged two at a time, the pages join up in order.
    let history = app.all(&format!("/api/v1/problems/{cups_id}/history?limit=2")).await;
    let actions: Vec<_> = history.iter().map(|h| h["action"].as_str().unwrap().to_owned()).collect();
    assert_eq!(actions, ["create", "start", "progress", "done", "report_done", "verify"]);
    let verify = history.last().unwrap();
    assert_eq!(verify["actor"], "admin");
    assert_eq!(verify["before"]["state"], "reported");
    assert_eq!(verify["after"]["state"], "closed");
    assert_eq!(verify["note"], "经核查整改到位");
    let _ = office;
}

on_both!(campaign_to_figures);
