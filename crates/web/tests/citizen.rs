//! The citizen's pages on both databases: the tracking page (progress bar, what they sent, the
//! due date, rating buttons, the code remembered on the device, their photos only for them), and
//! form errors in plain words with the fields' labels.

mod common;

use common::{PNG, TestApp};
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::header::SET_COOKIE;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode, redirect};
use serde_json::json;

async fn text(resp: reqwest::Response) -> (StatusCode, String) {
    let status = resp.status();
    (status, resp.text().await.expect("body"))
}

/// The value of `attr` on the first element with `id`.
fn attr_of(html: &str, id: &str, attr: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[..at].rfind('<')?;
    let tag = &html[start..start + html[start..].find('>')?];
    let key = format!("{attr}=\"");
    let v = &tag[tag.find(&key)? + key.len()..];
    Some(v[..v.find('"')?].to_owned())
}

/// Submits a case with a photo through the public API; answers its tracking code and id.
async fn submit(app: &TestApp, phone: &str) -> (String, String) {
    let form = Form::new()
        .text("type", "complaint")
        .text("title", "路灯不亮")
        .text("content", "小区南门路灯坏了一个月")
        .text("phone", phone.to_owned())
        .part("files", Part::bytes(PNG.to_vec()).file_name("photo.png"));
    let resp = Client::new().post(app.url("/api/v1/cases")).multipart(form).send().await.unwrap();
    let body: serde_json::Value = resp.json().await.unwrap();
    (body["tracking_code"].as_str().unwrap().to_owned(), body["id"].as_str().unwrap().to_owned())
}

async fn the_tracking_page_shows_progress_what_was_sent_and_takes_a_rating(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区城管局", None).await;
    let (code, case) = submit(&app, "13812345678").await;
    let act = format!("/api/v1/cases/{case}/transitions");
    app.post(&act, json!({"action": "accept"})).await.expect(200);
    app.post(&act, json!({"action": "assign", "unit_id": unit})).await.expect(200);
    let due = app.get(&format!("/api/v1/cases/{case}")).await.ok()["due_on"].as_str().unwrap().to_owned();

    let citizen = Client::builder().cookie_store(true).redirect(redirect::Policy::limited(3)).build().unwrap();
    let track = format!("/track?code={code}&phone_tail=5678");
    let resp = citizen.get(app.url(&track)).send().await.unwrap();
    let cookie = resp.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cookie.starts_with(&format!("rectify_track={code};")) && cookie.contains("HttpOnly"), "{cookie}");
    assert!(!cookie.contains("5678"), "the phone tail is never remembered: {cookie}");
    let (status, html) = text(resp).await;
    assert_eq!(status, 200);
    // Forwarded to the unit: three steps reached, the third the current one.
    for (step, status) in [("registered", "done"), ("accepted", "done"), ("forwarded", "current"), ("replied", "todo")]
    {
        assert!(html.contains(&format!("data-step=\"{step}\" data-status=\"{status}\"")), "{step} {status}");
    }
    assert!(html.contains("aria-current=\"step\""));
    let (m, d) = (due[5..7].trim_start_matches('0'), due[8..10].trim_start_matches('0'));
    assert!(html.contains(&format!("预计 {m}月{d}日前答复")), "the due date in Chinese: {due}");
    assert!(html.contains("id=\"sent-title\">路灯不亮") && html.contains("小区南门路灯坏了一个月"));
    assert!(!html.contains("13812345678"), "no phone on the page");
    let photo = attr_of(&html, "case-files", "id").and_then(|_| {
        let at = html.find("src=\"/track/photos/")? + 5;
        Some(html[at..at + html[at..].find('"')?].replace("&amp;", "&"))
    });
    let photo = photo.expect("the photo is shown as a thumbnail");
    let resp = Client::new().get(app.url(&photo)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), PNG);
    // Without the phone tail, or for another case's code, the photo is not there.
    let bare = photo.split("&phone_tail").next().unwrap().to_owned();
    assert_eq!(Client::new().get(app.url(&bare)).send().await.unwrap().status(), 404);
    let (other, _) = submit(&app, "13900001111").await;
    let stolen = photo.replace(&code, &other).replace("5678", "1111");
    assert_eq!(Client::new().get(app.url(&stolen)).send().await.unwrap().status(), 404);

    // The next visit finds the code filled in, and the citizen can clear it.
    let (_, html) = text(citizen.get(app.url("/track")).send().await.unwrap()).await;
    assert!(html.contains(&format!("value=\"{code}\"")), "the remembered code is filled in");
    assert!(html.contains("清除本机记录"));
    let resp = citizen.post(app.url("/track/forget")).send().await.unwrap();
    let (_, html) = text(resp).await;
    assert!(html.contains("已清除本机记录") && !html.contains(&format!("value=\"{code}\"")), "forgotten");

    // Replied: one tap on a button rates it, and the rating is shown afterwards.
    let clerk = app.user("clerk", "unit_clerk", Some(&unit)).await;
    for body in [json!({"action": "sign"}), json!({"action": "reply", "answer": "已修复"})] {
        app.send(&clerk, reqwest::Method::POST, &act, Some(body)).await.expect(200);
    }
    let (_, html) = text(citizen.get(app.url(&track)).send().await.unwrap()).await;
    assert!(html.contains("data-step=\"replied\" data-status=\"current\""));
    assert!(!html.contains("id=\"reply-due\""), "nothing is due once replied");
    for level in ["very_satisfied", "satisfied", "basically_satisfied", "unsatisfied", "very_unsatisfied"] {
        assert!(html.contains(&format!("name=\"satisfaction\" value=\"{level}\"")), "a button for {level}");
    }
    assert!(!html.contains("<select id=\"f-satisfaction\""), "no dropdown");
    let form = [("code", code.as_str()), ("phone_tail", "5678"), ("satisfaction", "basically_satisfied")];
    let (_, html) = text(citizen.post(app.url("/track/rating")).form(&form).send().await.unwrap()).await;
    assert!(html.contains("data-satisfaction=\"basically_satisfied\"") && html.contains("您的评价：<strong>基本满意"));
    assert!(html.contains("data-step=\"rated\" data-status=\"current\"") && !html.contains("id=\"rating\""));
}

async fn a_declined_case_stops_at_its_second_step(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (code, case) = submit(&app, "13812340000").await;
    app.post(&format!("/api/v1/cases/{case}/transitions"), json!({"action": "decline", "reason": "不属于受理范围"}))
        .await
        .expect(200);
    let (_, html) =
        text(Client::new().get(app.url(&format!("/track?code={code}&phone_tail=0000&lang=en"))).send().await.unwrap())
            .await;
    assert!(html.contains("data-step=\"accepted\" data-status=\"stopped\""));
    assert!(!html.contains("id=\"reply-due\""));
}

async fn the_directory_lists_units_with_public_contacts_by_district(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let district = app.unit("蔡甸区", None).await;
    let dept = app.post("/api/v1/units", json!({"name": "区民政局", "parent_id": district})).await.expect(201).id();
    let unit = json!({"name": "婚姻登记服务中心", "parent_id": dept, "complaint_phone": "027-84941234"});
    app.post("/api/v1/units", unit).await.expect(201);
    let unit = json!({"name": "西城街道办事处", "complaint_phone": "0574-65551234", "mailbox": "xc@example.gov.cn"});
    app.post("/api/v1/units", unit).await.expect(201);
    app.unit("无电话的科室", Some(&district)).await;

    let (status, html) = text(Client::new().get(app.url("/directory")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(html.find("role=\"search\"").unwrap() < html.find("id=\"directory-count\"").unwrap(), "search first");
    assert!(html.contains("data-count=\"2\""), "only the units with public contacts");
    assert!(!html.contains("无电话的科室") && !html.contains("card-title\">区民政局<"));
    let caidian = &html[html.find("data-district=\"蔡甸区\"").expect("grouped under the district")..];
    assert!(caidian.contains("婚姻登记服务中心") && caidian.contains("href=\"tel:027-84941234\""));
    assert!(html.contains("data-district=\"西城街道办事处\"") && html.contains("mailto:xc@example.gov.cn"));
    assert!(html.contains("class=\"list cards\""), "cards on a phone");
    let (_, html) = text(Client::new().get(app.url("/directory?q=婚姻")).send().await.unwrap()).await;
    assert!(html.contains("data-count=\"1\"") && !html.contains("西城街道办事处"));

    // The board: cards with the state and the light as badges.
    let p = json!({"description": "窗口排长队", "unit_id": dept, "deadline": "2030-01-31", "published": true});
    app.problem(p).await;
    let (_, html) = text(Client::new().get(app.url("/board")).send().await.unwrap()).await;
    assert!(html.contains("class=\"list cards\"") && html.contains("<span class=\"badge state-open\">待整改</span>"));
    assert!(html.contains("data-light=\"green\""));
}

async fn form_errors_name_the_fields_in_plain_chinese(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    // The form: no content, a phone of 5 digits.
    let form =
        Form::new().text("type", "complaint").text("title", "路灯不亮").text("content", "").text("phone", "12345");
    let (status, html) =
        text(Client::new().post(app.url("/submit?lang=zh")).multipart(form).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = "请修改以下2处：请填写具体内容；手机号码格式不正确，应为11位手机号码或带区号的固定电话。";
    assert!(html.contains(summary), "{html}");
    assert!(html.contains("<a href=\"#f-content\">请填写具体内容</a>"), "the summary links each field");
    for english in ["content, phone", "a mobile", "以下字段有误"] {
        assert!(!html.contains(english), "{english} in the Chinese page");
    }
    // The API says the same to a Chinese caller, and words it in English for others.
    let form = Form::new().text("type", "complaint").text("content", "").text("phone", "12345");
    let resp = Client::new()
        .post(app.url("/api/v1/cases"))
        .header("Accept-Language", "zh-CN")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["detail"], summary);
    let form = Form::new().text("type", "complaint").text("content", "").text("phone", "12345");
    let body: serde_json::Value =
        Client::new().post(app.url("/api/v1/cases")).multipart(form).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        body["detail"],
        "Please correct 2 field(s): What happened is required; Mobile phone must be a mobile or landline phone number."
    );
}

on_both!(
    form_errors_name_the_fields_in_plain_chinese,
    the_tracking_page_shows_progress_what_was_sent_and_takes_a_rating,
    a_declined_case_stops_at_its_second_step,
    the_directory_lists_units_with_public_contacts_by_district,
);
