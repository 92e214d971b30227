//! 宁海县人社局 (seed 001, “三突出三打造”): its 网上办事大厅 handled 116 items online; an applicant
//! uploads the materials, the bureau's offices pass the case along, and every step reaches the
//! applicant by SMS (a 异地定居 case took under thirty minutes). The demo holds thirty of its
//! online items and a dozen cases received online over the last weeks, replayed through the
//! service ledger's own use cases so that the outbox carries an SMS per step; the latest is
//! still in process.

use crate::catalog::{self, Area, Station};
use crate::hall::{Step, act, replay, working_day, working_days_before};
use crate::timeline::office_time;
use crate::{Demo, DemoError, names};
use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rectify_domain::actor::{Actor, Role};
use rectify_domain::ids::UnitId;
use rectify_domain::service::online::NewOnlineApplication;
use rectify_domain::service::record::{NewServiceCase, ServiceChannel, ServiceTransitionRequest};
use rectify_domain::unit::UnitKind;
use std::collections::HashSet;

const ITEMS: &str = include_str!("../data/ninghai-renshe.tsv");

/// The items applied for online, oldest first; the last is still in process.
const CASES: [&str; 12] = [
    "退休人员异地定居备案",
    "企业职工参保登记",
    "养老保险缴费凭证开具",
    "失业登记",
    "城乡居民养老保险待遇申领",
    "高校毕业生报到登记",
    "丧葬费和抚恤金申领",
    "失业保险金申领",
    "劳动合同备案",
    "人才引进落户证明开具",
    "就业困难人员社会保险补贴申领",
    "企业吸纳就业补贴申领",
];

pub async fn load(d: &mut Demo<'_>, county: UnitId) -> Result<(), DemoError> {
    let bureau = d.unit("县人社局", Some(county), UnitKind::Department, Some("人社")).await?;
    let area = Area {
        parent: bureau,
        kind: UnitKind::Station,
        system: Some("人社"),
        code: "NHRS",
        phone: "0574-6558",
        hours: "网上办事大厅全天受理，工作日 8:30—17:00 审核办理",
        seed: 20140601,
    };
    let stations = catalog::load(d, &area, ITEMS, &mut HashSet::new()).await?;
    let (steps, clerks) = plan(d, &stations).await?;
    replay(d.store, &clerks, steps).await?;
    d.summary.service_cases += CASES.len();
    waiting(d, &stations).await
}

/// Applied for online this morning, waiting for the pre-check (网上申报待预审).
const WAITING: [(&str, &str); 3] = [
    ("失业登记", "单位解除劳动合同后办理失业登记"),
    ("企业职工参保登记", "新入职员工参保"),
    ("高校毕业生报到登记", "2026届毕业生回乡报到"),
];

async fn waiting(d: &mut Demo<'_>, stations: &[Station]) -> Result<(), DemoError> {
    let mut rng = StdRng::seed_from_u64(20140603);
    for (name, note) in WAITING {
        let Some((item, _)) = stations.iter().flat_map(|s| s.items.iter()).find(|(_, e)| e.name == name) else {
            return Err(DemoError::Data(format!("no online item {name}")));
        };
        let input = NewOnlineApplication {
            item_id: Some(*item),
            applicant_name: Some(names::person(&mut rng)),
            applicant_phone: Some(format!("139{:08}", rng.random_range(0..100_000_000u32))),
            note: Some(note.into()),
            attachment_ids: Vec::new(),
        };
        d.store.services().submit_application(input, Vec::new(), None).await?;
    }
    Ok(())
}

/// Each case's steps: received online, accepted within the half hour, the item's steps over its
/// promised days (three at most), done the working day before today at the latest; and the
/// clerk of the office that handles it.
async fn plan(
    d: &Demo<'_>,
    stations: &[Station],
) -> Result<(Vec<(DateTime<Utc>, usize, Step)>, Vec<Actor>), DemoError> {
    let mut rng = StdRng::seed_from_u64(20140602);
    let cal = d.store.reference().calendar().await?;
    let today = d.store.today();
    let (mut steps, mut clerks) = (Vec::new(), Vec::new());
    for (i, name) in CASES.iter().enumerate() {
        let (station, (item, entry)) = stations
            .iter()
            .flat_map(|s| s.items.iter().map(move |it| (s, it)))
            .find(|(_, (_, e))| e.name == *name)
            .ok_or_else(|| DemoError::Data(format!("no online item {name}")))?;
        let username = format!("{}网办", station.name);
        clerks.push(Actor { account_id: None, username, role: Role::UnitClerk, unit_id: Some(station.unit) });
        let open = i + 1 == CASES.len();
        let took = entry.limits.0.min(3);
        let back = if open { 1 } else { took + 1 + (CASES.len() - i) as u32 / 2 };
        let day = working_days_before(&cal, today, back);
        let minute = rng.random_range(0..300u32);
        let received = NewServiceCase {
            item_id: Some(*item),
            channel: Some(ServiceChannel::Online),
            applicant_name: Some(names::person(&mut rng)),
            applicant_phone: Some(format!("138{:08}", rng.random_range(0..100_000_000u32))),
            note: None,
            responsible_id: Some(station.staff[i % station.staff.len()]),
        };
        steps.push((office_time(day, minute), i, Step::Receive(received)));
        steps.push((office_time(day, minute + 10), i, Step::Act(act("accept"))));
        let total = entry.steps.len() as u32;
        // The case in process has its first two steps recorded.
        let done = if open { 2 } else { total };
        for (k, step) in entry.steps.iter().take(done as usize).enumerate() {
            let k = k as u32;
            let on = working_day(&cal, day, took * (k + 1) / total);
            let at = if on == day { minute + 12 + k * 3 } else { 30 + k * 40 };
            let req = ServiceTransitionRequest { step: Some(step.clone()), ..act("record_step") };
            steps.push((office_time(on, at), i, Step::Act(req)));
        }
        if !open {
            let at = if took == 0 { minute + 25 } else { 400 };
            let req = ServiceTransitionRequest {
                result: Some("准予办理，决定书可在网上办事大厅下载".into()),
                ..act("complete")
            };
            steps.push((office_time(working_day(&cal, day, took), at), i, Step::Act(req)));
        }
    }
    Ok((steps, clerks))
}
