//! Case figures reconcile: every count of `/api/v1/stats/cases`, for every grouping, equals a
//! recount of the cases from `/api/v1/cases` by the definitions in the API documentation.

mod common;

use chrono::TimeZone;
use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn date(ts: &Value) -> Option<String> {
    ts.as_str().map(|s| s[..10].to_owned())
}

/// The group a case falls in, by its JSON.
type GroupKey = fn(&Value) -> Option<String>;

/// The API's definitions, applied to one case.
fn recount(
    cases: &[Value],
    key: impl Fn(&Value) -> Option<String>,
    today: &str,
) -> BTreeMap<Option<String>, [u64; 14]> {
    let mut out: BTreeMap<Option<String>, [u64; 14]> = BTreeMap::new();
    for c in cases {
        let t = out.entry(key(c)).or_default();
        let state = c["state"].as_str().unwrap();
        let replied = !c["replied_at"].is_null();
        let sign_due = c["sign_due_on"].as_str();
        let due = c["due_on"].as_str();
        let signed = date(&c["signed_at"]);
        let replied_on = date(&c["replied_at"]);
        let sat = c["satisfaction"].as_str();
        let flags = [
            true,
            !c["accepted_at"].is_null(),
            state == "declined",
            !c["assigned_at"].is_null(),
            sign_due.is_some() && (signed.is_some() || (state == "assigned" && sign_due.unwrap() < today)),
            matches!((&signed, sign_due), (Some(s), Some(d)) if s.as_str() <= d),
            due.is_some() && (replied || (["assigned", "in_progress"].contains(&state) && due.unwrap() < today)),
            matches!((&replied_on, due), (Some(r), Some(d)) if r.as_str() <= d),
            replied,
            c["send_back_count"].as_i64().unwrap() > 0,
            c["reopen_count"].as_i64().unwrap() > 0,
            replied && c["visit_count"].as_i64().unwrap() > 0,
            replied && sat.is_some(),
            replied && sat.is_some_and(|s| ["very_satisfied", "satisfied", "basically_satisfied"].contains(&s)),
        ];
        for (i, f) in flags.iter().enumerate() {
            t[i] += u64::from(*f);
        }
    }
    out
}

const FIELDS: [&str; 14] = [
    "received",
    "accepted",
    "declined",
    "assigned",
    "sign_counted",
    "signed_on_time",
    "reply_counted",
    "replied_on_time",
    "replied",
    "sent_back",
    "reopened",
    "visited",
    "answered",
    "satisfied",
];

fn from_stats(stats: &Value) -> BTreeMap<Option<String>, [u64; 14]> {
    stats["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let mut t = [0u64; 14];
            for (i, f) in FIELDS.iter().enumerate() {
                t[i] = g[*f].as_u64().unwrap_or_else(|| panic!("{f} in {g}"));
            }
            (g["key"].as_str().map(str::to_owned), t)
        })
        .collect()
}

async fn case_figures_equal_a_recount(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let units = [app.unit("区城管局", None).await, app.unit("区水务局", None).await];
    let clerks =
        [app.user("a", "unit_clerk", Some(&units[0])).await, app.user("b", "unit_clerk", Some(&units[1])).await];
    let act = |who: usize, id: String, body: Value| {
        let client = if who == 9 { app.admin.clone() } else { clerks[who].clone() };
        let app = &app;
        async move { app.send(&client, Method::POST, &format!("/api/v1/cases/{id}/transitions"), Some(body)).await.ok() }
    };
    let channels = ["hotline", "email", "letter", "web"];
    let types = ["complaint", "consult", "report", "help"];
    let mut ids = Vec::new();
    for i in 0..16usize {
        let body = json!({"content": format!("诉求{i}"), "channel": channels[i % 4], "type": types[(i / 2) % 4], "phone": format!("1390000{i:04}")});
        ids.push(app.post("/api/v1/cases", body).await.expect(201).id());
    }
    // A spread of histories, some late: day 0 is Monday 2 March.
    for (i, id) in ids.iter().enumerate() {
        let u = i % 2;
        match i % 8 {
            0 => {
                act(9, id.clone(), json!({"action": "decline", "reason": "重复"})).await;
            }
            1 => {
                act(9, id.clone(), json!({"action": "accept"})).await;
            }
            _ => {
                act(9, id.clone(), json!({"action": "accept"})).await;
                act(9, id.clone(), json!({"action": "assign", "unit_id": units[u]})).await;
            }
        }
        if i % 8 == 3 {
            act(u, id.clone(), json!({"action": "send_back", "reason": "非本单位"})).await;
        }
        if [4, 5, 6, 7].contains(&(i % 8)) {
            act(u, id.clone(), json!({"action": "sign"})).await;
        }
        if [5, 6, 7].contains(&(i % 8)) {
            act(u, id.clone(), json!({"action": "reply", "answer": "已办理"})).await;
        }
        if i % 8 == 6 {
            act(9, id.clone(), json!({"action": "visit", "satisfaction": "satisfied", "method": "phone"})).await;
        }
        if i == 7 {
            act(9, id.clone(), json!({"action": "visit", "satisfaction": "unsatisfied", "method": "phone"})).await;
        }
        if i == 15 {
            act(9, id.clone(), json!({"action": "visit", "method": "unreachable"})).await;
        }
    }
    // Three weeks later: late signings and replies.
    app.travel(chrono::Utc.with_ymd_and_hms(2026, 3, 23, 2, 0, 0).unwrap()).await;
    for c in &clerks {
        let name = if std::ptr::eq(c, &clerks[0]) { "a" } else { "b" };
        app.relogin(c, name).await;
    }
    let late = ids[2].clone();
    act(0, late.clone(), json!({"action": "sign"})).await;
    act(0, late, json!({"action": "reply", "answer": "迟复"})).await;
    let cases = app.all("/api/v1/cases?limit=5").await;
    assert_eq!(cases.len(), 16);
    let today = "2026-03-23";
    let keys: [(&str, GroupKey); 4] = [
        ("unit", |c| c["unit_id"].as_str().map(str::to_owned)),
        ("channel", |c| c["channel"].as_str().map(str::to_owned)),
        ("type", |c| c["type"].as_str().map(str::to_owned)),
        ("month", |c| c["received_at"].as_str().map(|s| s[..7].to_owned())),
    ];
    for (by, key) in keys {
        let stats = app.get(&format!("/api/v1/stats/cases?group_by={by}")).await.ok();
        assert_eq!(from_stats(&stats), recount(&cases, key, today), "group_by={by}");
        assert_eq!(stats["received"], 16);
    }
    // Rates come from the counts.
    let stats = app.get("/api/v1/stats/cases?group_by=channel").await.ok();
    let rate = |p: &str, w: &str| {
        let (p, w) = (stats[p].as_u64().unwrap() as f64, stats[w].as_u64().unwrap() as f64);
        if w == 0.0 { 0.0 } else { (p / w * 10_000.0).round() / 10_000.0 }
    };
    assert_eq!(stats["replied_on_time_rate"].as_f64(), Some(rate("replied_on_time", "reply_counted")));
    assert_eq!(stats["satisfied_rate"].as_f64(), Some(rate("satisfied", "answered")));
    assert!(
        stats["reply_counted"].as_u64().unwrap() > stats["replied_on_time"].as_u64().unwrap(),
        "late and overdue cases count against"
    );
    // Filters.
    let hotline = app.get("/api/v1/stats/cases?group_by=type&channel=hotline").await.ok();
    assert_eq!(hotline["received"], 4);
    assert_eq!(app.get("/api/v1/stats/cases?group_by=colour").await.expect(422).fields(), ["group_by"]);
    let march = app.get("/api/v1/stats/cases?from=2026-03-01&to=2026-03-31").await.ok();
    assert_eq!(march["received"], 16);
    let feb = app.get("/api/v1/stats/cases?to=2026-02-28").await.ok();
    assert_eq!(feb["received"], 0);
    // The figures count the list behind them: every list filter, and a unit's own scope. (A text
    // filter reads the index, with `LIKE` for what it has not caught up with: compared once it
    // has, so the list and the figures read the same state.)
    app.indexed().await;
    for filter in ["reply_overdue=true", "sign_overdue=false&state=assigned,in_progress", "sent_back=true", "q=诉求1"]
    {
        let listed = app.all(&format!("/api/v1/cases?{filter}")).await;
        let mut units: Vec<Option<String>> = listed.iter().map(|c| c["unit_id"].as_str().map(str::to_owned)).collect();
        units.sort();
        units.dedup();
        let stats = app.get(&format!("/api/v1/stats/cases?group_by=unit&{filter}")).await.ok();
        assert_eq!(stats["received"].as_u64(), Some(listed.len() as u64), "{filter}");
        assert_eq!(
            from_stats(&stats),
            recount(&listed, |c| c["unit_id"].as_str().map(str::to_owned), today),
            "{filter}"
        );
    }
    let own = app.send(&clerks[1], Method::GET, "/api/v1/cases?limit=500", None).await.ok();
    let own = own["items"].as_array().unwrap().clone();
    assert!(!own.is_empty() && own.len() < 16);
    let stats = app.send(&clerks[1], Method::GET, "/api/v1/stats/cases?group_by=channel", None).await.ok();
    assert_eq!(stats["received"].as_u64(), Some(own.len() as u64), "a unit's figures cover its own cases");
    assert_eq!(from_stats(&stats), recount(&own, |c| c["channel"].as_str().map(str::to_owned), today));
}

on_both!(case_figures_equal_a_recount);
