//! Government services at scale (issue 19): a catalog of 10,000 items and a service ledger of a
//! million cases; recording a step of a case over HTTP (16 clients) against the session
//! baseline in the same run, the service figures by unit and by month, and the public catalog
//! search.

use super::{Latencies, Req, load, ms};
use crate::Failure;
use rectify_domain::actor::{Actor, Role};
use rectify_domain::ids::{PersonId, UnitId};
use rectify_domain::person::PersonKind;
use rectify_domain::service::record::{NewServiceCase, ServiceChannel, ServiceTransitionRequest};
use rectify_store::Store;
use rectify_store::accounts::NewToken;
use std::time::Instant;

/// What the services section is told.
pub struct Setup<'a> {
    pub store: &'a Store,
    pub units: &'a [UnitId],
    pub cases: usize,
    pub items: usize,
    /// Requests per concurrency level.
    pub requests: usize,
    pub concurrency: &'a [usize],
    pub reads: usize,
    pub client: &'a reqwest::Client,
    pub base: &'a str,
    pub auth: &'a str,
}

/// Open cases the step runs cycle through (each request another, so clients do not collide).
const OPEN: usize = 2_000;
const SEARCHES: [&str; 6] = ["社会保障卡", "营业执照", "补办", "不动产登记", "公积金", "出入境"];

pub async fn measure(s: Setup<'_>) -> Result<(), Failure> {
    let system = Actor::system();
    println!("\n## Government services: {} items, {} service cases\n", s.items, s.cases);
    let t = Instant::now();
    let items = s.store.services().insert_synthetic_items(s.units, s.items, 19).await?;
    let mut people: Vec<PersonId> = Vec::new();
    for (i, unit) in s.units.iter().take(20).enumerate() {
        let input = rectify_domain::person::NewPerson {
            name: Some(format!("窗口人员{i:02}")),
            kind: Some(PersonKind::Staff),
            unit_id: Some(*unit),
            ..Default::default()
        };
        people.push(s.store.directory().create_person(&system, input, None).await?.value.id);
    }
    s.store.services().insert_synthetic_service_cases(&items, &people, s.cases, 19).await?;
    s.store.ledger().analyze().await?;
    println!("loaded in {:.1} s\n", t.elapsed().as_secs_f64());

    // Cases in process at one unit, worked by that unit's clerk (the office does not handle them).
    let (item, unit, _) = items[0];
    let clerk = Actor { account_id: None, username: "bench-window".into(), role: Role::UnitClerk, unit_id: Some(unit) };
    let officer = people[0];
    let mut open = Vec::with_capacity(OPEN);
    for n in 0..OPEN {
        let input = NewServiceCase {
            item_id: Some(item),
            channel: Some(ServiceChannel::Window),
            applicant_name: Some("基准测试".into()),
            applicant_phone: Some(format!("139{n:08}")),
            note: None,
            responsible_id: Some(officer),
        };
        let case = s.store.services().create_case(&clerk, input, None).await?.value;
        let accept = ServiceTransitionRequest { action: Some("accept".into()), ..Default::default() };
        s.store.services().transition_case(&clerk, case.id, accept).await?;
        open.push(case.id);
    }
    let token = s
        .store
        .accounts()
        .create_token(
            &system,
            NewToken { name: Some("bench window".into()), role: Some(Role::UnitClerk), unit_id: Some(unit) },
        )
        .await?
        .token;
    let window = format!("Bearer {token}");
    println!("| request | clients | requests | per second | p50 | p99 |");
    println!("|---|---|---|---|---|---|");
    let open = std::sync::Arc::new(open);
    for &c in s.concurrency {
        let r = load(s.client, s.base, &window, c, s.requests, |_| Req::Get("/api/v1/session".into())).await?;
        println!("| GET /api/v1/session (baseline) | {c} | {} | {:.0} | {} | {} |", s.requests, r.0, ms(r.1), ms(r.2));
        let baseline = r.0;
        let cases = open.clone();
        let r = load(s.client, s.base, &window, c, s.requests, move |n| {
            Req::Post(
                format!("/api/v1/service-cases/{}/transitions", cases[n % cases.len()]),
                serde_json::json!({"action": "record_visit"}),
            )
        })
        .await?;
        println!(
            "| POST /api/v1/service-cases/{{id}}/transitions (record_visit) | {c} | {} | {:.0} ({:.2} of the baseline) | {} | {} |",
            s.requests,
            r.0,
            r.0 / baseline,
            ms(r.1),
            ms(r.2)
        );
    }

    println!("\n| read | runs | p50 | p99 |");
    println!("|---|---|---|---|");
    for by in ["unit", "month", "item", "window"] {
        let runs = (s.reads / 10).max(5);
        let mut lat = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let r = s
                .client
                .get(format!("{}/api/v1/stats/services?group_by={by}", s.base))
                .header("authorization", s.auth)
                .send()
                .await
                .map_err(Failure::runtime)?;
            if !r.status().is_success() {
                return Err(Failure::Runtime(format!("stats by {by}: status {}", r.status())));
            }
            let _ = r.bytes().await;
            lat.push(t.elapsed());
        }
        let mut lat = Latencies(lat);
        println!(
            "| GET /api/v1/stats/services?group_by={by} | {runs} | {} | {} |",
            ms(lat.pct(0.5)),
            ms(lat.pct(0.99))
        );
    }
    let mut lat = Vec::with_capacity(s.reads);
    for n in 0..s.reads {
        let q = SEARCHES[n % SEARCHES.len()];
        let t = Instant::now();
        // The public's request: no credentials.
        let r = s.client.get(format!("{}/api/v1/services?q={q}", s.base)).send().await.map_err(Failure::runtime)?;
        if !r.status().is_success() {
            return Err(Failure::Runtime(format!("catalog search: status {}", r.status())));
        }
        let _ = r.bytes().await;
        lat.push(t.elapsed());
    }
    let mut lat = Latencies(lat);
    println!(
        "| GET /api/v1/services?q= (public catalog search, {} items) | {} | {} | {} |",
        s.items,
        s.reads,
        ms(lat.pct(0.5)),
        ms(lat.pct(0.99))
    );
    Ok(())
}
