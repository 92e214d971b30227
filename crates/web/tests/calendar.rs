//! The working-day calendar and light settings over HTTP.

mod common;

use chrono::TimeZone;
use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use serde_json::json;

async fn shipped_years_and_deadline_arithmetic(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let years = app.get("/api/v1/calendar").await.ok();
    let listed: Vec<i64> = years.as_array().unwrap().iter().map(|y| y["year"].as_i64().unwrap()).collect();
    assert_eq!(listed, (2004..=2026).collect::<Vec<i64>>(), "the official calendars ship with Rectify");
    let y2026 = app.get("/api/v1/calendar/2026").await.ok();
    let spring = y2026["holidays"].as_array().unwrap().iter().find(|h| h["name"] == "春节").unwrap().clone();
    assert_eq!((spring["from"].as_str(), spring["to"].as_str()), (Some("2026-02-15"), Some("2026-02-23")));
    let workdays: Vec<&str> =
        y2026["workdays"].as_array().unwrap().iter().map(|w| w["date"].as_str().unwrap()).collect();
    for d in ["2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10"] {
        assert!(workdays.contains(&d), "{d}");
    }
    // Friday 13 Feb 2026 + 2 working days: Saturday 14th is worked, then the holiday to the 23rd.
    let d = app.get("/api/v1/calendar/deadline?from=2026-02-13&working_days=2").await.ok();
    assert_eq!((d["due"].as_str(), d["approximate"].as_bool()), (Some("2026-02-24"), Some(false)));
    let n = app.get("/api/v1/calendar/working-days?from=2026-09-30&to=2026-10-12").await.ok();
    assert_eq!(n["working_days"], 4, "Oct 8, 9, the make-up Saturday Oct 10, and Oct 12");
    // Outside the loaded years: weekends only, flagged.
    let far = app.get("/api/v1/calendar/deadline?from=2027-12-30&working_days=2").await.ok();
    assert_eq!((far["due"].as_str(), far["approximate"].as_bool()), (Some("2028-01-03"), Some(true)));
    for (q, field) in [
        ("from=2026-02-30&working_days=1", "from"),
        ("from=2026-02-01&working_days=-1", "working_days"),
        ("from=2026-02-01", "working_days"),
    ] {
        assert_eq!(app.get(&format!("/api/v1/calendar/deadline?{q}")).await.expect(422).fields(), [field], "{q}");
    }
    app.get("/api/v1/calendar/2031").await.expect(404);
}

async fn administrators_load_a_year(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let notice = json!({
        "year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知",
        "holidays": [{"name": "春节", "from": "2027-02-06", "to": "2027-02-12"}],
        "workdays": [{"name": "春节", "date": "2027-02-20"}]
    });
    for (body, field) in [
        (
            json!({"year": 2027, "holidays": [{"name": "春节", "from": "2027-02-12", "to": "2027-02-06"}]}),
            "holidays[0].to",
        ),
        (json!({"year": 2027, "workdays": [{"name": "x", "date": "2027-02-17"}]}), "workdays[0].date"),
        (
            json!({"year": 2027, "holidays": [{"name": "", "from": "2027-02-06", "to": "2027-02-06"}]}),
            "holidays[0].name",
        ),
        (
            json!({"year": 2027, "holidays": [{"name": "x", "from": "2029-02-06", "to": "2029-02-06"}]}),
            "holidays[0].from",
        ),
        (json!({"year": 2028}), "year"),
    ] {
        assert_eq!(app.put("/api/v1/calendar/2027", body.clone()).await.expect(422).fields(), [field], "{body}");
    }
    let loaded = app.put("/api/v1/calendar/2027", notice.clone()).await.ok();
    assert_eq!((loaded["holidays"].as_i64(), loaded["workdays"].as_i64()), (Some(7), Some(1)));
    // Deadlines use it at once: Friday 5 Feb 2027 + 1 working day skips the holiday.
    let d = app.get("/api/v1/calendar/deadline?from=2027-02-05&working_days=1").await.ok();
    assert_eq!((d["due"].as_str(), d["approximate"].as_bool()), (Some("2027-02-15"), Some(false)));
    // Loading again replaces the year.
    let replaced = app.put("/api/v1/calendar/2027", json!({"year": 2027, "holidays": []})).await.ok();
    assert_eq!(replaced["holidays"], 0);
    let clerk_unit = app.unit("区水务局", None).await;
    let clerk = app.user("clerk", "unit_clerk", Some(&clerk_unit)).await;
    app.send(&clerk, reqwest::Method::PUT, "/api/v1/calendar/2027", Some(notice)).await.expect(403);
}

async fn lights_follow_the_calendar_and_settings(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区人社局", None).await;
    // Friday 13 Feb 2026: the next working days are Sat 14, Tue 24, Wed 25 (春节 in between).
    app.clock.set(chrono::Utc.with_ymd_and_hms(2026, 2, 13, 2, 0, 0).unwrap());
    let p = app.problem(json!({"description": "春节前到期", "unit_id": unit, "deadline": "2026-02-25"})).await;
    assert_eq!(p["light"], "yellow", "three working days away across the holiday");
    let p2 = app.problem(json!({"description": "节后到期", "unit_id": unit, "deadline": "2026-02-26"})).await;
    assert_eq!(p2["light"], "green");
    assert_eq!(app.get("/api/v1/settings").await.ok()["yellow_working_days"], 3, "three working days by default");
    // With one day of warning, the first turns green too.
    let s = app.put("/api/v1/settings", json!({"yellow_working_days": 1})).await.ok();
    assert_eq!(s["yellow_working_days"], 1);
    assert_eq!(app.get(&format!("/api/v1/problems/{}", p["id"].as_str().unwrap())).await.ok()["light"], "green");
    assert_eq!(
        app.put("/api/v1/settings", json!({"yellow_working_days": 99})).await.expect(422).fields(),
        ["yellow_working_days"]
    );
    // Time passes: after the deadline it is red.
    app.clock.set(chrono::Utc.with_ymd_and_hms(2026, 2, 26, 2, 0, 0).unwrap());
    assert_eq!(app.get(&format!("/api/v1/problems/{}", p["id"].as_str().unwrap())).await.ok()["light"], "red");
}

on_both!(shipped_years_and_deadline_arithmetic, administrators_load_a_year, lights_follow_the_calendar_and_settings);
