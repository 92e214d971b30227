//! The public transparency record, on both databases: a covert round shows nothing before it
//! ends and its seed and evidence after; unended draws' evidence is 404; evidence that would
//! name a running covert round's targets waits for its end; re-inspections likewise; the audit
//! head is published once a China day and only when the chain grew; and a chain rewritten after
//! a head was published fails against it.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::{TestApp, TextOf, monday};
use rectify_domain::audit::{BreakReason, Fields, Publication, entry_hash, parse_heads};
use rectify_domain::inspection::{DrawEvidence, SampleEvidence, commitment};
use rectify_store::Backend;
use rectify_store::db::Q;
use rectify_store::on_both;
use reqwest::Client;
use serde_json::{Value, json};

/// Six supervisors of the office and eight units of a district, as pools.
async fn pools(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let district = app.unit("安宁区", None).await;
    let office = app.unit("区作风办", Some(&district)).await;
    let mut units = Vec::new();
    for name in ["区财政局", "区教育局", "区卫健局", "区民政局", "区住建局", "区交通局", "区市场监管局", "区医保局"]
    {
        units.push(app.unit(name, Some(&district)).await);
    }
    let mut people = Vec::new();
    for i in 0..6 {
        let body = json!({"name": format!("督查员{i}"), "kind": "supervisor", "unit_id": office});
        people.push(app.post("/api/v1/people", body).await.expect(201).id());
    }
    (people, units)
}

async fn plan(app: &TestApp, name: &str, covert: bool, pools: &(Vec<String>, Vec<String>)) -> String {
    let body = json!({
        "name": name, "rhythm": "weekly", "theme": "上下班纪律", "checklist": ["是否按时到岗"],
        "starts_on": "2026-03-01", "ends_on": "2026-03-31",
        "groups": 1, "inspectors_per_group": 2, "targets_per_group": 2, "no_repeat_rounds": 3,
        "covert": covert, "inspector_ids": pools.0, "target_unit_ids": pools.1,
    });
    app.post("/api/v1/inspection-plans", body).await.expect(201).id()
}

async fn round(app: &TestApp, plan: &str, drawn: bool) -> Value {
    let r = app.post(&format!("/api/v1/inspection-plans/{plan}/rounds"), json!({})).await.expect(201).body;
    if !drawn {
        return r;
    }
    app.post(&format!("/api/v1/rounds/{}/draw", r["id"].as_str().unwrap()), json!({})).await.expect(200).body
}

/// What the public gets: the page, the API's record, an evidence download's status and body.
struct Public(Client);

impl Public {
    fn new() -> Public {
        Public(Client::new())
    }

    async fn page(&self, app: &TestApp) -> String {
        self.0.get(app.url("/transparency")).text_of().await
    }

    async fn record(&self, app: &TestApp) -> Value {
        TestApp::reply(self.0.get(app.url("/api/v1/transparency")).send().await.unwrap()).await.ok()
    }

    async fn get(&self, app: &TestApp, path: &str) -> (u16, String) {
        let r = self.0.get(app.url(path)).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }
}

fn listed(record: &Value, list: &str) -> Vec<Value> {
    record[list]["items"].as_array().cloned().unwrap_or_default()
}

async fn a_covert_round_is_public_only_once_it_ends(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let p = pools(&app).await;
    let covert_plan = plan(&app, "三月暗访行动", true, &p).await;
    let overt_plan = plan(&app, "三月公开检查", false, &p).await;
    let covert = round(&app, &covert_plan, true).await;
    let cid = covert["id"].as_str().unwrap().to_owned();
    let secret_commitment = covert["seed_commitment"].as_str().unwrap().to_owned();
    let overt = round(&app, &overt_plan, false).await;
    let oid = overt["id"].as_str().unwrap().to_owned();
    let public = Public::new();

    // Before its end: nothing of the covert round, not even that it exists.
    let page = public.page(&app).await;
    assert!(page.contains("三月公开检查") && page.contains(overt["seed_commitment"].as_str().unwrap()));
    for secret in ["三月暗访行动", secret_commitment.as_str(), covert["snapshot_digest"].as_str().unwrap()] {
        assert!(!page.contains(secret), "the page shows {secret} of a running covert round");
    }
    let record = public.record(&app).await;
    let rounds = listed(&record, "rounds");
    assert_eq!(rounds.len(), 1, "only the overt round: {record}");
    assert_eq!(rounds[0]["id"], oid.as_str());
    // An overt round before its end: the commitment only.
    assert_eq!(rounds[0]["seed_commitment"], overt["seed_commitment"]);
    assert!(rounds[0]["seed"].is_null() && rounds[0]["snapshot_digest"].is_null());
    assert_eq!(rounds[0]["evidence"], false);
    assert!(!record.to_string().contains(&secret_commitment));
    // Evidence of a round not ended is not found, exactly as a round that does not exist.
    let detail = |body: &str| serde_json::from_str::<Value>(body).unwrap()["detail"].as_str().unwrap().to_owned();
    let missing = detail(&public.get(&app, "/api/v1/transparency/rounds/999999/evidence").await.1);
    for id in [&cid, &oid] {
        assert_eq!(public.get(&app, &format!("/transparency/rounds/{id}/evidence.json")).await.0, 404);
        let (status, body) = public.get(&app, &format!("/api/v1/transparency/rounds/{id}/evidence")).await;
        assert_eq!(status, 404);
        assert_eq!(detail(&body).replace(id.as_str(), "999999"), missing, "a hidden round answers like none");
    }

    // Once ended: its commitment, its seed (whose SHA-256 is the commitment) and its evidence.
    let ended = app.post(&format!("/api/v1/rounds/{cid}/end"), json!({})).await.expect(200).body;
    let seed = ended["seed"].as_str().unwrap().to_owned();
    assert_eq!(commitment(seed.as_bytes()), secret_commitment);
    let page = public.page(&app).await;
    assert!(page.contains("三月暗访行动") && page.contains(&secret_commitment) && page.contains(&seed));
    assert!(page.contains(&format!("/transparency/rounds/{cid}/evidence.json")));
    let record = public.record(&app).await;
    let shown = listed(&record, "rounds").into_iter().find(|r| r["id"] == cid.as_str()).unwrap();
    assert_eq!((shown["covert"].clone(), shown["seed"].clone()), (json!(true), json!(seed)));
    assert_eq!(shown["snapshot_digest"], covert["snapshot_digest"]);
    assert_eq!(shown["evidence"], true);
    let r = public.0.get(app.url(&format!("/transparency/rounds/{cid}/evidence.json"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let file = r.text().await.unwrap();
    let evidence: DrawEvidence = serde_json::from_str(&file).unwrap();
    assert!(evidence.verify().verified, "the saved file re-checks without Rectify");
    assert_eq!(evidence.seed.as_deref(), Some(seed.as_str()));
    // Ids only: no one's name or phone is in it.
    assert!(!file.contains("督查员") && !file.contains("区财政局"));
    let api: DrawEvidence =
        serde_json::from_str(&public.get(&app, &format!("/api/v1/transparency/rounds/{cid}/evidence")).await.1)
            .unwrap();
    assert_eq!(api, evidence);
}

async fn evidence_waits_for_a_covert_round_drawn_before_it(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let p = pools(&app).await;
    let covert_plan = plan(&app, "暗访", true, &p).await;
    let overt_plan = plan(&app, "公开检查", false, &p).await;
    let covert = round(&app, &covert_plan, true).await;
    let cid = covert["id"].as_str().unwrap().to_owned();
    // Committed after the covert draw: its snapshot holds the covert round's pairs (no repeats).
    let overt = round(&app, &overt_plan, true).await;
    let oid = overt["id"].as_str().unwrap().to_owned();
    app.post(&format!("/api/v1/rounds/{oid}/end"), json!({})).await.expect(200);

    let public = Public::new();
    let shown = listed(&public.record(&app).await, "rounds").into_iter().find(|r| r["id"] == oid.as_str()).unwrap();
    assert!(shown["seed"].is_string(), "the seed of an ended round is public");
    assert_eq!(shown["evidence"], false, "its evidence waits");
    assert_eq!(public.get(&app, &format!("/transparency/rounds/{oid}/evidence.json")).await.0, 404);
    // Staff too: the office may not learn the covert targets from another round's snapshot.
    let held = app.get(&format!("/api/v1/rounds/{oid}/evidence")).await.expect(422);
    assert_eq!(held.body["errors"][0]["code"], "evidence_held", "{}", held.body);
    assert_eq!(app.get(&format!("/api/v1/rounds/{oid}/verify")).await.ok()["verified"], true, "the verdict is given");

    app.post(&format!("/api/v1/rounds/{cid}/end"), json!({})).await.expect(200);
    let (status, file) = public.get(&app, &format!("/transparency/rounds/{oid}/evidence.json")).await;
    assert_eq!(status, 200);
    let evidence: DrawEvidence = serde_json::from_str(&file).unwrap();
    assert!(!evidence.snapshot.recent_pairs.is_empty(), "the pairs it held back");
    assert!(evidence.verify().verified);
    app.get(&format!("/api/v1/rounds/{oid}/evidence")).await.ok();
}

async fn a_reinspection_shows_its_commitment_then_its_evidence(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let unit = app.unit("区财政局", None).await;
    for i in 0..2 {
        let made = app.problem(json!({"description": format!("问题{i}"), "unit_id": unit})).await;
        app.close_off(made["id"].as_str().unwrap()).await;
    }
    let body =
        json!({"name": "三月整改回头看", "closed_from": "2026-03-01", "closed_to": "2026-03-31", "share_percent": 50});
    let id = app.post("/api/v1/reinspections", body).await.expect(201).id();
    let drawn = app.post(&format!("/api/v1/reinspections/{id}/draw"), json!({})).await.expect(200).body;
    let public = Public::new();
    let shown = listed(&public.record(&app).await, "reinspections");
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0]["seed_commitment"], drawn["seed_commitment"]);
    assert!(shown[0]["seed"].is_null() && shown[0]["population_digest"].is_null());
    assert_eq!(public.get(&app, &format!("/transparency/reinspections/{id}/evidence.json")).await.0, 404);

    let problem = drawn["items"][0]["problem_id"].clone();
    let body = json!({"problem_id": problem, "outcome": "passed", "note": "窗口已有人值守"});
    let done = app.post(&format!("/api/v1/reinspections/{id}/checks"), body).await.expect(200).body;
    assert_eq!(done["status"], "ended");
    let shown = listed(&public.record(&app).await, "reinspections");
    assert_eq!(shown[0]["seed"], done["seed"]);
    assert_eq!(shown[0]["evidence"], true);
    assert!(shown[0]["ended_at"].is_string());
    let (status, file) = public.get(&app, &format!("/transparency/reinspections/{id}/evidence.json")).await;
    assert_eq!(status, 200);
    assert!(!file.contains("窗口已有人值守"), "check notes are not evidence");
    let evidence: SampleEvidence = serde_json::from_str(&file).unwrap();
    let sampled: rectify_domain::ids::ProblemId = serde_json::from_value(problem).unwrap();
    assert_eq!(evidence.sample, [sampled]);
    assert!(evidence.verify().verified);
    assert!(public.page(&app).await.contains("三月整改回头看"));
}

async fn the_head_is_published_once_a_day_when_the_chain_grew(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let audit = app.store.audit();
    let Publication::Publish(first) = audit.publish_head().await.unwrap() else {
        panic!("the first head is published")
    };
    assert_eq!(first.published_on.to_string(), "2026-03-02");
    assert_eq!(audit.audit_head().await.unwrap(), Some((first.seq, first.hash.clone())));
    app.unit("区城管局", None).await;
    assert_eq!(audit.publish_head().await.unwrap(), Publication::AlreadyToday(first.clone()), "once a day");

    // Tuesday 00:30 China time: the chain grew on Monday, so Tuesday has a head; Wednesday, with
    // nothing new, has none.
    let tuesday = Utc.with_ymd_and_hms(2026, 3, 2, 16, 30, 0).unwrap();
    app.clock.set(tuesday);
    // Several instances at once publish one head.
    let tries = futures::future::join_all((0..4).map(|_| audit.publish_head())).await;
    let published: Vec<_> =
        tries.into_iter().map(Result::unwrap).filter(|p| matches!(p, Publication::Publish(_))).collect();
    assert_eq!(published.len(), 1, "one head a day whoever publishes it");
    let Publication::Publish(second) = &published[0] else { unreachable!() };
    assert_eq!(second.published_on.to_string(), "2026-03-03");
    assert!(second.seq > first.seq);
    app.clock.set(tuesday + Duration::days(1));
    assert_eq!(audit.publish_head().await.unwrap(), Publication::Unchanged(second.clone()));
    assert_eq!(app.count_rows("published_heads").await, 2);

    // Public, newest first, on the page, in the API and as the file `audit verify --heads` reads.
    let public = Public::new();
    let heads = listed(&public.record(&app).await, "heads");
    assert_eq!(heads.iter().map(|h| h["seq"].as_i64().unwrap()).collect::<Vec<_>>(), [second.seq, first.seq]);
    let page = public.page(&app).await;
    assert!(page.contains(&first.hash) && page.contains(&second.hash) && page.contains("2026-03-03"));
    let (status, text) = public.get(&app, "/transparency/audit-heads.txt").await;
    assert_eq!(status, 200);
    assert_eq!(parse_heads(&text).unwrap(), vec![first.head(), second.head()]);
    // The heads chain verifies against them.
    let report = audit.verify_audit(Vec::new()).await.unwrap();
    assert_eq!((report.broken, report.heads), (None, 2));
}

/// Rewrites the chain from entry `from` on as someone with database access would: `actor`
/// changed there and every later hash recomputed, so that the chain alone is consistent.
async fn rewrite_chain(app: &TestApp, from: i64) {
    let db = app.store.db();
    let heads: Vec<(i64, String, String, String)> =
        db.fetch_all(Q::new("SELECT seq, at, actor, kind FROM audit_log ORDER BY seq")).await.unwrap();
    let tails: Vec<(i64, String, String, String)> =
        db.fetch_all(Q::new("SELECT seq, subject, action, payload FROM audit_log ORDER BY seq")).await.unwrap();
    let mut prev = rectify_domain::audit::GENESIS.to_owned();
    let mut rewritten = Vec::new();
    for ((seq, at, actor, kind), (_, subject, action, payload)) in heads.into_iter().zip(tails) {
        let actor = if seq == from { "someone else".to_owned() } else { actor };
        let f =
            Fields { seq, at: &at, actor: &actor, kind: &kind, subject: &subject, action: &action, payload: &payload };
        let hash = entry_hash(&prev, &f);
        if seq >= from {
            rewritten.push((seq, actor.clone(), prev.clone(), hash.clone()));
        }
        prev = hash;
    }
    app.store
        .db()
        .write(move |tx| {
            Box::pin(async move {
                for (seq, actor, prev, hash) in rewritten {
                    let q = Q::new("UPDATE audit_log SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
                        .bind(actor)
                        .bind(prev)
                        .bind(hash)
                        .bind(seq);
                    tx.conn().execute(q).await?;
                }
                Ok(())
            })
        })
        .await
        .unwrap();
}

async fn a_rewritten_chain_fails_against_the_published_heads(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    for name in ["区城管局", "区财政局", "区教育局"] {
        app.unit(name, None).await;
    }
    let Publication::Publish(head) = app.store.audit().publish_head().await.unwrap() else { panic!("published") };
    app.unit("区卫健局", None).await;
    assert_eq!(app.store.audit().verify_audit(Vec::new()).await.unwrap().broken, None);

    rewrite_chain(&app, 2).await;
    let report = app.store.audit().verify_audit(Vec::new()).await.unwrap();
    let broken = report.broken.expect("the rewritten chain fails");
    // Consistent on its own, it breaks only where a published head pins it.
    assert_eq!(broken.seq, head.seq);
    assert_eq!(broken.reason, BreakReason::HeadMismatch { expected: head.head() });
    assert!(
        broken.to_string().contains(&format!("the head published on 2026-03-02 ({} {})", head.seq, head.hash)),
        "{broken}"
    );
    // Nothing is published over a rewritten chain.
    app.clock.set(monday() + Duration::days(1));
    assert!(matches!(app.store.audit().publish_head().await.unwrap(), Publication::Diverged { .. }));
    assert_eq!(app.count_rows("published_heads").await, 1);
}

async fn the_page_is_in_both_languages(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let c = Client::new();
    let zh = c.get(app.url("/transparency")).text_of().await;
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("公开透明"));
    assert!(zh.contains("rectify draw verify --evidence") && zh.contains("rectify audit verify --heads"));
    let en = c.get(app.url("/transparency?lang=en")).text_of().await;
    assert!(en.contains("<html lang=\"en\">") && en.contains("How to re-check"));
    let home = c.get(app.url("/")).text_of().await;
    assert!(home.contains("href=\"/transparency\""), "the portal links to it");
    // A bad cursor: the page shows the first page, the API names the parameter.
    assert_eq!(c.get(app.url("/transparency?heads_cursor=junk")).send().await.unwrap().status(), 200);
    let r = TestApp::reply(c.get(app.url("/api/v1/transparency?heads_cursor=junk")).send().await.unwrap()).await;
    assert_eq!(r.expect(422).fields(), ["heads_cursor"]);
}

on_both!(
    a_covert_round_is_public_only_once_it_ends,
    evidence_waits_for_a_covert_round_drawn_before_it,
    a_reinspection_shows_its_commitment_then_its_evidence,
    the_head_is_published_once_a_day_when_the_chain_grew,
    a_rewritten_chain_fails_against_the_published_heads,
    the_page_is_in_both_languages,
);
