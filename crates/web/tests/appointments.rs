//! Appointments and queue numbers (预约排号) over HTTP, on both databases: an item's slots on the
//! working days, a citizen booking without an account and hearing by SMS, every bad booking
//! named with nothing written, the last place under concurrent requests, cancellation by code
//! and phone tail, arrival issuing the window's gapless queue numbers and a service case, and
//! the public and staff pages without JavaScript.

mod common;

use chrono::{TimeZone, Utc};
use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::{Client, Method};
use serde_json::{Value, json};

/// A street's item taken by appointment at 3号窗口, with two slots a day, a clerk of the street
/// and the officer who receives at the window.
struct Hall {
    app: TestApp,
    item: String,
    officer: String,
    clerk: Client,
}

fn item(unit: &str, code: &str, window: &str, delivery: &str) -> Value {
    json!({
        "code": code, "name": format!("生育登记{code}"), "kind": "public", "unit_id": unit,
        "window": window, "place": "金东区行政服务中心一楼", "legal_limit_days": 20, "promised_limit_days": 1,
        "max_visits": 1, "delivery": delivery, "steps": ["受理", "办结"]
    })
}

async fn hall(backend: Backend) -> Option<Hall> {
    let app = TestApp::spawn(backend).await?;
    let street = app.unit("多湖街道", None).await;
    let item =
        app.post("/api/v1/services", item(&street, "JD-MZ-001", "3号窗口", "appointment")).await.expect(201).id();
    let slots = json!({"slots": [
        {"starts": "14:00", "ends": "15:00", "capacity": 3},
        {"starts": "09:00", "ends": "10:00", "capacity": 2}
    ]});
    app.put(&format!("/api/v1/appointments/items/{item}/slots"), slots).await.ok();
    let officer =
        app.post("/api/v1/people", json!({"name": "李红", "unit_id": street, "kind": "staff"})).await.expect(201).id();
    let clerk = app.user("dh_clerk", "unit_clerk", Some(&street)).await;
    Some(Hall { app, item, officer, clerk })
}

fn booking(item: &str, day: &str, slot: &str, phone: &str) -> Value {
    json!({"item_id": item, "day": day, "slot": slot, "name": "王秀英", "phone": phone})
}

async fn public(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> common::Reply {
    app.send(&Client::new(), method, path, body).await
}

/// The texts of the SMS with `subject`, as the outbox holds them.
async fn bodies(app: &TestApp, subject: &str) -> Vec<String> {
    let q =
        rectify_store::db::Q::new("SELECT body FROM outbox WHERE subject = $1 ORDER BY id").bind(subject.to_owned());
    app.store.db().fetch_all::<(String,)>(q).await.unwrap().into_iter().map(|r| r.0).collect()
}

async fn book(h: &Hall, day: &str, slot: &str, phone: &str) -> common::Reply {
    public(&h.app, Method::POST, "/api/v1/appointments", Some(booking(&h.item, day, slot, phone))).await
}

async fn a_citizen_books_a_slot_and_hears_by_sms(backend: Backend) {
    let Some(h) = hall(backend).await else { return };
    let app = &h.app;
    // Monday 10:00: today's 09:00 has begun; the next ten working days are open.
    let slots = public(app, Method::GET, &format!("/api/v1/appointments/items/{}/slots", h.item), None).await.ok();
    assert_eq!(slots["bookable"], true);
    assert_eq!(slots["slots"][0], json!({"starts": "09:00", "ends": "10:00", "capacity": 2}));
    let days = slots["days"].as_array().unwrap();
    assert_eq!(
        (days.len(), days[0]["day"].as_str(), days[9]["day"].as_str()),
        (10, Some("2026-03-02"), Some("2026-03-13"))
    );
    assert_eq!(
        (days[0]["slots"][0]["open"].as_bool(), days[0]["slots"][1]["open"].as_bool()),
        (Some(false), Some(true))
    );

    let made = book(&h, "2026-03-03", "09:00", "13912345678").await.expect(201).body;
    let code = made["code"].as_str().unwrap().to_owned();
    assert_eq!(
        (made["state"].as_str(), made["name"].as_str(), made["starts"].as_str(), made["window"].as_str()),
        (Some("booked"), Some("王**"), Some("09:00"), Some("3号窗口")),
        "{made}"
    );
    assert!(!made.to_string().contains("5678"), "nothing of the phone in the public answer: {made}");
    let narrowed = format!("/api/v1/appointments/items/{}/slots?from=2026-03-03&to=2026-03-03", h.item);
    let left = public(app, Method::GET, &narrowed, None).await.ok();
    assert_eq!((left["days"].as_array().unwrap().len(), left["days"][0]["slots"][0]["left"].as_u64()), (1, Some(1)));

    // The confirmation by SMS, with the code; the mobile sealed at rest.
    let outbox = app.all("/api/v1/outbox").await;
    let sms: Vec<&Value> = outbox.iter().filter(|n| n["subject"] == "预约成功").collect();
    assert_eq!(sms.len(), 1, "{outbox:?}");
    let body = bodies(app, "预约成功").await.remove(0);
    assert!(body.contains(&code) && body.contains("3月3日") && body.contains("09:00-10:00"), "{body}");
    assert_eq!(sms[0]["recipient"], "139****5678");
    let readable: i64 = app
        .store
        .db()
        .scalar(rectify_store::db::Q::new(
            "SELECT COUNT(*) FROM appointments WHERE phone LIKE '%5678%' OR name LIKE '%秀%' OR phone_index LIKE '%5678%'",
        ))
        .await
        .unwrap();
    assert_eq!(readable, 0, "the name and mobile are sealed at rest");

    // Looked up by code (any spelling of it); staff see it masked in the day's list.
    let found = public(app, Method::GET, &format!("/api/v1/appointments/booking/{}", code.to_lowercase()), None).await;
    assert_eq!(found.ok()["state"], "booked");
    public(app, Method::GET, "/api/v1/appointments/booking/ABCDE-23456", None).await.expect(404);
    let listed = app.send(&h.clerk, Method::GET, "/api/v1/appointments?day=2026-03-03", None).await.ok();
    assert_eq!(listed["items"][0]["phone"], "139****5678");
    assert_eq!(listed["items"][0]["name"], "王**");
}

async fn bad_bookings_are_named_and_nothing_is_written(backend: Backend) {
    let Some(h) = hall(backend).await else { return };
    let app = &h.app;
    let r = public(app, Method::POST, "/api/v1/appointments", Some(json!({"phone": "0579-82123456"}))).await;
    assert_eq!(r.expect(422).fields(), ["item_id", "day", "slot", "name", "phone"]);
    let window_only =
        app.post("/api/v1/services", item(&h.app.unit("孝顺镇", None).await, "XS-1", "1号窗口", "window")).await;
    let window_only = window_only.expect(201).id();
    let r = public(
        app,
        Method::POST,
        "/api/v1/appointments",
        Some(booking(&window_only, "2026-03-03", "09:00", "13900000001")),
    )
    .await;
    assert_eq!(r.expect(422).fields(), ["item_id"], "an item not open for appointments");
    for (day, slot, field) in [
        ("2026-03-02", "09:00", "slot"), // begun this morning
        ("2026-02-27", "09:00", "day"),  // gone by
        ("2026-03-07", "09:00", "day"),  // a Saturday
        ("2026-03-16", "09:00", "day"),  // beyond the ten working days
        ("2026-03-03", "11:00", "slot"), // not one of the item's slots
    ] {
        assert_eq!(book(&h, day, slot, "13900000002").await.expect(422).fields(), [field], "{day} {slot}");
    }
    // A full slot, and the same phone twice for the item.
    book(&h, "2026-03-03", "09:00", "13900000003").await.expect(201);
    book(&h, "2026-03-03", "09:00", "13900000004").await.expect(201);
    assert_eq!(book(&h, "2026-03-03", "09:00", "13900000005").await.expect(422).fields(), ["slot"]);
    assert_eq!(book(&h, "2026-03-04", "14:00", "13900000003").await.expect(422).fields(), ["phone"]);
    assert_eq!(app.count_rows("appointments").await, 2);
    assert_eq!(app.count_rows("outbox").await, 2, "one SMS per booking made, none for the refused");
    // Chinese words for a refusal.
    let r = Client::new()
        .post(app.url("/api/v1/appointments"))
        .header("accept-language", "zh-CN")
        .json(&booking(&h.item, "2026-03-03", "09:00", "13900000006"))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert!(body.to_string().contains("预约已满"), "{body}");

    // A holiday (劳动节) is refused; the make-up Saturday (调休) is a working day.
    app.travel(Utc.with_ymd_and_hms(2026, 4, 28, 2, 0, 0).unwrap()).await;
    assert_eq!(book(&h, "2026-05-04", "09:00", "13900000007").await.expect(422).fields(), ["day"]);
    book(&h, "2026-05-09", "09:00", "13900000007").await.expect(201);
    // Slots themselves: every bad one named, by staff of another unit refused.
    let bad = json!({"slots": [{"starts": "9点", "ends": "10:00", "capacity": 0}, {"starts": "11:00", "ends": "10:00", "capacity": 1}]});
    let r = app.put(&format!("/api/v1/appointments/items/{}/slots", h.item), bad).await.expect(422);
    assert_eq!(r.fields(), ["slots[0].starts", "slots[0].capacity", "slots[1].ends"]);
    app.relogin(&h.clerk, "dh_clerk").await;
    let other = app.user("xs_clerk", "unit_clerk", Some(&app.unit("曹宅镇", None).await)).await;
    let ok = json!({"slots": [{"starts": "09:00", "ends": "10:00", "capacity": 1}]});
    let path = format!("/api/v1/appointments/items/{}/slots", h.item);
    assert_eq!(app.send(&other, Method::PUT, &path, Some(ok.clone())).await.status.as_u16(), 403);
    assert_eq!(app.send(&h.clerk, Method::PUT, &path, Some(ok)).await.status.as_u16(), 200, "the unit's own staff");
}

async fn the_last_place_goes_to_one_request_only(backend: Backend) {
    let Some(h) = hall(backend).await else { return };
    let app = &h.app;
    // One place left of two; eight citizens ask for it at once.
    book(&h, "2026-03-05", "09:00", "13900000100").await.expect(201);
    let tries = (1..=8).map(|i| {
        let body = booking(&h.item, "2026-03-05", "09:00", &format!("1390000010{i}"));
        let url = app.url("/api/v1/appointments");
        async move { Client::new().post(url).json(&body).send().await.unwrap().status().as_u16() }
    });
    let answers = futures::future::join_all(tries).await;
    assert_eq!(answers.iter().filter(|s| **s == 201).count(), 1, "{answers:?}");
    assert!(answers.iter().all(|s| *s == 201 || *s == 422), "{answers:?}");
    assert_eq!(app.count_rows("appointments").await, 2);
    // The same phone twice at once for a slot with room: one booking.
    let twice = (0..4).map(|_| {
        let body = booking(&h.item, "2026-03-06", "14:00", "13900000200");
        let url = app.url("/api/v1/appointments");
        async move { Client::new().post(url).json(&body).send().await.unwrap().status().as_u16() }
    });
    let answers = futures::future::join_all(twice).await;
    assert_eq!(answers.iter().filter(|s| **s == 201).count(), 1, "{answers:?}");
}

async fn a_citizen_cancels_with_the_code_and_the_phone_tail(backend: Backend) {
    let Some(h) = hall(backend).await else { return };
    let app = &h.app;
    let code =
        book(&h, "2026-03-03", "09:00", "13912345678").await.expect(201).body["code"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/appointments/booking/{code}/cancel");
    public(app, Method::POST, &path, Some(json!({"phone_tail": "0000"}))).await.expect(404);
    assert_eq!(public(app, Method::POST, &path, Some(json!({}))).await.expect(422).fields(), ["phone_tail"]);
    let done = public(app, Method::POST, &path, Some(json!({"phone_tail": "5678", "reason": "临时有事"}))).await.ok();
    assert_eq!(done["state"], "cancelled");
    public(app, Method::POST, &path, Some(json!({"phone_tail": "5678"}))).await.expect(409);
    let outbox = app.all("/api/v1/outbox").await;
    assert!(outbox.iter().any(|n| n["subject"] == "预约已取消"));
    assert!(bodies(app, "预约已取消").await[0].contains(&code));
    // The place is free again, and the phone may book the item again.
    book(&h, "2026-03-03", "09:00", "13912345678").await.expect(201);
}

async fn arrival_issues_gapless_queue_numbers_and_a_service_case(backend: Backend) {
    let Some(h) = hall(backend).await else { return };
    let app = &h.app;
    let mut ids = Vec::new();
    for i in 0..3 {
        book(&h, "2026-03-02", "14:00", &format!("1380000000{i}")).await.expect(201);
    }
    let tomorrow = book(&h, "2026-03-03", "09:00", "13800000009").await.expect(201).body;
    let today = app.send(&h.clerk, Method::GET, "/api/v1/appointments", None).await.ok();
    for b in today["items"].as_array().unwrap() {
        ids.push(b["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 3);
    // All three at once: three numbers, none twice, none skipped.
    let (clerk, officer) = (&h.clerk, &h.officer);
    let arrivals = ids.iter().map(|id| {
        let path = format!("/api/v1/appointments/{id}/arrive");
        let body = json!({"responsible_id": officer});
        async move { app.send(clerk, Method::POST, &path, Some(body)).await }
    });
    let done = futures::future::join_all(arrivals).await;
    let mut numbers: Vec<String> =
        done.into_iter().map(|r| r.ok()["queue_number"].as_str().unwrap().to_owned()).collect();
    numbers.sort();
    assert_eq!(numbers, ["A001", "A002", "A003"]);
    let listed = app.send(&h.clerk, Method::GET, "/api/v1/appointments?state=arrived", None).await.ok();
    let first = &listed["items"][0];
    let case = app.get(&format!("/api/v1/service-cases/{}", first["service_case_id"].as_str().unwrap())).await.ok();
    assert_eq!(
        (case["channel"].as_str(), case["state"].as_str(), case["applicant_name"].as_str(), case["visits"].as_u64()),
        (Some("appointment"), Some("received"), Some("王**"), Some(1))
    );
    assert_eq!(case["responsible_id"].as_str(), Some(h.officer.as_str()));
    assert!(case["note"].as_str().unwrap().contains(first["queue_number"].as_str().unwrap()), "{case}");
    // Used bookings are neither arrived again nor cancelled; tomorrow's is not arrived today.
    let again = format!("/api/v1/appointments/{}/arrive", first["id"].as_str().unwrap());
    app.send(&h.clerk, Method::POST, &again, Some(json!({"responsible_id": h.officer}))).await.expect(409);
    let cancel = format!("/api/v1/appointments/{}/cancel", first["id"].as_str().unwrap());
    app.send(&h.clerk, Method::POST, &cancel, Some(json!({}))).await.expect(409);
    // The public answer carries no id: staff find tomorrow's booking in their list.
    assert_eq!(tomorrow["state"], "booked");
    let next = app.send(&h.clerk, Method::GET, "/api/v1/appointments?day=2026-03-03", None).await.ok();
    let path = format!("/api/v1/appointments/{}/arrive", next["items"][0]["id"].as_str().unwrap());
    let r = app.send(&h.clerk, Method::POST, &path, Some(json!({"responsible_id": h.officer}))).await.expect(422);
    assert_eq!(r.fields(), ["id"]);
    // The office cancels it; the citizen is told.
    let path = format!("/api/v1/appointments/{}/cancel", next["items"][0]["id"].as_str().unwrap());
    assert_eq!(app.post(&path, json!({"reason": "窗口临时调整"})).await.ok()["state"], "cancelled");
    // Another window counts from A001; a booking still booked after its slot is a no-show.
    let street = app.get(&format!("/api/v1/services/{}", h.item)).await.ok()["unit_id"].as_str().unwrap().to_owned();
    let second =
        app.post("/api/v1/services", item(&street, "JD-MZ-002", "4号窗口", "appointment")).await.expect(201).id();
    app.put(
        &format!("/api/v1/appointments/items/{second}/slots"),
        json!({"slots": [{"starts": "15:00", "ends": "16:00", "capacity": 2}]}),
    )
    .await
    .ok();
    for phone in ["13700000001", "13700000002"] {
        public(app, Method::POST, "/api/v1/appointments", Some(booking(&second, "2026-03-02", "15:00", phone)))
            .await
            .expect(201);
    }
    let fourth = app.send(&h.clerk, Method::GET, &format!("/api/v1/appointments?item={second}"), None).await.ok();
    let path = format!("/api/v1/appointments/{}/arrive", fourth["items"][0]["id"].as_str().unwrap());
    let r = app.send(&h.clerk, Method::POST, &path, Some(json!({"responsible_id": h.officer}))).await.ok();
    assert_eq!(r["queue_number"], "A001", "each window counts its own");
    app.travel(Utc.with_ymd_and_hms(2026, 3, 2, 8, 1, 0).unwrap()).await;
    app.relogin(&h.clerk, "dh_clerk").await;
    let late = app.send(&h.clerk, Method::GET, "/api/v1/appointments?state=no_show", None).await.ok();
    assert_eq!(late["items"].as_array().unwrap().len(), 1, "{late}");
    let r = app
        .send(
            &h.clerk,
            Method::POST,
            &format!("/api/v1/appointments/{}/arrive", late["items"][0]["id"].as_str().unwrap()),
            Some(json!({"responsible_id": h.officer})),
        )
        .await;
    r.expect(409);
    // Another unit's staff see none of it.
    let other = app.user("cz_clerk", "unit_clerk", Some(&app.unit("曹宅镇", None).await)).await;
    let theirs = app.send(&other, Method::GET, "/api/v1/appointments", None).await.ok();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0);
    assert_eq!(
        app.send(&other, Method::POST, &path, Some(json!({"responsible_id": h.officer}))).await.status.as_u16(),
        404
    );
}

async fn the_public_and_staff_pages_work_without_javascript(backend: Backend) {
    let Some(h) = hall(backend).await else { return };
    let app = &h.app;
    let citizen = Client::new();
    let card = citizen.get(app.url(&format!("/services/{}", h.item))).send().await.unwrap().text().await.unwrap();
    assert!(card.contains(&format!("href=\"/services/{}/book\"", h.item)) && card.contains("网上预约"), "{card}");
    let form = citizen.get(app.url(&format!("/services/{}/book", h.item))).send().await.unwrap().text().await.unwrap();
    assert!(
        form.contains("type=\"radio\" name=\"choice\" value=\"2026-03-03 09:00\"") && form.contains("余2个号"),
        "{form}"
    );
    assert!(form.contains("value=\"2026-03-02 09:00\" disabled"), "a slot begun is not offered: {form}");
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let url = app.url(&format!("/services/{}/book", h.item));
        let citizen = citizen.clone();
        async move {
            let r = citizen.post(url).form(&fields).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, html) = post(vec![("choice", "2026-03-03 09:00"), ("phone", "13912345678")]).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("id=\"err-name\"") && html.contains("value=\"13912345678\"") && html.contains("checked"),
        "{html}"
    );
    let (status, html) = post(vec![("choice", "2026-03-07 09:00"), ("name", "王秀英"), ("phone", "13912345678")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"err-slot\"") && html.contains("休息日"), "{html}");
    let (status, html) = post(vec![("choice", "2026-03-03 09:00"), ("name", "王秀英"), ("phone", "13912345678")]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("预约成功") && html.contains("王**") && !html.contains("13912345678"), "{html}");
    let start = html.find("id=\"booking-code\">").unwrap() + "id=\"booking-code\">".len();
    let code = html[start..start + 11].to_owned();
    // Looked up and cancelled by the code and the phone's last four digits.
    let page = citizen.get(app.url(&format!("/appointments?code={code}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已预约") && page.contains("id=\"cancel-form\""), "{page}");
    let cancel = |tail: &'static str| {
        let (citizen, url, code) = (citizen.clone(), app.url("/appointments/cancel"), code.clone());
        async move {
            let r = citizen.post(url).form(&[("code", code.as_str()), ("phone_tail", tail)]).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, html) = cancel("1111").await;
    assert_eq!(status, 422);
    assert!(html.contains("预约码与手机号码后四位不符"), "{html}");
    let (status, html) = cancel("5678").await;
    assert_eq!(status, 200);
    assert!(html.contains("data-state=\"cancelled\"") && html.contains("已取消"), "{html}");
    assert!(!html.contains("id=\"cancel-form\""), "{html}");
    // The staff page: today's bookings by window, and the arrive button.
    book(&h, "2026-03-02", "14:00", "13800000001").await.expect(201);
    let list = h.clerk.get(app.url("/app/appointments")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("3号窗口") && list.contains("data-action=\"arrive\"") && list.contains("李红"), "{list}");
    assert!(list.contains("data-label=\"时段\"") && list.contains("table class=\"list cards\""), "{list}");
    let token = common::hidden(&list, "_csrf");
    let id_at = list.find("data-booking=\"").unwrap() + "data-booking=\"".len();
    let id: String = list[id_at..].chars().take_while(|c| *c != '"').collect();
    let r = h
        .clerk
        .post(app.url(&format!("/app/appointments/{id}/arrive")))
        .form(&[("_csrf", token.as_str()), ("responsible_id", h.officer.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "followed to the list");
    let html = r.text().await.unwrap();
    assert!(html.contains("已发放排队号 A001") && html.contains("已到场取号"), "{html}");
    let english =
        citizen.get(app.url(&format!("/services/{}/book?lang=en", h.item))).send().await.unwrap().text().await;
    assert!(english.unwrap().contains("Book an appointment"));
}

/// 预约时段设置 on a page: the item's slots as rows with blank ones to add, a bad row named by
/// its cells with what was typed kept, then saved (a blank row removes a slot) and offered to
/// the public.
async fn staff_set_the_slots_on_a_page(backend: Backend) {
    let Some(h) = hall(backend).await else { return };
    let app = &h.app;
    let page = h.clerk.get(app.url("/app/appointment-slots")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("预约时段设置") && page.contains("JD-MZ-001"), "{page}");
    assert!(page.contains("value=\"09:00\"") && page.contains("value=\"14:00\""), "{page}");
    let token = common::hidden(&page, "_csrf");
    let save = |rows: Vec<[&'static str; 3]>| {
        let (clerk, url, token) =
            (h.clerk.clone(), app.url(&format!("/app/appointment-slots/{}", h.item)), token.clone());
        async move {
            let mut fields = vec![("_csrf", token.clone())];
            for [s, e, c] in rows {
                fields.extend([("starts", s.to_owned()), ("ends", e.to_owned()), ("capacity", c.to_owned())]);
            }
            let r = clerk.post(url).form(&fields).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, html) = save(vec![["08:30", "09:30", "4"], ["", "", ""], ["11:00", "10:00", "x"]]).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("value=\"11:00\"") && html.matches("class=\"field-error\"").count() >= 2, "{html}");
    let slots = format!("/api/v1/appointments/items/{}/slots", h.item);
    assert_eq!(public(app, Method::GET, &slots, None).await.ok()["slots"].as_array().map(Vec::len), Some(2));
    let (status, html) = save(vec![["08:30", "09:30", "4"], ["", "", ""], ["10:00", "11:00", "6"]]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("预约时段已保存"), "{html}");
    let now = public(app, Method::GET, &slots, None).await.ok();
    assert_eq!(
        now["slots"],
        json!([{"starts": "08:30", "ends": "09:30", "capacity": 4}, {"starts": "10:00", "ends": "11:00", "capacity": 6}])
    );
}

on_both!(
    staff_set_the_slots_on_a_page,
    a_citizen_books_a_slot_and_hears_by_sms,
    bad_bookings_are_named_and_nothing_is_written,
    the_last_place_goes_to_one_request_only,
    a_citizen_cancels_with_the_code_and_the_phone_tail,
    arrival_issues_gapless_queue_numbers_and_a_service_case,
    the_public_and_staff_pages_work_without_javascript,
);
