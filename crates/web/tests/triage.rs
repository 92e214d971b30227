//! Triage over HTTP, on both databases. 问题分类: the default taxonomy, an office's taxonomy file
//! coming in (all or nothing, a missing level or a reused code named by row and column), cases
//! filed at 受理 and 派单 and corrected later, the lists filtered by a category and everything
//! below it, a labelled message file filing its cases, the category in the export and on the
//! page. 答复质量: a reply checked before it is sent, a weak one held back on the page until the
//! replier sends it anyway, and the figures counting reply quality by unit.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::Client;
use serde_json::{Value, json};

async fn upload(app: &TestApp, kind: &str, name: &str, text: &str) -> common::Reply {
    let part = reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    let resp = app.admin.post(app.url(&format!("/api/v1/imports/{kind}"))).multipart(form).send().await.unwrap();
    TestApp::reply(resp).await
}

/// The message board's taxonomy layout: every row repeats its upper levels.
const TAXONOMY: &str = "一级分类,二级分类,三级分类\r\n\
    城乡建设,安全生产,事故处理\r\n\
    城乡建设,安全生产,安全隐患\r\n\
    城乡建设,城市建设和市政管理,其他\r\n\
    环境保护,环保举报,其他\r\n\
    交通运输,,\r\n";

fn keys(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|c| c["key"].as_str().unwrap().to_owned()).collect()
}

async fn case(app: &TestApp, content: &str) -> String {
    let body = json!({"content": content, "channel": "hotline", "type": "complaint"});
    app.post("/api/v1/cases", body).await.expect(201).id()
}

async fn fire(app: &TestApp, id: &str, body: Value) -> common::Reply {
    app.post(&format!("/api/v1/cases/{id}/transitions"), body).await
}

async fn a_taxonomy_file_comes_in_all_or_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let defaults = keys(&app.get("/api/v1/categories").await.ok());
    assert_eq!(defaults, ["城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游", "卫生计生"]);

    // A third level without its second, and a code on two paths: named by row and column.
    let bad = "分类编码,一级分类,二级分类,三级分类\r\nA1,城乡建设,安全生产,事故处理\r\nA2,城乡建设,,安全隐患\r\nA1,环境保护,环保举报,其他\r\n";
    let refused = upload(&app, "categories", "分类.csv", bad).await.expect(422);
    let mut fields = refused.fields();
    fields.sort();
    assert_eq!(fields, ["rows[3].二级分类", "rows[4].分类编码"], "{}", refused.body);
    assert_eq!(keys(&app.get("/api/v1/categories").await.ok()), defaults, "nothing written");

    let done = upload(&app, "categories", "分类.csv", TAXONOMY).await.ok();
    assert_eq!((done["applied"].as_bool(), done["rows"].as_u64()), (Some(true), Some(5)), "{done}");
    let all = app.get("/api/v1/categories").await.ok();
    let keys = keys(&all);
    assert!(keys.contains(&"城乡建设/安全生产/事故处理".to_owned()) && keys.contains(&"城乡建设/安全生产".to_owned()));
    // 其他 under two parents is two categories.
    assert_eq!(keys.iter().filter(|k| k.ends_with("/其他")).count(), 2);
    let accident = all["items"].as_array().unwrap().iter().find(|c| c["key"] == "城乡建设/安全生产/事故处理").unwrap();
    assert_eq!((accident["level"].as_u64(), accident["parent"].as_str()), (Some(3), Some("城乡建设/安全生产")));
    // The same file again changes nothing.
    let again = upload(&app, "categories", "分类.csv", TAXONOMY).await.ok();
    assert_eq!((again["created"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(5)), "{again}");
    // The taxonomy goes out as a file that reads back.
    let file = app.admin.get(app.url("/api/v1/exports/categories?format=csv")).send().await.unwrap();
    let text = file.text().await.unwrap();
    assert!(text.contains("城乡建设,安全生产,事故处理"), "{text}");
    assert_eq!(upload(&app, "categories", "问题分类.csv", &text).await.ok()["created"], 0);
}

async fn cases_are_filed_at_accept_and_assign_and_corrected_later(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    upload(&app, "categories", "分类.csv", TAXONOMY).await.ok();
    let unit = app.unit("区住建局", None).await;
    let id = case(&app, "工地塔吊无人看管，存在安全隐患").await;
    // Not a category of the taxonomy: refused, naming the field, nothing moves.
    let r = fire(&app, &id, json!({"action": "accept", "category": "城乡建设/不存在"})).await.expect(422);
    assert_eq!(r.fields(), ["category"]);
    assert_eq!(app.get(&format!("/api/v1/cases/{id}")).await.ok()["state"], "received");
    let accepted = fire(&app, &id, json!({"action": "accept", "category": "城乡建设/安全生产/安全隐患"})).await.ok();
    assert_eq!(
        (accepted["category"].as_str(), accepted["category_source"].as_str()),
        (Some("城乡建设/安全生产/安全隐患"), Some("staff"))
    );
    // 派单 without a category keeps it.
    let assigned = fire(&app, &id, json!({"action": "assign", "unit_id": unit})).await.ok();
    assert_eq!(assigned["category"], "城乡建设/安全生产/安全隐患");
    // The unit may not file it; the office corrects it, and the record says so.
    let clerk = app.user("zjj", "unit_clerk", Some(&unit)).await;
    let path = format!("/api/v1/cases/{id}/transitions");
    let r = app
        .send(&clerk, reqwest::Method::POST, &path, Some(json!({"action": "categorize", "category": "环境保护"})))
        .await;
    assert!(matches!(r.status.as_u16(), 403 | 409), "{}", r.status);
    let fixed = fire(&app, &id, json!({"action": "categorize", "category": "城乡建设/安全生产/事故处理"})).await.ok();
    assert_eq!(
        (fixed["state"].as_str(), fixed["category"].as_str()),
        (Some("assigned"), Some("城乡建设/安全生产/事故处理"))
    );
    let history = app.get(&format!("/api/v1/cases/{id}/events")).await.ok();
    assert!(history.to_string().contains("问题分类：城乡建设/安全生产/事故处理"), "{history}");
    assert_eq!(fire(&app, &id, json!({"action": "categorize"})).await.expect(422).fields(), ["category"]);

    // The list filters by a category and everything below it.
    let other = case(&app, "垃圾站臭味扰民").await;
    fire(&app, &other, json!({"action": "accept", "category": "环境保护"})).await.ok();
    let ids = |v: Value| {
        v["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    let q = |k: &str| {
        format!("/api/v1/cases?category={}", url::form_urlencoded::byte_serialize(k.as_bytes()).collect::<String>())
    };
    assert_eq!(ids(app.get(&q("城乡建设")).await.ok()), [id.as_str()]);
    assert_eq!(ids(app.get(&q("城乡建设/安全生产")).await.ok()), [id.as_str()]);
    assert_eq!(ids(app.get(&q("环境保护")).await.ok()), [other.as_str()]);
    // A category whose name begins another's is not below it.
    assert!(ids(app.get(&q("城乡")).await.ok()).is_empty());
    // The figures count by first level, the uncategorized apart, adding up to the whole.
    case(&app, "尚未分类的来电").await;
    let stats = app.get("/api/v1/stats/cases?group_by=category").await.ok();
    let groups: Vec<(Option<&str>, u64)> = stats["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["key"].as_str(), g["received"].as_u64().unwrap()))
        .collect();
    assert_eq!(groups, [(None, 1), (Some("城乡建设"), 1), (Some("环境保护"), 1)], "{stats}");
    assert_eq!(stats["received"], 3);
    // The export carries the category.
    let file = app.admin.get(app.url("/api/v1/exports/cases?format=csv")).send().await.unwrap().text().await.unwrap();
    assert!(file.contains("问题分类") && file.contains("城乡建设/安全生产/事故处理"), "{file}");
}

async fn a_labelled_message_file_files_its_cases(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let file = "留言编号,留言用户,留言主题,留言时间,留言详情,一级分类\r\n\
        24,A00074011,A市西湖建筑集团占道施工有安全隐患,2020/1/6 12:09:38,占道施工,城乡建设\r\n\
        37,U0008473,A市在水一方大厦人为烂尾多年,2020/1/4 11:17:46,烂尾多年,城乡建设\r\n\
        83,A00063999,A市经济学院体育学院变相收取学费,2019/12/30 17:06:14,变相收费,教育文体\r\n";
    let done = upload(&app, "cases", "附件2.csv", file).await.ok();
    assert_eq!(done["created"], 3, "{done}");
    let filed = app.get("/api/v1/cases?category=%E5%9F%8E%E4%B9%A1%E5%BB%BA%E8%AE%BE").await.ok();
    let items = filed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["category_source"], "import");
    // An unknown category is a bad cell, and nothing of the file is written.
    let bad = "留言编号,留言详情,一级分类\r\n99,路灯不亮,城建\r\n";
    let r = upload(&app, "cases", "附件2.csv", bad).await.expect(422);
    assert_eq!(r.fields(), ["rows[2].一级分类"]);
}

async fn the_case_page_shows_and_sets_the_category(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let id = case(&app, "公交车站牌损坏").await;
    let page = |client: &Client, id: String| {
        let url = app.url(&format!("/app/cases/{id}"));
        let client = client.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(&app.admin, id.clone()).await;
    assert!(html.contains("id=\"case-category\" data-category=\"\"") && html.contains("未分类"), "{html}");
    assert!(html.contains("data-picker=\"category\"") && html.contains("<optgroup label=\"交通运输\">"));
    // The office sets it from the page (the form as a browser without JavaScript sends it).
    let form = [("action", "categorize"), ("category", "交通运输"), ("_csrf", &common::hidden(&html, "_csrf"))];
    let r = app.admin.post(app.url(&format!("/app/cases/{id}/transitions"))).form(&form).send().await.unwrap();
    assert!(r.url().query().unwrap_or_default().contains("done=case_categorize"), "{}", r.url());
    let html = r.text().await.unwrap();
    assert!(html.contains("data-category=\"交通运输\"") && html.contains("已设置问题分类。"));
    // The inbox narrows to a category.
    let other = case(&app, "小区楼道堆物").await;
    let inbox = |category: &str| {
        let url = app.url(&format!(
            "/app/cases?box=all&category={}",
            url::form_urlencoded::byte_serialize(category.as_bytes()).collect::<String>()
        ));
        let client = app.admin.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let filed = inbox("交通运输").await;
    assert!(
        filed.contains(&format!("data-case=\"{id}\"")) && !filed.contains(&format!("data-case=\"{other}\"")),
        "{filed}"
    );
    assert!(inbox("").await.contains(&format!("data-case=\"{other}\"")));
}

const WEAK: &str = "您好，您的留言已收悉，感谢您的关注。";
const GOOD: &str = "网友您好！针对您反映的公交站牌损坏问题，经现场核实，站牌确已损坏。根据《公交站点管理办法》，\
    我局已责令公交公司于3月10日前完成修复。如有疑问，请拨打咨询电话0731-12345。";

async fn a_reply_is_checked_before_it_is_sent(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let question = "某路口公交站牌损坏多日无人修复，请有关部门处理。";
    let weak = app.post("/api/v1/triage/reply-check", json!({"question": question, "answer": WEAK})).await.ok();
    assert_eq!(weak["grade"], "weak", "{weak}");
    let issues: Vec<&str> = weak["issues"].as_array().unwrap().iter().map(|i| i.as_str().unwrap()).collect();
    assert!(
        issues.contains(&"no_finding") && issues.contains(&"unrelated") && !issues.contains(&"no_greeting"),
        "{issues:?}"
    );
    let good = app
        .post(
            "/api/v1/triage/reply-check",
            json!({"question": question, "answer": GOOD,
            "received_at": "2026-03-02T02:00:00Z", "replied_at": "2026-03-04T02:00:00Z"}),
        )
        .await
        .ok();
    assert_eq!(
        (good["grade"].as_str(), good["working_days"].as_u64(), good["timeliness"].as_f64()),
        (Some("good"), Some(2), Some(1.0)),
        "{good}"
    );
    // Bad input names the field; in Chinese for a Chinese reader.
    let r = app.post("/api/v1/triage/reply-check", json!({"question": " ", "answer": GOOD})).await.expect(422);
    assert_eq!(r.fields(), ["question"]);
    let long = "长".repeat(20_001);
    assert_eq!(
        app.post("/api/v1/triage/reply-check", json!({"question": question, "answer": long}))
            .await
            .expect(422)
            .fields(),
        ["answer"]
    );
    assert_eq!(
        app.post("/api/v1/triage/reply-check", json!({"question": question, "answer": GOOD, "tone": 1}))
            .await
            .expect(422)
            .fields(),
        ["tone"]
    );
}

async fn a_weak_reply_is_held_back_until_sent_anyway_and_counted(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区交通局", None).await;
    let id = case(&app, "某路口公交站牌损坏多日无人修复，请有关部门处理。").await;
    fire(&app, &id, json!({"action": "accept"})).await.ok();
    fire(&app, &id, json!({"action": "assign", "unit_id": unit})).await.ok();
    let clerk = app.user("jtj", "unit_clerk", Some(&unit)).await;
    let path = format!("/api/v1/cases/{id}/transitions");
    app.send(&clerk, reqwest::Method::POST, &path, Some(json!({"action": "sign"}))).await.ok();
    let html = clerk.get(app.url(&format!("/app/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    let csrf = common::hidden(&html, "_csrf");
    let send = |extra: Option<(&'static str, &'static str)>| {
        let mut form = vec![("action", "reply"), ("answer", WEAK), ("_csrf", csrf.as_str())];
        form.extend(extra);
        clerk.post(app.url(&format!("/app/cases/{id}/transitions"))).form(&form).send()
    };
    let held = send(None).await.unwrap().text().await.unwrap();
    assert!(held.contains("id=\"reply-warning\"") && held.contains("答复未说明调查核实情况"), "{held}");
    assert!(held.contains(WEAK), "the answer typed is kept");
    assert_eq!(app.get(&format!("/api/v1/cases/{id}")).await.ok()["state"], "in_progress", "nothing sent");
    let sent = send(Some(("send_anyway", "true"))).await.unwrap();
    assert!(sent.url().query().unwrap_or_default().contains("done=case_reply"), "{}", sent.url());
    assert_eq!(app.get(&format!("/api/v1/cases/{id}")).await.ok()["state"], "replied");
    // The figures count it by unit.
    let stats = app.get("/api/v1/stats/cases?group_by=unit").await.ok();
    let group = stats["groups"].as_array().unwrap().iter().find(|g| g["key"] == unit.as_str()).unwrap();
    assert_eq!(
        (group["reply_scored"].as_u64(), group["reply_weak"].as_u64(), group["reply_good_rate"].as_f64()),
        (Some(1), Some(1), Some(0.0)),
        "{group}"
    );
}

async fn similar_cases_are_found_at_intake_and_merged(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区城管局", None).await;
    let first = case(&app, "丽发新城小区旁边的搅拌站每天晚上施工，噪音很大，影响休息").await;
    let second = case(&app, "丽发新城附近搅拌站深夜还在作业，噪音吵得睡不着").await;
    let third = case(&app, "丽发新城搅拌站夜间施工噪音扰民，希望管一管").await;
    let unrelated = case(&app, "学院路口暴雨后积水严重，行人无法通过").await;
    let problem = app
        .problem(json!({"description": "丽发新城周边搅拌站夜间施工噪音扰民，责令限期整改", "unit_id": unit}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.indexed().await;
    let similar = app.get(&format!("/api/v1/cases/{first}/similar")).await.ok();
    let items = similar["items"].as_array().unwrap();
    let found: Vec<(String, String)> =
        items.iter().map(|s| (s["kind"].as_str().unwrap().to_owned(), s["id"].as_str().unwrap().to_owned())).collect();
    for want in [("case", &second), ("case", &third), ("problem", &problem)] {
        assert!(found.contains(&(want.0.to_owned(), want.1.clone())), "{want:?} in {similar}");
    }
    assert!(!found.iter().any(|(k, id)| k == "case" && (*id == unrelated || *id == first)), "{similar}");
    assert!(items.iter().all(|s| s["places"].as_array().unwrap().iter().any(|p| p == "丽发新城")), "{similar}");
    // The page says why, and offers both ways to merge.
    let html = app.admin.get(app.url(&format!("/app/cases/{first}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"similar\"") && html.contains("同一地点：丽发新城；相似度"), "{html}");
    let merge = html
        .split("id=\"merge-similar\"")
        .next()
        .unwrap()
        .rsplit("href=\"")
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#x2f;", "/");
    let form = app.admin.get(app.url(&merge)).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("id=\"merging\"") && form.contains(&format!("value=\"{second}\"")), "{form}");
    // One problem for the three, each reporter keeping their say.
    let csrf = common::hidden(&form, "_csrf");
    let post = [
        ("description", "丽发新城搅拌站夜间噪音"),
        ("unit_id", unit.as_str()),
        ("case_ids", first.as_str()),
        ("case_ids", second.as_str()),
        ("_csrf", csrf.as_str()),
    ];
    let made = app.admin.post(app.url("/app/problems/new")).form(&post).send().await.unwrap();
    assert!(made.url().query().unwrap_or_default().contains("done=created"), "{}", made.url());
    let made_id = made.url().path().rsplit('/').next().unwrap().to_owned();
    let p = app.get(&format!("/api/v1/problems/{made_id}")).await.ok();
    let mut ids: Vec<&str> = p["case_ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    ids.sort();
    let mut want = vec![first.as_str(), second.as_str()];
    want.sort();
    assert_eq!(ids, want, "{p}");
    // The third joins the existing problem in one click.
    let html = app.admin.get(app.url(&format!("/app/cases/{third}"))).send().await.unwrap().text().await.unwrap();
    let csrf = common::hidden(&html, "_csrf");
    let r = app
        .admin
        .post(app.url(&format!("/app/cases/{third}/attach")))
        .form(&[("problem_id", problem.as_str()), ("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.url().as_str().contains(&format!("/app/problems/{problem}?done=cases_attached")), "{}", r.url());
    // A clerk of another unit sees none of it.
    let other = app.unit("区教育局", None).await;
    let clerk = app.user("jyj", "unit_clerk", Some(&other)).await;
    let r = app.send(&clerk, reqwest::Method::GET, &format!("/api/v1/cases/{first}/similar"), None).await;
    assert_eq!(r.status.as_u16(), 404);
}

/// Staff file eight cases at 受理 (the environmental ones go to the bureau) and the model is
/// retrained on them: version 2.
async fn teach(app: &TestApp, env: &str) {
    // The first model (the taxonomy's names) serves before anything is confirmed.
    assert_eq!(app.get("/api/v1/triage/status").await.ok()["version"], 1);
    // Staff file cases at 受理; the environmental ones go to the bureau.
    let texts = [
        ("化工厂夜间偷排废气，气味刺鼻", "环境保护"),
        ("河道有人倾倒垃圾，水体发黑发臭", "环境保护"),
        ("工地扬尘污染严重，空气很差", "环境保护"),
        ("养殖场污水直排入河，污染环境", "环境保护"),
        ("学校违规补课收费，家长负担重", "教育文体"),
        ("幼儿园教师资质不全，家长担心", "教育文体"),
        ("中学食堂饭菜质量差，学生反映强烈", "教育文体"),
        ("小学放学时间太早，家长接送困难", "教育文体"),
    ];
    for (text, category) in texts {
        let id = case(app, text).await;
        fire(app, &id, json!({"action": "accept", "category": category})).await.ok();
        if category == "环境保护" {
            fire(app, &id, json!({"action": "assign", "unit_id": env})).await.ok();
        }
    }
    let status = app.get("/api/v1/triage/status").await.ok();
    assert_eq!(status["confirmations_since"], 8, "{status}");
    let retrained = app.post("/api/v1/triage/retrain", json!({})).await.ok();
    assert_eq!(
        (retrained["version"].as_i64(), retrained["examples"][0][1].as_u64()),
        (Some(2), Some(8)),
        "{retrained}"
    );
}

async fn suggestions_learn_from_what_staff_confirm(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let env = app.unit("区生态环境局", None).await;
    // Nothing confirmed: the serving model is the first one, from the taxonomy's names; a
    // retrain is refused and leaves it serving.
    let first = app.get("/api/v1/triage/status").await.ok();
    assert_eq!((first["version"].as_i64(), first["examples"].as_array().map(Vec::len)), (Some(1), Some(0)), "{first}");
    let r = app.post("/api/v1/triage/retrain", json!({})).await;
    assert!(matches!(r.status.as_u16(), 409 | 422), "{}", r.status);
    assert_eq!(app.get("/api/v1/triage/status").await.ok()["version"], 1);
    teach(&app, &env).await;
    let ask = json!({"title": "废气污染", "content": "附近工厂排放废气，污染严重"});
    let s = app.post("/api/v1/triage/suggest", ask.clone()).await.ok();
    assert_eq!((s["category"]["key"].as_str(), s["model"]["version"].as_i64()), (Some("环境保护"), Some(2)), "{s}");
    assert_eq!(s["units"][0]["unit_id"], env.as_str(), "{s}");
    let confidence = s["category"]["confidence"].as_f64().unwrap();
    assert!(confidence > 0.0 && confidence <= 1.0);
    assert!(s["alternatives"].as_array().unwrap().iter().all(|a| a["confidence"].as_f64().unwrap() <= confidence));
    // The same model answers the same.
    assert_eq!(app.post("/api/v1/triage/suggest", ask).await.ok(), s);
    assert_eq!(app.post("/api/v1/triage/suggest", json!({"title": "空"})).await.expect(422).fields(), ["content"]);
    // The case page preselects the suggestion at 受理: one click accepts it.
    let id = case(&app, "工厂排放废气，污染空气").await;
    let html = app.admin.get(app.url(&format!("/app/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-suggested=\"环境保护\"") && html.contains("系统建议分类：环境保护"), "{html}");
    assert!(html.contains("<option value=\"环境保护\" selected>"), "preselected");
}

async fn a_sure_model_routes_new_cases_when_the_office_lets_it(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let env = app.unit("区生态环境局", None).await;
    // Rules out of range are refused, naming the field; nothing changes.
    let r = app.put("/api/v1/settings", json!({"triage": {"auto_route_above": 0.3}})).await.expect(422);
    assert_eq!(r.fields(), ["triage.auto_route_above"]);
    let r = app.put("/api/v1/settings", json!({"triage": {"refit_after_confirmations": 0}})).await.expect(422);
    assert_eq!(r.fields(), ["triage.refit_after_confirmations"]);
    assert_eq!(app.get("/api/v1/settings").await.ok()["triage"]["auto_route_above"], Value::Null);
    teach(&app, &env).await;
    let text = "附近工厂排放废气，污染严重";
    // Off by default: a person routes every case.
    let waiting = case(&app, text).await;
    assert_eq!(app.get(&format!("/api/v1/cases/{waiting}")).await.ok()["state"], "received");
    let s = app.post("/api/v1/triage/suggest", json!({"content": text})).await.ok();
    let (category, unit) =
        (s["category"]["confidence"].as_f64().unwrap(), s["units"][0]["confidence"].as_f64().unwrap());
    // The office lets a sure model route: accepted under its category and assigned to the unit.
    let threshold = category.min(unit).max(0.5);
    assert!(threshold <= category && threshold <= unit, "the model is not sure enough to test routing: {s}");
    let set = app.put("/api/v1/settings", json!({"triage": {"auto_route_above": threshold}})).await.ok();
    assert_eq!(set["triage"]["refit_after_confirmations"], 50, "the rest keep their defaults: {set}");
    let id = case(&app, text).await;
    let routed = app.get(&format!("/api/v1/cases/{id}")).await.ok();
    assert_eq!(
        (
            routed["state"].as_str(),
            routed["unit_id"].as_str(),
            routed["category"].as_str(),
            routed["category_source"].as_str(),
            routed["category_model"].as_i64()
        ),
        (Some("assigned"), Some(env.as_str()), Some("环境保护"), Some("model"), Some(2)),
        "{routed}"
    );
    let events = app.all(&format!("/api/v1/cases/{id}/events")).await;
    assert!(events.iter().any(|e| e["note"].as_str().is_some_and(|n| n.contains("分类模型第2版"))), "{events:?}");
    // What the model did itself is not a confirmation to learn from.
    assert_eq!(app.get("/api/v1/triage/status").await.ok()["confirmations_since"], 0);
    // A person who files it again makes it theirs.
    let fixed = fire(&app, &id, json!({"action": "categorize", "category": "城乡建设"})).await.ok();
    assert_eq!((fixed["category_source"].as_str(), fixed["category_model"].as_i64()), (Some("staff"), None), "{fixed}");
    // The unit the history points to is archived since: it is suggested no more, so the case is
    // accepted and left for a person to assign.
    let unit = app.get(&format!("/api/v1/units/{env}")).await.ok();
    app.patch(&format!("/api/v1/units/{env}"), json!({"version": unit["version"], "archived": true})).await.ok();
    let unassigned = case(&app, text).await;
    assert_eq!(app.get(&format!("/api/v1/cases/{unassigned}")).await.ok()["state"], "accepted");
    // Not sure enough: it waits for a person.
    app.put("/api/v1/settings", json!({"triage": {"auto_route_above": 1.0}})).await.ok();
    let unsure = case(&app, text).await;
    assert_eq!(app.get(&format!("/api/v1/cases/{unsure}")).await.ok()["state"], "received");
}

async fn hot_spots_group_messages_about_one_place_and_matter(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    // A message board's export with its support columns.
    let file = "留言编号,留言主题,留言时间,留言详情,点赞数,反对数\r\n\
        1,丽发新城搅拌站噪音扰民 联系13812345678,2026/2/20 10:00:00,丽发新城小区旁边的搅拌站每天晚上施工，噪音很大,10,1\r\n\
        2,丽发新城搅拌站夜间施工 联系13812345678,2026/2/22 10:00:00,丽发新城附近搅拌站深夜施工，噪音吵得睡不着,5,0\r\n\
        3,丽发新城搅拌站噪音 联系13812345678,2026/2/25 10:00:00,丽发新城搅拌站晚上施工噪音很大，影响休息,0,0\r\n\
        4,学院路口积水,2026/2/26 10:00:00,学院路口暴雨后积水严重，行人无法通过,0,0\r\n";
    let done = upload(&app, "cases", "附件3.csv", file).await.ok();
    assert_eq!(done["created"], 4, "{done}");
    let spots = app.get("/api/v1/hotspots?from=2026-02-01&to=2026-03-02").await.ok();
    let items = spots["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{spots}");
    let spot = &items[0];
    assert_eq!(
        (spot["place"].as_str(), spot["count"].as_u64(), spot["likes"].as_u64(), spot["dislikes"].as_u64()),
        (Some("丽发新城"), Some(3), Some(15), Some(1)),
        "{spot}"
    );
    // Its cases by their ids, as every other route names them.
    let ids = spot["case_ids"].as_array().unwrap();
    assert!(ids.len() == 3 && ids.iter().all(Value::is_string), "{spot}");
    assert!(spot["heat"].as_f64().unwrap() > 0.0);
    // Bad windows are named.
    assert_eq!(app.get("/api/v1/hotspots?limit=0").await.expect(422).fields(), ["limit"]);
    let backwards = "/api/v1/hotspots?from=2026-03-01&to=2026-02-01";
    assert_eq!(app.get(backwards).await.expect(422).fields(), ["to"]);
    // The end of the window is the one named, in words that read the right way round.
    for (lang, detail) in [
        ("zh-CN", "请修改以下1处：截止日期不能早于开始日期。"),
        ("en", "Please correct 1 field(s): End date must not be before the start date."),
    ] {
        let r = app.admin.get(app.url(backwards)).header("accept-language", lang).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["detail"], detail, "{body}");
    }
    // The page lists it with its messages and the way into the ledger.
    let html = app
        .admin
        .get(app.url("/app/hotspots?from=2026-02-01&to=2026-03-02"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-messages=\"3\"") && html.contains("合并为一个台账问题") && html.contains("点赞15、反对1"),
        "{html}"
    );

    // The bulletin prints the hottest, with the scope of its count; a subject's phone number
    // is masked, and no case is linked from the public issue.
    let camp =
        app.post("/api/v1/campaigns", json!({"name": "作风建设", "starts_on": "2026-01-01"})).await.expect(201).id();
    let draft = app.post("/api/v1/bulletins", json!({"campaign_id": camp})).await.expect(201).id();
    let preview = app.get(&format!("/api/v1/bulletins/{draft}/content")).await.ok();
    let hot = &preview["hot_spots"];
    assert_eq!((hot["from"].as_str(), hot["to"].as_str()), (Some("2025-12-03"), Some("2026-03-02")), "{hot}");
    let first = &hot["items"][0];
    assert_eq!(
        (first["place"].as_str(), first["count"].as_u64(), first["likes"].as_u64()),
        (Some("丽发新城"), Some(3), Some(15))
    );
    assert!(!hot.to_string().contains("13812345678") && !hot.to_string().contains("case_ids"), "{hot}");
    app.post(&format!("/api/v1/bulletins/{draft}/publish"), json!({})).await.ok();
    let frozen = app.get(&format!("/api/v1/bulletins/{draft}/content")).await.ok();
    let public = Client::new().get(app.url(&format!("/bulletins/{draft}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        public.contains("群众反映热点问题") && public.contains("丽发新城") && public.contains("data-messages=\"3\""),
        "{public}"
    );
    assert!(!public.contains("13812345678") && !public.contains("/app/cases/"), "{public}");
    assert_eq!(frozen["hot_spots"], *hot, "the issue freezes what the preview showed");
    // The PDF prints them as a table of its own.
    let pdf =
        Client::new().get(app.url(&format!("/api/v1/bulletins/{draft}/document?format=pdf"))).send().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.pdf"), pdf.bytes().await.unwrap()).unwrap();
    let out = std::process::Command::new("pdftotext").arg(dir.path().join("b.pdf")).arg("-").output().unwrap();
    let text: String = String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("群众反映热点问题") && text.contains("表4") && text.contains("丽发新城"), "{text}");
    assert!(!text.contains("13812345678"), "{text}");
    // An office that leaves the section out publishes none.
    let without = json!({"campaign_id": camp, "sections": {"hot_spots": false}});
    let draft = app.post("/api/v1/bulletins", without).await.expect(201).id();
    assert_eq!(app.get(&format!("/api/v1/bulletins/{draft}/content")).await.ok()["hot_spots"], Value::Null);
}

on_both!(
    a_sure_model_routes_new_cases_when_the_office_lets_it,
    hot_spots_group_messages_about_one_place_and_matter,
    suggestions_learn_from_what_staff_confirm,
    similar_cases_are_found_at_intake_and_merged,
    a_reply_is_checked_before_it_is_sent,
    a_weak_reply_is_held_back_until_sent_anyway_and_counted,
    a_taxonomy_file_comes_in_all_or_nothing,
    cases_are_filed_at_accept_and_assign_and_corrected_later,
    a_labelled_message_file_files_its_cases,
    the_case_page_shows_and_sets_the_category
);
