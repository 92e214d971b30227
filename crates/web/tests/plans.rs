//! Personal rectification plans (个人整改计划书), on both databases: a cadre's plan lists exactly
//! the problems they are responsible for that the caller may see — the ledger list's own rows —
//! with root causes, measures and deadlines, owed work first, and counts that reconcile with the
//! rows; the page shows it with its scope and links to the DOCX and PDF, which print it (read
//! back by pdftotext and LibreOffice); the people list and a problem's page link to it.

mod common;

use common::{TestApp, TextOf};
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::{Client, Method};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// The problems of a plan or a list, by id, in order.
fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["problem_id"].as_str().or(i["id"].as_str()).unwrap().to_owned())
        .collect()
}

async fn plan(app: &TestApp, client: &Client, person: &str) -> Value {
    app.send(client, Method::GET, &format!("/api/v1/people/{person}/plan"), None).await.ok()
}

/// The ledger list filtered by the responsible person, as `client` sees it.
async fn listed(app: &TestApp, client: &Client, person: &str) -> BTreeSet<String> {
    let page =
        app.send(client, Method::GET, &format!("/api/v1/problems?responsible={person}&limit=500"), None).await.ok();
    ids(&page["items"]).into_iter().collect()
}

/// Every count is a count of the rows: by state, overdue (= red), measures.
#[track_caller]
fn assert_reconciles(plan: &Value) {
    let items = plan["items"].as_array().unwrap();
    let c = &plan["counts"];
    let count = |f: &dyn Fn(&Value) -> bool| items.iter().filter(|i| f(i)).count() as u64;
    assert_eq!(c["total"].as_u64().unwrap(), items.len() as u64);
    assert_eq!(c["closed"].as_u64().unwrap(), count(&|i| i["state"] == "closed"));
    assert_eq!(c["reported"].as_u64().unwrap(), count(&|i| i["state"] == "reported"));
    assert_eq!(c["unfinished"].as_u64().unwrap(), count(&|i| i["state"] == "open" || i["state"] == "in_progress"));
    assert_eq!(c["overdue"].as_u64().unwrap(), count(&|i| i["overdue"] == true));
    assert_eq!(c["overdue"].as_u64().unwrap(), count(&|i| i["light"] == "red"), "overdue is the red light");
    let measures: Vec<&Value> = items.iter().flat_map(|i| i["measures"].as_array().unwrap()).collect();
    assert_eq!(c["measures"].as_u64().unwrap(), measures.len() as u64);
    assert_eq!(c["measures_done"].as_u64().unwrap(), measures.iter().filter(|m| m["done"] == true).count() as u64);
}

struct Fixture {
    finance: String,
    education: String,
    person: String,
    /// p1 … p5 of the person (p7, archived, and another person's are not in the plan).
    p: Vec<String>,
}

/// 区财政局's 李明 is responsible for five live problems: three of his unit (one overdue, one
/// closed), two of 区教育局 (one published); an archived one and a colleague's are not his plan.
async fn fixture(app: &TestApp) -> Fixture {
    let finance = app.unit("区财政局", None).await;
    let education = app.unit("区教育局", None).await;
    let person = app
        .post("/api/v1/people", json!({"name": "李明", "unit_id": finance, "position": "预算科科长"}))
        .await
        .expect(201)
        .id();
    let colleague = app.post("/api/v1/people", json!({"name": "王芳", "unit_id": finance})).await.expect(201).id();
    let problem = |description: &str, unit: &str, extra: Value| {
        let mut body = json!({"description": description, "unit_id": unit, "responsible_person_id": person,
            "level": "individual"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let bodies = [
        problem(
            "预算审核中对基层单位的合理诉求回应不及时",
            &finance,
            json!({"deadline": "2026-03-31", "root_cause": "宗旨意识淡薄，服务基层的主动性不强",
                "measures": [
                    {"description": "建立预算单位诉求登记台账", "deadline": "2026-02-20", "done": true},
                    {"description": "实行首问负责和限时答复制度", "deadline": "2026-03-20"}]}),
        ),
        problem("部门预算资金下达迟缓", &finance, json!({"deadline": "2026-02-27", "root_cause": "统筹协调能力不足"})),
        problem("学习政策法规不系统", &finance, json!({"deadline": "2026-03-10"})),
        problem("对基层学校的指导以会代训", &education, json!({"deadline": "2026-03-04"})),
        problem("预算执行分析报告内容空泛", &education, json!({"type": "long_term", "published": true})),
    ];
    let mut p = Vec::new();
    for body in bodies {
        p.push(app.problem(body).await["id"].as_str().unwrap().to_owned());
    }
    app.close_off(&p[2]).await;
    let archived = app.problem(problem("已撤销的问题", &finance, json!({}))).await;
    let path = format!("/api/v1/problems/{}", archived["id"].as_str().unwrap());
    app.patch(&path, json!({"version": archived["version"], "archived": true})).await.ok();
    app.problem(json!({"description": "王芳的问题", "unit_id": finance, "responsible_person_id": colleague})).await;
    Fixture { finance, education, person, p }
}

async fn a_plan_lists_the_persons_visible_problems(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = fixture(&app).await;
    let p = &f.p;

    // The office sees all five: owed work by due date (undated last), then the closed one.
    let office = plan(&app, &app.admin, &f.person).await;
    assert_eq!(office["title"], "李明同志个人整改计划书");
    assert_eq!(office["scope"], "all");
    assert_eq!(office["as_of"], "2026-03-02");
    assert_eq!(office["person"]["unit_name"], "区财政局");
    assert_eq!(office["person"]["position"], "预算科科长");
    assert_eq!(ids(&office["items"]), [&p[1], &p[3], &p[0], &p[4], &p[2]].map(String::clone));
    assert_eq!(ids(&office["items"]).into_iter().collect::<BTreeSet<_>>(), listed(&app, &app.admin, &f.person).await);
    let c = &office["counts"];
    assert_eq!(
        [&c["total"], &c["unfinished"], &c["reported"], &c["closed"], &c["overdue"]],
        [&json!(5), &json!(4), &json!(0), &json!(1), &json!(1)]
    );
    assert_reconciles(&office);
    let p0 = &office["items"][2];
    assert_eq!(p0["root_cause"], "宗旨意识淡薄，服务基层的主动性不强");
    assert_eq!(p0["deadline"], "2026-03-31");
    assert_eq!(p0["due_on"], "2026-03-20", "the unfinished measure's deadline is earlier");
    assert_eq!(p0["measures"][0]["description"], "建立预算单位诉求登记台账");
    assert_eq!((&p0["measures"][0]["deadline"], &p0["measures"][0]["done"]), (&json!("2026-02-20"), &json!(true)));
    assert_eq!((&p0["measures"][1]["deadline"], &p0["measures"][1]["done"]), (&json!("2026-03-20"), &json!(false)));
    assert_eq!((&office["items"][0]["overdue"], &office["items"][0]["light"]), (&json!(true), &json!("red")));
    assert_eq!(office["items"][1]["unit_name"], "区教育局");

    // A clerk of 区财政局 sees their unit's and the published one; a clerk of 区教育局 none of
    // 区财政局's; an evaluator only what is published. Each plan is the list's own rows.
    let finance_clerk = app.user("finance-clerk", "unit_clerk", Some(&f.finance)).await;
    let education_clerk = app.user("education-clerk", "unit_clerk", Some(&f.education)).await;
    let evaluator = app.user("evaluator", "evaluator", None).await;
    for (client, expected, scope) in [
        (&finance_clerk, vec![p[1].clone(), p[0].clone(), p[4].clone(), p[2].clone()], "own_units"),
        (&education_clerk, vec![p[3].clone(), p[4].clone()], "own_units"),
        (&evaluator, vec![p[4].clone()], "published"),
    ] {
        let seen = plan(&app, client, &f.person).await;
        assert_eq!(ids(&seen["items"]), expected, "{scope}");
        assert_eq!(seen["scope"], scope);
        assert_eq!(ids(&seen["items"]).into_iter().collect::<BTreeSet<_>>(), listed(&app, client, &f.person).await);
        assert_reconciles(&seen);
    }
    let theirs = plan(&app, &education_clerk, &f.person).await;
    assert!(!theirs.to_string().contains("宗旨意识淡薄"), "nothing of 区财政局's unpublished problems");

    // An unknown person, a malformed id, a format that does not exist.
    app.get("/api/v1/people/999999/plan").await.expect(404);
    app.get("/api/v1/people/x/plan").await.expect(404);
    app.get("/api/v1/people/999999/plan/document?format=pdf").await.expect(404);
    let bad = app.get(&format!("/api/v1/people/{}/plan/document?format=doc", f.person)).await.expect(422);
    assert_eq!(bad.fields(), ["format"]);
    let anonymous = Client::new();
    app.send(&anonymous, Method::GET, &format!("/api/v1/people/{}/plan", f.person), None).await.expect(401);
}

async fn the_page_shows_the_plan_and_is_linked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = fixture(&app).await;
    let path = format!("/app/people/{}/plan", f.person);
    let resp = app.admin.get(app.url(&path)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("<h1 id=\"plan-title\">李明同志个人整改计划书</h1>"), "{html}");
    for text in
        ["预算审核中对基层单位的合理诉求回应不及时", "宗旨意识淡薄，服务基层的主动性不强", "实行首问负责和限时答复制度"]
    {
        assert!(html.contains(text), "{text} on the page");
    }
    assert!(html.contains("data-scope=\"all\""));
    assert!(html.contains("台账中该同志负责整改的全部问题，数据截至2026年3月2日"), "the figures say their scope");
    assert!(
        html.contains(&format!("<a data-figure=\"total\" href=\"/app/problems?responsible={}\">5</a>", f.person)),
        "{html}"
    );
    assert!(html.contains("data-figure=\"overdue\"") && html.contains("data-overdue=\"true\""));
    for format in ["docx", "pdf"] {
        let link = format!("/api/v1/people/{}/plan/document?format={format}", f.person);
        assert!(html.contains(&link), "a link to the {format}");
    }
    assert!(html.contains("class=\"list cards\""), "the rows become cards on a phone");
    assert!(html.contains("data-label=\"原因分析\""));
    // Reached from the people list and from the problem's responsible person.
    let people = app.admin.get(app.url("/app/admin/people")).text_of().await;
    assert!(people.contains(&format!("href=\"{path}\"")), "the people list links the plan");
    let problem = app.admin.get(app.url(&format!("/app/problems/{}", f.p[0]))).text_of().await;
    assert!(problem.contains(&format!("href=\"{path}\"")), "the problem page links its responsible person's plan");
    assert!(problem.contains("李明（预算科科长）"));
    // A clerk of 区教育局 sees only what the ledger shows them, and is told so.
    let clerk = app.user("education-clerk", "unit_clerk", Some(&f.education)).await;
    let theirs = clerk.get(app.url(&path)).text_of().await;
    assert!(theirs.contains("对基层学校的指导以会代训") && !theirs.contains("预算审核中对基层单位"));
    assert!(theirs.contains("仅包括您有权查看的问题"));
    // English: the chrome in English, the name marked as Chinese.
    let en = app.admin.get(app.url(&format!("{path}?lang=en"))).text_of().await;
    assert!(en.contains("Personal rectification plan · <span lang=\"zh-CN\">李明</span>"), "{en}");
    for header in en.split("<th scope=\"col\">").skip(1) {
        let label = header.split('<').next().unwrap();
        assert!(!label.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "English header {label}");
    }
    let missing = app.admin.get(app.url("/app/people/999999/plan")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

/// The text of a PDF (`pdftotext`), without whitespace, so text broken over lines reads whole.
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().chars().filter(|c| !c.is_whitespace()).collect()
}

async fn the_documents_print_the_plan(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = fixture(&app).await;
    let dir = tempfile::tempdir().unwrap();
    for format in ["pdf", "docx"] {
        let resp = app
            .admin
            .get(app.url(&format!("/api/v1/people/{}/plan/document?format={format}", f.person)))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{format}");
        let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_owned();
        // 李明同志个人整改计划书-2026-03-02, percent-encoded.
        assert!(disposition.contains("%E6%9D%8E%E6%98%8E") && disposition.ends_with(&format!("-2026-03-02.{format}")));
        let bytes = resp.bytes().await.unwrap();
        let pdf = dir.path().join("plan.pdf");
        if format == "pdf" {
            std::fs::write(&pdf, &bytes).unwrap();
        } else {
            // Opened by LibreOffice, as an office's PC would.
            let docx = dir.path().join("plan.docx");
            std::fs::write(&docx, &bytes).unwrap();
            let profile = format!("-env:UserInstallation=file://{}", dir.path().join("lo-profile").display());
            let out = Command::new("libreoffice")
                .args(["--headless", &profile, "--convert-to", "pdf", "--outdir"])
                .arg(dir.path())
                .arg(&docx)
                .output()
                .expect("libreoffice runs");
            assert!(out.status.success(), "libreoffice: {}", String::from_utf8_lossy(&out.stderr));
        }
        let text = pdf_text(&pdf);
        for expected in [
            "李明同志个人整改计划书",
            "截至2026年3月2日，李明同志负责整改的问题共5个，已销号1个，正在整改4个，其中逾期1个。",
            "一、存在的问题",
            "二、原因分析",
            "三、整改措施",
            "四、整改时限",
            "（三）预算审核中对基层单位的合理诉求回应不及时。",
            "宗旨意识淡薄，服务基层的主动性不强。",
            "1.建立预算单位诉求登记台账（2026年2月20日前完成，已完成）",
            "对基层学校的指导以会代训（责任单位：区教育局）",
        ] {
            assert!(text.contains(expected), "{format}: {expected} missing from\n{text}");
        }
        std::fs::remove_file(&pdf).unwrap();
    }
}

on_both!(
    a_plan_lists_the_persons_visible_problems,
    the_page_shows_the_plan_and_is_linked,
    the_documents_print_the_plan
);
