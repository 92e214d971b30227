//! The audit chain under load: concurrent writers on both databases append one entry per change
//! and sign-in, and the chain still verifies (no fork, no gap).

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use serde_json::json;

async fn concurrent_writers_do_not_fork_the_chain(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区城管局", None).await;
    let writes = (0..32).map(|i| {
        let app = &app;
        let unit = unit.clone();
        async move {
            if i % 2 == 0 {
                app.post("/api/v1/problems", json!({"description": format!("并发问题{i}"), "unit_id": unit}))
                    .await
                    .ok();
            } else {
                let c = reqwest::Client::new();
                let body = json!({"content": format!("并发诉求{i}"), "type": "help", "channel": "web"});
                assert!(c.post(app.url("/api/v1/cases")).json(&body).send().await.unwrap().status().is_success());
            }
        }
    });
    futures::future::join_all(writes).await;

    let report = app.store.audit().verify_audit(Vec::new()).await.unwrap();
    assert_eq!(report.broken, None, "the chain verifies after concurrent writes");
    // One entry per history row, per case step and per sign-in: nothing written outside it.
    let expected =
        app.count_rows("history").await + app.count_rows("case_events").await + app.count_rows("sessions").await;
    assert_eq!(app.count_rows("audit_log").await, expected);
    assert_eq!(report.checked as i64, expected);
    let (seq, hash) = app.store.audit().audit_head().await.unwrap().unwrap();
    assert_eq!(report.head, Some((seq, hash)));
    assert_eq!(seq, expected, "numbered without gaps");
}

on_both!(concurrent_writers_do_not_fork_the_chain);
