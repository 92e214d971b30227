//! Inspections over HTTP, on both databases: plans and their pools, the verifiable draw
//! (commit → draw → end → verify, tampering detected), findings that become problems, covert
//! rounds that keep their targets from everyone but their inspectors, re-inspections of closed
//! problems that reopen what failed, and impossible rules refused before any draw.

mod common;

use common::{TestApp, TextOf};
use rectify_domain::inspection::DrawEvidence;
use rectify_store::Backend;
use rectify_store::db::Q;
use rectify_store::on_both;
use reqwest::{Client, Method};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

struct Pools {
    district: String,
    targets: Vec<String>,
    /// (person id, username of the inspector's account)
    inspectors: Vec<(String, String)>,
}

/// A district with eight units; six inspectors: four attached to the office, two working in
/// target units (recusal must keep them away from their own unit).
async fn pools(app: &TestApp) -> Pools {
    let district = app.unit("安宁区", None).await;
    let office = app.unit("区作风办", Some(&district)).await;
    let mut targets = Vec::new();
    for name in ["区财政局", "区教育局", "区卫健局", "区民政局", "区住建局", "区交通局", "区市场监管局", "区医保局"]
    {
        targets.push(app.unit(name, Some(&district)).await);
    }
    let mut inspectors = Vec::new();
    for (i, unit) in [&office, &office, &office, &office, &targets[0], &targets[1]].into_iter().enumerate() {
        let person = app
            .post("/api/v1/people", json!({"name": format!("督查员{i}"), "kind": "supervisor", "unit_id": unit}))
            .await
            .expect(201)
            .id();
        let username = format!("inspector{i}");
        app.post(
            "/api/v1/accounts",
            json!({"username": username, "password": "password-123", "role": "inspector", "person_id": person}),
        )
        .await
        .expect(201);
        inspectors.push((person, username));
    }
    Pools { district, targets, inspectors }
}

fn plan_body(p: &Pools, covert: bool) -> Value {
    json!({
        "name": "十月上下班纪律检查", "rhythm": "weekly", "theme": "上下班纪律",
        "checklist": ["是否按时到岗", "是否擅离岗位", "工作时间是否上网聊天"],
        "starts_on": "2026-03-01", "ends_on": "2026-03-31",
        "groups": 2, "inspectors_per_group": 2, "targets_per_group": 2, "no_repeat_rounds": 2,
        "covert": covert,
        "inspector_ids": p.inspectors.iter().map(|i| i.0.clone()).collect::<Vec<_>>(),
        "target_filter": {"under_unit_id": p.district},
    })
}

async fn signed_in(app: &TestApp, username: &str) -> Client {
    let c = Client::builder().cookie_store(true).build().expect("client");
    app.login(&c, username, "password-123").await.expect(200);
    c
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// The username of an inspector in group `g` of a drawn round, and one in no group.
fn members(p: &Pools, round: &Value, g: usize) -> (String, Option<String>) {
    let group = ids(&round["groups"][g]["inspectors"]);
    let all: Vec<String> = round["groups"].as_array().unwrap().iter().flat_map(|g| ids(&g["inspectors"])).collect();
    let member = p.inspectors.iter().find(|(id, _)| group.contains(id)).map(|i| i.1.clone()).unwrap();
    let outsider = p.inspectors.iter().find(|(id, _)| !all.contains(id)).map(|i| i.1.clone());
    (member, outsider)
}

async fn a_round_is_drawn_verifiably_and_findings_become_problems(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let p = pools(&app).await;
    let plan = app.post("/api/v1/inspection-plans", plan_body(&p, false)).await.expect(201).body;
    assert_eq!(ids(&plan["target_unit_ids"]).len(), 9, "the office and eight units under the district");
    let plan_id = plan["id"].as_str().unwrap();

    let round = app.post(&format!("/api/v1/inspection-plans/{plan_id}/rounds"), json!({})).await.expect(201).body;
    let rid = round["id"].as_str().unwrap().to_owned();
    assert_eq!(round["status"], "committed");
    assert!(round["seed"].is_null(), "the seed stays secret until the end");
    let commitment = round["seed_commitment"].as_str().unwrap().to_owned();
    assert_eq!(commitment.len(), 64);
    app.get(&format!("/api/v1/rounds/{rid}/verify")).await.expect(409);

    let drawn = app.post(&format!("/api/v1/rounds/{rid}/draw"), json!({})).await.expect(200).body;
    assert_eq!(drawn["status"], "drawn");
    assert_eq!(drawn["seed_commitment"], commitment.as_str(), "the commitment does not move");
    let groups = drawn["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    for g in groups {
        assert_eq!(ids(&g["inspectors"]).len(), 2);
        assert_eq!(ids(&g["targets"]).len(), 2);
        // 回避: the inspectors working in 区财政局 and 区教育局 never visit their own unit.
        for (k, own) in [(4, &p.targets[0]), (5, &p.targets[1])] {
            if ids(&g["inspectors"]).contains(&p.inspectors[k].0) {
                assert!(!ids(&g["targets"]).contains(own), "an inspector drawn to their own unit");
            }
        }
    }
    app.post(&format!("/api/v1/rounds/{rid}/draw"), json!({})).await.expect(409);

    // A finding by an inspector of group 1 at one of the group's units becomes a problem.
    let (member, outsider) = members(&p, &drawn, 0);
    let inspector = signed_in(&app, &member).await;
    let own_target = ids(&groups[0]["targets"])[0].clone();
    let other_target = ids(&groups[1]["targets"])[0].clone();
    let photo = app.upload_png(&inspector).await;
    let finding = app
        .send(
            &inspector,
            Method::POST,
            &format!("/api/v1/rounds/{rid}/findings"),
            Some(json!({
                "unit_id": own_target,
                "answers": [{"item": "是否按时到岗", "ok": false, "note": "9:10 办事窗口无人"}, {"item": "是否擅离岗位", "ok": true}],
                "note": "两名工作人员迟到",
                "attachment_ids": [photo],
            })),
        )
        .await
        .expect(201)
        .body;
    let problem_id = finding["problem_id"].as_str().unwrap();
    let problem = app.get(&format!("/api/v1/problems/{problem_id}")).await.ok();
    assert_eq!(problem["unit_id"], own_target.as_str());
    assert_eq!(problem["sources"], json!(["inspection"]));
    assert_eq!(problem["category"], "上下班纪律");
    assert_eq!(problem["deadline"], "2026-03-16", "ten working days after Monday 2 March");
    assert!(problem["description"].as_str().unwrap().contains("9:10 办事窗口无人"));
    assert_eq!(app.get(&format!("/api/v1/findings/{}", finding["id"].as_str().unwrap())).await.ok()["round_id"], rid);
    // The photo is readable by whoever sees the problem.
    assert_eq!(app.get(&format!("/api/v1/attachments/{photo}")).await.status, 200);

    let other = app
        .send(
            &inspector,
            Method::POST,
            &format!("/api/v1/rounds/{rid}/findings"),
            Some(json!({"unit_id": other_target, "note": "x"})),
        )
        .await
        .expect(422);
    assert_eq!(other.fields(), ["unit_id"], "another group's unit is not this inspector's to record");
    if let Some(outsider) = outsider {
        let c = signed_in(&app, &outsider).await;
        let path = format!("/api/v1/rounds/{rid}/findings");
        app.send(&c, Method::POST, &path, Some(json!({"unit_id": own_target, "note": "x"}))).await.expect(403);
    }

    // End: the seed is revealed, matches the commitment, and the draw verifies.
    let ended = app.post(&format!("/api/v1/rounds/{rid}/end"), json!({})).await.expect(200).body;
    let seed = ended["seed"].as_str().unwrap();
    assert_eq!(hex::encode(Sha256::digest(seed.as_bytes())), commitment);
    let v = app.get(&format!("/api/v1/rounds/{rid}/verify")).await.ok();
    assert_eq!(v["verified"], true, "{v}");
    // The evidence alone reproduces the draw, without Rectify's database.
    let evidence: DrawEvidence =
        serde_json::from_value(app.get(&format!("/api/v1/rounds/{rid}/evidence")).await.ok()).unwrap();
    assert!(evidence.verify().verified);
    app.send(
        &inspector,
        Method::POST,
        &format!("/api/v1/rounds/{rid}/findings"),
        Some(json!({"unit_id": own_target, "note": "x"})),
    )
    .await
    .expect(409);

    // Tampering: a pool changed after the fact, then a seed changed after the fact.
    let db = app.store.db();
    let original: String = db
        .scalar(Q::new("SELECT snapshot FROM inspection_rounds WHERE id = $1").bind(rid.parse::<i64>().unwrap()))
        .await
        .unwrap();
    let first_target = format!("\"unit\":\"{}\"", p.targets[0]);
    let forged = original.replacen(&first_target, "\"unit\":\"999999\"", 1);
    assert_ne!(forged, original, "the snapshot names the targets");
    let set = |col: &str, v: String| {
        Q::new(format!("UPDATE inspection_rounds SET {col} = $1 WHERE id = $2"))
            .bind(v)
            .bind(rid.parse::<i64>().unwrap())
    };
    db.write({
        let q = set("snapshot", forged);
        move |tx| Box::pin(async move { tx.conn().execute(q).await })
    })
    .await
    .unwrap();
    let v = app.get(&format!("/api/v1/rounds/{rid}/verify")).await.ok();
    assert_eq!((v["verified"].clone(), v["problem"].clone()), (json!(false), json!("snapshot_changed")));
    db.write({
        let (a, b) = (set("snapshot", original), set("seed", "another seed".into()));
        move |tx| {
            Box::pin(async move {
                tx.conn().execute(a).await?;
                tx.conn().execute(b).await
            })
        }
    })
    .await
    .unwrap();
    let v = app.get(&format!("/api/v1/rounds/{rid}/verify")).await.ok();
    assert_eq!(v["problem"], "seed_mismatch");

    // A seed the office keeps itself: committed by its hash, handed over at the draw.
    let own = "2026年3月9日 督查办公室抽签：3-14-15-92-65";
    let c = hex::encode(Sha256::digest(own.as_bytes()));
    let r2 = app
        .post(&format!("/api/v1/inspection-plans/{plan_id}/rounds"), json!({"seed_commitment": c}))
        .await
        .expect(201)
        .id();
    let draw = format!("/api/v1/rounds/{r2}/draw");
    assert_eq!(app.post(&draw, json!({})).await.expect(422).fields(), ["seed"]);
    assert_eq!(app.post(&draw, json!({"seed": "guess"})).await.expect(422).fields(), ["seed"]);
    let r2d = app.post(&draw, json!({"seed": own})).await.expect(200).body;
    // No inspector–unit pair of the last round again (no_repeat_rounds = 2).
    let pairs = |r: &Value| -> Vec<(String, String)> {
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| {
                let t = ids(&g["targets"]);
                ids(&g["inspectors"]).into_iter().flat_map(move |i| t.clone().into_iter().map(move |u| (i.clone(), u)))
            })
            .collect()
    };
    let before = pairs(&ended);
    assert!(pairs(&r2d).iter().all(|pr| !before.contains(pr)), "a recent pair drawn again");
    app.post(&format!("/api/v1/rounds/{r2}/end"), json!({})).await.expect(200);
    assert_eq!(app.get(&format!("/api/v1/rounds/{r2}/verify")).await.ok()["verified"], true);
}

async fn impossible_rules_are_refused_before_any_draw(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let p = pools(&app).await;
    let mut too_big = plan_body(&p, false);
    too_big["groups"] = json!(2);
    too_big["inspectors_per_group"] = json!(4);
    let r = app.post("/api/v1/inspection-plans", too_big).await.expect(422);
    assert_eq!(r.fields(), ["inspectors_per_group"], "{}", r.body);

    // Every inspector works in the district's own office or above the targets: all conflicted.
    let head = app
        .post("/api/v1/people", json!({"name": "区领导", "kind": "staff", "unit_id": p.district}))
        .await
        .expect(201)
        .id();
    let head2 = app
        .post("/api/v1/people", json!({"name": "区领导二", "kind": "staff", "unit_id": p.district}))
        .await
        .expect(201)
        .id();
    let mut conflicted = plan_body(&p, false);
    conflicted["inspector_ids"] = json!([head, head2]);
    conflicted["groups"] = json!(1);
    let r = app.post("/api/v1/inspection-plans", conflicted).await.expect(422);
    assert_eq!(r.body["errors"][0]["code"], "draw_impossible", "{}", r.body);
    assert!(r.body["detail"].as_str().is_some_and(|d| d.contains("回避") || d.contains("recusal")), "{}", r.body);
    assert_eq!(app.count_rows("inspection_plans").await, 0, "nothing written");
    assert_eq!(app.count_rows("inspection_rounds").await, 0);

    let mut bad = plan_body(&p, false);
    bad["rhythm"] = json!("hourly");
    bad["checklist"] = json!([""]);
    bad["inspector_ids"] = json!(["424242"]);
    let r = app.post("/api/v1/inspection-plans", bad).await.expect(422);
    let mut f = r.fields();
    f.sort();
    assert_eq!(f, ["checklist[0]", "rhythm"]);
    // A plan's periods are reckoned on every read: three years at most.
    let mut endless = plan_body(&p, false);
    endless["ends_on"] = json!("2029-03-01");
    let r = app.post("/api/v1/inspection-plans", endless).await.expect(422);
    assert_eq!((r.fields(), r.body["errors"][0]["code"].clone()), (vec!["ends_on".to_owned()], json!("plan_too_long")));
    let mut unknown = plan_body(&p, false);
    unknown["inspector_ids"] = json!(["424242"]);
    assert_eq!(app.post("/api/v1/inspection-plans", unknown).await.expect(422).fields(), ["inspector_ids[0]"]);
    let clerk_unit = p.targets[2].clone();
    let clerk = app.user("clerk", "unit_clerk", Some(&clerk_unit)).await;
    app.send(&clerk, Method::POST, "/api/v1/inspection-plans", Some(plan_body(&p, false))).await.expect(403);
    app.send(&clerk, Method::GET, "/api/v1/inspection-plans", None).await.expect(403);
}

async fn covert_targets_reach_only_their_inspectors_until_the_end(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let p = pools(&app).await;
    let plan = app.post("/api/v1/inspection-plans", plan_body(&p, true)).await.expect(201).id();
    let rid = app.post(&format!("/api/v1/inspection-plans/{plan}/rounds"), json!({})).await.expect(201).id();
    let drawn = app.post(&format!("/api/v1/rounds/{rid}/draw"), json!({})).await.expect(200).body;
    assert_eq!(drawn["targets_hidden"], true, "not even the office that drew it sees the targets");
    assert!(drawn["groups"].as_array().unwrap().iter().all(|g| ids(&g["targets"]).is_empty()));
    assert!(drawn["seed"].is_null());

    let (member, outsider) = members(&p, &drawn, 0);
    let inspector = signed_in(&app, &member).await;
    let mine = app.send(&inspector, Method::GET, &format!("/api/v1/rounds/{rid}"), None).await.ok();
    assert_eq!(mine["targets_hidden"], false);
    let targets: Vec<String> = mine["groups"].as_array().unwrap().iter().flat_map(|g| ids(&g["targets"])).collect();
    assert_eq!(targets.len(), 4);
    let held = app
        .send(
            &inspector,
            Method::POST,
            &format!("/api/v1/rounds/{rid}/findings"),
            Some(json!({"unit_id": ids(&mine["groups"][0]["targets"])[0], "note": "午餐时间提前离岗"})),
        )
        .await
        .expect(201)
        .body;
    let finding = held["id"].as_str().unwrap().to_owned();
    // A unit outside the group is refused with what is wrong, not as a unit that does not exist.
    let own = ids(&mine["groups"][0]["targets"]);
    let elsewhere = p.targets.iter().find(|t| !own.contains(t)).unwrap();
    let refused = app
        .send(
            &inspector,
            Method::POST,
            &format!("/api/v1/rounds/{rid}/findings"),
            Some(json!({"unit_id": elsewhere, "note": "不在本组"})),
        )
        .await
        .expect(422);
    assert_eq!(refused.body["errors"][0]["field"], "unit_id");
    assert_eq!(refused.body["errors"][0]["code"], "unit_not_in_own_group", "{}", refused.body);
    // Its problem waits for the end of the round: a problem in the ledger now would tell the
    // office and the unit where the round went.
    assert!(held["problem_id"].is_null());
    let search = "/api/v1/problems?q=午餐时间提前离岗";
    assert!(app.get(search).await.ok()["items"].as_array().unwrap().is_empty());

    // Everyone else: the office, another inspector, a unit's clerk, the public.
    let clerk = app.user("clerk", "unit_clerk", Some(&p.targets[3])).await;
    let staff = app.user("staff", "office_staff", None).await;
    let public = Client::new();
    let mut others: Vec<(&str, Client)> = vec![("admin", app.admin.clone()), ("staff", staff), ("clerk", clerk)];
    if let Some(o) = outsider {
        others.push(("outsider", signed_in(&app, &o).await));
    }
    others.push(("public", public));
    let paths = [
        format!("/api/v1/rounds/{rid}"),
        "/api/v1/rounds".into(),
        format!("/api/v1/rounds?plan={plan}"),
        format!("/api/v1/inspection-plans/{plan}/rounds"),
        format!("/api/v1/rounds/{rid}/findings"),
        format!("/api/v1/findings/{finding}"),
        format!("/api/v1/rounds/{rid}/evidence"),
        format!("/api/v1/rounds/{rid}/verify"),
        format!("/app/rounds/{rid}"),
        "/app/inspections".into(),
        format!("/api/v1/inspection-plans/{plan}"),
        format!("/app/inspection-plans/{plan}"),
    ];
    for (who, c) in &others {
        for path in &paths {
            let r = app.send(c, Method::GET, path, None).await;
            let text = r.body.to_string();
            if r.status.is_success() {
                // Round answers may name the inspectors but never a target.
                let listed = r.body["items"].as_array().cloned();
                for round in listed.unwrap_or_else(|| vec![r.body.clone()]) {
                    for g in round["groups"].as_array().cloned().unwrap_or_default() {
                        assert!(ids(&g["targets"]).is_empty(), "{who} saw targets at {path}: {text}");
                    }
                }
                // The round's page must not name a target; the list page lists the whole unit
                // directory in its plan form, which is no secret, and no round's targets.
                if path.starts_with("/app/rounds/") {
                    for t in &targets {
                        assert!(!text.contains(&format!("/app/units/{t}\"")), "{who} saw a target on {path}");
                    }
                    for name in [
                        "区财政局",
                        "区教育局",
                        "区卫健局",
                        "区民政局",
                        "区住建局",
                        "区交通局",
                        "区市场监管局",
                        "区医保局",
                    ] {
                        assert!(!text.contains(name), "{who} saw {name} on {path}");
                    }
                }
            } else {
                assert!([401, 403, 404, 409].contains(&r.status.as_u16()), "{who} {path}: {}", r.status);
            }
        }
    }
    // Once ended, the office sees where the group went and what it found.
    app.post(&format!("/api/v1/rounds/{rid}/end"), json!({})).await.expect(200);
    let after = app.get(&format!("/api/v1/rounds/{rid}")).await.ok();
    assert_eq!(after["targets_hidden"], false);
    let listed = app.get(&format!("/api/v1/rounds/{rid}/findings")).await.ok();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let problems = app.get(search).await.ok();
    assert_eq!(problems["items"].as_array().unwrap().len(), 1, "written into the ledger at the end");
    assert_eq!(listed["items"][0]["problem_id"], problems["items"][0]["id"]);
    // The problem is recorded as created by the inspector who found it, not by whoever ended it.
    let problem = problems["items"][0]["id"].as_str().unwrap();
    let history = app.all(&format!("/api/v1/problems/{problem}/history")).await;
    let created = history.iter().find(|h| h["action"] == "create").unwrap();
    assert_eq!(created["actor"], member.as_str());
}

async fn reinspection_samples_closed_problems_and_a_failure_reopens(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区财政局", None).await;
    let mut closed = Vec::new();
    for i in 0..5 {
        let id = app.problem(json!({"description": format!("问题{i}"), "unit_id": unit})).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.close_off(&id).await;
        closed.push(id);
    }
    let r = app
        .post(
            "/api/v1/reinspections",
            json!({"name": "三月整改回头看", "closed_from": "2026-03-01", "closed_to": "2026-03-31", "share_percent": 40}),
        )
        .await
        .expect(201)
        .body;
    let id = r["id"].as_str().unwrap();
    assert_eq!(ids(&r["population"]).len(), 5);
    let drawn = app.post(&format!("/api/v1/reinspections/{id}/draw"), json!({})).await.expect(200).body;
    let items = drawn["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "40% of five");
    let failed = items[0]["problem_id"].as_str().unwrap();
    let passed = items[1]["problem_id"].as_str().unwrap();
    let checks = format!("/api/v1/reinspections/{id}/checks");
    assert_eq!(
        app.post(&checks, json!({"problem_id": failed, "outcome": "failed"})).await.expect(422).fields(),
        ["note"]
    );
    let outside = closed.iter().find(|c| c.as_str() != failed && c.as_str() != passed).unwrap();
    assert_eq!(
        app.post(&checks, json!({"problem_id": outside, "outcome": "passed"})).await.expect(422).fields(),
        ["problem_id"]
    );
    app.post(&checks, json!({"problem_id": failed, "outcome": "failed", "note": "窗口仍无人值守"})).await.expect(200);
    let p = app.get(&format!("/api/v1/problems/{failed}")).await.ok();
    assert_eq!(p["state"], "in_progress", "a failed check reopens the problem (反弹)");
    let history = app.get(&format!("/api/v1/problems/{failed}/history")).await.ok();
    assert!(history.to_string().contains("窗口仍无人值守"));
    // A problem is checked once.
    let twice = app.post(&checks, json!({"problem_id": failed, "outcome": "passed"})).await.expect(409);
    assert_eq!(twice.body["detail"], "cannot record as passed a reinspection_item that is failed");
    let early = app.get(&format!("/api/v1/reinspections/{id}/verify")).await.ok();
    assert_eq!(early["problem"], "not_revealed", "the seed stays secret until every check is in");
    let done = app.post(&checks, json!({"problem_id": passed, "outcome": "passed"})).await.expect(200).body;
    assert_eq!(done["status"], "ended", "the last check ends it and reveals the seed");
    assert!(done["seed"].is_string());
    let after = app.post(&checks, json!({"problem_id": passed, "outcome": "passed"})).await.expect(409);
    assert_eq!(after.body["detail"], "cannot record a check for a reinspection that is Ended");
    assert_eq!(app.get(&format!("/api/v1/reinspections/{id}/verify")).await.ok()["verified"], true);
    let nothing = app
        .post("/api/v1/reinspections", json!({"name": "空", "closed_from": "2025-01-01", "closed_to": "2025-01-31"}))
        .await
        .expect(422);
    assert_eq!(nothing.body["errors"][0]["code"], "nothing_to_sample", "{}", nothing.body);
}

async fn a_bulletin_counts_what_happened_and_then_never_changes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let p = pools(&app).await;
    let plan = app.post("/api/v1/inspection-plans", plan_body(&p, false)).await.expect(201).id();
    // Two rounds; the office types up three findings from the groups' paper forms.
    let mut found_units = Vec::new();
    for (k, n) in [2usize, 1].into_iter().enumerate() {
        let rid = app.post(&format!("/api/v1/inspection-plans/{plan}/rounds"), json!({})).await.expect(201).id();
        let r = app.post(&format!("/api/v1/rounds/{rid}/draw"), json!({})).await.expect(200).body;
        let targets: Vec<String> = r["groups"].as_array().unwrap().iter().flat_map(|g| ids(&g["targets"])).collect();
        for (i, unit) in targets.iter().take(n).enumerate() {
            let item = ["是否按时到岗", "工作时间是否上网聊天"][(k + i) % 2];
            let aspect = ["工作纪律", "服务态度"][k];
            let body = json!({"unit_id": unit, "answers": [{"item": item, "ok": false}], "aspect": aspect});
            app.post(&format!("/api/v1/rounds/{rid}/findings"), body).await.expect(201);
            found_units.push(unit.clone());
        }
        app.post(&format!("/api/v1/rounds/{rid}/end"), json!({})).await.expect(200);
    }
    // Accountability in the period: a unit named, two sanctions on one person, praise; a
    // proposal not yet confirmed does not count.
    let staff = app
        .post("/api/v1/people", json!({"name": "张某", "kind": "staff", "unit_id": found_units[0]}))
        .await
        .expect(201)
        .id();
    for body in [
        json!({"kind": "named_criticism", "unit_id": found_units[0], "reason": "上班时间脱岗"}),
        json!({"kind": "criticism_bulletin", "person_id": staff, "reason": "工作时间上网聊天"}),
        json!({"kind": "bonus_withheld", "person_id": staff, "reason": "工作时间上网聊天"}),
        json!({"kind": "praise", "unit_id": p.targets[7], "reason": "窗口服务规范，群众满意"}),
    ] {
        app.post("/api/v1/actions", body).await.expect(201);
    }
    let b = app
        .post(
            "/api/v1/inspection-bulletins",
            json!({"period_from": "2026-03-01", "period_to": "2026-03-31", "issuer": "区作风办", "note": "现将三月督查情况通报如下。"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!((b["year"].as_i64(), b["number"].as_i64()), (Some(2026), Some(1)));
    let x = &b["figures"];
    // Recount from the rounds and findings the API lists.
    let rounds: Vec<Value> = app.all("/api/v1/rounds").await;
    let visits: usize = rounds
        .iter()
        .map(|r| r["groups"].as_array().unwrap().iter().map(|g| ids(&g["targets"]).len()).sum::<usize>())
        .sum();
    let mut inspectors: Vec<String> = rounds
        .iter()
        .flat_map(|r| r["groups"].as_array().unwrap().iter().flat_map(|g| ids(&g["inspectors"])))
        .collect();
    inspectors.sort();
    inspectors.dedup();
    let mut findings = Vec::new();
    for r in &rounds {
        findings.extend(app.all_owned(format!("/api/v1/rounds/{}/findings", r["id"].as_str().unwrap())).await);
    }
    assert_eq!(x["rounds"], rounds.len());
    assert_eq!(x["groups"], 2);
    assert_eq!(x["unit_visits"], visits);
    assert_eq!(x["inspectors"], inspectors.len());
    assert_eq!(x["problems_found"], findings.len());
    assert_eq!(x["problems_found"], 3);
    assert_eq!(x["by_aspect"], json!([{"name": "工作纪律", "count": 2}, {"name": "服务态度", "count": 1}]));
    assert_eq!(x["by_type"].as_array().unwrap().len(), 2);
    assert_eq!((x["units_named"].as_i64(), x["people_sanctioned"].as_i64()), (Some(1), Some(1)));
    assert_eq!((x["praise"].as_i64(), x["bulletins_issued"].as_i64()), (Some(1), Some(1)));
    assert_eq!(
        b["units"].as_array().unwrap().iter().map(|u| u["findings"].as_array().unwrap().len()).sum::<usize>(),
        3
    );
    assert_eq!(b["actions"].as_array().unwrap().len(), 3);
    assert_eq!(b["praise"][0]["unit_name"], "区医保局");

    // Published means frozen: later findings and actions change the next bulletin, not this one.
    let id = b["id"].as_str().unwrap();
    app.post("/api/v1/actions", json!({"kind": "named_criticism", "unit_id": found_units[1], "reason": "又一次"}))
        .await
        .expect(201);
    assert_eq!(app.get(&format!("/api/v1/inspection-bulletins/{id}")).await.ok(), b);
    let second = app
        .post(
            "/api/v1/inspection-bulletins",
            json!({"period_from": "2026-03-01", "period_to": "2026-03-31", "issuer": "区作风办"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(second["number"], 2, "numbered per issuer");
    assert_eq!(second["figures"]["bulletins_issued"], 2);
    assert_eq!(second["figures"]["units_named"], 2);
    // The printable page says the same.
    let html =
        app.admin.get(app.url(&format!("/app/inspection-bulletins/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("2026年第1期") && html.contains("区作风办") && html.contains("现将三月督查情况通报如下"),
        "{html}"
    );
    assert!(html.contains("发现2个方面2个类型的问题3个"), "the summary sentence carries the figures");
    // Bad input names the field; a round still running cannot be bulletined.
    let r = app
        .post("/api/v1/inspection-bulletins", json!({"period_from": "2026-03-31", "period_to": "2026-03-01"}))
        .await
        .expect(422);
    assert_eq!(r.fields(), ["period_to"]);
    // A plan that allows recent pairs: after two rounds of six inspectors, a third draw that
    // avoids them is impossible for some seeds.
    let mut body = plan_body(&p, false);
    body["no_repeat_rounds"] = json!(0);
    let other = app.post("/api/v1/inspection-plans", body).await.expect(201).id();
    let running = app.post(&format!("/api/v1/inspection-plans/{other}/rounds"), json!({})).await.expect(201).id();
    app.post(&format!("/api/v1/rounds/{running}/draw"), json!({})).await.expect(200);
    let body = json!({"period_from": "2026-03-01", "period_to": "2026-03-31", "round_id": running});
    let r = app.post("/api/v1/inspection-bulletins", body).await.expect(409);
    assert_eq!(r.body["detail"], "cannot report on a round that is Drawn");
}

/// The plan form on `/app/inspections`: a refused form keeps what was typed and names the field;
/// a good one makes the plan, whose round is then committed and drawn from the round's page.
async fn the_office_plans_and_draws_from_the_pages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let p = pools(&app).await;
    let html = app.admin.get(app.url("/app/inspections")).send().await.unwrap().text().await.unwrap();
    let csrf = common::hidden(&html, "_csrf");
    let mut fields: Vec<(&str, String)> = vec![
        ("_csrf", csrf.clone()),
        ("name", "公车停放日巡查".into()),
        ("rhythm", "daily".into()),
        ("theme", "公车停放".into()),
        ("checklist", "公车是否入库停放\n节假日公车是否封存\n".into()),
        ("starts_on", "2026-03-01".into()),
        ("ends_on", "2026-03-31".into()),
        ("groups", "2".into()),
        ("inspectors_per_group", "1".into()),
        ("targets_per_group", "2".into()),
        ("covert", "true".into()),
        ("under_unit_id", p.district.clone()),
    ];
    fields.extend(p.inspectors.iter().map(|i| ("inspector_ids", i.0.clone())));
    let post = |f: Vec<(&'static str, String)>| {
        let c = app.admin.clone();
        let url = app.url("/app/inspection-plans");
        async move { c.post(url).form(&f).send().await.unwrap() }
    };
    let refused = post(fields.clone()).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"err-inspectors_per_group\""), "the error sits by its field");
    assert!(html.contains("公车停放日巡查"), "what was typed is kept");
    let title = html.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap();
    assert!(!title.contains('<'), "the page title is text only: {title}");
    assert_eq!(html.matches("class=\"error-summary\"").count(), 1, "only the refused form shows the summary");
    assert_eq!(app.count_rows("inspection_plans").await, 0);
    for f in fields.iter_mut() {
        if f.0 == "inspectors_per_group" {
            f.1 = "2".into();
        }
    }
    let made = post(fields).await;
    assert_eq!(made.status(), 200, "followed to the list");
    let plans = app.all("/api/v1/inspection-plans").await;
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0]["checklist"], json!(["公车是否入库停放", "节假日公车是否封存"]));
    assert_eq!((plans[0]["covert"].clone(), plans[0]["rhythm"].clone()), (json!(true), json!("daily")));
    assert_eq!(ids(&plans[0]["inspector_ids"]).len(), 6);
    assert_eq!(ids(&plans[0]["target_unit_ids"]).len(), 9, "every unit under the district");
    let plan = plans[0]["id"].as_str().unwrap();
    let commit = app
        .admin
        .post(app.url(&format!("/app/inspection-plans/{plan}/rounds")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let round_url = commit.url().to_string();
    assert!(round_url.contains("/app/rounds/"), "{round_url}");
    let html = commit.text().await.unwrap();
    assert!(html.contains("id=\"commitment\""));
    let rid = round_url.split("/app/rounds/").nth(1).unwrap().split('?').next().unwrap().to_owned();
    let drawn =
        app.admin.post(app.url(&format!("/app/rounds/{rid}/draw"))).form(&[("_csrf", csrf.as_str())]).text_of().await;
    assert!(drawn.contains("id=\"groups\""));
    assert!(!drawn.contains("区财政局"), "a covert round's units are not on the office's page");
}

/// China time 10:00 on `day` (2026), as the test clock takes it.
fn at_ten(m: u32, d: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(2026, m, d, 2, 0, 0).unwrap()
}

fn period(from: &str, to: &str) -> Value {
    json!({"from": from, "to": to})
}

/// A weekly plan over March 2026: a round in week one, none in week two, one in week three. On
/// the Monday of week four the second week shows as missed, on the API (plan and list alike),
/// on the list page and on the plan's page; a round typed up later for the missed week does not
/// fill it.
async fn a_weekly_plan_shows_the_week_it_missed_and_the_next_due(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let p = pools(&app).await;
    let plan = app.post("/api/v1/inspection-plans", plan_body(&p, false)).await.expect(201).body;
    let id = plan["id"].as_str().unwrap().to_owned();
    // Monday 2 March: the first week is due by its Sunday; 1 March (a lone Sunday) is no week.
    assert_eq!(plan["periods"], 5);
    assert_eq!(plan["current_period"], period("2026-03-02", "2026-03-08"));
    assert_eq!((plan["next_due_on"].clone(), plan["missed_count"].clone()), (json!("2026-03-08"), json!(0)));
    let commit = format!("/api/v1/inspection-plans/{id}/rounds");
    app.post(&commit, json!({})).await.expect(201);
    let now = app.get(&format!("/api/v1/inspection-plans/{id}")).await.ok();
    assert_eq!((now["rounds_done"].clone(), now["current_done"].clone()), (json!(1), json!(true)));
    assert_eq!(now["next_due"], period("2026-03-09", "2026-03-15"), "next week's round is next");

    // Week two passes without a round; Wednesday of week three has one.
    app.travel(at_ten(3, 18)).await;
    app.post(&commit, json!({})).await.expect(201);
    app.travel(at_ten(3, 23)).await;
    let inspector = signed_in(&app, &p.inspectors[0].1).await;
    for c in [&app.admin, &inspector] {
        let plan = app.send(c, Method::GET, &format!("/api/v1/inspection-plans/{id}"), None).await.ok();
        assert_eq!(plan["as_of"], "2026-03-23");
        assert_eq!(plan["missed"], json!([period("2026-03-09", "2026-03-15")]));
        assert_eq!((plan["missed_count"].clone(), plan["rounds_done"].clone()), (json!(1), json!(2)));
        assert_eq!(plan["current_period"], period("2026-03-23", "2026-03-29"));
        assert_eq!((plan["current_done"].clone(), plan["next_due_on"].clone()), (json!(false), json!("2026-03-29")));
    }
    let listed = app.all("/api/v1/inspection-plans").await;
    assert_eq!(listed[0], app.get(&format!("/api/v1/inspection-plans/{id}")).await.ok(), "the list carries it too");

    // Typed up today for the missed Wednesday: kept, but the week stays missed.
    app.post(&commit, json!({"scheduled_on": "2026-03-11"})).await.expect(201);
    let plan = app.get(&format!("/api/v1/inspection-plans/{id}")).await.ok();
    assert_eq!((plan["missed_count"].clone(), plan["other_rounds"].clone()), (json!(1), json!(1)));

    // The list page: the rhythm, this week's due date, the missed round, a link to the list.
    let html = app.admin.get(app.url("/app/inspections")).text_of().await;
    let row = html.split(&format!("id=\"plan-{id}\"")).nth(1).unwrap().split("</tr>").next().unwrap();
    for text in
        ["周行动", "应于2026年3月29日前完成本周检查", "截至2026年3月23日已漏检1次", "全计划共5周，已发起检查2周"]
    {
        assert!(row.contains(text), "{text} in {row}");
    }
    assert!(row.contains(&format!("/app/inspection-plans/{id}#missed")));
    assert!(html.contains("table class=\"list cards\""), "a card per plan on a phone");
    let en = app.admin.get(app.url("/app/inspections?lang=en")).text_of().await;
    for text in ["Weekly", "This week&#x27;s round is due by 29 March 2026", "Rounds missed up to 23 March 2026: 1"] {
        assert!(en.contains(text), "{text} on the English page");
    }
    // The plan's page lists the missed weeks plainly; its words are Chinese only.
    let page = app.admin.get(app.url(&format!("/app/inspection-plans/{id}?lang=zh"))).text_of().await;
    let missed = page.split("id=\"missed\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(missed.contains("<li>2026年3月9日至2026年3月15日</li>"), "{missed}");
    assert_eq!(missed.matches("<li>").count(), 1);
    assert!(page.contains("本计划另有1轮不计入任何检查期"));
    let main = page.split("<main").nth(1).unwrap().split("</main>").next().unwrap();
    let words: String = main.split('<').map(|t| t.split_once('>').map_or("", |(_, text)| text)).collect();
    assert!(!words.chars().any(|c| c.is_ascii_alphabetic()), "English on a Chinese page: {words}");
    let page_en = app.admin.get(app.url(&format!("/app/inspection-plans/{id}?lang=en"))).text_of().await;
    assert!(page_en.contains("<li>9 March 2026 to 15 March 2026</li>"));
}

/// A daily plan from Thursday 12 to Saturday 28 February 2026 counts working days only: the
/// make-up Saturdays (调休) are days of the plan, the Spring Festival (15–23 February) and its
/// weekend are not.
async fn a_daily_plan_skips_weekends_and_holidays(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.travel(at_ten(2, 12)).await;
    let p = pools(&app).await;
    let mut body = plan_body(&p, false);
    body["rhythm"] = json!("daily");
    body["starts_on"] = json!("2026-02-12");
    body["ends_on"] = json!("2026-02-28");
    let id = app.post("/api/v1/inspection-plans", body).await.expect(201).id();
    app.post(&format!("/api/v1/inspection-plans/{id}/rounds"), json!({})).await.expect(201);
    let plan = app.get(&format!("/api/v1/inspection-plans/{id}")).await.ok();
    assert_eq!(plan["periods"], 8, "12, 13, 14 and 24–28 February");
    assert_eq!(plan["next_due_on"], "2026-02-13");

    // Saturday 21 February, in the holiday: no day of the plan; Friday 13 and the make-up
    // Saturday 14 went without a round; the next is due on Tuesday 24.
    app.travel(at_ten(2, 21)).await;
    let plan = app.get(&format!("/api/v1/inspection-plans/{id}")).await.ok();
    assert!(plan["current_period"].is_null());
    assert_eq!(plan["missed"], json!([period("2026-02-13", "2026-02-13"), period("2026-02-14", "2026-02-14")]));
    assert_eq!(plan["next_due_on"], "2026-02-24");
    let html = app.admin.get(app.url("/app/inspections")).text_of().await;
    assert!(html.contains("下次检查：2026年2月24日") && html.contains("截至2026年2月21日已漏检2次"), "{html}");
    let page = app.admin.get(app.url(&format!("/app/inspection-plans/{id}"))).text_of().await;
    assert!(page.contains("<li>2026年2月13日</li><li>2026年2月14日</li>"), "{page}");

    // Tuesday 24: today's round is due today.
    app.travel(at_ten(2, 24)).await;
    let html = app.admin.get(app.url("/app/inspections")).text_of().await;
    assert!(html.contains("应于今日（2026年2月24日）完成检查"), "{html}");
}

on_both!(
    a_round_is_drawn_verifiably_and_findings_become_problems,
    impossible_rules_are_refused_before_any_draw,
    covert_targets_reach_only_their_inspectors_until_the_end,
    reinspection_samples_closed_problems_and_a_failure_reopens,
    a_bulletin_counts_what_happened_and_then_never_changes,
    the_office_plans_and_draws_from_the_pages,
    a_weekly_plan_shows_the_week_it_missed_and_the_next_due,
    a_daily_plan_skips_weekends_and_holidays,
);
