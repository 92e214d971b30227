//! Figures reconcile with the ledger: every count of `/api/v1/stats/problems` equals a recount
//! of the rows from `/api/v1/problems`, for every grouping, with and without filters. The demo
//! data reproduces the seeds' figures.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Every count of `LedgerTally`, recounted here from the rows with the definitions written out
/// again (independently of the domain code).
#[derive(Default, Debug, PartialEq)]
struct Count {
    total: u64,
    open: u64,
    in_progress: u64,
    reported: u64,
    closed: u64,
    verified: u64,
    reviewed: u64,
    red: u64,
    yellow: u64,
    green: u64,
    settled: u64,
    on_time: u64,
    rebounded: u64,
}

const FIELDS: [&str; 13] = [
    "total",
    "open",
    "in_progress",
    "reported",
    "closed",
    "verified",
    "reviewed",
    "red",
    "yellow",
    "green",
    "settled",
    "on_time",
    "rebounded",
];

impl Count {
    fn fields(&mut self) -> [&mut u64; 13] {
        [
            &mut self.total,
            &mut self.open,
            &mut self.in_progress,
            &mut self.reported,
            &mut self.closed,
            &mut self.verified,
            &mut self.reviewed,
            &mut self.red,
            &mut self.yellow,
            &mut self.green,
            &mut self.settled,
            &mut self.on_time,
            &mut self.rebounded,
        ]
    }
}

fn recount(items: &[Value], key: &str) -> BTreeMap<Option<String>, Count> {
    let mut out: BTreeMap<Option<String>, Count> = BTreeMap::new();
    for p in items {
        let k = p[key].as_str().map(str::to_owned);
        let c = out.entry(k).or_default();
        c.total += 1;
        let state = p["state"].as_str().unwrap();
        match state {
            "open" => c.open += 1,
            "in_progress" => c.in_progress += 1,
            "reported" => c.reported += 1,
            _ => c.closed += 1,
        }
        let red = p["light"] == "red";
        match p["light"].as_str() {
            Some("red") => c.red += 1,
            Some("yellow") => c.yellow += 1,
            _ => c.green += 1,
        }
        if state == "closed" {
            c.verified += u64::from(p["close_basis"] == "verified");
            c.reviewed += u64::from(p["close_basis"] == "reviewed");
            let (deadline, done) = (p["deadline"].as_str(), p["done_on"].as_str());
            match (deadline, done) {
                (None, _) => {
                    c.settled += 1;
                    c.on_time += 1;
                }
                (Some(d), Some(f)) => {
                    c.settled += 1;
                    c.on_time += u64::from(f <= d);
                }
                (Some(_), None) => {}
            }
        }
        c.settled += u64::from(red);
        c.rebounded += u64::from(p["reopen_count"].as_i64().unwrap() > 0);
    }
    out
}

fn from_stats(stats: &Value) -> BTreeMap<Option<String>, Count> {
    stats["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let mut c = Count::default();
            for (f, slot) in FIELDS.iter().zip(c.fields()) {
                *slot = g[*f].as_u64().unwrap_or_else(|| panic!("{f} in {g}"));
            }
            (g["key"].as_str().map(str::to_owned), c)
        })
        .collect()
}

async fn stats_equal_a_recount(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let district = app.unit("区", None).await;
    let units = [
        app.unit("甲局", Some(&district)).await,
        app.unit("乙局", Some(&district)).await,
        app.unit("丙街道", Some(&district)).await,
    ];
    let camp = app.post("/api/v1/campaigns", json!({"name": "活动", "starts_on": "2026-01-01"})).await.expect(201).id();
    let batch = app.post("/api/v1/batches", json!({"campaign_id": camp, "name": "第一批"})).await.expect(201).id();
    let cats = ["形式主义", "官僚主义", "享乐主义"];
    let deadlines = ["2026-02-10", "2026-03-02", "2026-03-04", "2026-03-20", ""];
    let photo_needed = 6;
    for i in 0..30usize {
        let kind = ["immediate", "time_limited", "long_term"][i % 3];
        let mut body = json!({"description": format!("问题{i}"), "unit_id": units[i % 3], "category": cats[i % 3],
            "type": kind, "published": i % 2 == 0});
        if !deadlines[i % 5].is_empty() {
            body["deadline"] = json!(deadlines[i % 5]);
        }
        if i % 4 == 0 {
            body["campaign_id"] = json!(camp);
            body["batch_id"] = json!(batch);
        }
        let id = app.problem(body).await["id"].as_str().unwrap().to_owned();
        let t = format!("/api/v1/problems/{id}/transitions");
        if i % 3 != 0 {
            app.post(&t, json!({"action": "start"})).await.expect(200);
        }
        if i % 3 == 2 && i % 2 == 0 {
            app.post(&t, json!({"action": "report_done"})).await.expect(200);
            if i < photo_needed * 3 {
                let f = app.upload_png(&app.admin).await;
                app.post(&format!("/api/v1/problems/{id}/progress"), json!({"attachment_ids": [f]})).await.expect(201);
                app.post(&t, json!({"action": "verify"})).await.expect(200);
            }
        }
    }
    // One close-off comes back (反弹): reopened, fixed again and verified again.
    let closed_one = app.all("/api/v1/problems?state=closed").await[0]["id"].as_str().unwrap().to_owned();
    let t = format!("/api/v1/problems/{closed_one}/transitions");
    let reopened = app.post(&t, json!({"action": "reopen", "note": "回头看发现反弹"})).await.ok();
    if reopened["state"] == "open" {
        app.post(&t, json!({"action": "start"})).await.expect(200);
    }
    app.post(&t, json!({"action": "report_done"})).await.expect(200);
    app.post(&t, json!({"action": "verify"})).await.expect(200);
    let items = app.all("/api/v1/problems?limit=7").await;
    assert_eq!(items.len(), 30);
    assert!(items.iter().any(|p| p["reopen_count"] == 1 && p["state"] == "closed"));
    for (group_by, key) in [
        ("unit", "unit_id"),
        ("category", "category"),
        ("state", "state"),
        ("campaign", "campaign_id"),
        ("batch", "batch_id"),
        ("type", "type"),
    ] {
        let stats = app.get(&format!("/api/v1/stats/problems?group_by={group_by}")).await.ok();
        assert_eq!(from_stats(&stats), recount(&items, key), "group_by={group_by}");
        assert_eq!(stats["total"], 30);
        let closed = items.iter().filter(|p| p["state"] == "closed").count() as u64;
        assert_eq!(stats["closed"].as_u64(), Some(closed));
        let rate = (closed as f64 / 30.0 * 10_000.0).round() / 10_000.0;
        assert_eq!(stats["rate"].as_f64(), Some(rate));
        let sum = stats["red"].as_u64().unwrap() + stats["yellow"].as_u64().unwrap() + stats["green"].as_u64().unwrap();
        assert_eq!(sum, 30, "every problem has one light");
    }
    // With filters, the figure equals the list behind it.
    for q in [
        "published=true",
        "light=red",
        "category=官僚主义",
        &format!("unit={}", units[1]),
        "state=in_progress,reported",
    ] {
        let filtered = app.all(&format!("/api/v1/problems?{q}")).await;
        let stats = app.get(&format!("/api/v1/stats/problems?group_by=category&{q}")).await.ok();
        assert_eq!(from_stats(&stats), recount(&filtered, "category"), "{q}");
    }
    // Units with their sub-units: the district's group adds up its three units.
    let rolled = app.get("/api/v1/stats/problems?group_by=unit&include_sub_units=true").await.ok();
    assert_eq!(rolled["groups"].as_array().unwrap().len(), 1);
    assert_eq!(rolled["groups"][0]["key"].as_str(), Some(district.as_str()));
    assert_eq!(rolled["groups"][0]["total"], 30);
    let children =
        app.get(&format!("/api/v1/stats/problems?group_by=unit&include_sub_units=true&parent={district}")).await.ok();
    assert_eq!(children["groups"].as_array().unwrap().len(), 3);
    assert_eq!(app.get("/api/v1/stats/problems?group_by=colour").await.expect(422).fields(), ["group_by"]);
}

async fn demo_reproduces_the_seed_figures(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let summary = rectify_demo::load(&app.store).await.expect("demo loads");
    assert!(summary.problems > 400);
    assert!(
        matches!(rectify_demo::load(&app.store).await, Err(rectify_demo::DemoError::NotEmpty)),
        "only into an empty database"
    );
    // Seed 000: the first batch of 98 items, 80 fixed.
    let by_batch = app.get("/api/v1/stats/problems?group_by=batch").await.ok();
    let first = by_batch["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "第一批立改项目")
        .expect("first batch")
        .clone();
    assert_eq!((first["total"].as_u64(), first["closed"].as_u64()), (Some(98), Some(80)));
    // Its bulletin, 《简报》第8期, says so in the seed's words, from the ledger.
    let bulletins = app.all("/api/v1/bulletins").await;
    let eighth = bulletins.iter().find(|b| b["number"] == 8).expect("第8期");
    let content = app.get(&format!("/api/v1/bulletins/{}/content", eighth["id"].as_str().unwrap())).await.ok();
    let note = content["summary"].as_str().unwrap();
    assert!(note.contains("各单位上报的98个第一批立改项目中，已销号80个"), "{note}");
    assert_eq!(content["selected"].as_array().unwrap().len(), 7);
    let list = app.get(&format!("/api/v1/batches/{}/immediate-list", first["key"].as_str().unwrap())).await.ok();
    assert_eq!(list["units"].as_array().unwrap().len(), 49);
    assert!(list["units_owing"].as_array().unwrap().is_empty());
    // Seed 003: 300 units in 46 systems take part in 蔡甸区's campaign.
    let campaigns = app.all("/api/v1/campaigns").await;
    let caidian = campaigns.iter().find(|c| c["name"].as_str().unwrap().contains("蔡甸")).unwrap();
    let members: Vec<&str> = caidian["unit_ids"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
    assert_eq!(members.len(), 300);
    // Two of its stations asked for more time: one granted, one refused.
    let ledger =
        app.all_owned(format!("/api/v1/problems?campaign={}&limit=200", caidian["id"].as_str().unwrap())).await;
    let status = |s: &str| ledger.iter().filter(|p| p["extension"]["status"] == s).count();
    assert_eq!((status("granted"), status("refused")), (1, 1));
    assert!(ledger.iter().any(|p| p["extended_from"].is_string()), "the granted one keeps its old deadline");
    let units = app.all("/api/v1/units?limit=500").await;
    let systems: std::collections::BTreeSet<&str> = units
        .iter()
        .filter(|u| members.contains(&u["id"].as_str().unwrap()))
        .filter_map(|u| u["system"].as_str())
        .collect();
    assert_eq!(systems.len(), 46);
    // Seed 004: 8 streets and 45 departments with complaint phones; the rate near 61.59%.
    let anning = units.iter().find(|u| u["name"] == "安宁区").unwrap()["id"].as_str().unwrap().to_owned();
    let under: Vec<&Value> =
        units.iter().filter(|u| u["parent_id"].as_str() == Some(anning.as_str()) && u["kind"] != "office").collect();
    assert_eq!(under.iter().filter(|u| u["kind"] == "street").count(), 8);
    assert_eq!(under.iter().filter(|u| u["kind"] == "department").count(), 45);
    assert!(under.iter().all(|u| u["complaint_phone"].is_string() && u["mailbox"].is_string()));
    let camp = campaigns.iter().find(|c| c["name"].as_str().unwrap().contains("安宁")).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let stats = app.get(&format!("/api/v1/stats/problems?group_by=state&campaign={camp}")).await.ok();
    assert_eq!(stats["rate"], 0.6156);
    assert!(
        stats["red"].as_u64().unwrap() > 0 && stats["yellow"].as_u64().unwrap() > 0,
        "lights are meaningful: {stats}"
    );
    // Seed 001: 宁海县教育局 took 70 calls and 40 e-mails, accepted 24 reports, sent people out 37
    // times, and verified and dealt with 3 reports.
    assert_eq!(summary.cases, 110);
    let by_channel = app.get("/api/v1/stats/cases?group_by=channel").await.ok();
    let count = |stats: &Value, key: &str, field: &str| {
        stats["groups"].as_array().unwrap().iter().find(|g| g["key"] == key).map(|g| g[field].clone())
    };
    assert_eq!(count(&by_channel, "hotline", "received"), Some(json!(70)));
    assert_eq!(count(&by_channel, "email", "received"), Some(json!(40)));
    let by_type = app.get("/api/v1/stats/cases?group_by=type").await.ok();
    assert_eq!(count(&by_type, "report", "accepted"), Some(json!(24)));
    assert_eq!(by_type["assigned"], 37);
    let closed = app.all("/api/v1/cases?type=report&state=closed").await;
    let verified = closed.iter().filter(|c| c["answer"].as_str().is_some_and(|a| a.contains("属实"))).count();
    assert_eq!(verified, 3, "three reports found true and dealt with");
    // ... and the investigation records say it in the seed's own words.
    let inv = app.get("/api/v1/stats/investigations").await.ok();
    assert_eq!(inv["sentence"], "受理举报24件，派出调查工作人员37次，查实通报处理3人");
    // Seed 004's inspections: 3 groups of the 13 效能督查员 in 4 rounds of 作风纪律督查 found 38
    // problems; 2 rounds of 专项督查 visited 70-odd units (家次) and found problems at 24 units
    // in 8 aspects and 15 types. Every draw verifies.
    let rounds = app.all("/api/v1/rounds").await;
    let of = |name: &str| rounds.iter().filter(|r| r["plan_name"] == name).cloned().collect::<Vec<_>>();
    let (discipline, special) = (of("作风纪律督查"), of("作风建设年活动专项督查"));
    assert_eq!((discipline.len(), special.len()), (4, 2));
    let mut inspectors = std::collections::BTreeSet::new();
    let mut found = 0;
    for r in &discipline {
        assert_eq!(r["groups"].as_array().unwrap().len(), 3);
        for g in r["groups"].as_array().unwrap() {
            inspectors.extend(g["inspectors"].as_array().unwrap().iter().map(|i| i.to_string()));
        }
        found += app.all_owned(format!("/api/v1/rounds/{}/findings", r["id"].as_str().unwrap())).await.len();
        assert_eq!(
            app.get(&format!("/api/v1/rounds/{}/verify", r["id"].as_str().unwrap())).await.ok()["verified"],
            true
        );
    }
    assert_eq!((inspectors.len(), found), (13, 38), "all 13 went out over the four rounds");
    let visits: usize = special
        .iter()
        .map(|r| r["groups"].as_array().unwrap().iter().map(|g| g["targets"].as_array().unwrap().len()).sum::<usize>())
        .sum();
    assert_eq!(visits, 72);
    let mut units = std::collections::BTreeSet::new();
    let (mut aspects, mut types) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
    for r in &special {
        for f in app.all_owned(format!("/api/v1/rounds/{}/findings", r["id"].as_str().unwrap())).await {
            units.insert(f["unit_id"].to_string());
            aspects.insert(f["aspect"].to_string());
            types.insert(f["answers"][0]["item"].to_string());
        }
    }
    assert_eq!((units.len(), aspects.len(), types.len()), (24, 8, 15));
    let re = app.all("/api/v1/reinspections").await;
    let re = &re[0];
    assert_eq!(re["status"], "ended");
    assert_eq!(re["items"].as_array().unwrap().iter().filter(|i| i["outcome"] == "failed").count(), 1);
    assert_eq!(
        app.get(&format!("/api/v1/reinspections/{}/verify", re["id"].as_str().unwrap())).await.ok()["verified"],
        true
    );

    // The bulletins. 安宁区作风办: 5 issued; the 作风纪律督查 summary says 3 groups, 13
    // inspectors, 4 rounds, 38 problems, 5 bulletins, 6 positive examples; the special rounds'
    // bulletin 72 visits, 24 units in 8 aspects and 15 types, the 24 units named.
    let bulletins = app.all("/api/v1/inspection-bulletins").await;
    let of = |issuer: &str| {
        let mut v: Vec<Value> = bulletins.iter().filter(|b| b["issuer"] == issuer).cloned().collect();
        // In publication order (numbers start again each year).
        v.sort_by_key(|b| b["published_at"].as_str().map(str::to_owned));
        v
    };
    let anning = of("安宁区作风办");
    assert_eq!(anning.len(), 5);
    let x = &anning[4]["figures"];
    assert_eq!(
        [&x["groups"], &x["inspectors"], &x["rounds"], &x["problems_found"], &x["bulletins_issued"], &x["praise"]],
        [3, 13, 4, 38, 5, 6]
    );
    let y = &anning[3]["figures"];
    assert_eq!([&y["rounds"], &y["unit_visits"], &y["units_with_problems"], &y["units_named"]], [2, 72, 24, 24]);
    assert_eq!((y["by_aspect"].as_array().unwrap().len(), y["by_type"].as_array().unwrap().len()), (8, 15));
    // 金东区纪委 (seed 000): 4 bulletins, 14 units named, 18 people sanctioned, 13 actions (12 over,
    // this week's covert one still running).
    let jindong = of("金东区纪委");
    assert_eq!(jindong.len(), 4);
    let z = &jindong[3]["figures"];
    assert_eq!([&z["bulletins_issued"], &z["units_named"], &z["people_sanctioned"], &z["rounds"]], [4, 14, 18, 12]);
    let running: Vec<&Value> = rounds.iter().filter(|r| r["status"] == "drawn").collect();
    assert_eq!(running.len(), 1);
    assert_eq!(running[0]["targets_hidden"], true, "the office does not see where this week's covert round goes");
}

on_both!(stats_equal_a_recount, demo_reproduces_the_seed_figures);
