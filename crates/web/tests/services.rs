//! The service catalog (事项清单) over HTTP, on both databases: an item as a street office
//! prints it, every bad field named with nothing written, the public seeing only published
//! items, lists by name, list and kind, and every edit a new version with who and why.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::{Client, Method};
use serde_json::{Value, json};

fn birth_registration(unit: &str) -> Value {
    json!({
        "code": "WJZ-MZ-001",
        "name": "生育登记",
        "kind": "public",
        "unit_id": unit,
        "window": "3号窗口",
        "staff": [{"name": "李红", "phone": "0931-7612345"}],
        "place": "王家庄街道便民服务中心一楼",
        "hours": "工作日 9:00—17:00",
        "materials": [
            {"name": "夫妻双方身份证", "form": "both"},
            {"name": "结婚证"}
        ],
        "steps": ["申请", "受理", "办结"],
        "legal_limit_days": 20,
        "promised_limit_days": 1,
        "max_visits": 1,
        "delivery": "appointment",
        "lists": ["最多跑一次", "生育"]
    })
}

async fn an_item_is_kept_with_its_versions_and_the_public_sees_the_published(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let street = app.unit("王家庄街道", None).await;
    let other = app.unit("安宁区政务服务中心", None).await;
    let item = app.post("/api/v1/services", birth_registration(&street)).await.expect(201).body;
    let id = item["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (item["version"].as_i64(), item["published"].as_bool(), item["materials"][1]["form"].as_str()),
        (Some(1), Some(true), Some("original")),
        "{item}"
    );
    assert_eq!(item["staff"][0], json!({"name": "李红", "phone": "0931-7612345"}));

    // A draft item the public does not see.
    let mut draft = birth_registration(&other);
    draft["code"] = json!("ANQ-XK-009");
    draft["name"] = json!("食品经营许可");
    draft["kind"] = json!("license");
    draft["lists"] = json!(["权力清单"]);
    draft["published"] = json!(false);
    let hidden = app.post("/api/v1/services", draft).await.expect(201).id();
    let anonymous = Client::new();
    let public: Value = anonymous.get(app.url("/api/v1/services")).send().await.unwrap().json().await.unwrap();
    let codes: Vec<&str> = public["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["WJZ-MZ-001"]);
    let r = anonymous.get(app.url(&format!("/api/v1/services/{hidden}"))).send().await.unwrap();
    assert_eq!(r.status(), 404, "an unpublished item does not exist for the public");
    assert_eq!(app.get("/api/v1/services").await.ok()["items"].as_array().unwrap().len(), 2, "staff see both");
    // Narrowed by a list, a word, a kind, a unit; a kind that is none is named.
    let by = |q: &str| format!("/api/v1/services?{q}");
    for (q, n) in [("list=最多跑一次", 1), ("list=生育", 1), ("list=生", 0), ("q=许可", 1), ("kind=license", 1)]
    {
        assert_eq!(app.get(&by(q)).await.ok()["items"].as_array().unwrap().len(), n, "{q}");
    }
    assert_eq!(app.get(&by(&format!("unit={street}"))).await.ok()["items"][0]["id"], id.as_str());
    assert_eq!(app.get(&by("kind=permit")).await.expect(422).fields(), ["kind"]);

    // A published item changes only with a reason, against the version read.
    let mut next = birth_registration(&street);
    next["promised_limit_days"] = json!(0);
    next["version"] = json!(1);
    let path = format!("/api/v1/services/{id}");
    assert_eq!(app.put(&path, next.clone()).await.expect(422).fields(), ["reason"]);
    next["reason"] = json!("改为即办件，当场办结");
    let revised = app.put(&path, next.clone()).await.ok();
    assert_eq!((revised["version"].as_i64(), revised["promised_limit_days"].as_u64()), (Some(2), Some(0)));
    app.put(&path, next).await.expect(409);
    let versions = app.get(&format!("{path}/versions")).await.ok();
    let versions = versions.as_array().unwrap();
    assert_eq!(
        versions.iter().map(|v| (v["version"].as_i64(), v["reason"].as_str())).collect::<Vec<_>>(),
        [(Some(2), Some("改为即办件，当场办结")), (Some(1), None)]
    );
    assert_eq!(versions[1]["item"]["promised_limit_days"], 1, "the first version is kept as it was");
}

async fn bad_items_are_named_and_nothing_is_written(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let street = app.unit("王家庄街道", None).await;
    let mut bad = birth_registration(&street);
    bad["promised_limit_days"] = json!(25);
    bad["staff"] = json!([{"name": "王强"}]);
    bad["code"] = json!("WJZ 001");
    let r = app.post("/api/v1/services", bad).await.expect(422);
    assert_eq!(r.fields(), ["code", "staff[0].phone", "promised_limit_days"]);
    let mut unknown = birth_registration(&street);
    unknown["unit_id"] = json!("999999");
    assert_eq!(app.post("/api/v1/services", unknown).await.expect(422).fields(), ["unit_id"]);
    assert_eq!(app.count_rows("service_items").await, 0);
    // Chinese words name the field and the limit.
    let mut late = birth_registration(&street);
    late["promised_limit_days"] = json!(30);
    let r = app
        .admin
        .post(app.url("/api/v1/services"))
        .header("accept-language", "zh-CN")
        .json(&late)
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("20"), "{body}");
    // The same code twice is refused, naming the code.
    app.post("/api/v1/services", birth_registration(&street)).await.expect(201);
    assert_eq!(app.post("/api/v1/services", birth_registration(&street)).await.expect(422).fields(), ["code"]);
    assert_eq!(app.count_rows("service_items").await, 1);
    assert_eq!(app.count_rows("service_item_versions").await, 1);
}

async fn a_units_staff_write_their_own_units_items_only(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let street = app.unit("王家庄街道", None).await;
    let other = app.unit("李家庄街道", None).await;
    let clerk = app.user("wjz_clerk", "unit_clerk", Some(&street)).await;
    let own = app.send(&clerk, Method::POST, "/api/v1/services", Some(birth_registration(&street))).await;
    assert_eq!(own.status.as_u16(), 201);
    let mut elsewhere = birth_registration(&other);
    elsewhere["code"] = json!("LJZ-MZ-001");
    let r = app.send(&clerk, Method::POST, "/api/v1/services", Some(elsewhere)).await;
    assert_eq!(r.status.as_u16(), 403);
}

async fn the_public_finds_what_to_bring_where_and_how_long(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let street = app.unit("王家庄街道", None).await;
    let id = app.post("/api/v1/services", birth_registration(&street)).await.expect(201).id();
    let mut hidden = birth_registration(&street);
    hidden["code"] = json!("WJZ-MZ-002");
    hidden["name"] = json!("独生子女父母光荣证");
    hidden["published"] = json!(false);
    app.post("/api/v1/services", hidden).await.expect(201);
    let anonymous = Client::new();
    let page = |path: String| {
        let anonymous = anonymous.clone();
        async move { anonymous.get(path).send().await.unwrap().text().await.unwrap() }
    };
    let list = page(app.url("/services?list=最多跑一次")).await;
    assert!(list.contains("生育登记") && list.contains("王家庄街道") && list.contains("最多跑一次"), "{list}");
    assert!(list.contains("1个工作日") && !list.contains("独生子女父母光荣证"), "{list}");
    assert!(page(app.url("/services?q=光荣证")).await.contains("没有符合条件的服务事项"));
    let card = page(app.url(&format!("/services/{id}"))).await;
    for words in [
        "夫妻双方身份证",
        "原件和复印件",
        "结婚证",
        "3号窗口",
        "工作日 9:00—17:00",
        "href=\"tel:0931-7612345\"",
        "不收费",
        "20个工作日",
    ] {
        assert!(card.contains(words), "{words}: {card}");
    }
    let steps = card.find("id=\"service-steps\"").expect("the steps");
    assert!(card[steps..].find("申请").unwrap() < card[steps..].find("办结").unwrap(), "in order");
    let english = page(app.url(&format!("/services/{id}?lang=en"))).await;
    assert!(english.contains("Materials to bring") && english.contains("One visit at most"), "{english}");
}

on_both!(
    the_public_finds_what_to_bring_where_and_how_long,
    an_item_is_kept_with_its_versions_and_the_public_sees_the_published,
    bad_items_are_named_and_nothing_is_written,
    a_units_staff_write_their_own_units_items_only,
);
