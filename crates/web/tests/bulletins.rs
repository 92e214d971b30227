//! Bulletins (简报) of a campaign, on both databases: a draft previews the ledger's figures of
//! the moment; a published issue is numbered per campaign, frozen, public, and its DOCX — opened
//! by LibreOffice — and PDF say exactly the figures the API gave at that moment.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

/// The text of a PDF, laid out by lines (`pdftotext -layout`).
fn pdf_text(pdf: &Path) -> String {
    let out =
        Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 text")
}

/// A DOCX converted to PDF by LibreOffice, as a citizen's office PC would open it.
fn docx_text(dir: &Path, docx: &[u8]) -> String {
    let file = dir.join("bulletin.docx");
    std::fs::write(&file, docx).unwrap();
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display());
    let out = Command::new("libreoffice")
        .args(["--headless", &profile, "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(&file)
        .output()
        .expect("libreoffice runs");
    assert!(out.status.success(), "libreoffice: {}", String::from_utf8_lossy(&out.stderr));
    pdf_text(&dir.join("bulletin.pdf"))
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn percent(rate: &Value) -> String {
    format!("{:.2}%", rate.as_f64().unwrap() * 100.0)
}

/// Every figure of the API's stats, found in the document: the overall sentence's numbers and
/// each unit's row (name, then its counts and rates in order, on one line).
fn assert_figures(text: &str, stats: &Value, summary: &str, what: &str) {
    assert!(
        squeeze(text).contains(&squeeze(summary)),
        "{what}: the summary sentence is printed:\n{summary}\n---\n{text}"
    );
    for n in ["total", "closed", "verified", "reported"] {
        let needle = format!("{}个", stats[n]);
        assert!(summary.contains(&needle) || stats[n] == 0, "{what}: {n} = {} in {summary}", stats[n]);
    }
    assert!(summary.contains(&percent(&stats["rate"])), "{what}: rate in {summary}");
    for g in stats["groups"].as_array().unwrap() {
        let name = g["name"].as_str().unwrap();
        let unfinished = g["open"].as_u64().unwrap() + g["in_progress"].as_u64().unwrap();
        let on_time = if g["settled"] == 0 { "—".to_owned() } else { percent(&g["on_time_rate"]) };
        let expected = [
            name.to_owned(),
            g["total"].to_string(),
            g["closed"].to_string(),
            g["verified"].to_string(),
            g["reported"].to_string(),
            unfinished.to_string(),
            g["red"].to_string(),
            percent(&g["rate"]),
            on_time,
        ];
        // The unit is named in charts and lists too; its table row holds its figures in order.
        let row = text.lines().find(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            cells.windows(expected.len()).any(|w| w == expected)
        });
        assert!(row.is_some(), "{what}: no row {expected:?} in\n{text}");
    }
}

async fn issues_are_numbered_frozen_and_say_the_apis_figures(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.put("/api/v1/settings", json!({"ranking_min_items": 3, "office_name": "金东区群教办"})).await.ok();
    let district = app.unit("金东区", None).await;
    let units = [
        app.unit("区交通局", Some(&district)).await,
        app.unit("区水务局", Some(&district)).await,
        app.unit("区科技局", Some(&district)).await,
    ];
    let small = app.unit("区农林局", Some(&district)).await;
    let camp = app
        .post("/api/v1/campaigns", json!({"name": "群众路线教育实践活动", "starts_on": "2026-01-01"}))
        .await
        .expect(201)
        .id();
    let batch = app.post("/api/v1/batches", json!({"campaign_id": camp, "name": "第一批立改"})).await.expect(201).id();
    let mut ids = Vec::new();
    // Today is Monday 2 March 2026: deadlines before it are overdue unless closed.
    for i in 0..12usize {
        let deadline = ["2026-02-20", "2026-03-20", "2026-02-27"][i % 3];
        let category = ["奢靡之风", "形式主义"][i % 2];
        let body = json!({"description": format!("立改事项{i}：开会使用一次性纸杯"), "unit_id": units[i % 3],
            "campaign_id": camp, "batch_id": batch, "deadline": deadline, "category": category});
        ids.push(app.problem(body).await["id"].as_str().unwrap().to_owned());
    }
    ids.push(
        app.problem(json!({"description": "农友书屋", "unit_id": small, "campaign_id": camp, "batch_id": batch})).await
            ["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    for id in ids.iter().step_by(3) {
        app.close_off(id).await;
    }
    app.post(&format!("/api/v1/problems/{}/transitions", ids[1]), json!({"action": "start"})).await.ok();

    let draft = app
        .post("/api/v1/bulletins", json!({"campaign_id": camp, "batch_id": batch, "headline": "各单位坚持问题导向立查立改",
            "editor_note": "自教育实践活动开展以来，我区建立“立改清单”制度。", "selected": [{"problem_id": ids[0], "comment": "一步整改到位。"}]}))
        .await
        .expect(201)
        .body;
    let bid = draft["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (draft["status"].as_str(), draft["number"].as_u64(), draft["issuer"].as_str()),
        (Some("draft"), None, Some("金东区群教办"))
    );

    // The preview counts what the stats count, with the same filter.
    let stats = app.get(&format!("/api/v1/stats/problems?group_by=unit&campaign={camp}&batch={batch}")).await.ok();
    let preview = app.get(&format!("/api/v1/bulletins/{bid}/content")).await.ok();
    for f in ["total", "closed", "verified", "reported", "red", "settled", "on_time", "rebounded"] {
        assert_eq!(preview["figures"][f], stats[f], "{f}");
    }
    // A 立改清单 batch ranks by its own quota (two items a unit) when that is below the setting.
    assert_eq!(preview["ranking"]["min_items"], 2);
    let unranked: Vec<&str> =
        preview["ranking"]["unranked"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(unranked, ["区农林局"], "a unit with one item is not ranked");
    assert!(preview["summary"].as_str().unwrap().contains("13个第一批立改项目"), "{}", preview["summary"]);
    assert_eq!(preview["overdue"].as_array().unwrap().len() as u64, stats["red"].as_u64().unwrap());

    // Drafts are the office's; the public sees nothing yet.
    let anonymous = reqwest::Client::new();
    let r = app.send(&anonymous, reqwest::Method::GET, &format!("/api/v1/bulletins/{bid}"), None).await;
    assert_eq!(r.status, 404);
    let clerk = app.user("clerk", "unit_clerk", Some(&units[0])).await;
    assert_eq!(
        app.send(&clerk, reqwest::Method::GET, &format!("/api/v1/bulletins/{bid}/content"), None).await.status,
        404
    );

    // Published: 第1期, its figures those of this moment.
    let published = app.post(&format!("/api/v1/bulletins/{bid}/publish"), json!({})).await.ok();
    assert_eq!((published["status"].as_str(), published["number"].as_u64()), (Some("published"), Some(1)));
    let frozen = published["content"].clone();
    assert_eq!(frozen["figures"]["closed"], stats["closed"]);
    let summary = frozen["summary"].as_str().unwrap().to_owned();
    // Published once: a second publish is refused, naming the bulletin, its state and the step.
    let path = format!("/api/v1/bulletins/{bid}/publish");
    let again = app.post(&path, json!({})).await.expect(409);
    assert_eq!(again.body["detail"], "cannot publish a bulletin that is Published");
    let zh = app.admin.post(app.url(&path)).header("accept-language", "zh-CN").json(&json!({})).send().await.unwrap();
    let zh = TestApp::reply(zh).await.expect(409);
    assert_eq!(zh.body["detail"], "该简报当前为「已发布」，不能「发布」");

    // The DOCX, opened by LibreOffice, and the PDF say the API's figures.
    let dir = tempfile::tempdir().unwrap();
    let docx = anonymous.get(app.url(&format!("/api/v1/bulletins/{bid}/document?format=docx"))).send().await.unwrap();
    assert_eq!(docx.status(), 200, "the public downloads a published issue");
    let text = docx_text(dir.path(), &docx.bytes().await.unwrap());
    let flat = squeeze(&text);
    assert!(flat.contains("简报") && flat.contains("第1期") && flat.contains("金东区群教办"), "masthead:\n{text}");
    assert_figures(&text, &stats, &summary, "docx");
    let pdf = anonymous.get(app.url(&format!("/api/v1/bulletins/{bid}/document?format=pdf"))).send().await.unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    std::fs::write(dir.path().join("direct.pdf"), pdf.bytes().await.unwrap()).unwrap();
    let text = pdf_text(&dir.path().join("direct.pdf"));
    assert_figures(&text, &stats, &summary, "pdf");

    // Later work changes the ledger, not the published issue.
    app.close_off(&ids[2]).await;
    let again = app.get(&format!("/api/v1/bulletins/{bid}")).await.ok();
    assert_eq!(again["content"], frozen, "a published issue is frozen");
    assert_eq!(
        app.patch(&format!("/api/v1/bulletins/{bid}"), json!({"version": again["version"], "headline": "改"}))
            .await
            .status,
        409
    );
    let later = app.get(&format!("/api/v1/stats/problems?group_by=unit&campaign={camp}&batch={batch}")).await.ok();
    assert_eq!(later["closed"].as_u64(), Some(stats["closed"].as_u64().unwrap() + 1));

    // The next issue is 第2期 with the new figures; the public lists both, newest first.
    let second = app.post("/api/v1/bulletins", json!({"campaign_id": camp, "batch_id": batch})).await.expect(201).id();
    let second = app.post(&format!("/api/v1/bulletins/{second}/publish"), json!({})).await.ok();
    assert_eq!(second["number"], 2);
    assert_eq!(second["content"]["figures"]["closed"], later["closed"]);
    let listed = app.send(&anonymous, reqwest::Method::GET, "/api/v1/bulletins", None).await.ok();
    let numbers: Vec<u64> = listed["items"].as_array().unwrap().iter().map(|b| b["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [2, 1]);

    // An office that printed issues on paper continues their count, never going back.
    let third = app.post("/api/v1/bulletins", json!({"campaign_id": camp})).await.expect(201).id();
    let r = app.post(&format!("/api/v1/bulletins/{third}/publish?number=2"), json!({})).await.expect(422);
    assert_eq!(r.fields(), ["number"]);
    let r = app.post(&format!("/api/v1/bulletins/{third}/publish?number=8"), json!({})).await.ok();
    assert_eq!(r["number"], 8);
}

async fn drafts_are_checked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let r = app.post("/api/v1/bulletins", json!({"selected": [{}], "colour": "red"})).await;
    assert_eq!(r.status, 422);
    let r = app.post("/api/v1/bulletins", json!({"selected": [{}]})).await.expect(422);
    assert_eq!(r.fields(), ["campaign_id", "selected[0].problem_id"]);
    let camp = app.post("/api/v1/campaigns", json!({"name": "活动", "starts_on": "2026-01-01"})).await.expect(201).id();
    let r = app
        .post("/api/v1/bulletins", json!({"campaign_id": camp, "selected": [{"problem_id": "999"}]}))
        .await
        .expect(422);
    assert_eq!(r.fields(), ["selected[0].problem_id"]);
    assert_eq!(app.count_rows("bulletins").await, 0, "nothing written");
    let other =
        app.post("/api/v1/campaigns", json!({"name": "另一活动", "starts_on": "2026-01-01"})).await.expect(201).id();
    let batch = app.post("/api/v1/batches", json!({"campaign_id": other, "name": "第一批"})).await.expect(201).id();
    let r = app.post("/api/v1/bulletins", json!({"campaign_id": camp, "batch_id": batch})).await.expect(422);
    assert_eq!(r.fields(), ["batch_id"]);
    assert_eq!(app.get("/api/v1/bulletins/1/document?format=odt").await.expect(422).fields(), ["format"]);
}

/// A page's HTML as the admin sees it.
async fn page(app: &TestApp, path: &str) -> String {
    let r = app.admin.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

async fn items_are_chosen_from_the_ledger_not_typed_as_numbers(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区教育局", None).await;
    let camp =
        app.post("/api/v1/campaigns", json!({"name": "作风建设", "starts_on": "2026-01-01"})).await.expect(201).id();
    let other =
        app.post("/api/v1/campaigns", json!({"name": "另一活动", "starts_on": "2026-01-01"})).await.expect(201).id();
    app.post("/api/v1/batches", json!({"campaign_id": other, "name": "别的批次"})).await.expect(201);
    let mut ids = Vec::new();
    for text in ["搅拌站夜间施工噪音扰民", "窗口人员态度生硬"] {
        let p = app.problem(json!({"description": text, "unit_id": unit, "campaign_id": camp})).await;
        ids.push(p["id"].as_str().unwrap().to_owned());
    }
    let draft = app.post("/api/v1/bulletins", json!({"campaign_id": camp})).await.expect(201).id();

    // The new-draft form offers no batch of another campaign.
    assert!(!page(&app, "/app/bulletins").await.contains("别的批次"));

    // The composer's search finds the problem by its words; one click chooses it.
    let html = page(&app, &format!("/app/bulletins/{draft}?find=噪音")).await;
    assert!(html.contains("搅拌站夜间施工噪音扰民") && !html.contains("窗口人员态度生硬"), "{html}");
    let token = common::hidden(&html, "_csrf");
    let r = app
        .admin
        .post(app.url(&format!("/app/bulletins/{draft}/items")))
        .form(&[("kind", "problem"), ("item_id", ids[0].as_str()), ("_csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("已选入简报草稿。"));

    // "选入简报" on the problem page, with the editor's words.
    let html = page(&app, &format!("/app/problems/{}", ids[1])).await;
    assert!(html.contains("data-action=\"choose-for-bulletin\""));
    let r = app
        .admin
        .post(app.url(&format!("/app/problems/{}/bulletin", ids[1])))
        .form(&[("bulletin_id", draft.as_str()), ("comment", "一次告知到位。"), ("_csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!((r.url().path().to_owned(), r.status().as_u16()), (format!("/app/problems/{}", ids[1]), 200));
    let b = app.get(&format!("/api/v1/bulletins/{draft}")).await.ok();
    let chosen: Vec<(&str, Option<&str>)> = b["composition"]["selected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["problem_id"].as_str().unwrap(), s["comment"].as_str()))
        .collect();
    assert_eq!(chosen, [(ids[0].as_str(), None), (ids[1].as_str(), Some("一次告知到位。"))]);

    // Chosen twice is refused by name, and nothing changes.
    let r = app
        .admin
        .post(app.url(&format!("/app/problems/{}/bulletin", ids[1])))
        .form(&[("bulletin_id", draft.as_str()), ("_csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let after = app.get(&format!("/api/v1/bulletins/{draft}")).await.ok();
    assert_eq!(after["composition"]["selected"].as_array().unwrap().len(), 2);
}

on_both!(
    issues_are_numbered_frozen_and_say_the_apis_figures,
    drafts_are_checked,
    items_are_chosen_from_the_ledger_not_typed_as_numbers
);
