//! Units, people, campaigns and batches over HTTP, with their bad inputs.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use serde_json::json;

async fn the_unit_tree(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let district = app
        .post("/api/v1/units", json!({"name": "安宁区", "kind": "district", "complaint_phone": "0931-7661234", "mailbox": "zfb@anning.gov.cn"}))
        .await
        .expect(201);
    assert!(district.headers.get("location").is_some());
    let district = district.id();
    let street = app
        .post("/api/v1/units", json!({"name": "培黎街道", "parent_id": district, "kind": "街道"}))
        .await
        .expect(201)
        .body;
    assert_eq!(street["kind"], "street");
    let street_id = street["id"].as_str().unwrap().to_owned();
    let station = app
        .post(
            "/api/v1/units",
            json!({"name": "社区服务站", "parent_id": street_id, "kind": "station", "system": "民政"}),
        )
        .await
        .expect(201)
        .id();

    // Bad input, each naming its field.
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "x".repeat(101)}), "name"),
        (json!({"name": "甲", "parent_id": "4242"}), "parent_id"),
        (json!({"name": "甲", "kind": "planet"}), "kind"),
        (json!({"name": "甲", "complaint_phone": "call us"}), "complaint_phone"),
        (json!({"name": "甲", "mailbox": "not a mailbox"}), "mailbox"),
        (json!({"name": "培黎街道", "parent_id": district}), "name"),
        (json!({"name": "甲", "id": "9"}), "id"),
    ] {
        let r = app.post("/api/v1/units", body.clone()).await.expect(422);
        assert_eq!(r.fields(), [field], "{body}");
    }
    // The same name under another parent is fine.
    app.post("/api/v1/units", json!({"name": "社区服务站", "parent_id": district})).await.expect(201);

    // Moves that would make a cycle are refused.
    let r = app.patch(&format!("/api/v1/units/{district}"), json!({"parent_id": station})).await.expect(422);
    assert_eq!(r.body["errors"][0]["code"], "unit_cycle");
    // A unit with live children cannot be archived; a leaf can.
    app.patch(&format!("/api/v1/units/{street_id}"), json!({"archived": true})).await.expect(422);
    let archived = app.patch(&format!("/api/v1/units/{station}"), json!({"archived": true})).await.ok();
    assert_eq!(archived["archived"], true);
    // Stale versions conflict.
    let renamed =
        app.patch(&format!("/api/v1/units/{street_id}"), json!({"name": "培黎街道办事处", "version": 1})).await.ok();
    assert_eq!(renamed["version"], 2);
    app.patch(&format!("/api/v1/units/{street_id}"), json!({"name": "x", "version": 1})).await.expect(409);

    // Lists and filters.
    assert_eq!(app.all("/api/v1/units").await.len(), 3);
    assert_eq!(app.all("/api/v1/units?archived=true").await.len(), 4);
    assert_eq!(app.all(&format!("/api/v1/units?parent={district}")).await.len(), 2);
    assert_eq!(app.all("/api/v1/units?roots=true").await.len(), 1);
    assert_eq!(app.all("/api/v1/units?kind=street").await.len(), 1);
    assert_eq!(app.all("/api/v1/units?q=培黎").await.len(), 1);
    assert_eq!(app.get("/api/v1/units?kind=planet").await.expect(422).fields(), ["kind"]);
    app.get("/api/v1/units/4242").await.expect(404);
    app.get("/api/v1/units/abc").await.expect(404);
    let history = app.count_rows("history").await;
    assert!(history >= 7, "every change recorded ({history})");
}

async fn people(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区财政局", None).await;
    let staff = app
        .post("/api/v1/people", json!({"name": "李敏", "unit_id": unit, "position": "科员", "phone": "13812345678"}))
        .await
        .expect(201)
        .body;
    assert_eq!(staff["kind"], "staff");
    let sup = app
        .post(
            "/api/v1/people",
            json!({"name": "赵强", "kind": "supervisor", "affiliation": "区人大代表", "position": "作风督查员"}),
        )
        .await
        .expect(201)
        .body;
    assert!(sup["unit_id"].is_null());
    assert_eq!(app.post("/api/v1/people", json!({"name": "无单位"})).await.expect(422).fields(), ["unit_id"]);
    assert_eq!(
        app.post("/api/v1/people", json!({"name": "甲", "unit_id": "77"})).await.expect(422).fields(),
        ["unit_id"]
    );
    assert_eq!(
        app.post("/api/v1/people", json!({"name": "甲", "unit_id": unit, "phone": "abc"})).await.expect(422).fields(),
        ["phone"]
    );
    assert_eq!(app.all("/api/v1/people?kind=supervisor").await.len(), 1);
    assert_eq!(app.all(&format!("/api/v1/people?unit={unit}")).await.len(), 1);
    let id = staff["id"].as_str().unwrap();
    let moved = app.patch(&format!("/api/v1/people/{id}"), json!({"position": "副局长", "version": 1})).await.ok();
    assert_eq!(moved["position"], "副局长");
    assert_eq!(app.get(&format!("/api/v1/people/{id}")).await.ok()["name"], "李敏");
}

async fn campaigns_and_batches(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let a = app.unit("甲局", None).await;
    let b = app.unit("乙局", None).await;
    for (body, field) in [
        (json!({"starts_on": "2026-01-01"}), "name"),
        (json!({"name": "活动"}), "starts_on"),
        (json!({"name": "活动", "starts_on": "2026-13-01"}), "starts_on"),
        (json!({"name": "活动", "starts_on": "2026-06-01", "ends_on": "2026-01-01"}), "ends_on"),
        (json!({"name": "活动", "starts_on": "2026-01-01", "phases": [{"name": ""}]}), "phases[0].name"),
        (
            json!({"name": "活动", "starts_on": "2026-01-01", "phases": [{"name": "x", "due": "2026-01-01"}]}),
            "phases[0].due",
        ),
        (json!({"name": "活动", "starts_on": "2026-01-01", "unit_ids": ["999"]}), "unit_ids[0]"),
    ] {
        assert_eq!(app.post("/api/v1/campaigns", body.clone()).await.expect(422).fields(), [field], "{body}");
    }
    let c = app
        .post(
            "/api/v1/campaigns",
            json!({"name": "创建群众满意基层站所", "starts_on": "2026-04-01", "ends_on": "2026-12-31", "unit_ids": [a, b, a],
                   "phases": [{"name": "动员学习阶段", "due_on": "2026-04-30"}, {"name": "创建评议阶段", "due_on": "2026-09-30"},
                              {"name": "考核评选阶段", "due_on": "2026-11-30"}, {"name": "总结命名阶段", "due_on": "2026-12-31"}]}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(c["unit_ids"].as_array().unwrap().len(), 2, "participants are a set");
    assert_eq!(c["phases"][3]["name"], "总结命名阶段");
    let id = c["id"].as_str().unwrap();
    for (body, field) in [
        (json!({"name": "第一批"}), "campaign_id"),
        (json!({"campaign_id": id}), "name"),
        (json!({"campaign_id": "999", "name": "x"}), "campaign_id"),
        (json!({"campaign_id": id, "name": "x", "items_per_unit": -1}), "items_per_unit"),
        (json!({"campaign_id": id, "name": "x", "items_per_unit": "two"}), "items_per_unit"),
    ] {
        assert_eq!(app.post("/api/v1/batches", body.clone()).await.expect(422).fields(), [field], "{body}");
    }
    let batch =
        app.post("/api/v1/batches", json!({"campaign_id": id, "name": "第一批立改项目"})).await.expect(201).body;
    assert_eq!(batch["items_per_unit"], 2, "two items per unit by default");
    let batch_id = batch["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/api/v1/batches/{batch_id}")).await.ok()["name"], "第一批立改项目");
    app.get("/api/v1/batches/999").await.expect(404);
    app.post(&format!("/api/v1/campaigns/{id}/batches"), json!({"name": "第二批", "items_per_unit": 3}))
        .await
        .expect(201);
    assert_eq!(app.get(&format!("/api/v1/campaigns/{id}/batches")).await.ok().as_array().unwrap().len(), 2);
    assert_eq!(app.get(&format!("/api/v1/batches?campaign={id}")).await.ok().as_array().unwrap().len(), 2);
    let full = app.get(&format!("/api/v1/campaigns/{id}")).await.ok();
    assert_eq!(full["batches"].as_array().unwrap().len(), 2);
    // Replacing phases and participants in a patch.
    let changed = app
        .patch(&format!("/api/v1/campaigns/{id}"), json!({"version": full["version"], "unit_ids": [b], "phases": []}))
        .await
        .ok();
    assert_eq!(changed["unit_ids"], json!([b]));
    assert!(changed["phases"].as_array().unwrap().is_empty());
    let list = app.get(&format!("/api/v1/batches/{}/immediate-list", batch["id"].as_str().unwrap())).await.ok();
    assert_eq!(list["units_owing"].as_array().unwrap().len(), 1);
    assert_eq!(app.all("/api/v1/campaigns").await.len(), 1);
}

on_both!(the_unit_tree, people, campaigns_and_batches);
