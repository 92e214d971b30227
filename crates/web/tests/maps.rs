//! Issue 16, items 4, 2 and 10: the one unit picker (paths, groups, scopes), the citizen's photos
//! and the place of the problem on a case's page for the unit it is assigned to, and maps drawn
//! from the tile server an administrator configures (or no map at all without one).

mod common;

use common::{PNG, TestApp};
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::Client;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// As the templates write text: minijinja escapes `/` too.
fn esc(s: &str) -> String {
    s.replace('/', "&#x2f;")
}

async fn unit(app: &TestApp, name: &str, parent: Option<&str>, kind: &str) -> String {
    app.post("/api/v1/units", json!({"name": name, "parent_id": parent, "kind": kind})).await.expect(201).id()
}

async fn html(client: &Client, app: &TestApp, path: &str) -> (u16, String, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    let csp = r.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (r.status().as_u16(), csp, r.text().await.unwrap())
}

/// Two districts with namesakes below them.
async fn two_districts(app: &TestApp) -> (String, String, String, String) {
    let caidian = unit(app, "蔡甸区", None, "district").await;
    let office = unit(app, "区督导办", Some(&caidian), "office").await;
    let civil = unit(app, "民政局", Some(&caidian), "department").await;
    let registry = unit(app, "婚姻登记服务中心", Some(&civil), "window").await;
    let street = unit(app, "奓山街道", Some(&caidian), "street").await;
    unit(app, "社会事务服务中心", Some(&street), "station").await;
    let jindong = unit(app, "金东区", None, "district").await;
    let school = unit(app, "区教育局", Some(&jindong), "department").await;
    (office, registry, school, jindong)
}

async fn one_picker_everywhere_with_paths_groups_and_scopes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (office, registry, school, _) = two_districts(&app).await;

    // The ledger's form for the administrator (no unit: every unit): grouped by parent, each
    // option its path, the select marked for the type-ahead.
    let (status, _, page) = html(&app.admin, &app, "/app/problems/new").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-picker=\"unit\""), "the type-ahead hook");
    assert!(page.contains(&esc("<optgroup label=\"蔡甸区 / 民政局\">")), "a group per parent, labelled with its path");
    assert!(
        page.contains(&format!("<option value=\"{registry}\">{}</option>", esc("蔡甸区 / 民政局 / 婚姻登记服务中心")))
    );
    assert!(page.contains(&esc("蔡甸区 / 奓山街道 / 社会事务服务中心")));
    assert!(page.contains(&format!("<option value=\"{school}\">{}</option>", esc("金东区 / 区教育局"))));

    // The office of 蔡甸区 assigns within its district: 金东区's units are not offered.
    let staff = app.user("caidian", "office_staff", Some(&office)).await;
    let case = app.post("/api/v1/cases", json!({"content": "婚姻登记窗口排队时间过长"})).await.expect(201).id();
    app.post(&format!("/api/v1/cases/{case}/transitions"), json!({"action": "accept"})).await.expect(200);
    let (_, _, page) = html(&staff, &app, &format!("/app/cases/{case}")).await;
    let assign = &page[page.find("data-action=\"assign\"").expect("the assign form")..];
    assert!(assign.contains(&esc("蔡甸区 / 民政局 / 婚姻登记服务中心")));
    assert!(!assign.contains("金东区"), "another district's units are not offered");

    // A campaign's own units when the ledger is filtered by a campaign.
    let campaign = app
        .post("/api/v1/campaigns", json!({"name": "窗口作风整顿", "starts_on": "2026-06-01", "unit_ids": [registry]}))
        .await
        .expect(201)
        .id();
    let (_, _, page) = html(&app.admin, &app, &format!("/app/problems?campaign={campaign}")).await;
    let filter = &page[page.find("id=\"f-unit\"").expect("the unit filter")..];
    let filter = &filter[..filter.find("</select>").unwrap()];
    assert!(filter.contains("婚姻登记服务中心") && !filter.contains("区教育局"), "{filter}");

    // The public board offers the units with something published, nothing else.
    app.problem(
        json!({"description": "窗口办事排长队", "unit_id": school, "deadline": "2027-01-29", "published": true}),
    )
    .await;
    app.problem(json!({"description": "内部问题", "unit_id": registry, "deadline": "2027-01-29"})).await;
    let (_, _, page) = html(&Client::new(), &app, "/board").await;
    let filter = &page[page.find("id=\"f-unit\"").expect("the board's unit filter")..];
    let filter = &filter[..filter.find("</select>").unwrap()];
    assert!(filter.contains(&esc("金东区 / 区教育局")) && !filter.contains("婚姻登记服务中心"), "{filter}");

    // The form sends the unit's id as before.
    let (_, _, page) = html(&app.admin, &app, "/app/problems/new").await;
    let csrf = common::hidden(&page, "_csrf");
    let r = app
        .admin
        .post(app.url("/app/problems/new"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("description", "登记窗口态度生硬"),
            ("unit_id", registry.as_str()),
            ("deadline", "2027-01-29"),
            ("type", "time_limited"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "followed to the new problem");
    let listed = app.all(&format!("/api/v1/problems?unit={registry}")).await;
    assert!(listed.iter().any(|p| p["description"] == "登记窗口态度生硬"));
}

/// A public case with a photo and a place, accepted and assigned to `unit`.
async fn case_with_a_photo(app: &TestApp, unit: &str, position: Option<(f64, f64)>) -> String {
    let mut form = Form::new()
        .text("nonce", format!("n-{unit}"))
        .text("type", "complaint")
        .text("content", "学校南门外占道经营，上下学时段拥堵")
        .text("location", "区实验小学南门")
        .text("phone", "13812345678")
        .part("files", Part::bytes(PNG.to_vec()).file_name("现场.png"));
    if let Some((lat, lng)) = position {
        form = form.text("latitude", lat.to_string()).text("longitude", lng.to_string());
    }
    let r = Client::new().post(app.url("/submit")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let cases = app.all("/api/v1/cases").await;
    let case = cases.iter().find(|c| c["unit_id"].is_null() && c["state"] == "received").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for action in [json!({"action": "accept"}), json!({"action": "assign", "unit_id": unit})] {
        app.post(&format!("/api/v1/cases/{case}/transitions"), action).await.expect(200);
    }
    case
}

async fn the_unit_sees_the_photo_and_the_place_unmasked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let mine = app.unit("区城管局", None).await;
    let other = app.unit("区教育局", None).await;
    let case = case_with_a_photo(&app, &mine, None).await;
    let shown = app.get(&format!("/api/v1/cases/{case}")).await.ok();
    assert_eq!(shown["location"], "区实验小学南门", "the place of the problem is not masked");
    assert_eq!(shown["citizen"]["phone"], "138****5678", "the citizen's own details are");
    let photo = shown["attachments"][0]["id"].as_str().unwrap().to_owned();

    let clerk = app.user("clerk", "unit_clerk", Some(&mine)).await;
    let (status, _, page) = html(&clerk, &app, &format!("/app/cases/{case}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"case-location\">区实验小学南门<"), "the place, in full");
    assert!(page.contains(&format!("<img src=\"/api/v1/attachments/{photo}\"")), "a thumbnail");
    assert!(page.contains(&format!("id=\"photo-{photo}\"")), "its lightbox");
    assert!(page.contains("data-download"), "a download link");
    let r = clerk.get(app.url(&format!("/api/v1/attachments/{photo}"))).send().await.unwrap();
    assert_eq!(r.status(), 200, "the unit the case is assigned to opens the photo");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);

    let stranger = app.user("stranger", "unit_clerk", Some(&other)).await;
    let r = stranger.get(app.url(&format!("/api/v1/attachments/{photo}"))).send().await.unwrap();
    assert_eq!(r.status(), 404, "another unit does not");
    let r = Client::new().get(app.url(&format!("/api/v1/attachments/{photo}"))).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

async fn maps_follow_the_tile_server_setting(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区城管局", None).await;
    let case = case_with_a_photo(&app, &unit, Some((30.581234, 114.031987))).await;
    let problem = app
        .problem(json!({"description": "学校周边占道经营", "unit_id": unit, "deadline": "2027-01-29",
            "published": true, "category": "市容秩序", "case_ids": [case]}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let public = Client::new();

    // No tile server: no map anywhere, the address text alone, the strict policy.
    for (client, path) in [
        (&public, "/submit".to_owned()),
        (&public, "/board".to_owned()),
        (&app.admin, format!("/app/cases/{case}")),
        (&app.admin, "/app/map".to_owned()),
    ] {
        let (status, csp, page) = html(client, &app, &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!page.contains("data-map="), "{path} draws no map");
        assert!(csp.contains("img-src 'self' data:;"), "{path}: {csp}");
    }
    let (_, _, page) = html(&app.admin, &app, "/app/map").await;
    assert!(page.contains("id=\"no-map\""));

    // A bad template is refused, field by field.
    let r =
        app.put("/api/v1/settings", json!({"map_tiles": {"url": "https://evil.example/x.png; script-src *"}})).await;
    assert_eq!(r.expect(422).fields(), ["map_tiles.url"]);
    let r = app
        .put("/api/v1/settings", json!({"map_tiles": {"url": "https://t{s}.tianditu.gov.cn/{z}/{x}/{y}?tk={key}"}}))
        .await;
    assert_eq!(r.expect(422).fields(), ["map_tiles.subdomains"]);

    let tiles = json!({"url": "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
        "subdomains": ["0", "1"], "attribution": "天地图", "key": "abc123", "center": [30.58, 114.03], "zoom": 13});
    let saved = app.put("/api/v1/settings", json!({"map_tiles": tiles})).await.ok();
    assert_eq!(saved["map_tiles"]["max_zoom"], 18);
    for (client, path) in [
        (&public, "/submit".to_owned()),
        (&public, "/board".to_owned()),
        (&app.admin, format!("/app/cases/{case}")),
        (&app.admin, "/app/map".to_owned()),
    ] {
        let (status, csp, page) = html(client, &app, &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(page.contains("data-map="), "{path} draws a map");
        assert!(page.contains("TILECOL={x}&amp;tk=abc123"), "{path}: the key put in");
        assert!(
            csp.contains("img-src 'self' data: https://t0.tianditu.gov.cn https://t1.tianditu.gov.cn;"),
            "{path}: tiles allowed for images only: {csp}"
        );
        assert!(csp.contains("script-src 'self';") && csp.contains("default-src 'self';"), "{csp}");
    }

    // The board's markers: the problem's category and link, coarse, nothing of the case.
    let (_, _, page) = html(&public, &app, "/board").await;
    let at = page.find("id=\"map-points\">").expect("the points") + "id=\"map-points\">".len();
    let points: Value = serde_json::from_str(&page[at..at + page[at..].find("</script>").unwrap()]).unwrap();
    assert_eq!(
        points,
        json!([{"lat": 30.581, "lng": 114.032, "label": "市容秩序", "href": format!("/board/{problem}")}])
    );
    assert!(!page.contains("区实验小学南门") && !page.contains("30.581234"), "no place text, no exact position");
    // The workbench: the open case, at its position.
    let (_, _, page) = html(&app.admin, &app, "/app/map").await;
    assert!(page.contains("\"lat\":30.581234") && page.contains(&format!("/app/cases/{case}")), "{page}");

    // Leaflet is served from the binary.
    for file in
        ["leaflet/leaflet.js", "leaflet/images/marker-icon.png", "leaflet.markercluster/leaflet.markercluster.js"]
    {
        let r = public.get(app.url(&format!("/static/vendor/{file}"))).send().await.unwrap();
        assert_eq!(r.status(), 200, "{file}");
    }
    assert_eq!(public.get(app.url("/static/vendor/swagger-ui/swagger-ui.css")).send().await.unwrap().status(), 404);

    // Removed: the pages fall back to the text.
    app.put("/api/v1/settings", json!({"map_tiles": {"url": ""}})).await.ok();
    let (_, _, page) = html(&public, &app, "/submit").await;
    assert!(!page.contains("data-map=") && page.contains("name=\"location\""));
}

on_both!(
    one_picker_everywhere_with_paths_groups_and_scopes,
    the_unit_sees_the_photo_and_the_place_unmasked,
    maps_follow_the_tile_server_setting,
);
